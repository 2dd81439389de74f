"""RSS feeds at /presse/feed/, /presse/feed/thema/<slug>/ and /presse/feed/projekt/<slug>/,
read with a real feed parser."""

import datetime
import time

import feedparser
import pytest
import time_machine
from django.core.files.storage import storages
from django.utils import timezone
from django.utils.http import http_date

from releases.models import PressRelease, Project, ReleaseImage, Topic

from .helpers import assert_german_404, count_queries

ALL = "/presse/feed/"


def topic_feed(topic):
    return f"/presse/feed/thema/{topic.slug}/"


def project_feed(project):
    return f"/presse/feed/projekt/{project.slug}/"


@pytest.fixture
def feed_url(topic, make_project):
    """The address of each feed, for a release made with `about` (its topic and project)."""
    project = make_project(name="Betriebsnachbarschaften")

    def url(feed):
        return {"all": ALL, "topic": topic_feed(topic), "project": project_feed(project)}[feed]

    url.about = {"topics": [topic], "project": project}
    return url


def release_about(make_release, about, **fields):
    release = make_release(topics=about["topics"], **fields)
    release.projects.set([about["project"]])
    return release


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception  # well-formed
    assert feed.version == "rss20"
    return feed


def entry_titles(feed):
    return [entry.title for entry in feed.entries]


def test_feed_of_all_releases_carries_what_a_reader_needs(client, helmstedt_release):
    release = helmstedt_release
    feed = parse(client, ALL)
    assert feed.feed.title == "Pressemitteilungen – Allianz für die Region"
    assert feed.feed.link == "http://testserver/presse/"
    assert feed.feed.language == "de"
    [entry] = feed.entries
    assert entry.title == "Abschluss in Helmstedt"
    assert entry.link == f"http://testserver{release.get_absolute_url()}"
    assert entry.summary == (
        "<p>Zwei Jahre lang haben Betriebe aus Schöningen zusammengearbeitet.</p>"
    )
    assert time.strftime("%Y-%m-%d %H:%M", entry.published_parsed) == "2022-03-28 08:00"  # UTC
    assert [tag.term for tag in entry.tags] == ["Fachkräftesicherung"]
    # The first image as enclosure, with an absolute address, its size and type.
    [enclosure] = entry.enclosures
    first = release.images.first()
    assert enclosure.href == f"http://testserver{first.get_absolute_url()}"
    assert enclosure.length == str(first.image.size)
    assert enclosure.type == "image/png"


def test_feed_lists_newest_first_and_at_most_thirty(client, make_release):
    start = datetime.date(2020, 1, 1)
    for day in range(35):
        make_release(title=f"Tag {day:02d}", release_date=start + datetime.timedelta(days=day))
    titles = entry_titles(parse(client, ALL))
    assert len(titles) == 30
    assert titles[0] == "Tag 34" and titles[-1] == "Tag 05"


def test_lead_is_text_in_the_feed_not_markup(client, make_release):
    make_release(lead='<script>alert("x")</script> Umsatz <5 Mio. & mehr')
    entry = parse(client, ALL).entries[0]
    assert entry.summary == (
        "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Umsatz &lt;5 Mio. &amp; mehr</p>"
    )


def test_feed_gives_the_image_size_without_asking_the_media_storage(
    client, make_release, monkeypatch
):
    image = make_release(images=1).images.get()
    stored_size = image.image.size
    storage = type(storages["default"])  # the class behind image.image.storage

    def no_storage_access(*args, **kwargs):
        raise AssertionError("the feed asked the media storage")

    for method in ["size", "exists", "open"]:
        monkeypatch.setattr(storage, method, no_storage_access)
    [entry] = parse(client, ALL).entries
    [enclosure] = entry.enclosures
    assert enclosure.length == str(stored_size)


def test_an_image_whose_file_was_gone_when_measured_gets_no_enclosure(client, make_release):
    kept = make_release(title="Mit Bild", images=1).images.get()
    gone = make_release(title="Datei fehlt", images=1).images.get()
    ReleaseImage.objects.filter(pk=gone.pk).update(size=None)  # its file was gone when saved
    make_release(title="Ohne Bild")
    # An image whose file is gone gets no enclosure rather than a broken one.
    enclosures = {entry.title: entry.enclosures for entry in parse(client, ALL).entries}
    assert enclosures["Datei fehlt"] == enclosures["Ohne Bild"] == []
    assert enclosures["Mit Bild"][0].length == str(kept.image.size)


def test_topic_feed_lists_only_that_topic(client, make_release, topic):
    other = Topic.objects.create(name="Regionalmarketing")
    make_release(title="Zum Thema", topics=[topic, other])
    make_release(title="Anderes Thema", topics=[other])
    make_release(title="Ohne Thema")
    feed = parse(client, topic_feed(topic))
    assert entry_titles(feed) == ["Zum Thema"]
    assert feed.feed.title == (
        "Pressemitteilungen, Thema Fachkräftesicherung – Allianz für die Region"
    )
    assert feed.feed.link == "http://testserver/presse/?thema=fachkraeftesicherung"


def test_unknown_topic_feed_is_a_german_404(client, db):
    assert_german_404(client.get("/presse/feed/thema/gibt-es-nicht/"))


def test_project_feed_lists_only_that_project(client, make_release, make_project):
    project = make_project(name="Betriebsnachbarschaften")
    other = make_project(name="Anderes Projekt")
    make_release(title="Zum Projekt").projects.set([project, other])
    make_release(title="Anderes Projekt").projects.set([other])
    make_release(title="Ohne Projekt")
    feed = parse(client, project_feed(project))
    assert entry_titles(feed) == ["Zum Projekt"]
    assert feed.feed.title == (
        "Pressemitteilungen, Projekt Betriebsnachbarschaften – Allianz für die Region"
    )
    assert feed.feed.link == "http://testserver/presse/?projekt=betriebsnachbarschaften"


def test_planned_project_has_no_feed(client, make_release, make_project):
    planned = make_project(name="Geheimes Vorhaben", status=Project.Status.PLANNED)
    make_release(title="Erwähnt es").projects.set([planned])
    assert client.get(project_feed(planned)).status_code == 404


FEEDS = ["all", "topic", "project"]


@pytest.mark.parametrize("feed", FEEDS)
def test_drafts_and_embargoed_releases_are_absent_from_the_feed(
    client, make_release, feed_url, feed
):
    release_about(make_release, feed_url.about, title="Öffentlich")
    release_about(
        make_release,
        feed_url.about,
        title="Entwurf",
        status=PressRelease.Status.DRAFT,
        publish_at=None,
        images=1,
    )
    release_about(
        make_release,
        feed_url.about,
        title="Unter Sperrfrist",
        publish_at=timezone.now() + datetime.timedelta(hours=2),
        images=1,
    )
    response = client.get(feed_url(feed))
    assert entry_titles(parse(client, feed_url(feed))) == ["Öffentlich"]
    assert b"Sperrfrist" not in response.content and b"Entwurf" not in response.content
    assert b"/media/" not in response.content  # no image of theirs either


@pytest.mark.parametrize("feed", FEEDS)
def test_embargoed_release_enters_the_feed_at_its_moment(client, make_release, feed_url, feed):
    moment = timezone.now() + datetime.timedelta(hours=2)
    release_about(make_release, feed_url.about, title="Unter Sperrfrist", publish_at=moment)
    if feed == "topic":  # nothing public has the topic yet: it is not public either
        assert_german_404(client.get(feed_url(feed)))
    else:
        assert entry_titles(parse(client, feed_url(feed))) == []
    with time_machine.travel(moment + datetime.timedelta(seconds=1)):
        assert entry_titles(parse(client, feed_url(feed))) == ["Unter Sperrfrist"]


def test_feed_queries_do_not_grow_with_releases(client, make_release, feed_url):
    def add(count):
        for _ in range(count):
            release_about(make_release, feed_url.about, images=2)

    def counts():
        return tuple(count_queries(client, feed_url(feed)) for feed in FEEDS)

    add(3)
    few = counts()
    add(30)
    # releases, their images, their topics; topic and project feed first look up their object
    assert few == counts() == (3, 4, 4)


def test_pages_announce_the_feeds(client, make_release, topic, make_project):
    project = make_project(name="Betriebsnachbarschaften")
    release = make_release(topics=[topic])
    release.projects.set([project])

    def announces(url, title, href):
        html = client.get(url).content.decode()
        head = html[: html.index("</head>")]
        link = f'<link rel="alternate" type="application/rss+xml" title="{title}" href="{href}">'
        return link in head

    everything = ("Pressemitteilungen – Allianz für die Region", "/presse/feed/")
    by_topic = (
        "Pressemitteilungen, Thema Fachkräftesicherung",
        "/presse/feed/thema/fachkraeftesicherung/",
    )
    by_project = (
        "Pressemitteilungen, Projekt Betriebsnachbarschaften",
        "/presse/feed/projekt/betriebsnachbarschaften/",
    )
    for url in ["/", "/presse/", "/presse/2022/", "/projekte/", release.get_absolute_url()]:
        assert announces(url, *everything), url
    assert announces("/presse/?thema=fachkraeftesicherung", *by_topic)
    assert announces("/presse/?projekt=betriebsnachbarschaften", *by_project)
    assert announces(project.get_absolute_url(), *by_project)
    assert announces(release.get_absolute_url(), *by_topic)
    assert announces(release.get_absolute_url(), *by_project)
    assert not announces("/presse/", *by_topic)
    # And visible links, for people rather than feed readers.
    archive = client.get("/presse/?thema=fachkraeftesicherung").content.decode()
    assert 'href="/presse/feed/thema/fachkraeftesicherung/" type="application/rss+xml"' in archive
    project_page = client.get(project.get_absolute_url()).content.decode()
    assert 'href="/presse/feed/projekt/betriebsnachbarschaften/" type="application/rss+xml"' in (
        project_page
    )


def test_feed_says_when_it_last_changed(client, make_release):
    """Last-Modified is the newest item's publication or change, so readers that ask with
    If-Modified-Since or the ETag get 304 Not Modified until a release appears or changes."""
    with time_machine.travel(timezone.make_aware(datetime.datetime(2024, 3, 1, 9)), tick=False):
        make_release(publish_at=timezone.now() - datetime.timedelta(days=2))
    with time_machine.travel(timezone.make_aware(datetime.datetime(2024, 3, 2, 9)), tick=False):
        make_release(publish_at=timezone.now() + datetime.timedelta(hours=3))
    with time_machine.travel(timezone.make_aware(datetime.datetime(2024, 3, 2, 10)), tick=False):
        response = client.get(ALL)
        # the release under embargo, saved later, does not count before its moment
        assert response["Last-Modified"] == "Fri, 01 Mar 2024 08:00:00 GMT"
        since = {"If-Modified-Since": response["Last-Modified"]}
        assert client.get(ALL, headers=since).status_code == 304
        assert client.get(ALL, headers={"If-None-Match": response["ETag"]}).status_code == 304
    with time_machine.travel(timezone.make_aware(datetime.datetime(2024, 3, 2, 13)), tick=False):
        response = client.get(ALL, headers=since)
        assert response.status_code == 200
        assert response["Last-Modified"] == "Sat, 02 Mar 2024 11:00:00 GMT"


def test_feed_body_is_one_piece_for_the_server_to_send(client, make_release):
    """The XML writer writes the feed in many small pieces; gunicorn sends a response's pieces
    one by one, so the feed joins them (a cached feed took 7 ms to send instead of under 1)."""
    topic = Topic.objects.create(name="Fachkräfte")
    for _ in range(3):
        make_release(topics=[topic])
    for url in ["/presse/feed/", f"/presse/feed/thema/{topic.slug}/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert len(list(response)) == 1, url


# --- Kept (releases.cache.remembered): by address, renewed by any save and at each moment -------


@pytest.fixture
def kept(settings):
    """The feeds' XML kept as in production."""
    settings.COUNTS_CACHE_SECONDS = 600


@pytest.mark.parametrize("count", [3, 30])
def test_feeds_cost_no_query_once_kept(client, make_release, feed_url, kept, count):
    for _ in range(count):
        release_about(make_release, feed_url.about, images=1)
    for feed in FEEDS:
        assert count_queries(client, feed_url(feed)) > 1
    # The topic's and the project's feed look up their object (public(): asked on every visit).
    assert tuple(count_queries(client, feed_url(feed)) for feed in FEEDS) == (0, 1, 1)
    assert len(parse(client, feed_url("topic")).entries) == count


def test_each_feed_is_kept_apart_by_its_address_and_host(
    client, make_release, topic, settings, kept
):
    settings.ALLOWED_HOSTS = ["testserver", "presse.example.de"]
    make_release(title="Zum Thema", topics=[topic])
    make_release(title="Ohne Thema")
    for _ in range(2):  # built, then kept
        everything = parse(client, ALL)
        by_topic = parse(client, topic_feed(topic))
    assert entry_titles(everything) == ["Ohne Thema", "Zum Thema"]
    assert entry_titles(by_topic) == ["Zum Thema"]
    response = client.get(ALL, HTTP_HOST="presse.example.de")
    assert feedparser.parse(response.content).feed.link == "http://presse.example.de/presse/"
    assert b"http://testserver" not in response.content


def test_kept_feed_shows_an_embargoed_release_at_its_moment_not_before(
    client, make_release, feed_url, kept, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    release_about(make_release, feed_url.about, title="Schon öffentlich")
    later = now + datetime.timedelta(seconds=90)
    release_about(make_release, feed_url.about, title="Unter Sperrfrist", publish_at=later)
    for _ in range(2):
        for feed in FEEDS:
            assert entry_titles(parse(client, feed_url(feed))) == ["Schon öffentlich"], feed
    time_machine.move_to(later - datetime.timedelta(seconds=1))
    assert entry_titles(parse(client, ALL)) == ["Schon öffentlich"]
    time_machine.move_to(later)
    for feed in FEEDS:
        titles = entry_titles(parse(client, feed_url(feed)))
        assert titles == ["Unter Sperrfrist", "Schon öffentlich"], feed
    assert client.get(ALL)["Last-Modified"] == http_date(later.timestamp())


def test_kept_feed_drops_an_image_when_its_rights_end(client, make_release, kept, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_release(images=1)
    ReleaseImage.objects.update(rights_until=now + datetime.timedelta(seconds=60))
    for _ in range(2):
        assert len(parse(client, ALL).entries[0].enclosures) == 1
    time_machine.move_to(now + datetime.timedelta(seconds=60))
    assert parse(client, ALL).entries[0].enclosures == []


def test_kept_feed_shows_an_edit_and_a_withdrawal_at_once(
    client, make_release, feed_url, kept, django_capture_on_commit_callbacks
):
    edited = release_about(make_release, feed_url.about, title="Alter Titel")
    withdrawn = release_about(make_release, feed_url.about, title="Wird zurückgezogen")
    for _ in range(2):
        for feed in FEEDS:
            parse(client, feed_url(feed))
    with django_capture_on_commit_callbacks(execute=True):
        edited.title = "Neuer Titel"
        edited.save()
    for feed in FEEDS:
        assert entry_titles(parse(client, feed_url(feed))) == ["Wird zurückgezogen", "Neuer Titel"]
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn.withdraw()
        withdrawn.save()
    for feed in FEEDS:
        assert entry_titles(parse(client, feed_url(feed))) == ["Neuer Titel"], feed
