"""Everything staff see is German: Django's missing admin JavaScript texts, the names of
third-party apps, and only the apps a role may use. Choosing partners and contacts stays quick."""

import gettext
import json
import re
from pathlib import Path

import polib
import pytest
from django.contrib.flatpages.models import FlatPage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .helpers import ADD_URL

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "de" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_catalogue_says_what_the_po_file_says(domain):
    """The .mo files are committed; a .po edited without compiling again fails here
    (msgfmt -o locale/de/LC_MESSAGES/<domain>.mo locale/de/LC_MESSAGES/<domain>.po)."""
    entries = polib.pofile(str(LOCALE / f"{domain}.po")).translated_entries()
    with open(LOCALE / f"{domain}.mo", "rb") as file:
        compiled = gettext.GNUTranslations(file)
    assert entries
    for entry in entries:
        assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid
    assert len(compiled._catalog) - 1 == len(entries)  # nothing stale (minus the header)


def js_catalogue(client):
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    text = response.content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});", text, re.S).group(1))


def test_selection_widget_texts_are_german(staff_client):
    catalogue = js_catalogue(staff_client)
    assert catalogue["Choose all %s"] == "Alle %s auswählen"
    assert catalogue["Remove all %s"] == "Alle %s entfernen"
    assert catalogue["Choose selected %s"] == "Markierte %s auswählen"
    assert catalogue["Remove selected %s"] == "Markierte %s entfernen"
    assert (
        "„Auswählen“"
        in catalogue['Choose %s by selecting them and then select the "Choose" arrow button.']
    )
    assert catalogue["Available %s"] == "Verfügbare %s"  # Django's own stay


def test_admin_names_the_apps_in_german(staff_client):
    html = staff_client.get("/admin/").content.decode()
    for english in ["Flat Pages", "Flat Page", ">Axes<", ">Websites<", ">Sites<"]:
        assert english not in html
    for german in ["Rechtliche Seiten", "Anmeldeschutz", "Website-Adresse"]:
        assert german in html


@pytest.mark.parametrize("role", ["Redaktion", "Chefredaktion"])
def test_staff_see_only_the_apps_of_their_role(as_role, role):
    html = as_role(role).get("/admin/").content.decode()
    assert "Pressemitteilungen" in html and "Partner" in html
    for hidden in ["Anmeldeschutz", "Website-Adresse", "Benutzer", "Gruppen", "Sitzungen"]:
        assert hidden not in html, hidden
    assert ("Rechtliche Seiten" in html) == (role == "Chefredaktion")


def test_legal_page_form_does_not_ask_for_the_site(staff_client):
    form = staff_client.get("/admin/flatpages/flatpage/add/").content.decode()
    assert 'name="sites"' not in form
    response = staff_client.post(
        "/admin/flatpages/flatpage/add/",
        {"url": "/hinweise/", "title": "Hinweise", "content": "<p>Text</p>"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = FlatPage.objects.get(url="/hinweise/")
    assert list(page.sites.values_list("pk", flat=True)) == [1]


def test_partners_and_contacts_are_chosen_with_a_search_field(staff_client, db):
    form = staff_client.get(ADD_URL).content.decode()
    for field in ["partners", "contacts"]:
        select = re.search(rf'<select name="{field}"[^>]*>', form).group(0)
        assert "admin-autocomplete" in select and "data-ajax--url" in select, field
    # topics and projects keep the two-list widget
    assert re.search(r'<select name="topics"[^>]*class="selectfilter', form)


def test_partner_search_is_quick_however_many_partners(staff_client, make_partner):
    params = {
        "term": "IHK",
        "app_label": "releases",
        "model_name": "pressrelease",
        "field_name": "partners",
    }

    def search():
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get("/admin/autocomplete/", params)
        assert response.status_code == 200
        return [result["text"] for result in response.json()["results"]], len(queries)

    make_partner(name="Industrie- und Handelskammer Braunschweig", short_name="IHK")
    found, few = search()
    assert found == ["Industrie- und Handelskammer Braunschweig"]
    for _ in range(120):
        make_partner()
    assert search() == (found, few)  # the same answer and queries with 121 partners


def test_contact_search_finds_by_name(staff_client, make_contact):
    make_contact(first_name="Jana", last_name="Beispielfrau")
    make_contact(first_name="Otto", last_name="Anders")
    params = {
        "term": "jana",
        "app_label": "releases",
        "model_name": "pressrelease",
        "field_name": "contacts",
    }
    results = staff_client.get("/admin/autocomplete/", params).json()["results"]
    assert len(results) == 1 and "Beispielfrau" in results[0]["text"]
