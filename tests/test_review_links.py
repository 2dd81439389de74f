"""Review links: a co-issuer reads the draft through a secret, expiring, revocable link and
approves it or asks for a change; the decision holds for the version they saw."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from releases import versions
from releases.models import EmbargoLink, PressRelease, ReviewDecision, ReviewLink

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2022, 3, 20, 12, 0, tzinfo=BERLIN)
DRAFT = PressRelease.Status.DRAFT


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def draft(make_release, topic):
    return make_release(
        title="Gemeinsam mit der IHK",
        status=DRAFT,
        publish_at=None,
        topics=[topic],
        images=2,
        attachments=1,
        body="<p>Betriebe aus Helmstedt und Schöningen arbeiten zusammen.</p>",
    )


@pytest.fixture
def link(draft):
    return ReviewLink.objects.create(
        release=draft, name="Anna Muster", organisation="IHK Braunschweig", email="anna@ihk.example"
    )


def open_page(client, link):
    return client.get(link.get_absolute_url())


def seen_version(html):
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def decide(client, link, decision, comment=""):
    html = open_page(client, link).content.decode()
    return client.post(
        link.get_absolute_url(),
        {"decision": decision, "comment": comment, "version": seen_version(html)},
    )


def assert_invalid(response):
    assert response.status_code == 404
    html = response.content.decode()
    assert "Gemeinsam mit der IHK" not in html
    assert "Dieser Link ist nicht (mehr) gültig" in html


def test_review_link_shows_the_draft_as_it_will_look_marked_as_draft(client, link, draft):
    response = open_page(client, link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Gemeinsam mit der IHK</h1>" in html
    assert "Entwurf – nicht zur Veröffentlichung" in html
    assert "Anna Muster (IHK Braunschweig)" in html
    assert "Betriebe aus Helmstedt und Schöningen" in html
    assert ">Freigeben</button>" in html and ">Änderung erbitten</button>" in html
    # the draft itself stays closed to everyone else
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_review_page_is_never_indexed_cached_or_passed_on_as_referrer(client, link):
    response = open_page(client, link)
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "og:title" not in html and "application/ld+json" not in html
    assert 'rel="canonical"' not in html and "application/rss+xml" not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert {"no-store", "private", "no-cache", "max-age=0"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    # no referrer to other sites; "no-referrer" would make browsers post the decision with
    # "Origin: null", which CSRF refuses (tests/browser/test_workflow_journey.py posts it)
    assert response["Referrer-Policy"] == "same-origin"
    assert "Disallow: /presse/freigabe/" in client.get("/robots.txt").content.decode()


def test_page_cache_never_keeps_a_review_page(settings, link, draft):
    settings.PAGE_CACHE_SECONDS = 600
    visitor = Client()
    assert "Gemeinsam mit der IHK" in open_page(visitor, link).content.decode()
    PressRelease.objects.filter(pk=draft.pk).update(title="Neuer Titel für die IHK")
    assert "Neuer Titel für die IHK" in open_page(visitor, link).content.decode()
    link.revoked = True
    link.save()
    assert_invalid(open_page(visitor, link))


def test_images_attachments_and_press_kit_open_through_the_review_token(client, link, draft):
    html = open_page(client, link).content.decode()
    token = re.escape(link.token)
    downloads = re.findall(rf'href="(/presse/freigabe/{token}/[^"]+)"', html)
    assert len([url for url in downloads if "/bild/" in url]) == 2
    assert len([url for url in downloads if "/anhang/" in url]) == 1
    assert downloads[-1].endswith("/pressepaket.zip")
    for url in downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_image_of_another_release_is_not_served_through_the_token(client, link, make_release):
    other = make_release(status=DRAFT, publish_at=None, images=1)
    image = other.images.get()
    url = f"/presse/freigabe/{link.token}/bild/{image.pk}/"
    assert client.get(url).status_code == 404


def test_a_token_names_its_release_and_cannot_be_bent_to_another(client, link, make_release):
    other = make_release(title="Andere Mitteilung", status=DRAFT, publish_at=None)
    forged = signing.Signer(salt="wrong").sign_object([link.pk, other.pk])
    assert_invalid(client.get(f"/presse/freigabe/{forged}/"))
    bent = signing.Signer(salt=ReviewLink.SALT).sign_object([link.pk, other.pk])
    assert_invalid(client.get(f"/presse/freigabe/{bent}/"))
    assert_invalid(client.get(f"/presse/freigabe/{link.token}x/"))
    # an embargo token is no review token
    embargo = EmbargoLink.objects.create(release=link.release)
    assert_invalid(client.get(f"/presse/freigabe/{embargo.token}/"))


def test_link_expires_after_seven_days_and_then_opens_nothing(client, link, frozen_clock):
    assert link.expires_at == NOW.astimezone(datetime.UTC) + datetime.timedelta(days=7)
    frozen_clock.move_to(link.expires_at - datetime.timedelta(seconds=1))
    assert open_page(client, link).status_code == 200
    frozen_clock.move_to(link.expires_at + datetime.timedelta(seconds=1))
    assert_invalid(open_page(client, link))
    assert_invalid(client.get(f"/presse/freigabe/{link.token}/pressepaket.zip"))


def test_revoked_link_opens_nothing_and_takes_no_decision(client, link):
    html = open_page(client, link).content.decode()
    link.revoked = True
    link.save()
    assert_invalid(open_page(client, link))
    response = client.post(
        link.get_absolute_url(), {"decision": "approved", "version": seen_version(html)}
    )
    assert_invalid(response)
    assert not ReviewDecision.objects.exists()


def test_once_public_the_link_leads_to_the_public_page(client, link, draft):
    draft.publish()
    draft.save()
    response = open_page(client, link)
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert client.get(f"/presse/freigabe/{link.token}/pressepaket.zip").status_code == 302


def test_under_embargo_the_link_leads_to_the_reviewers_embargo_link(client, link, draft):
    draft.publish(at=NOW + datetime.timedelta(days=2))
    draft.save()
    response = open_page(client, link)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Die Prüfung ist abgeschlossen" in html and "Gemeinsam mit der IHK" not in html
    assert "22. März 2022 um 12:00 Uhr" in html

    EmbargoLink.objects.create(release=draft, recipient="jemand.anders@example.org")
    embargo = EmbargoLink.objects.create(release=draft, recipient="Anna@IHK.example")
    response = open_page(client, link)
    assert response.status_code == 302
    assert response["Location"] == embargo.get_absolute_url()


def test_withdrawn_release_closes_the_link(client, link, draft):
    draft.publish()
    draft.save()
    draft.withdraw()
    draft.save()
    response = open_page(client, link)
    assert response.status_code == 404
    assert "Gemeinsam mit der IHK" not in response.content.decode()


def test_approval_is_recorded_against_the_version_seen(client, link, draft):
    response = decide(client, link, "approved")
    assert response.status_code == 302 and response["Location"] == link.get_absolute_url()
    decision = ReviewDecision.objects.get()
    assert decision.decision == "approved" and decision.link == link
    assert decision.version.object_id == str(draft.pk)
    assert versions.content(decision.version) == versions.live_content(draft)
    link.refresh_from_db()
    assert link.state() == ReviewLink.State.APPROVED
    html = open_page(client, link).content.decode()
    assert "Ihre letzte Rückmeldung" in html and "<strong>Freigegeben</strong>" in html
    assert "Sie galt dieser Fassung." in html


def test_asking_for_a_change_needs_a_comment(client, link):
    response = decide(client, link, "changes", comment="   ")
    assert response.status_code == 200
    assert "Bitte schreiben Sie, was sich ändern soll." in response.content.decode()
    assert not ReviewDecision.objects.exists()

    decide(client, link, "changes", comment="Bitte den Namen der IHK ausschreiben.")
    decision = ReviewDecision.objects.get()
    assert (decision.decision, decision.comment) == (
        "changes",
        "Bitte den Namen der IHK ausschreiben.",
    )
    assert link.state() == ReviewLink.State.CHANGES


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "approved", "version": "kein-wert"}, "Die Seite war unvollständig."),
        ({"decision": "vielleicht", "version": "1"}, "Bitte wählen Sie „Freigeben“"),
        ({"decision": "approved"}, "Die Seite war unvollständig."),
    ],
)
def test_bad_input_gets_a_form_error_not_a_decision(client, link, data, message):
    open_page(client, link)
    response = client.post(link.get_absolute_url(), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReviewDecision.objects.exists()


def test_a_version_of_another_release_is_refused(client, link, make_release):
    other = make_release(status=DRAFT, publish_at=None)
    foreign = versions.current_version(other)
    response = client.post(link.get_absolute_url(), {"decision": "approved", "version": foreign.pk})
    assert response.status_code == 404
    assert not ReviewDecision.objects.exists()


def test_approval_becomes_outdated_when_the_text_changes_and_shows_what_changed(
    client, link, draft
):
    decide(client, link, "approved")
    # A change that a reader cannot see (a new save of the same content) keeps the approval.
    draft.save()
    assert link.state() == ReviewLink.State.APPROVED

    draft.body = "<p>Betriebe aus Helmstedt, Peine und Schöningen arbeiten zusammen.</p>"
    draft.save()
    assert link.state() == ReviewLink.State.OUTDATED

    html = open_page(client, link).content.decode()
    assert "Was sich seit Ihrer Rückmeldung vom 20. März 2022, 12:00 Uhr geändert hat" in html
    assert "Betriebe aus <del>Helmstedt</del> <ins>Helmstedt, Peine</ins> und Schöningen" in html
    assert "Sie galt einer früheren Fassung" in html

    decide(client, link, "approved")
    assert link.state() == ReviewLink.State.APPROVED
    assert ReviewDecision.objects.count() == 2


def test_an_image_removed_after_approval_makes_it_outdated(client, link, draft):
    decide(client, link, "approved")
    draft.images.first().delete()
    assert link.state() == ReviewLink.State.OUTDATED


def test_review_page_query_count_does_not_grow_with_images(client, make_release, topic):
    def count(images):
        release = make_release(status=DRAFT, publish_at=None, topics=[topic], images=images)
        link = ReviewLink.objects.create(
            release=release, name="A", organisation="B", email="a@example.org"
        )
        versions.current_version(release)
        with CaptureQueriesContext(connection) as queries:
            assert open_page(client, link).status_code == 200
        return len(queries)

    assert count(1) == count(5)
    assert count(2) <= 25


def review_files(html, token):
    """Every address of an image or download on a review page: links, <img src>, srcset."""
    token = re.escape(token)
    prefix = rf"/presse/freigabe/{token}/"
    found = set(re.findall(rf'(?:href|src)="({prefix}[^"]+)"', html))
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        found |= {entry.split()[0] for entry in srcset.split(",")}
    return found


def test_every_image_and_download_of_a_review_page_opens_and_closes_with_the_link(
    client, link, draft
):
    from django.core.files.base import ContentFile

    from releases.models import EditorImage

    from .helpers import png_bytes

    in_text = EditorImage()
    in_text.file.save("skizze.png", ContentFile(png_bytes()))
    draft.body += f'<img src="{in_text.get_absolute_url()}" alt="Skizze">'
    draft.save()
    html = open_page(client, link).content.decode()
    files = review_files(html, link.token)
    # each on the review link's address, nothing from the public addresses or /media/
    assert all(url.startswith(f"/presse/freigabe/{link.token}/") for url in files)
    assert "/presse/textbilder/" not in html and "/media/" not in html.split("<main")[1]
    renditions = [url for url in files if re.search(r"/bild/\d+/\d+\.\w+$", url)]
    assert len(renditions) >= 2 * 2  # two images, each in WebP and JPEG at least
    assert any("/textbilder/" in url for url in files)
    assert any(url.endswith("/pressemitteilung.pdf") for url in files)
    assert any(url.endswith("/pressepaket.zip") for url in files)
    assert len([url for url in files if "/anhang/" in url]) == 1
    for url in files:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    pdf = client.get(next(url for url in files if url.endswith(".pdf")))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    link.revoked = True
    link.save()
    for url in files:
        assert_invalid(client.get(url))
