"""
Chefredaktion's way from a spreadsheet to the journalists' inboxes, end to end in the browser:
import a CSV with good, duplicate and broken rows (preview first, then the import), build a
distribution list, send the release under embargo to it from its page, a test mail first. A
real SMTP server on loopback (aiosmtpd) receives one mail per address with the full text and a
personal embargo link; a journalist opens hers before the time and the staff see the opening;
one journalist unsubscribes through the link in her mail and is left out of the next mailing.

send_mailings is what cron runs every minute; here the test runs it where cron would.
"""

import re

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from playwright.sync_api import expect

from contacts.models import Journalist, Suppression
from releases.models import MailingDelivery, PressRelease

from ..helpers import Recorder, body_text, closed_port, html_of

PASSWORD = "ein-langes-passwort-1"
CHIEF = "chefin@allianz.example"

CSV = (
    "Vorname;Nachname;Firma;Position;E-Mail-Adresse\r\n"
    "Jörg;Weiß;Braunschweiger Zeitung;Lokalredaktion;joerg.weiss@bz.example\r\n"
    "Lea;Hörfunk;Radio 38;Moderation;lea@radio38.example\r\n"
    "Anna;Doppelt;Braunschweiger Zeitung;;JOERG.WEISS@bz.example\r\n"
    "Kai;Kaputt;Radio 38;;kein-at-zeichen\r\n"
    "Sven;Online;regionalheute.de;Redaktion;sven@regionalheute.example\r\n"
)
JOURNALISTS = ["joerg.weiss@bz.example", "lea@radio38.example", "sven@regionalheute.example"]


@pytest.fixture
def smtp(settings, live_server):
    recorder = Recorder()
    server = Controller(recorder, hostname="127.0.0.1", port=closed_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.SITE_URL = live_server.url  # the links in the mails lead to the live server
    settings.MAILING_RATE_PER_SECOND = 1000
    yield recorder
    server.stop()


def log_in(page, username):
    page.goto("/admin/")
    page.get_by_label("Benutzername:", exact=True).fill(username)
    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Verwaltung").wait_for()


def choose(page, field, values):
    """Django's two-box selector (filter_horizontal): mark entries on the left, press "Auswählen"."""
    page.locator(f"#id_{field}_from").select_option([str(value) for value in values])
    page.locator(f"#id_{field}_add").click()


def add_members(page, addresses):
    """The members' field searches as you type (autocomplete_fields): type, pick the match."""
    for address in addresses:
        page.locator(".field-members .select2-search__field").click()
        page.keyboard.type(address)
        page.locator(".select2-results__option", has_text=address).click()


def send_release_to_list(page, release, list_name, again=False):
    """From the release's page: "An die Presse versenden", the list, save, then send."""
    page.goto(f"/admin/releases/pressrelease/{release.pk}/change/")
    page.get_by_role("link", name="An die Presse versenden").click()
    expect(page.get_by_label("Mitteilung:")).to_have_value(str(release.pk))
    choose(
        page,
        "lists",
        [page.locator("#id_lists_from option", has_text=list_name).get_attribute("value")],
    )
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    page.locator("#recipient-count").wait_for()


def test_chefredaktion_imports_builds_a_list_sends_under_embargo_and_an_unsubscribe_holds(
    open_browser, newsroom, django_user_model, smtp
):
    django_user_model.objects.create_user(
        "chefredaktion", email=CHIEF, password=PASSWORD, is_staff=True, is_superuser=True
    )
    [release] = PressRelease.objects.scheduled()  # the demo's release under embargo
    staff, staff_log = open_browser()
    log_in(staff, "chefredaktion")

    # Import: the preview says what each row will do; nothing is stored before "Jetzt importieren".
    staff.goto("/admin/contacts/journalist/")
    staff.get_by_role("link", name="Importieren (CSV, vCard)").click()
    staff.get_by_label("Datei:").set_input_files(
        {"name": "verteiler.csv", "mimeType": "text/csv", "buffer": CSV.encode("cp1252")}
    )
    staff.get_by_label("Herkunft der Adressen:").fill("Verteiler der Pressestelle 2025")
    staff.get_by_role("button", name="Vorschau anzeigen").click()
    rows = staff.locator("#import-rows tbody tr")
    expect(rows).to_have_count(5)
    assert "Vorschau: Noch ist nichts gespeichert" in staff.content()
    assert "kein-at-zeichen" in rows.nth(3).inner_text()
    counts = {
        outcome: staff.locator(f'.import-counts [data-outcome="{outcome}"]').inner_text()
        for outcome in ["new", "duplicate", "invalid"]
    }
    assert not Journalist.objects.exists()
    staff.get_by_role("button", name="Jetzt importieren").click()
    staff.get_by_role("heading", name="Ergebnis des Imports").wait_for()
    assert sorted(Journalist.objects.values_list("email", flat=True)) == JOURNALISTS
    assert [counts[outcome][-2:] for outcome in ["new", "duplicate", "invalid"]] == [
        " 3",
        " 1",
        " 1",
    ]

    # A list with the three.
    staff.goto("/admin/contacts/distributionlist/add/")
    staff.get_by_label("Name:").fill("Regionale Medien")
    add_members(staff, JOURNALISTS)
    staff.get_by_role("button", name="Sichern", exact=True).click()
    staff.locator(".messagelist .success").wait_for()

    # The mailing, from the release's page: count, test mail to herself, send.
    send_release_to_list(staff, release, "Regionale Medien")
    expect(staff.locator("#recipient-count")).to_have_text("3")
    staff.get_by_role("button", name=re.compile("Testmail an mich senden")).click()
    staff.locator(".messagelist .success").wait_for()
    [(test_rcpts, test_mail)] = smtp.messages
    assert test_rcpts == [CHIEF]
    assert test_mail["Subject"].strip().startswith("[Test] SPERRFRIST ")
    staff.get_by_role("button", name="Jetzt an 3 Adressen senden").click()
    staff.locator(".messagelist .success").wait_for()
    smtp.messages.clear()
    call_command("send_mailings")  # cron

    # One mail per address, with the full text and a personal embargo link each.
    assert smtp.recipients() == JOURNALISTS
    links = {}
    for (rcpt,), message in smtp.messages:
        text = body_text(message)
        assert message["Subject"].strip().startswith("SPERRFRIST ")
        assert release.title in text and "Projektraum Helmstedt" in html_of(message)
        assert release.lead.split(":")[0] in text
        links[rcpt] = re.search(r"https?://\S+/presse/sperrfrist/\S+/", text).group(0)
        assert links[rcpt] in html_of(message)
    assert len(set(links.values())) == 3

    # Lea opens her link before the time: the release with its material, not yet public.
    reader, reader_log = open_browser()
    reader.goto(links["lea@radio38.example"])
    assert reader.get_by_role("heading", level=1).inner_text() == release.title
    assert reader.goto(release.get_absolute_url()).status == 404  # the public page is not there
    assert reader_log.foreign_requests() == []

    # The staff see who opened it.
    mailing = MailingDelivery.objects.get(email="lea@radio38.example").mailing
    staff.goto(f"/admin/releases/mailingdelivery/?mailing__id__exact={mailing.pk}")
    lea_row = staff.locator("tr", has_text="lea@radio38.example")
    expect(lea_row).to_contain_text("1-mal, zuerst")
    expect(staff.locator("tr", has_text="sven@regionalheute.example")).to_contain_text("–")

    # Sven unsubscribes through the link in his mail.
    sven_mail = next(m for (rcpt,), m in smtp.messages if rcpt == "sven@regionalheute.example")
    unsubscribe = re.search(r"Abmelden mit einem Klick: (\S+)", body_text(sven_mail)).group(1)
    reader.goto(unsubscribe)
    reader.get_by_role("button", name="Abmelden").click()
    reader.get_by_role("heading", name="Sie sind vom Presseverteiler abgemeldet").wait_for()
    assert Suppression.objects.filter(email="sven@regionalheute.example").exists()

    # The next mailing to the same list: two addresses, Sven is not among them.
    smtp.messages.clear()
    send_release_to_list(staff, release, "Regionale Medien")
    expect(staff.locator("#recipient-count")).to_have_text("2")
    staff.get_by_label("Ja, noch einmal senden").check()
    staff.get_by_role("button", name="Jetzt an 2 Adressen senden").click()
    staff.locator(".messagelist .success").wait_for()
    call_command("send_mailings")
    assert smtp.recipients() == ["joerg.weiss@bz.example", "lea@radio38.example"]
    assert staff_log.foreign_requests() == []
