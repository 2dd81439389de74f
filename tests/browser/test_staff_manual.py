"""
The admin pages the staff manual (docs/redaktion.md) shows, as the role Chefredaktion sees them:
each page holds what the manual says about it. With SCREENSHOT_DIR set (`make screenshots`) the
test also saves the pictures the manual links, docs/screenshots/admin-*.png.

Chefredaktion, not a superuser: the pictures show the menus and buttons the press office has.
"""

import os
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from releases.models import PressRelease
from releases.roles import CHEFREDAKTION

from .pages import DETAIL

PASSWORD = "ein-langes-passwort-1"
LIST_URL = "/admin/releases/pressrelease/"
SITE_URL = "https://presse.example.de"  # DJANGO_SITE_URL: the embargo links the admin shows
# What the role migration grants (the live server's database is emptied between tests, the
# groups the migrations made included).
roles = import_module("releases.migrations.0004_roles")


def screenshot(target, name, **options):
    """Saves `target` (a page or one element of it) as docs/screenshots/admin-<name>.png when
    SCREENSHOT_DIR is set."""
    if folder := os.environ.get("SCREENSHOT_DIR"):
        target.screenshot(path=Path(folder) / f"admin-{name}.png", **options)


@pytest.fixture
def chief(open_browser, newsroom, django_user_model, settings):
    """A browser logged into the admin as a member of Chefredaktion."""
    settings.SITE_URL = SITE_URL
    group, _created = Group.objects.get_or_create(name=CHEFREDAKTION)
    for name in roles.GRANTS[CHEFREDAKTION]:
        app_label, codename = name.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user = django_user_model.objects.create_user(
        "clara", password=PASSWORD, is_staff=True, first_name="Clara", last_name="Beispiel"
    )
    user.groups.add(group)
    page, _log = open_browser(width=1280, height=900)
    page.goto("/admin/login/")
    page.get_by_label("Benutzername:", exact=True).fill("clara")
    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Verwaltung").wait_for()
    return page


def open_change_form(page, release):
    page.goto(f"{LIST_URL}{release.pk}/change/")
    page.locator(".ck-editor__editable").wait_for()  # CKEditor 5 has replaced the text area


def save_and_continue(page):
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    page.locator(".messagelist .success").wait_for()


def test_the_release_list_shows_embargo_draft_and_the_three_actions(chief):
    [scheduled] = PressRelease.objects.scheduled()
    moment = date_format(timezone.localtime(scheduled.publish_at), "j. F Y, H:i")
    chief.goto(LIST_URL)
    results = chief.locator("#result_list")
    expect(results.get_by_role("row").filter(has_text=scheduled.title)).to_contain_text(
        f"Sperrfrist bis {moment} Uhr"
    )
    draft = PressRelease.objects.get(status=PressRelease.Status.DRAFT)
    expect(results.get_by_role("row").filter(has_text=draft.title)).to_contain_text("Entwurf")
    actions = chief.get_by_role("combobox", name="Aktion:").locator("option").all_inner_texts()
    for action in [
        "Ausgewählte veröffentlichen (eine Sperrfrist bleibt bestehen)",
        "Ausgewählte zurückziehen (wieder Entwurf)",
        "Ausgewählte öffentlich zurückziehen (eine schon öffentliche Adresse meldet das dann)",
        "Ausgewählte Pressemitteilungen löschen",
    ]:
        assert action in actions
    assert chief.get_by_role("link", name="Pressemitteilung hinzufügen").is_visible()
    screenshot(chief, "liste", full_page=True)


def test_a_correction_is_shown_on_the_page_and_kept_in_the_history(chief, open_browser):
    release = PressRelease.objects.get(slug=DETAIL.rstrip("/").rsplit("/", 1)[1])
    open_change_form(chief, release)
    preview = chief.locator(".object-tools").get_by_role("link", name="Auf der Website anzeigen")
    assert preview.get_attribute("href") == f"/presse/vorschau/{release.pk}/"
    publishing = chief.locator(
        "fieldset", has=chief.get_by_role("heading", name="Veröffentlichung")
    )
    expect(publishing.get_by_label("Status:", exact=True)).to_have_value("published")
    expect(publishing.get_by_label("Veröffentlichen ab: Datum")).to_be_editable()
    screenshot(chief, "mitteilung")  # the top of the form, as it opens
    publishing.scroll_into_view_if_needed()
    screenshot(publishing, "veroeffentlichung")

    # A correction: the text changes, the note says what; then the title in a second step.
    chief.get_by_label("Vorspann:", exact=True).fill(f"{release.lead} (Ort korrigiert)")
    publishing.get_by_label("Korrekturhinweis:", exact=True).fill("Ortsangabe korrigiert")
    save_and_continue(chief)
    chief.get_by_label("Titel:", exact=True).fill(f"{release.title} – mit Bilanz")
    save_and_continue(chief)

    reader, _log = open_browser()  # a journalist: the public page, not the preview
    reader.goto(release.get_absolute_url())
    expect(reader.locator(".correction")).to_contain_text(
        f"Aktualisiert am {date_format(timezone.localdate(), 'j. F Y')}: Ortsangabe korrigiert"
    )
    expect(reader.get_by_role("heading", level=1)).to_have_text(f"{release.title} – mit Bilanz")

    chief.get_by_role("link", name="Geschichte", exact=True).click()
    history = chief.locator("#change-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text("clara (Clara Beispiel)")  # newest first
    expect(history.nth(1)).to_contain_text("Korrekturhinweis geändert.")
    expect(history.nth(0)).to_contain_text("Titel geändert.")
    screenshot(chief, "geschichte")

    # the earlier version, before the title changed
    history.nth(1).get_by_role("link", name=re.compile(r"\d")).click()
    expect(chief.get_by_label("Titel:", exact=True)).to_have_value(release.title)
    chief.locator(".ck-editor__editable").wait_for()
    screenshot(chief, "fassung")


def test_an_embargo_link_is_added_in_the_form_and_opens_the_release_early(chief, open_browser):
    [scheduled] = PressRelease.objects.scheduled()
    open_change_form(chief, scheduled)
    chief.get_by_role("button", name="Sperrfrist-Link hinzufügen").click()
    links = chief.locator("#embargo_links-group")
    links.get_by_role("textbox", name="Für:", exact=True).fill("Verteiler Tageszeitungen")
    save_and_continue(chief)

    link = links.get_by_role("textbox", name="Sperrfrist-Link").input_value()
    assert link.startswith(f"{SITE_URL}/presse/sperrfrist/")
    journalist, _log = open_browser()  # never logged in; the live server stands in for the site
    journalist.goto(link.removeprefix(SITE_URL))
    expect(journalist.get_by_role("heading", level=1)).to_have_text(scheduled.title)
    moment = date_format(timezone.localtime(scheduled.publish_at), "d.m.Y, H:i")
    expect(journalist.get_by_text(f"Sperrfrist: {moment} Uhr")).to_be_visible()

    links.scroll_into_view_if_needed()
    screenshot(links, "sperrfrist-link")
