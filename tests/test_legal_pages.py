"""Impressum, Datenschutz and Barrierefreiheit: flatpages created by a migration, edited in the
admin, linked from every page's footer."""

import importlib

import pytest
from django.contrib.flatpages.models import FlatPage

from releases.sanitize import sanitize_html

legal_pages = importlib.import_module("releases.migrations.0003_legal_pages")


@pytest.mark.parametrize(
    ("url", "title", "must_mention"),
    [
        ("/impressum/", "Impressum", "§ 5 Digitale-Dienste-Gesetz"),
        ("/datenschutz/", "Datenschutzerklärung", "Art. 13 der Datenschutz-Grundverordnung"),
        ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit", "WCAG"),
    ],
)
def test_legal_pages_exist_with_placeholders_marked(client, db, url, title, must_mention):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert must_mention in html
    assert "<strong>[Bitte ergänzen:" in html  # what the organisation must still fill in
    assert '<html lang="de">' in html


def test_every_page_links_the_legal_pages_in_its_footer(client, make_release, make_project):
    release = make_release()
    project = make_project()
    urls = [
        "/",
        "/presse/",
        release.get_absolute_url(),
        "/projekte/",
        project.get_absolute_url(),
        "/gesellschafter/",
        "/pressekontakt/",
        "/impressum/",
        "/nirgendwo/",
    ]
    for url in urls:
        footer = client.get(url).content.decode().split('<footer class="site-footer">')[1]
        for link in ['href="/impressum/"', 'href="/datenschutz/"', 'href="/barrierefreiheit/"']:
            assert link in footer, (url, link)


def test_migration_texts_pass_the_sanitizer_unchanged():
    for _url, _title, content in legal_pages.PAGES:
        assert sanitize_html(content.strip()) == content.strip()


def test_staff_edit_a_legal_page_and_the_text_is_sanitized(staff_client, client):
    page = FlatPage.objects.get(url="/impressum/")
    response = staff_client.post(
        f"/admin/flatpages/flatpage/{page.pk}/change/",
        {
            "url": "/impressum/",
            "title": "Impressum",
            "content": "<h2>Anbieterin</h2><p>Allianz für die Region GmbH</p>"
            '<script>alert(1)</script><p onclick="x()">Sitz: Braunschweig</p>',
            "sites": [1],
            "registration_required": "",
            "template_name": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get("/impressum/").content.decode()
    assert "<p>Sitz: Braunschweig</p>" in html
    assert "<script>" not in html and "onclick" not in html
