"""The admin pages the press office works in: WCAG 2.1 A/AA by axe-core, nothing from another host
(CKEditor 5 included), at a desktop's width."""

import pytest

from contacts.models import DistributionList, Journalist, MediaOutlet, PressContact
from releases import versions
from releases.models import (
    EmbargoLink,
    Mailing,
    Partner,
    PressRelease,
    Project,
    ProjectArea,
    ReviewDecision,
    ReviewLink,
    Topic,
)

from .pages import ADMIN_PAGES, DETAIL
from .tools import axe_violations

PASSWORD = "ein-langes-passwort-1"

# Markup of Django's own admin widgets, not ours; everything else on the pages counts:
# filter_horizontal (admin/js/SelectFilter2.js) puts aria-label on a plain <span> (its search help
# icon); autocomplete_fields (Django's bundled Select2) renders an unlabelled search box inside a
# list that holds a <span>.
DJANGO_WIDGETS = [".selector .help-tooltip", ".select2-container"]


@pytest.fixture
def staff_page(open_browser, newsroom, django_user_model):
    django_user_model.objects.create_user(
        "pressestelle", password=PASSWORD, is_staff=True, is_superuser=True
    )
    page, log = open_browser(bypass_csp=True)
    page.goto("/admin/login/")
    page.get_by_label("Benutzername:", exact=True).fill("pressestelle")
    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Verwaltung").wait_for()
    return page, log


def release_change_form(page):
    helmstedt = PressRelease.objects.get(slug=DETAIL.rstrip("/").rsplit("/", 1)[1])
    page.goto(f"/admin/releases/pressrelease/{helmstedt.pk}/change/")


def embargoed_release_change_form(page):
    """A release under embargo with a Sperrfrist-Link: the link's form shows only then."""
    [embargoed] = PressRelease.objects.scheduled()
    EmbargoLink.objects.create(release=embargoed, recipient="Verteiler Tageszeitungen")
    page.goto(f"/admin/releases/pressrelease/{embargoed.pk}/change/")


def draft_with_review_links(page=None):
    """The demo draft with two review links: one approved for an older version, one open."""
    draft = PressRelease.objects.filter(status=PressRelease.Status.DRAFT).first()
    approved = ReviewLink.objects.create(
        release=draft, name="Anna Muster", organisation="IHK Braunschweig", email="a@ihk.example"
    )
    ReviewLink.objects.create(
        release=draft, name="Ben Beispiel", organisation="Landkreis Helmstedt", email="b@lk.example"
    )
    ReviewDecision.objects.create(
        link=approved, decision="approved", version=versions.current_version(draft)
    )
    draft.title = f"{draft.title} (überarbeitet)"
    draft.save()
    versions.current_version(draft, comment="Titel überarbeitet")
    return draft


def release_change_form_with_review_links(page):
    page.goto(f"/admin/releases/pressrelease/{draft_with_review_links().pk}/change/")


def release_history_to_compare(page):
    page.goto(f"/admin/releases/pressrelease/{draft_with_review_links().pk}/history/")


def two_versions_compared(page):
    draft = draft_with_review_links()
    page.goto(f"/admin/releases/pressrelease/{draft.pk}/history/")
    page.get_by_role("button", name="Fassungen vergleichen").click()
    page.get_by_text("Ältere Fassung:").wait_for()


def copy_form(page):
    helmstedt = PressRelease.objects.get(slug=DETAIL.rstrip("/").rsplit("/", 1)[1])
    page.goto(f"/admin/releases/pressrelease/{helmstedt.pk}/kopieren/")


def project_add_form_with_a_partner_role_and_an_area(page):
    """Rows added in the page, filled in through the names their inputs have."""
    page.goto("/admin/releases/project/add/")
    page.get_by_role("button", name="Rolle eines Partners hinzufügen").click()
    roles = "Projektträger, Förderer und Unterstützer"
    page.get_by_role("combobox", name=f"{roles}: Partner, neue Zeile").select_option(
        label="Landkreis Helmstedt"
    )
    page.get_by_role("combobox", name=f"{roles}: Rolle, neue Zeile").select_option(label="Förderer")
    page.get_by_role("button", name="Projektraum hinzufügen").click()
    page.get_by_role("textbox", name="Projekträume: Name, neue Zeile").fill("Wolfenbüttel")


def project_change_form(page):
    """The demo project: its partners' roles and its areas fill both tables."""
    project = Project.objects.get(slug="betriebsnachbarschaften")
    page.goto(f"/admin/releases/project/{project.pk}/change/")


def project_area_add_form_with_an_event(page):
    page.goto("/admin/releases/projectarea/add/")
    page.get_by_label("Projekt:").select_option(label="Betriebsnachbarschaften")
    page.get_by_label("Name:").fill("Wolfenbüttel")
    page.get_by_role("button", name="Termin hinzufügen").click()
    page.get_by_role("textbox", name="Titel:").fill("Auftakt im Projektraum Wolfenbüttel")
    page.get_by_role("textbox", name="Beginn: Datum").fill("02.05.2022")
    page.get_by_role("textbox", name="Beginn: Uhrzeit").fill("16:00")
    page.get_by_role("textbox", name="Ort:").fill("Schloss Wolfenbüttel")


def project_area_change_form(page):
    """A demo area with its closing event."""
    area = ProjectArea.objects.filter(events__isnull=False).first()
    page.goto(f"/admin/releases/projectarea/{area.pk}/change/")


def partner_change_form(page):
    helmstedt = Partner.objects.get(slug="landkreis-helmstedt")
    page.goto(f"/admin/releases/partner/{helmstedt.pk}/change/")


def press_contact_change_form(page):
    page.goto(f"/admin/contacts/presscontact/{PressContact.objects.get().pk}/change/")


def topic_change_form(page):
    page.goto(f"/admin/releases/topic/{Topic.objects.first().pk}/change/")


# The press list and the mailings (contacts/, releases/mailing/).

IMPORT_CSV = (
    "Vorname;Nachname;Firma;Position;E-Mail-Adresse\r\n"
    "Jörg;Weiß;Braunschweiger Zeitung;Lokalredaktion;joerg.weiss@bz.example\r\n"
    "Anna;Doppelt;Braunschweiger Zeitung;;JOERG.WEISS@bz.example\r\n"
    "Kai;Kaputt;Radio 38;;kein-at-zeichen\r\n"
)


def press_list():
    """A list with two journalists of two outlets."""
    daily = MediaOutlet.objects.create(name="Braunschweiger Zeitung", region="Braunschweig")
    radio = MediaOutlet.objects.create(name="Radio 38", kind=MediaOutlet.Kind.RADIO)
    regional = DistributionList.objects.create(name="Regionale Medien")
    for email, outlet in [("erika@bz.example", daily), ("max@radio38.example", radio)]:
        regional.members.add(
            Journalist.objects.create(
                email=email,
                first_name="Erika",
                last_name="Beispiel",
                outlet=outlet,
                basis_source="Visitenkarte",
            )
        )
    return regional


def mailing_of_the_embargoed_release():
    [embargoed] = PressRelease.objects.scheduled()
    mailing = Mailing.objects.create(release=embargoed)
    mailing.lists.set([press_list()])
    return mailing


def journalist_changelist(page):
    press_list()
    page.goto("/admin/contacts/journalist/")


def journalist_change_form(page):
    press_list()
    page.goto(f"/admin/contacts/journalist/{Journalist.objects.first().pk}/change/")


def distribution_list_change_form(page):
    page.goto(f"/admin/contacts/distributionlist/{press_list().pk}/change/")


def import_preview_with_good_duplicate_and_broken_rows(page):
    page.goto("/admin/contacts/journalist/import/")
    page.get_by_label("Datei:").set_input_files(
        {"name": "verteiler.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode("cp1252")}
    )
    page.get_by_role("button", name="Vorschau anzeigen").click()
    page.locator("#import-rows").wait_for()


def mailing_draft_with_count_preview_and_buttons(page):
    page.goto(f"/admin/releases/mailing/{mailing_of_the_embargoed_release().pk}/change/")
    page.locator("#recipient-count").wait_for()


def mailing_preview_of_the_mail(page):
    page.goto(f"/admin/releases/mailing/{mailing_of_the_embargoed_release().pk}/vorschau/html/")


def mailing_in_progress(page):
    mailing = mailing_of_the_embargoed_release()
    mailing.start()
    page.goto(f"/admin/releases/mailing/{mailing.pk}/change/")
    page.locator("#mailing-progress").wait_for()


def mailing_deliveries(page):
    mailing = mailing_of_the_embargoed_release()
    mailing.start()
    page.goto(f"/admin/releases/mailingdelivery/?mailing__id__exact={mailing.pk}")


def submitted_with_an_open_review():
    """The demo draft submitted (with a comment in its history), one co-issuer not answered yet."""
    draft = PressRelease.objects.filter(status=PressRelease.Status.DRAFT).first()
    ReviewLink.objects.create(
        release=draft, name="Otto Offen", organisation="HWK Braunschweig", email="o@hwk.example"
    )
    draft.submit(comment="Bitte bis Freitag prüfen.")
    draft.save()
    return draft


def submit_for_approval_form(page):
    draft = PressRelease.objects.filter(status=PressRelease.Status.DRAFT).first()
    page.goto(f"/admin/releases/pressrelease/{draft.pk}/status/einreichen/")


def request_changes_form(page):
    page.goto(
        f"/admin/releases/pressrelease/{submitted_with_an_open_review().pk}/status/"
        "aenderungen-erbitten/"
    )


def start_page_with_a_submitted_release(page):
    submitted_with_an_open_review()
    page.goto("/admin/")


def history_with_state_changes(page):
    page.goto(f"/admin/releases/pressrelease/{submitted_with_an_open_review().pk}/history/")


def publish_confirmation(page):
    """Publishing a submitted release whose co-issuer has not answered: the question first."""
    page.goto(f"/admin/releases/pressrelease/{submitted_with_an_open_review().pk}/change/")
    page.get_by_label("Status:", exact=True).select_option(label="Veröffentlicht")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    page.get_by_role("button", name="Trotzdem veröffentlichen").wait_for()


# Each opens its page (and fills in what the page's check needs) with the database at hand.
COMPUTED_PAGES = [
    submit_for_approval_form,
    request_changes_form,
    start_page_with_a_submitted_release,
    history_with_state_changes,
    publish_confirmation,
    release_change_form,
    embargoed_release_change_form,
    release_change_form_with_review_links,
    release_history_to_compare,
    two_versions_compared,
    copy_form,
    project_add_form_with_a_partner_role_and_an_area,
    project_change_form,
    project_area_add_form_with_an_event,
    project_area_change_form,
    partner_change_form,
    press_contact_change_form,
    topic_change_form,
    journalist_changelist,
    journalist_change_form,
    distribution_list_change_form,
    import_preview_with_good_duplicate_and_broken_rows,
    mailing_draft_with_count_preview_and_buttons,
    mailing_preview_of_the_mail,
    mailing_in_progress,
    mailing_deliveries,
    "/admin/contacts/journalist/add/",
    "/admin/contacts/journalist/import/",
    "/admin/contacts/mediaoutlet/",
    "/admin/contacts/mediaoutlet/add/",
    "/admin/contacts/distributionlist/add/",
    "/admin/contacts/suppression/",
    "/admin/releases/mailing/",
    "/admin/releases/mailing/add/",
    "/admin/releases/digestdelivery/",
]


@pytest.mark.parametrize(
    "path",
    [*ADMIN_PAGES, *COMPUTED_PAGES],
    ids=lambda path: getattr(path, "__name__", path),  # not a memory address: ids stay the same
)
def test_admin_page_has_no_wcag_21_aa_violations_and_asks_no_other_host(staff_page, path):
    page, log = staff_page
    if callable(path):
        path(page)
    else:
        page.goto(path)
    page.wait_for_load_state("networkidle")
    problems = axe_violations(page, exclude=DJANGO_WIDGETS)
    assert not problems, "\n".join(problems)
    assert log.foreign_requests() == []
