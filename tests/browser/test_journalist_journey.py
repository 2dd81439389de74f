"""
A journalist's way to a release, its material and the next release: home page, archive, the year,
a topic and a search term, the release, its press contact's vCard, its attachment and an image
original that carries its credit; then alerts by e-mail for one topic, confirmed through the link
in the mail, and the alert when the next release on that topic appears (none for another topic).

The mail: pytest-django switches Django to its locmem backend, and the live server answers in a
thread of this process, so what the site sends lands in `mailoutbox`.
"""

import io
import re

from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from releases.models import PressRelease, Topic

from .pages import DETAIL

ADDRESS = "redaktion@zeitung.example"


def test_journalist_finds_a_release_takes_its_material_and_is_alerted_to_the_next_one(
    open_browser, newsroom, live_server, mailoutbox, settings
):
    settings.SITE_URL = live_server.url  # the address the alert mails link to
    page, log = open_browser()

    # She narrows the archive to 2022, a topic and a search term, and opens the release.
    page.goto("/")
    page.get_by_role("link", name="Alle Pressemitteilungen im Archiv").click()
    page.wait_for_url("**/presse/")
    years = page.get_by_role("navigation", name="Archiv nach Jahren")
    years.get_by_role("link", name="2022", exact=True).click()
    page.wait_for_url("**/presse/2022/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Pressemitteilungen 2022"

    page.get_by_label("Thema").select_option("fachkraeftesicherung")
    page.get_by_label("Suchbegriff").fill("Betriebsnachbarschaften")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**/presse/2022/?*q=Betriebsnachbarschaften*")
    assert page.get_by_role("status").inner_text() == (
        "5 Mitteilungen zu „Betriebsnachbarschaften“ gefunden"
    )

    page.get_by_role(
        "link", name="Betriebsnachbarschaften: Abschluss im Landkreis Helmstedt"
    ).click()
    page.wait_for_url(f"**{DETAIL}")
    assert page.locator(".dateline").inner_text() == "Helmstedt, 28. März 2022."
    assert page.locator(".gallery .credit").inner_text() == (
        "Grafik: Allianz für die Region (Demobild)"
    )

    # She saves the press contact and downloads the attachment.
    with page.expect_download() as vcard_download:
        page.get_by_role("link", name="Kontakt speichern").first.click()
    vcard = vcard_download.value.path().read_text(encoding="utf-8")
    assert vcard.startswith("BEGIN:VCARD")
    assert "Rosinski" in vcard

    with page.expect_download() as attachment_download:
        page.get_by_role("link", name="Projektsteckbrief Betriebsnachbarschaften").click()
    attachment = attachment_download.value
    assert attachment.suggested_filename == "projektsteckbrief-betriebsnachbarschaften.pdf"
    assert attachment.path().read_bytes().startswith(b"%PDF-")

    # She downloads the image's original: the picture the page describes, credit in its name.
    gallery = page.locator(".gallery")
    assert "JPEG, 1600 × 900 Pixel" in gallery.locator(".filemeta").inner_text()
    with page.expect_download() as image_download:
        gallery.get_by_role("link", name="Original herunterladen").click()
    original = image_download.value
    assert original.suggested_filename.endswith("_grafik-allianz-fuer-die-region-demobild.jpg")
    with Image.open(original.path()) as picture:
        assert (picture.format, picture.size) == ("JPEG", (1600, 900))
        picture.load()  # decodes every pixel: a truncated or broken file raises here

    # She subscribes to new releases on one topic.
    page.get_by_role("link", name="E-Mail-Abo").click()
    page.wait_for_url("**/presse/abonnieren/")
    page.get_by_label("E-Mail-Adresse").fill(ADDRESS)
    page.get_by_role("group", name="Themen").get_by_label("Fachkräftesicherung").check()
    page.get_by_label("Ich möchte neue Pressemitteilungen per E-Mail erhalten").check()
    page.get_by_role("button", name="Abonnieren").click()
    page.wait_for_url("**/presse/abonnieren/gesendet/")
    assert page.get_by_role("heading", level=1).inner_text() == "Fast geschafft"

    # The mail asks her to confirm; the link opens a page whose button gives her consent.
    [confirmation] = mailoutbox
    assert confirmation.to == [ADDRESS]
    assert "Themen: Fachkräftesicherung" in confirmation.body
    [link] = re.findall(r"^http\S+/presse/abonnieren/bestaetigen/\S+/$", confirmation.body, re.M)
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Abonnement bestätigen"
    page.get_by_role("button", name="Abonnement bestätigen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ihr Abonnement ist bestätigt"
    assert page.get_by_text(
        f"Neue Pressemitteilungen kommen ab jetzt an {ADDRESS} (Themen: Fachkräftesicherung)."
    ).is_visible()

    # The press office publishes one release on her topic and one on another; the cron job runs.
    wanted = publish("Fachkräfte finden im Landkreis Peine", topic="Fachkräftesicherung")
    publish("Neue Broschüre zum Regionalmarketing", topic="Regionalmarketing")
    call_command("send_release_alerts", stdout=io.StringIO())

    # Exactly one alert reaches her: the release on her topic, with its address.
    alerts = [message for message in mailoutbox[1:] if ADDRESS in message.to]
    assert [alert.subject for alert in alerts] == [
        "Pressemitteilung: Fachkräfte finden im Landkreis Peine"
    ]
    release_url = live_server.url + wanted.get_absolute_url()
    assert release_url in alerts[0].body.splitlines()

    # The link in the alert opens the new release.
    page.goto(release_url)
    assert page.get_by_role("heading", level=1).inner_text() == wanted.title
    assert log.foreign_requests() == []


def publish(title, topic):
    """What the press office does in the admin (tests/browser/test_staff_journey.py), in short."""
    now = timezone.now()
    release = PressRelease.objects.create(
        title=title,
        place="Braunschweig",
        release_date=timezone.localdate(now),
        lead="Ein Vorspann in zwei Sätzen. Mehr steht im Text.",
        body="<p>Der Text der Mitteilung.</p>",
        status=PressRelease.Status.PUBLISHED,
        publish_at=now,
    )
    release.topics.set([Topic.objects.get(name=topic)])
    return release
