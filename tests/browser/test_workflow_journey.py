"""
The approval workflow end to end in the browser: Redaktion writes a release and submits it; a
co-issuer opens the review link (no account) and asks for a change; Redaktion edits; the
co-issuer sees what changed and approves; Chefredaktion sees the approval on the start page,
schedules the release two minutes ahead, and it appears at its time (time-machine moves the
clock of this process and so of the live server; no job runs).
"""

import datetime
import os
from pathlib import Path

import time_machine
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from releases.models import PressRelease, ReviewLink

PASSWORD = "ein-langes-passwort-1"
TITLE = "Kammer und Allianz werben gemeinsam um Fachkräfte"

# The live server's database is emptied after each test, the roles' groups with it: made again
# here with what the migrations grant (releases/roles.py).
WRITING = [
    "add_pressrelease",
    "change_pressrelease",
    "view_pressrelease",
    "submit_pressrelease",
    "add_reviewlink",
    "change_reviewlink",
    "view_reviewlink",
    "view_releaseevent",
]
ROLES = {"Redaktion": WRITING, "Chefredaktion": [*WRITING, "publish_pressrelease"]}


def member(django_user_model, username, group_name):
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.set(Permission.objects.filter(codename__in=ROLES[group_name]))
    user = django_user_model.objects.create_user(
        username, password=PASSWORD, is_staff=True, email=f"{username}@allianz.example"
    )
    user.groups.add(group)
    return user


def log_in(page, username):
    page.goto("/admin/")
    page.get_by_label("Benutzername:", exact=True).fill(username)
    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Verwaltung").wait_for()


def save(page):
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    page.locator(".messagelist .success").first.wait_for()


def screenshot(page, name):
    """docs/screenshots/admin-<name>.png for the staff manual when SCREENSHOT_DIR is set
    (make screenshots)."""
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=Path(folder) / f"admin-{name}.png", full_page=True)


def test_submit_review_change_approve_schedule_appear(open_browser, newsroom, django_user_model):
    member(django_user_model, "redakteurin", "Redaktion")
    member(django_user_model, "chefin", "Chefredaktion")
    editor, editor_log = open_browser()
    reviewer, reviewer_log = open_browser()  # the co-issuer: never logged in
    chief, _chief_log = open_browser()
    reader, _reader_log = open_browser()
    with time_machine.travel(timezone.now(), tick=True) as clock:
        # Redaktion writes and submits
        log_in(editor, "redakteurin")
        editor.goto("/admin/releases/pressrelease/add/")
        editor.get_by_label("Titel:", exact=True).fill(TITLE)
        editor.get_by_label("Ort in der Ortszeile:", exact=True).fill("Braunschweig")
        editor.get_by_label("Vorspann:", exact=True).fill(
            "Die Kammer und die Allianz starten eine gemeinsame Kampagne."
        )
        save(editor)
        release = PressRelease.objects.get(title=TITLE)
        assert release.created_by.username == "redakteurin"
        link = ReviewLink.objects.create(
            release=release, name="Anna Muster", organisation="IHK", email="anna@ihk.example"
        )
        editor.get_by_role("link", name="Zur Freigabe einreichen").click()
        editor.get_by_label("Kommentar:").fill("Mit der IHK abgestimmt, bitte prüfen.")
        editor.get_by_role("button", name="Zur Freigabe einreichen").click()
        editor.locator(".messagelist .success").wait_for()
        assert PressRelease.objects.get(pk=release.pk).status == PressRelease.Status.SUBMITTED

        # the co-issuer asks for a change
        assert reviewer.goto(link.get_absolute_url()).status == 200
        reviewer.get_by_text("Entwurf – nicht zur Veröffentlichung").wait_for()
        screenshot(reviewer, "review-link")  # for docs/redaktion.md
        reviewer.get_by_label("Kommentar").fill(
            "Bitte „Industrie- und Handelskammer“ ausschreiben."
        )
        reviewer.get_by_role("button", name="Änderung erbitten").click()
        reviewer.get_by_text("Änderung erbeten", exact=True).wait_for()

        # Redaktion sees it on the release and edits
        editor.reload()
        editor.get_by_text("Bitte „Industrie- und Handelskammer“ ausschreiben.").wait_for()
        editor.get_by_label("Vorspann:", exact=True).fill(
            "Die Industrie- und Handelskammer und die Allianz starten eine gemeinsame Kampagne."
        )
        save(editor)

        # the co-issuer sees what changed, and approves
        reviewer.reload()
        changes = reviewer.locator(".review-changes")
        changes.get_by_text("Industrie- und Handelskammer").first.wait_for()
        assert changes.locator("ins").count() > 0 and changes.locator("del").count() > 0
        reviewer.get_by_role("button", name="Freigeben").click()
        reviewer.get_by_text("Sie galt dieser Fassung.").wait_for()

        # Chefredaktion sees the approval on the start page and schedules
        log_in(chief, "chefin")
        waiting = chief.locator("#start-submitted")
        assert TITLE in waiting.inner_text()
        assert "Anna Muster (IHK): freigegeben" in waiting.inner_text()
        screenshot(chief, "startseite")
        waiting.get_by_role("link", name=TITLE).click()
        chief.get_by_label("Status:", exact=True).select_option(label="Veröffentlicht")
        moment = timezone.localtime() + datetime.timedelta(minutes=2)
        chief.get_by_label("Veröffentlichen ab: Datum").fill(moment.strftime("%d.%m.%Y"))
        chief.get_by_label("Veröffentlichen ab: Uhrzeit").fill(moment.strftime("%H:%M:%S"))
        chief.get_by_label("Kommentar zum Statuswechsel:").fill("Freigegeben, mit Sperrfrist.")
        save(chief)  # every co-issuer approved this version: no question asked
        release.refresh_from_db()
        assert release.is_embargoed
        assert reader.goto(release.get_absolute_url()).status == 404

        clock.shift(datetime.timedelta(minutes=2, seconds=1))

        assert reader.goto(release.get_absolute_url()).status == 200
        assert reader.get_by_role("heading", level=1).inner_text() == TITLE
        reader.goto("/presse/")
        assert reader.get_by_role("link", name=TITLE).is_visible()

    assert [event.description for event in release.events.order_by("at")] == [
        "Zur Freigabe eingereicht",
        f"Geplant für {release.events.first().description.split('für ')[1]}",
    ]
    assert editor_log.foreign_requests() == [] and reviewer_log.foreign_requests() == []
