"""The admin pages the press office works in: WCAG 2.1 A/AA by axe-core, nothing from another host
(CKEditor 5 included), at a desktop's width."""

import pytest

from releases.models import EmbargoLink, PressRelease

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


def release_change_form():
    helmstedt = PressRelease.objects.get(slug=DETAIL.rstrip("/").rsplit("/", 1)[1])
    return f"/admin/releases/pressrelease/{helmstedt.pk}/change/"


def embargoed_release_change_form():
    """A release under embargo with a Sperrfrist-Link: the link's form shows only then."""
    [embargoed] = PressRelease.objects.scheduled()
    EmbargoLink.objects.create(release=embargoed, recipient="Verteiler Tageszeitungen")
    return f"/admin/releases/pressrelease/{embargoed.pk}/change/"


@pytest.mark.parametrize(
    "path",
    [*ADMIN_PAGES, release_change_form, embargoed_release_change_form],
    ids=lambda path: getattr(path, "__name__", path),  # not a memory address: ids stay the same
)
def test_admin_page_has_no_wcag_21_aa_violations_and_asks_no_other_host(staff_page, path):
    page, log = staff_page
    path = path() if callable(path) else path
    page.goto(path)
    page.wait_for_load_state("networkidle")
    problems = axe_violations(page, exclude=DJANGO_WIDGETS)
    assert not problems, "\n".join(problems)
    assert log.foreign_requests() == []
