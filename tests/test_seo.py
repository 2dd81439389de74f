"""What search engines and social networks read: /sitemap.xml, /robots.txt, and the metadata in
the head of a release page (canonical URL, description, OpenGraph, Twitter card, JSON-LD)."""

import datetime
import html as html_lib
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases.models import EmbargoLink, PressRelease, Project
from releases.sitemaps import release_change

from .helpers import SITEMAP_NS, head, json_ld, sitemap, sitemap_pages, xml


def meta(head_html, key):
    found = re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', head_html)
    return [html_lib.unescape(value) for value in found]


def at(day, hour=12):
    """Travel to a moment (Europe/Berlin) while creating something."""
    return time_machine.travel(timezone.make_aware(datetime.datetime(*day, hour)), tick=False)


def test_sitemap_lists_every_public_page_with_lastmod(
    client, make_release, make_project, make_partner
):
    with at((2024, 1, 5)):
        shareholder = make_partner(name="IHK Braunschweig", is_shareholder=True)
    with at((2024, 1, 10)):
        project = make_project(name="Betriebsnachbarschaften")
        make_project(name="Noch geplant", status=Project.Status.PLANNED)
    with at((2024, 2, 1)):
        release = make_release(title="Auftakt", release_date=datetime.date(2024, 2, 1))
        release.projects.set([project])
    with at((2024, 3, 1)):
        mentioning = make_release(title="Erwähnung", release_date=datetime.date(2024, 3, 1))
        mentioning.partners.set([shareholder])
    site = "http://testserver"
    assert sitemap(client) == {
        f"{site}/": "2024-03-01",
        f"{site}/presse/": "2024-03-01",
        f"{site}/projekte/": "2024-01-10",
        f"{site}/gesellschafter/": "2024-01-05",
        f"{site}/pressekontakt/": None,
        f"{site}{release.get_absolute_url()}": "2024-02-01",
        f"{site}{mentioning.get_absolute_url()}": "2024-03-01",
        # a project or partner page changes when one of its releases appears
        f"{site}{project.get_absolute_url()}": "2024-02-01",
        f"{site}{shareholder.get_absolute_url()}": "2024-03-01",
        # flatpages keep no time of change
        f"{site}/impressum/": None,
        f"{site}/datenschutz/": None,
        f"{site}/barrierefreiheit/": None,
    }


def test_drafts_and_embargoed_releases_are_absent_from_the_sitemap(
    client, make_release, make_project
):
    with at((2024, 1, 10)):
        project = make_project(name="Betriebsnachbarschaften")
        make_release(title="Öffentlich")
        draft = make_release(title="Entwurf", status=PressRelease.Status.DRAFT, publish_at=None)
        moment = timezone.now() + datetime.timedelta(days=3)
        embargoed = make_release(title="Sperrfrist", publish_at=moment)
        for release in (draft, embargoed):
            release.projects.set([project])
    with at((2024, 1, 11)):
        urls = sitemap(client)
    release_urls = [url for url in urls if "/presse/20" in url]
    assert len(release_urls) == 1
    for release in (draft, embargoed):
        assert f"http://testserver{release.get_absolute_url()}" not in urls
    # Nor does the embargoed release show through its project's lastmod.
    assert urls[f"http://testserver{project.get_absolute_url()}"] == "2024-01-10"
    # At its moment the release appears, modified when it was published (not when last saved).
    with time_machine.travel(moment + datetime.timedelta(minutes=1)):
        urls = sitemap(client)
    assert urls[f"http://testserver{embargoed.get_absolute_url()}"] == "2024-01-13"
    assert urls[f"http://testserver{project.get_absolute_url()}"] == "2024-01-13"


def test_sitemap_queries_do_not_grow_with_releases(
    client, make_release, make_project, make_partner
):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            xml(client, url)
        return len(queries)

    def add(number):
        for _ in range(number):
            release = make_release(images=1)
            release.projects.set([make_project()])
            release.partners.set([make_partner()])

    add(1)
    sitemap(client)  # Django's sitemap view looks up the current Site once per process (cached)
    few = {url: count(url) for url in sitemap_pages(client)}
    add(20)
    assert {url: count(url) for url in sitemap_pages(client)} == few
    # The index: one query each for releases, projects and partners (their count and latest
    # change), one for the legal pages (their count; no lastmod); the list pages need none.
    assert count("/sitemap.xml") == 4
    # A section: its page of addresses (no count: a page past the end is empty, hence 404).
    assert count("/sitemap-pressemitteilungen.xml") == 1


def test_each_page_of_the_release_sitemap_asks_one_query(client, make_release, monkeypatch):
    monkeypatch.setattr("releases.sitemaps.ReleaseSitemap.limit", 3)
    for _ in range(7):
        make_release()
    for page in ["", "?p=2", "?p=3"]:
        with CaptureQueriesContext(connection) as queries:
            xml(client, f"/sitemap-pressemitteilungen.xml{page}")
        assert len(queries) == 1, page


def index_lastmods(client):
    index = xml(client, "/sitemap.xml")
    return {
        entry.findtext("s:loc", namespaces=SITEMAP_NS): entry.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        for entry in index
    }


def test_the_index_gives_each_section_its_latest_change(
    client, make_release, make_project, make_partner
):
    with at((2024, 1, 5)):
        partner = make_partner(name="IHK Braunschweig", is_shareholder=True)
    with at((2024, 1, 10)):
        project = make_project(name="Betriebsnachbarschaften")
    with at((2024, 2, 1)):
        release = make_release(title="Auftakt")
        release.projects.set([project])
    with at((2024, 3, 1)):
        make_release(title="Ohne Projekt und Partner")
    with at((2024, 3, 2)):
        moment = timezone.now() + datetime.timedelta(days=3)
        embargoed = make_release(title="Sperrfrist", publish_at=moment)
        embargoed.projects.set([project])
        embargoed.partners.set([partner])
    site = "http://testserver"
    expected = {
        # the contact page keeps no time of change, the legal pages neither
        f"{site}/sitemap-seiten.xml": None,
        f"{site}/sitemap-pressemitteilungen.xml": "2024-03-01T12:00:00+01:00",
        f"{site}/sitemap-projekte.xml": "2024-02-01T12:00:00+01:00",
        f"{site}/sitemap-partner.xml": "2024-01-05T12:00:00+01:00",
        f"{site}/sitemap-rechtliches.xml": None,
    }
    with at((2024, 3, 3)):  # the release under embargo counts nowhere before its moment
        assert index_lastmods(client) == expected
    with time_machine.travel(moment + datetime.timedelta(minutes=1), tick=False):
        published = timezone.localtime(moment).isoformat()
        assert index_lastmods(client) == {
            **expected,
            f"{site}/sitemap-pressemitteilungen.xml": published,
            f"{site}/sitemap-projekte.xml": published,
            f"{site}/sitemap-partner.xml": published,
        }


def test_a_sitemap_page_says_when_it_last_changed(client, make_release):
    with at((2024, 2, 1)):
        make_release()
    with at((2024, 3, 1), hour=9):
        make_release()
    response = client.get("/sitemap-pressemitteilungen.xml")
    assert response["Last-Modified"] == "Fri, 01 Mar 2024 08:00:00 GMT"
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    unchanged = client.get(
        "/sitemap-pressemitteilungen.xml",
        headers={"If-Modified-Since": response["Last-Modified"]},
    )
    assert unchanged.status_code == 304
    again = client.get(
        "/sitemap-pressemitteilungen.xml", headers={"If-None-Match": response["ETag"]}
    )
    assert again.status_code == 304
    # The list pages: the contact page keeps no time of change, so the page has no Last-Modified.
    assert not client.get("/sitemap-seiten.xml").has_header("Last-Modified")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL query plan")
def test_the_index_reads_the_latest_change_from_an_index_not_from_every_release(db):
    moment = timezone.now() - datetime.timedelta(days=1)
    PressRelease.objects.bulk_create(
        PressRelease(
            title=f"Mitteilung {number}",
            slug=f"mitteilung-{number}",
            release_date=datetime.date(2022, 3, 28),
            status=PressRelease.Status.PUBLISHED,
            publish_at=moment - datetime.timedelta(minutes=number),
        )
        for number in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE releases_pressrelease")
    releases = PressRelease.objects.published()
    newest_first = releases.annotate(changed=release_change()).order_by("-changed")
    assert "release_change_idx" in newest_first[:1].explain()


def test_a_large_archive_is_listed_in_pages_of_the_index(client, make_release, monkeypatch):
    monkeypatch.setattr("releases.sitemaps.ReleaseSitemap.limit", 2)
    releases = [make_release() for _ in range(5)]
    pages = [page for page in sitemap_pages(client) if "pressemitteilungen" in page]
    assert pages == [
        "http://testserver/sitemap-pressemitteilungen.xml",
        "http://testserver/sitemap-pressemitteilungen.xml?p=2",
        "http://testserver/sitemap-pressemitteilungen.xml?p=3",
    ]
    listed = [url for url in sitemap(client) if "/presse/20" in url]
    assert sorted(listed) == sorted(f"http://testserver{r.get_absolute_url()}" for r in releases)


# --- The index's figures kept (releases.cache.remembered): renewed by any save and at a moment ---


@pytest.fixture
def kept(settings):
    settings.COUNTS_CACHE_SECONDS = 600


@pytest.mark.parametrize("count", [3, 30])
def test_the_kept_index_asks_no_query(
    client, make_release, make_project, make_partner, kept, settings, count
):
    settings.ALLOWED_HOSTS = ["testserver", "presse.example.de"]
    for _ in range(count):
        release = make_release()
        release.projects.set([make_project()])
        release.partners.set([make_partner()])
    with CaptureQueriesContext(connection) as built:
        xml(client, "/sitemap.xml")
    with CaptureQueriesContext(connection) as queries:
        index = client.get("/sitemap.xml", HTTP_HOST="presse.example.de").content.decode()
    assert len(built) >= 4 and len(queries) == 0
    # The figures are kept, the addresses are the request's host's.
    assert "http://presse.example.de/sitemap-pressemitteilungen.xml" in index
    assert "http://testserver" not in index


def test_the_kept_index_shows_an_embargoed_release_at_its_moment_and_a_new_one_at_once(
    client, make_release, kept, monkeypatch, time_machine, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("releases.sitemaps.ReleaseSitemap.limit", 2)
    now = timezone.now().replace(microsecond=0)
    time_machine.move_to(now, tick=False)
    for _ in range(2):
        make_release(publish_at=now - datetime.timedelta(days=1))
    moment = now + datetime.timedelta(seconds=90)
    make_release(publish_at=moment)
    section = "http://testserver/sitemap-pressemitteilungen.xml"

    def release_pages():
        return [page for page in sitemap_pages(client) if page.startswith(section)]

    for _ in range(2):  # built, then kept
        assert release_pages() == [section]
    assert index_lastmods(client)[section] == timezone.localtime(now).isoformat()
    time_machine.move_to(moment)
    assert release_pages() == [section, f"{section}?p=2"]
    assert index_lastmods(client)[section] == timezone.localtime(moment).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        make_release(publish_at=moment)
        make_release(publish_at=moment)
    assert release_pages() == [section, f"{section}?p=2", f"{section}?p=3"]


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-gibt-es-nicht.xml",
        "/sitemap-pressemitteilungen.xml?p=9",
        "/sitemap-pressemitteilungen.xml?p=2",
        "/sitemap-pressemitteilungen.xml?p=0",
        "/sitemap-pressemitteilungen.xml?p=-1",
        "/sitemap-pressemitteilungen.xml?p=1.5",
        "/sitemap-pressemitteilungen.xml?p=x",
        "/sitemap-pressemitteilungen.xml?p=99999999999999999999999",
        "/sitemap-seiten.xml?p=2",
    ],
)
def test_an_unknown_sitemap_section_or_page_is_not_found(client, make_release, url):
    make_release()
    assert client.get(url).status_code == 404


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /presse/vorschau/" in lines
    assert "Disallow: /presse/sperrfrist/" in lines  # embargo links
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_release_page_has_canonical_url_description_and_social_cards(client, helmstedt_release):
    release = helmstedt_release
    page = head(client, release.get_absolute_url())
    url = f"http://testserver{release.get_absolute_url()}"
    image_url = f"http://testserver{release.images.first().get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in page
    assert meta(page, "description") == [
        "Zwei Jahre lang haben Betriebe aus Schöningen zusammengearbeitet."
    ]
    assert meta(page, "og:type") == ["article"]
    assert meta(page, "og:url") == [url]
    assert meta(page, "og:title") == ["Abschluss in Helmstedt"]
    assert meta(page, "og:description") == meta(page, "description")
    assert meta(page, "og:image") == [image_url]
    assert meta(page, "og:image:width") == ["40"] and meta(page, "og:image:height") == ["30"]
    assert meta(page, "og:image:alt") == ["Menschen bei einer Veranstaltung"]
    assert meta(page, "article:published_time") == ["2022-03-28T10:00:00+02:00"]
    assert meta(page, "article:tag") == ["Fachkräftesicherung"]
    assert meta(page, "twitter:card") == ["summary_large_image"]
    assert meta(page, "twitter:image") == [image_url]


def test_release_page_describes_itself_as_news_article(client, helmstedt_release):
    release = helmstedt_release
    data = json_ld(head(client, release.get_absolute_url()))
    release.refresh_from_db()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Abschluss in Helmstedt"
    assert data["datePublished"] == "2022-03-28T10:00:00+02:00"
    assert data["dateModified"] == timezone.localtime(release.updated_at).isoformat()
    assert data["image"] == [
        f"http://testserver{image.get_absolute_url()}" for image in release.images.all()
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Allianz für die Region GmbH",
        "url": "http://testserver/",
    }
    assert data["mainEntityOfPage"] == f"http://testserver{release.get_absolute_url()}"
    assert data["dateline"] == "Helmstedt"
    assert data["keywords"] == ["Fachkräftesicherung"]


def test_release_without_image_gets_a_small_card(client, make_release):
    page = head(client, make_release().get_absolute_url())
    assert meta(page, "twitter:card") == ["summary"]
    assert meta(page, "og:image") == []
    assert json_ld(page)["image"] == []


HOSTILE = '</script><script>alert(1)</script> "Zitat" & <b>fett</b> \u2028 \' --></title>'


def test_title_and_lead_cannot_break_out_of_the_metadata(client, make_release):
    release = make_release(title=HOSTILE, lead=HOSTILE, place=HOSTILE)
    response = client.get(release.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "<b>fett</b>" not in html
    page = html[: html.index("</head>")]
    # Exactly one script element: the JSON-LD, closed where it should be.
    assert page.count("<script") == 1 and page.count("</script>") == 1
    data = json_ld(page)
    assert data["headline"] == HOSTILE
    assert data["description"] == HOSTILE and data["dateline"] == HOSTILE
    assert meta(page, "og:title") == [HOSTILE]


@pytest.mark.parametrize("status", ["draft", "embargoed"])
def test_preview_has_no_canonical_or_social_metadata(staff_client, make_release, status):
    fields = (
        {"status": PressRelease.Status.DRAFT, "publish_at": None}
        if status == "draft"
        else {"publish_at": timezone.now() + datetime.timedelta(hours=1)}
    )
    release = make_release(images=1, **fields)
    page = head(staff_client, f"/presse/vorschau/{release.pk}/")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "canonical" not in page and "og:" not in page and "ld+json" not in page


def test_absolute_addresses_say_https_behind_a_tls_proxy(client, make_release, settings):
    """With DJANGO_BEHIND_PROXY=1 the settings trust the proxy's X-Forwarded-Proto."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["presse.example.de"]
    proxied = {"host": "presse.example.de", "x-forwarded-proto": "https"}
    release = make_release(images=1)
    url = f"https://presse.example.de{release.get_absolute_url()}"
    page = client.get(release.get_absolute_url(), headers=proxied).content.decode()
    assert f'<link rel="canonical" href="{url}">' in page
    feed = client.get("/presse/feed/", headers=proxied).content.decode()
    assert f"<link>{url}</link>" in feed
    assert 'url="https://presse.example.de/presse/' in feed  # the image, through the release
    robots = client.get("/robots.txt", headers=proxied).content.decode()
    assert "Sitemap: https://presse.example.de/sitemap.xml" in robots


def test_embargo_link_page_has_no_public_metadata(client, make_release):
    """The page behind a secret embargo link must not name the public address, nor the
    image files, to a crawler or a chat program that unfurls the link."""
    release = make_release(publish_at=timezone.now() + datetime.timedelta(hours=1), images=1)
    link = EmbargoLink.objects.create(release=release, recipient="Redaktion")
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    page = page[: page.index("</head>")]
    assert "canonical" not in page and "og:" not in page and "twitter:" not in page
    assert "ld+json" not in page and "/media/" not in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
