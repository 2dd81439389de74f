"""The press office maintains projects, partners, contacts and legal pages in the admin."""

import datetime
import re

import pytest
from django.contrib.flatpages.models import FlatPage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releases.models import Project, ProjectArea, ProjectEvent, ProjectPartner

from .helpers import page


@pytest.fixture
def directory(make_project, make_partner, make_contact):
    project = make_project(areas=1)
    return {
        "project": project,
        "area": project.areas.get(),
        "partner": make_partner(),
        "contact": make_contact(),
    }


@pytest.mark.parametrize(
    "url",
    [
        "/admin/releases/project/",
        "/admin/releases/project/add/",
        "/admin/releases/project/{project.pk}/change/",
        "/admin/releases/projectarea/{area.pk}/change/",
        "/admin/releases/partner/",
        "/admin/releases/partner/{partner.pk}/change/",
        "/admin/contacts/presscontact/",
        "/admin/contacts/presscontact/{contact.pk}/change/",
        "/admin/flatpages/flatpage/",
        "/admin/releases/pressrelease/add/",
        "/admin/autocomplete/?app_label=releases&model_name=pressrelease&field_name=partners",
    ],
)
def test_staff_open_every_directory_page_in_the_admin(staff_client, directory, url):
    url = url.format(**directory)
    assert staff_client.get(url).status_code == 200, url


def test_project_form_needs_the_same_queries_for_1_and_for_6_partner_roles_and_areas(
    staff_client, make_project, make_partner
):
    project = make_project()
    url = f"/admin/releases/project/{project.pk}/change/"

    def add_rows(count):
        for _ in range(count):
            number = project.areas.count()
            ProjectArea.objects.create(project=project, name=f"Raum {number}", order=number)
            ProjectPartner.objects.create(project=project, partner=make_partner(), role="funder")

    def form_queries():
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(url)
        assert response.status_code == 200
        return response.content.decode(), [query["sql"] for query in queries]

    add_rows(1)
    _html, few = form_queries()
    add_rows(5)
    html, many = form_queries()

    assert html.count('name="partner_roles-5-partner"') == 1  # six roles shown
    assert html.count('name="areas-5-name"') == 1  # six areas shown
    # Every role's list (and the blank row's) still offers every partner.
    assert html.count("Partner Nummer 6</option>") == 7
    assert len(many) == len(few), "\n".join(many)


def aria_label(html, name):
    """The aria-label of the one input, select or textarea called `name`, or None."""
    [tag] = re.findall(rf'<(?:input|select|textarea)\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    label = re.search(r'aria-label="([^"]*)"', tag)
    return label and label[1]


def test_project_tables_name_each_input_by_table_column_and_row(
    staff_client, make_project, make_partner
):
    project = make_project(areas=2)
    for role in ["funder", "supporter"]:
        ProjectPartner.objects.create(project=project, partner=make_partner(), role=role)
    html = page(staff_client, f"/admin/releases/project/{project.pk}/change/")

    roles = "Projektträger, Förderer und Unterstützer"
    # The partner's list sits in Django's wrapper with the add and change links: each row's own.
    assert aria_label(html, "partner_roles-0-partner") == f"{roles}: Partner, Zeile 1"
    assert aria_label(html, "partner_roles-1-partner") == f"{roles}: Partner, Zeile 2"
    assert aria_label(html, "partner_roles-1-role") == f"{roles}: Rolle, Zeile 2"
    assert aria_label(html, "areas-1-description") == "Projekträume: Beschreibung, Zeile 2"
    assert aria_label(html, "areas-0-DELETE") == "Projekträume: Löschen, Zeile 1"
    # The hidden row that "Projektraum hinzufügen" copies; hidden inputs need no name.
    assert aria_label(html, "areas-__prefix__-name") == "Projekträume: Name, neue Zeile"
    assert aria_label(html, "areas-0-id") is None


def test_editable_lists_name_each_input_by_column_and_object(
    staff_client, make_partner, make_contact
):
    make_partner(name="Landkreis Helmstedt")
    make_contact(first_name="Erika", last_name="Beispiel", position="Pressesprecherin")

    partners = page(staff_client, "/admin/releases/partner/")
    contacts = page(staff_client, "/admin/contacts/presscontact/")

    assert aria_label(partners, "form-0-order") == "Reihenfolge, Landkreis Helmstedt"
    assert aria_label(contacts, "form-0-is_active") == "Aktiv, Erika Beispiel (Pressesprecherin)"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/releases/pressrelease/add/",
        "/admin/releases/project/add/",
        "/admin/releases/projectarea/add/",
        "/admin/contacts/presscontact/add/",
        "/admin/releases/topic/",
    ],
)
def test_every_admin_page_loads_the_press_offices_admin_style_once(staff_client, url):
    html = page(staff_client, url)
    assert html.count('<link rel="stylesheet" href="/static/css/admin.css">') == 1


def test_staff_add_a_project_with_partner_roles_and_areas(staff_client, make_partner):
    funder = make_partner(name="Europäischer Sozialfonds")
    data = {
        "name": "Betriebsnachbarschaften",
        "slug": "",
        "programme": "Fachkräftebündnis Südostniedersachsen",
        "summary": "Betriebe helfen einander.",
        "description": "<p>Text</p><script>alert(1)</script>",
        "about": "",
        "status": "completed",
        "start": "01.04.2020",
        "end": "31.03.2022",
        "order": "0",
        "website": "",
        "image_alt": "",
        "partner_roles-TOTAL_FORMS": "1",
        "partner_roles-INITIAL_FORMS": "0",
        "partner_roles-0-partner": funder.pk,
        "partner_roles-0-role": "funder",
        "partner_roles-0-funding_note": "Gefördert aus Mitteln des ESF",
        "partner_roles-0-order": "0",
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "0",
        "areas-0-name": "Goslar",
        "areas-0-description": "",
        "areas-0-order": "0",
    }
    response = staff_client.post("/admin/releases/project/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get()
    assert project.slug == "betriebsnachbarschaften"
    assert project.description == "<p>Text</p>"
    assert project.partner_roles.get().funding_note == "Gefördert aus Mitteln des ESF"
    assert project.areas.get().name == "Goslar"


def test_project_ending_before_it_starts_is_refused_with_a_german_message(staff_client):
    data = {
        "name": "Rückwärts",
        "summary": "x",
        "status": "running",
        "start": "01.04.2022",
        "end": "01.04.2020",
        "order": "0",
        "partner_roles-TOTAL_FORMS": "0",
        "partner_roles-INITIAL_FORMS": "0",
        "areas-TOTAL_FORMS": "0",
        "areas-INITIAL_FORMS": "0",
    }
    response = staff_client.post("/admin/releases/project/add/", data)
    assert response.status_code == 200
    assert "Das Ende liegt vor dem Beginn." in response.content.decode()
    assert not Project.objects.exists()


def test_staff_add_an_event_to_an_area(staff_client, make_project):
    area = ProjectArea.objects.create(project=make_project(), name="Peine")
    data = {
        "project": area.project.pk,
        "name": "Peine",
        "description": "",
        "order": "0",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "0",
        "events-0-title": "Abschlussveranstaltung",
        "events-0-starts_at_0": "22.03.2022",
        "events-0-starts_at_1": "16:00:00",
        "events-0-ends_at_0": "22.03.2022",
        "events-0-ends_at_1": "18:00:00",
        "events-0-place": "Peine",
        "events-0-description": "",
    }
    response = staff_client.post(f"/admin/releases/projectarea/{area.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = ProjectEvent.objects.get()
    assert event.ends_at - event.starts_at == datetime.timedelta(hours=2)


def test_contact_with_letters_in_the_phone_number_is_refused(staff_client):
    data = {
        "first_name": "Erika",
        "last_name": "Beispiel",
        "slug": "erika-beispiel",
        "organisation": "Allianz für die Region GmbH",
        "phone": "null-fünf-drei-eins",
        "order": "0",
        "is_active": "on",
    }
    response = staff_client.post("/admin/contacts/presscontact/add/", data)
    assert response.status_code == 200
    assert "Bitte nur Ziffern" in response.content.decode()


def test_legal_page_is_edited_in_ckeditor(staff_client):
    page = FlatPage.objects.get(url="/datenschutz/")
    html = staff_client.get(f"/admin/flatpages/flatpage/{page.pk}/change/").content.decode()
    assert "django_ckeditor_5" in html
