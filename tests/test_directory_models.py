"""Projects, partners and press contacts as the database keeps them: rules and constraints."""

import ast
import datetime
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts.models import PressContact, tel_uri
from releases.models import Partner, Project, ProjectArea, ProjectEvent, ProjectPartner


def assert_refused(write):
    """The database refuses the write: a constraint of its own says no."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_database_refuses_unknown_project_status_partner_kind_and_role(make_project, make_partner):
    project, partner = make_project(), make_partner()
    assert_refused(lambda: Project.objects.filter(pk=project.pk).update(status="idee"))
    assert_refused(lambda: Partner.objects.filter(pk=partner.pk).update(kind="verein"))
    assert_refused(
        lambda: ProjectPartner.objects.create(project=project, partner=partner, role="sponsorin")
    )


def test_database_refuses_a_project_or_event_that_ends_before_it_starts(make_project):
    project = make_project(areas=1)
    assert_refused(
        lambda: Project.objects.filter(pk=project.pk).update(
            start=datetime.date(2022, 3, 1), end=datetime.date(2021, 3, 1)
        )
    )
    event = ProjectEvent.objects.get(area__project=project)
    assert_refused(
        lambda: ProjectEvent.objects.filter(pk=event.pk).update(
            ends_at=event.starts_at - datetime.timedelta(hours=1)
        )
    )


def test_a_partner_has_each_role_in_a_project_once(make_project, make_partner):
    project, partner = make_project(), make_partner()
    ProjectPartner.objects.create(project=project, partner=partner, role="funder")
    ProjectPartner.objects.create(project=project, partner=partner, role="supporter")
    assert_refused(
        lambda: ProjectPartner.objects.create(project=project, partner=partner, role="funder")
    )


def test_an_area_name_is_unique_within_its_project(make_project):
    first, second = make_project(), make_project()
    ProjectArea.objects.create(project=first, name="Goslar")
    ProjectArea.objects.create(project=second, name="Goslar")
    assert_refused(lambda: ProjectArea.objects.create(project=first, name="Goslar"))


def test_a_press_contact_needs_an_address_name(make_contact):
    assert_refused(lambda: make_contact(slug=""))


def test_slugs_of_projects_and_partners_are_made_the_german_way(make_project, make_partner):
    assert make_project(name="Fachkräfte für Südostniedersachsen").slug == (
        "fachkraefte-fuer-suedostniedersachsen"
    )
    assert make_partner(name="Öffentliche Versicherung Braunschweig").slug == (
        "oeffentliche-versicherung-braunschweig"
    )


def test_project_description_is_sanitized_on_save(make_project):
    project = make_project(description='<p onclick="x()">Text</p><script>alert(1)</script>')
    assert project.description == "<p>Text</p>"


def test_only_running_and_completed_projects_are_public(make_project):
    running = make_project(status=Project.Status.RUNNING)
    completed = make_project(status=Project.Status.COMPLETED)
    make_project(status=Project.Status.PLANNED)
    assert set(Project.objects.public()) == {running, completed}


def test_an_event_is_past_once_it_has_ended(make_project):
    project = make_project(areas=1, event_at=timezone.now() - datetime.timedelta(hours=3))
    event = ProjectEvent.objects.get(area__project=project)
    event.ends_at = timezone.now() + datetime.timedelta(hours=1)
    assert not event.is_past
    event.ends_at = timezone.now() - datetime.timedelta(hours=1)
    assert event.is_past


@pytest.mark.parametrize(
    ("number", "uri"),
    [
        ("+49 (0)531/1218-154", "tel:+495311218154"),
        ("+49 173 5406110", "tel:+491735406110"),
        ("0531 1218-154", "tel:05311218154"),
        ("", ""),
    ],
)
def test_phone_numbers_become_tel_links(number, uri):
    assert tel_uri(number) == uri


def test_the_default_contact_is_the_first_active_one(make_contact):
    make_contact(order=1, is_active=False)
    second = make_contact(order=2)
    make_contact(order=3)
    assert PressContact.objects.default() == second


def test_contacts_app_imports_nothing_from_releases():
    folder = Path(__file__).resolve().parent.parent / "contacts"
    imported = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert imported  # the walk found the app's imports
    assert not [name for name in imported if name.split(".")[0] == "releases"]
