"""
The press office's journey, end to end in the browser: log into the admin, write a release in
CKEditor 5 (heading, bold, list, link), add an image with alt text and credit, schedule it two
minutes ahead, see that the public site does not show it, let the two minutes pass, see it on the
home page, in the archive, in the feed and at its address, correct the title and see the
correction there.

The two minutes pass with time-machine: it moves the clock of this process, and so of the live
server thread, while the browser keeps its own. Nothing but the clock changes; no job runs.
"""

import datetime

import feedparser
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from releases.models import PressRelease

from ..helpers import png_bytes

PASSWORD = "ein-langes-passwort-1"
TITLE = "Betriebsnachbarschaften starten im Landkreis Peine"


def feed_titles(page):
    """The titles in the RSS feed, fetched as a feed reader would (no cookies of the staff)."""
    response = page.request.get("/presse/feed/")
    assert response.ok
    return [entry.title for entry in feedparser.parse(response.body()).entries]


def log_in(page, username):
    page.goto("/admin/")
    page.get_by_label("Benutzername:", exact=True).fill(username)
    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Verwaltung").wait_for()


def write_body_in_ckeditor(page):
    """Type like an editor does: toolbar for the heading and the list, shortcuts for bold and
    the link."""
    editor = page.locator(".ck-editor__editable")
    editor.click()
    toolbar = page.locator(".ck-editor__top")
    toolbar.get_by_role("button", name="Überschrift").click()
    page.get_by_role("menuitemradio", name="Zwischenüberschrift").click()
    page.keyboard.type("Nachbarn lernen voneinander")
    page.keyboard.press("Enter")
    page.keyboard.type("Die Betriebe setzen auf ")
    page.keyboard.press("Control+B")
    page.keyboard.type("gemeinsame Ausbildung")
    page.keyboard.press("Control+B")
    page.keyboard.type(" und teilen Erfahrungen.")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Aufzählungsliste").first.click()
    page.keyboard.type("Azubimarketing")
    page.keyboard.press("Enter")
    page.keyboard.type("Mitarbeiterbindung")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty item ends the list
    page.keyboard.type("Mehr dazu auf der Projektseite")
    # The editor applies typed text a moment later; select the word once it is all there.
    expect(editor.locator("p").last).to_have_text("Mehr dazu auf der Projektseite")
    page.keyboard.press("Control+Shift+ArrowLeft")
    page.keyboard.press("Control+K")
    address = page.locator(".ck-balloon-panel_visible").get_by_role("textbox", name="Linkadresse")
    address.wait_for()  # the link balloon opens with its address field focused
    address.press_sequentially("https://www.allianz-fuer-die-region.de/")
    address.press("Enter")
    editor.get_by_role("link", name="Projektseite").wait_for()


def add_image(page):
    page.locator("#images-group").get_by_role("button", name="Bild hinzufügen").click()
    images = page.locator("#images-group .inline-related:not(.empty-form)")
    images.get_by_label("Bild:", exact=True).set_input_files(
        {"name": "auftakt.png", "mimeType": "image/png", "buffer": png_bytes((800, 450))}
    )
    images.get_by_label("Alternativtext:", exact=True).fill(
        "Unternehmerinnen und Unternehmer an einem Tisch"
    )
    images.get_by_label("Bildunterschrift:", exact=True).fill("Auftakt im Gewerbegebiet")
    images.get_by_label("Bildnachweis:", exact=True).fill(
        "Foto: Allianz für die Region/Erika Beispiel"
    )


def test_staff_schedules_a_release_that_appears_by_itself_and_shows_a_correction(
    open_browser, newsroom, django_user_model
):
    django_user_model.objects.create_user(
        "pressestelle", password=PASSWORD, is_staff=True, is_superuser=True
    )
    reader, reader_log = open_browser()  # a journalist, never logged in
    staff, staff_log = open_browser()
    with time_machine.travel(timezone.now(), tick=True) as clock:
        log_in(staff, "pressestelle")
        staff.goto("/admin/releases/pressrelease/add/")
        staff.get_by_label("Titel:", exact=True).fill(TITLE)
        staff.get_by_label("Ort in der Ortszeile:", exact=True).fill("Peine")
        staff.get_by_label("Vorspann:", exact=True).fill(
            "Unternehmen im Gewerbegebiet Peine-Ost tun sich zusammen."
        )
        write_body_in_ckeditor(staff)
        add_image(staff)
        staff.get_by_label("Status:", exact=True).select_option(label="Veröffentlicht")
        moment = timezone.localtime() + datetime.timedelta(minutes=2)
        staff.get_by_label("Veröffentlichen ab: Datum").fill(moment.strftime("%d.%m.%Y"))
        staff.get_by_label("Veröffentlichen ab: Uhrzeit").fill(moment.strftime("%H:%M:%S"))
        staff.get_by_role("button", name="Sichern und weiter bearbeiten").click()
        staff.locator(".messagelist .success").wait_for()

        release = PressRelease.objects.get(title=TITLE)
        assert release.is_embargoed
        address = release.get_absolute_url()
        assert reader.goto(address).status == 404
        for listing in ["/", "/presse/", f"/presse/{moment:%Y}/"]:
            reader.goto(listing)
            assert TITLE not in reader.content(), listing
        assert TITLE not in feed_titles(reader)

        clock.shift(datetime.timedelta(minutes=2, seconds=1))

        for listing in ["/", "/presse/"]:
            reader.goto(listing)
            reader.get_by_role("link", name=TITLE).click()
            assert reader.url.endswith(address)
        assert reader.get_by_role("heading", level=1).inner_text() == TITLE
        assert feed_titles(reader)[0] == TITLE
        body = reader.locator(".release__body")
        assert body.get_by_role("heading", level=2).inner_text() == "Nachbarn lernen voneinander"
        assert body.locator("strong").inner_text() == "gemeinsame Ausbildung"
        assert body.locator("ul > li").all_inner_texts() == ["Azubimarketing", "Mitarbeiterbindung"]
        link = body.get_by_role("link", name="Projektseite")
        assert link.get_attribute("href") == "https://www.allianz-fuer-die-region.de/"
        image = reader.get_by_role("img", name="Unternehmerinnen und Unternehmer an einem Tisch")
        image.scroll_into_view_if_needed()  # the gallery's images load lazily
        expect(image).to_have_js_property("complete", True)
        # The page shows a rendition no wider than the 800-pixel original (releases/renditions.py).
        assert 0 < image.evaluate("img => img.naturalWidth") <= 800
        caption = reader.locator(".gallery figcaption")
        assert "Auftakt im Gewerbegebiet" in caption.inner_text()
        assert (
            caption.locator(".credit").inner_text() == "Foto: Allianz für die Region/Erika Beispiel"
        )

        staff.get_by_label("Titel:", exact=True).fill(f"{TITLE} – mit zwölf Betrieben")
        staff.get_by_role("button", name="Sichern und weiter bearbeiten").click()
        staff.locator(".messagelist .success").wait_for()

        reader.goto(address)  # the address stays: the slug is fixed once saved
        assert (
            reader.get_by_role("heading", level=1).inner_text() == f"{TITLE} – mit zwölf Betrieben"
        )
        reader.goto("/")
        assert reader.get_by_role("link", name=f"{TITLE} – mit zwölf Betrieben").is_visible()
        assert feed_titles(reader)[0] == f"{TITLE} – mit zwölf Betrieben"

    assert staff_log.foreign_requests() == []  # the admin and CKEditor 5 load nothing from outside
    assert reader_log.foreign_requests() == []
