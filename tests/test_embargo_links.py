"""Embargo links: journalists read a scheduled release early through a secret, revocable link."""

import datetime
import io
import re
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releases.models import EditorImage, EmbargoLink, PressRelease

from .helpers import png_bytes, submit_as_shown

BERLIN = ZoneInfo("Europe/Berlin")
BEFORE = datetime.datetime(2022, 3, 20, 12, 0, tzinfo=BERLIN)
EMBARGO_ENDS = datetime.datetime(2022, 3, 28, 10, 0, tzinfo=BERLIN)
CHANGE_URL = "/admin/releases/pressrelease/{}/change/"


@pytest.fixture(autouse=True)
def before_the_embargo_ends():
    with time_machine.travel(BEFORE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scheduled(make_release, topic):
    return make_release(
        title="Geheime Neuigkeit aus Helmstedt",
        publish_at=EMBARGO_ENDS,
        release_date=EMBARGO_ENDS.date(),
        topics=[topic],
        images=2,
        attachments=1,
    )


@pytest.fixture
def link(scheduled):
    return EmbargoLink.objects.create(release=scheduled, recipient="Verteiler Tageszeitungen")


def get_page(client, link_or_url):
    url = link_or_url if isinstance(link_or_url, str) else link_or_url.get_absolute_url()
    return client.get(url)


def assert_closed(response, title="Geheime Neuigkeit"):
    assert response.status_code == 404
    html = response.content.decode()
    assert title not in html
    assert "Dieser Link ist nicht (mehr) gültig" in html


def test_embargo_link_shows_the_release_with_the_embargo_banner(client, link, scheduled):
    response = get_page(client, link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Geheime Neuigkeit aus Helmstedt</h1>" in html
    assert "<strong>Sperrfrist: 28.03.2022, 10:00 Uhr</strong>" in html
    assert "Vorschau" not in html


def test_embargo_page_is_never_indexed_cached_or_passed_on_as_referrer(client, link):
    response = get_page(client, link)
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "og:title" not in html and "application/ld+json" not in html  # no link preview data
    assert 'rel="canonical"' not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert response["Referrer-Policy"] == "no-referrer"


def test_images_attachments_and_press_kit_open_through_the_same_token(client, link, scheduled):
    html = get_page(client, link).content.decode()
    token = link.token
    downloads = re.findall(rf'href="(/presse/sperrfrist/{re.escape(token)}/[^"]+)"', html)
    images = [url for url in downloads if "/bild/" in url]
    attachments = [url for url in downloads if "/anhang/" in url]
    assert len(images) == 2 and len(attachments) == 1
    assert downloads[-1] == f"/presse/sperrfrist/{token}/pressepaket.zip"
    for url in images + attachments:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment;")
        assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(downloads[-1]).streaming_content)))
    assert "Geheime Neuigkeit aus Helmstedt" in archive.read("pressemitteilung.txt").decode()
    assert len([name for name in archive.namelist() if name.startswith("bilder/")]) == 2
    # the public addresses of the same files stay closed
    for url in [
        scheduled.get_absolute_url(),
        scheduled.get_press_kit_url(),
        scheduled.images.first().get_absolute_url(),
        scheduled.attachments.get().get_absolute_url(),
    ]:
        assert client.get(url).status_code == 404, url


def test_robots_txt_keeps_crawlers_away_from_secret_links(client, db):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /presse/sperrfrist/" in lines
    assert "Disallow: /presse/abonnieren/bestaetigen/" in lines
    assert "Disallow: /presse/abbestellen/" in lines


def test_embargo_page_query_count_does_not_grow_with_images(client, make_release, topic):
    def count(images):
        release = make_release(publish_at=EMBARGO_ENDS, topics=[topic], images=images)
        link = EmbargoLink.objects.create(release=release)
        with CaptureQueriesContext(connection) as queries:
            assert get_page(client, link).status_code == 200
        return len(queries)

    # As the public release page: release (here with its link), topics, images, attachments,
    # projects, partners, contacts (the default one in the same query), related releases, the
    # boilerplate with its shareholders line; and one UPDATE that counts the opening of the link
    # (first, last, how often).
    assert count(1) == count(6) == 11


def test_expired_link_opens_nothing(client, scheduled, before_the_embargo_ends):
    link = EmbargoLink.objects.create(
        release=scheduled, expires_at=BEFORE + datetime.timedelta(days=1)
    )
    assert get_page(client, link).status_code == 200
    before_the_embargo_ends.move_to(BEFORE + datetime.timedelta(days=1, seconds=1))
    assert_closed(get_page(client, link))
    assert_closed(client.get(f"/presse/sperrfrist/{link.token}/pressepaket.zip"))


def test_link_expires_fourteen_days_after_it_was_made_unless_staff_say_otherwise(link):
    assert link.expires_at == BEFORE.astimezone(datetime.UTC) + datetime.timedelta(days=14)


def test_revoked_link_opens_nothing(client, link, scheduled):
    image_url = f"/presse/sperrfrist/{link.token}/bild/{scheduled.images.first().pk}/"
    assert client.get(image_url).status_code == 200
    link.revoked = True
    link.save()
    assert_closed(get_page(client, link))
    assert_closed(client.get(image_url))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.split(":")[0],
        lambda token: signing.b64_encode(b"[99,99]").decode() + ":" + token.split(":", 1)[1],
        lambda token: "x" * 2000,
        lambda token: "%C3%28",
    ],
)
def test_altered_token_opens_nothing(client, link, tamper):
    assert_closed(client.get(f"/presse/sperrfrist/{tamper(link.token)}/"))


def test_token_of_one_release_does_not_open_another(client, link, make_release):
    other = make_release(
        title="Andere Sperrfrist", publish_at=EMBARGO_ENDS, images=1, attachments=1
    )
    EmbargoLink.objects.create(release=other)
    token = link.token
    assert (
        client.get(f"/presse/sperrfrist/{token}/bild/{other.images.get().pk}/").status_code == 404
    )
    response = client.get(f"/presse/sperrfrist/{token}/anhang/{other.attachments.get().pk}/")
    assert response.status_code == 404
    assert "Andere Sperrfrist" not in get_page(client, link).content.decode()


def test_release_set_back_to_draft_closes_its_links(client, link, scheduled):
    scheduled.status = PressRelease.Status.DRAFT
    scheduled.save()
    assert_closed(get_page(client, link))


def test_after_the_embargo_the_link_leads_to_the_public_page(
    client, link, scheduled, before_the_embargo_ends
):
    before_the_embargo_ends.move_to(EMBARGO_ENDS)
    response = get_page(client, link)
    assert response.status_code == 302
    assert response["Location"] == scheduled.get_absolute_url()
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_without_a_token_nothing_of_a_scheduled_release_is_reachable(client, scheduled):
    for url in [
        scheduled.get_absolute_url(),
        scheduled.get_press_kit_url(),
        scheduled.images.first().get_absolute_url(),
        scheduled.attachments.get().get_absolute_url(),
        "/presse/sperrfrist/",
        "/presse/",
        "/",
    ]:
        assert "Geheime Neuigkeit" not in client.get(url).content.decode(), url


def test_staff_create_a_link_in_the_admin_and_copy_it(staff_client, make_release, settings):
    settings.SITE_URL = "https://presse.example.de"
    release = make_release(title="Sperrfrist im Admin", publish_at=EMBARGO_ENDS)
    url = CHANGE_URL.format(release.pk)
    assert "Sperrfrist-Links" in staff_client.get(url).content.decode()
    response = submit_as_shown(
        staff_client,
        url,
        **{
            "embargo_links-TOTAL_FORMS": "1",  # what the inline's "add another" button does
            "embargo_links-0-recipient": "Verteiler Tageszeitungen",
            "embargo_links-0-expires_at_0": "29.03.2022",
            "embargo_links-0-expires_at_1": "18:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    link = release.embargo_links.get()
    assert link.recipient == "Verteiler Tageszeitungen"
    assert link.expires_at == datetime.datetime(2022, 3, 29, 18, 0, tzinfo=BERLIN)
    html = staff_client.get(url).content.decode()
    copy = f'readonly value="https://presse.example.de/presse/sperrfrist/{link.token}/"'
    assert copy in html

    staff_client.logout()
    assert get_page(staff_client, link).status_code == 200


def test_staff_revoke_a_link_in_the_admin(staff_client, link, scheduled, client):
    response = submit_as_shown(
        staff_client, CHANGE_URL.format(scheduled.pk), **{"embargo_links-0-revoked": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    link.refresh_from_db()
    assert link.revoked
    assert_closed(get_page(client, link))


def test_renditions_and_images_in_the_text_open_through_the_token_and_close_with_it(
    client, link, scheduled
):
    text_image = EditorImage()
    text_image.file.save("skizze.png", ContentFile(png_bytes()))
    scheduled.body += f'<img src="{text_image.get_absolute_url()}" alt="Skizze">'
    scheduled.save()
    html = get_page(client, link).content.decode()
    token = re.escape(link.token)
    renditions = re.findall(rf"(/presse/sperrfrist/{token}/bild/\d+/\d+\.\w+) \d+w", html)
    assert len(renditions) >= 2 * 2  # two images, each in WebP and JPEG at least
    [in_text] = re.findall(rf'<img src="(/presse/sperrfrist/{token}/textbilder/[^"]+)"', html)
    for url in [*renditions, in_text]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"]
    # without the token, nothing: the image in the text at its own address neither
    assert client.get(text_image.get_absolute_url()).status_code == 404
    link.revoked = True
    link.save()
    for url in [*renditions, in_text]:
        assert_closed(client.get(url))
