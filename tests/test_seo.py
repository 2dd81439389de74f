"""What search engines and social networks read: /sitemap.xml, /robots.txt, and the metadata in
the head of a release page (canonical URL, description, OpenGraph, Twitter card, JSON-LD)."""

import datetime
import html as html_lib
import json
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases.models import PressRelease

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS): url.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("s:url", SITEMAP_NS)
    }


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[: html.index("</head>")]


def meta(head_html, key):
    found = re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', head_html)
    return [html_lib.unescape(value) for value in found]


def json_ld(head_html):
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head_html, re.S)
    return json.loads(script)


def test_sitemap_lists_pages_and_public_releases_with_lastmod(client, make_release):
    older = make_release(title="Alt", release_date=datetime.date(2016, 1, 29))
    newer = make_release(title="Neu")
    urls = sitemap(client)
    today = timezone.localdate().isoformat()
    assert urls == {
        "http://testserver/": today,
        "http://testserver/presse/": today,
        f"http://testserver{newer.get_absolute_url()}": today,
        f"http://testserver{older.get_absolute_url()}": today,
    }


def test_drafts_and_embargoed_releases_are_absent_from_the_sitemap(client, make_release):
    make_release(title="Öffentlich")
    draft = make_release(title="Entwurf", status=PressRelease.Status.DRAFT, publish_at=None)
    moment = timezone.now() + datetime.timedelta(days=3)
    embargoed = make_release(title="Sperrfrist", publish_at=moment)
    urls = sitemap(client)
    assert len(urls) == 3
    for release in (draft, embargoed):
        assert f"http://testserver{release.get_absolute_url()}" not in urls
    # At its moment the release appears, modified when it was published (not when last saved).
    with time_machine.travel(moment + datetime.timedelta(minutes=1)):
        urls = sitemap(client)
    assert urls[f"http://testserver{embargoed.get_absolute_url()}"] == (
        timezone.localtime(moment).date().isoformat()
    )


def test_sitemap_queries_do_not_grow_with_releases(client, make_release):
    def count():
        with CaptureQueriesContext(connection) as queries:
            sitemap(client)
        return len(queries)

    make_release(images=1)
    sitemap(client)  # Django's sitemap view looks up the current Site once per process (cached)
    few = count()
    for _ in range(30):
        make_release(images=1)
    # the latest change for the list pages; count and page of releases (the sitemap paginates)
    assert few == count() == 3


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /presse/vorschau/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_release_page_has_canonical_url_description_and_social_cards(client, make_release, topic):
    release = make_release(
        title="Abschluss in Helmstedt",
        lead="Zwei Jahre lang haben Betriebe aus Schöningen zusammengearbeitet.",
        topics=[topic],
        images=2,
        publish_at=timezone.make_aware(datetime.datetime(2022, 3, 28, 10, 0)),
    )
    page = head(client, release.get_absolute_url())
    url = f"http://testserver{release.get_absolute_url()}"
    image_url = f"http://testserver{release.images.first().image.url}"
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


def test_release_page_describes_itself_as_news_article(client, make_release, topic):
    release = make_release(
        title="Abschluss in Helmstedt",
        place="Helmstedt",
        images=2,
        topics=[topic],
        publish_at=timezone.make_aware(datetime.datetime(2022, 3, 28, 10, 0)),
    )
    data = json_ld(head(client, release.get_absolute_url()))
    release.refresh_from_db()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Abschluss in Helmstedt"
    assert data["datePublished"] == "2022-03-28T10:00:00+02:00"
    assert data["dateModified"] == timezone.localtime(release.updated_at).isoformat()
    assert data["image"] == [
        f"http://testserver{image.image.url}" for image in release.images.all()
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
    """With DJANGO_BEHIND_TLS_PROXY=1 the settings trust the proxy's X-Forwarded-Proto."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["presse.example.de"]
    proxied = {"host": "presse.example.de", "x-forwarded-proto": "https"}
    release = make_release(images=1)
    url = f"https://presse.example.de{release.get_absolute_url()}"
    page = client.get(release.get_absolute_url(), headers=proxied).content.decode()
    assert f'<link rel="canonical" href="{url}">' in page
    feed = client.get("/presse/feed/", headers=proxied).content.decode()
    assert f"<link>{url}</link>" in feed
    assert 'url="https://presse.example.de/media/' in feed
    robots = client.get("/robots.txt", headers=proxied).content.decode()
    assert "Sitemap: https://presse.example.de/sitemap.xml" in robots
