"""RSS feeds at /presse/feed/ and /presse/feed/thema/<slug>/, read with a real feed parser."""

import datetime
import time

import feedparser
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases.models import PressRelease, Topic

ALL = "/presse/feed/"


def topic_feed(topic):
    return f"/presse/feed/thema/{topic.slug}/"


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


def test_feed_of_all_releases_carries_what_a_reader_needs(client, make_release, topic):
    release = make_release(
        title="Abschluss in Helmstedt",
        lead="Zwei Jahre lang haben Betriebe zusammengearbeitet.",
        topics=[topic],
        images=2,
        publish_at=timezone.make_aware(datetime.datetime(2022, 3, 28, 10, 0)),
    )
    feed = parse(client, ALL)
    assert feed.feed.title == "Pressemitteilungen – Allianz für die Region"
    assert feed.feed.link == "http://testserver/presse/"
    assert feed.feed.language == "de"
    [entry] = feed.entries
    assert entry.title == "Abschluss in Helmstedt"
    assert entry.link == f"http://testserver{release.get_absolute_url()}"
    assert entry.summary == "<p>Zwei Jahre lang haben Betriebe zusammengearbeitet.</p>"
    assert time.strftime("%Y-%m-%d %H:%M", entry.published_parsed) == "2022-03-28 08:00"  # UTC
    assert [tag.term for tag in entry.tags] == ["Fachkräftesicherung"]
    # The first image as enclosure, with an absolute address, its size and type.
    [enclosure] = entry.enclosures
    first = release.images.first()
    assert enclosure.href == f"http://testserver{first.image.url}"
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


def test_release_without_image_file_has_no_enclosure(client, make_release):
    release = make_release(images=1)
    image = release.images.get()
    image.image.storage.delete(image.image.name)
    make_release(title="Ohne Bild")
    feed = parse(client, ALL)
    assert [entry.enclosures for entry in feed.entries] == [[], []]


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
    response = client.get("/presse/feed/thema/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.content.decode()


@pytest.mark.parametrize("feed", ["all", "topic"])
def test_drafts_and_embargoed_releases_are_absent_from_the_feed(client, make_release, topic, feed):
    make_release(title="Öffentlich", topics=[topic])
    make_release(
        title="Entwurf", topics=[topic], status=PressRelease.Status.DRAFT, publish_at=None, images=1
    )
    make_release(
        title="Unter Sperrfrist",
        topics=[topic],
        publish_at=timezone.now() + datetime.timedelta(hours=2),
        images=1,
    )
    url = ALL if feed == "all" else topic_feed(topic)
    response = client.get(url)
    assert entry_titles(parse(client, url)) == ["Öffentlich"]
    assert b"Sperrfrist" not in response.content and b"Entwurf" not in response.content
    assert b"/media/" not in response.content  # no image of theirs either


@pytest.mark.parametrize("feed", ["all", "topic"])
def test_embargoed_release_enters_the_feed_at_its_moment(client, make_release, topic, feed):
    moment = timezone.now() + datetime.timedelta(hours=2)
    make_release(title="Unter Sperrfrist", topics=[topic], publish_at=moment)
    url = ALL if feed == "all" else topic_feed(topic)
    assert entry_titles(parse(client, url)) == []
    with time_machine.travel(moment + datetime.timedelta(seconds=1)):
        assert entry_titles(parse(client, url)) == ["Unter Sperrfrist"]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_feed_queries_do_not_grow_with_releases(client, make_release, topic):
    def add(count):
        for _ in range(count):
            make_release(topics=[topic], images=2)

    add(3)
    client.get(ALL)  # Django's feed view looks up the current Site once per process (cached)
    few = (count_queries(client, ALL), count_queries(client, topic_feed(topic)))
    add(30)
    many = (count_queries(client, ALL), count_queries(client, topic_feed(topic)))
    # releases, their images, their topics; the topic feed first looks up its topic
    assert few == many == (3, 4)


def test_pages_announce_the_feeds(client, make_release, topic):
    release = make_release(topics=[topic])
    announce_all = (
        '<link rel="alternate" type="application/rss+xml" '
        'title="Pressemitteilungen – Allianz für die Region" href="/presse/feed/">'
    )
    announce_topic = (
        '<link rel="alternate" type="application/rss+xml" '
        'title="Pressemitteilungen, Thema Fachkräftesicherung" '
        'href="/presse/feed/thema/fachkraeftesicherung/">'
    )
    for url in ["/", "/presse/", "/presse/2022/", release.get_absolute_url()]:
        html = client.get(url).content.decode()
        head = html[: html.index("</head>")]
        assert announce_all in head, url
    archive = client.get("/presse/?thema=fachkraeftesicherung").content.decode()
    assert announce_topic in archive[: archive.index("</head>")]
    assert 'href="/presse/feed/thema/fachkraeftesicherung/" type="application/rss+xml"' in archive
    detail = client.get(release.get_absolute_url()).content.decode()
    assert announce_topic in detail[: detail.index("</head>")]
