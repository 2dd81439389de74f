"""Funding notices: a release about a project with funders carries their notice and emblem on
its page, in its PDF and in its press kit; a switch per project; nothing without funders."""

import io
import re
import zipfile

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releases import documents
from releases.models import PressRelease, ProjectPartner
from releases.views.documents import pdf_relations

from .helpers import page, png_bytes

pytestmark = pytest.mark.django_db

NOTE = "Gefördert aus Mitteln des Europäischen Sozialfonds (ESF)"


@pytest.fixture
def funded_release(make_release, make_project, make_partner):
    project = make_project(name="Betriebsnachbarschaften")
    esf = make_partner(
        name="Europäischer Sozialfonds",
        logo=SimpleUploadedFile("esf.png", png_bytes((120, 40)), content_type="image/png"),
    )
    county = make_partner(name="Landkreis Helmstedt")
    supporter = make_partner(name="RKW-Kompetenzzentrum Nord")
    ProjectPartner.objects.create(project=project, partner=esf, role="funder", funding_note=NOTE)
    ProjectPartner.objects.create(project=project, partner=county, role="funder")
    ProjectPartner.objects.create(project=project, partner=supporter, role="supporter")
    release = make_release(title="Abschluss in Helmstedt")
    release.projects.set([project])
    return release


def surfaces(client, release):
    html = page(client, release.get_absolute_url())
    pdf = pypdf.PdfReader(io.BytesIO(b"".join(client.get(release.get_pdf_url()).streaming_content)))
    kit = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(release.get_press_kit_url()).streaming_content))
    )
    return {
        "page": html,
        "pdf": " ".join(" ".join(page_.extract_text().split()) for page_ in pdf.pages),
        "kit": kit.read("pressemitteilung.txt").decode(),
    }


def test_release_carries_the_funders_notice_and_emblem_everywhere(client, funded_release):
    found = surfaces(client, funded_release)
    for surface, text in found.items():
        assert "Förderung des Projekts Betriebsnachbarschaften" in text, surface
        assert NOTE in text, surface
        assert "Landkreis Helmstedt" in text, surface  # a funder without a note: by name
        assert "RKW-Kompetenzzentrum Nord" not in text, surface  # supporters are no funders
    esf = funded_release.projects.get().partners.get(name="Europäischer Sozialfonds")
    assert f'src="{esf.logo.url}" alt="Logo: Europäischer Sozialfonds"' in found["page"]


def test_pdf_shows_the_funders_emblem_with_its_alt_text(funded_release):
    release = PressRelease.objects.prefetch_related(*pdf_relations()).get(pk=funded_release.pk)
    html = documents.release_html(release)
    assert 'alt="Logo: Europäischer Sozialfonds"' in html
    # The emblem is a public upload (the partner's logo): the PDF reads it from there.
    [src] = re.findall(r'<img src="([^"]+)" alt="Logo: Europäischer Sozialfonds"', html)
    esf = release.projects.get().partners.get(name="Europäischer Sozialfonds")
    fetched = documents._url_fetcher_class()().fetch(src)
    with esf.logo.open("rb") as logo:
        assert fetched.read() == logo.read()


def test_notice_switched_off_per_project(client, funded_release):
    project = funded_release.projects.get()
    project.show_funding_notice = False
    project.save()
    for surface, text in surfaces(client, funded_release).items():
        assert "Förderung des Projekts" not in text, surface
        assert NOTE not in text, surface


def test_no_notice_where_no_funder_is_set(client, make_release, make_project):
    release = make_release()
    release.projects.set([make_project(name="Ohne Förderer")])
    assert make_project().show_funding_notice  # on by default
    for surface, text in surfaces(client, release).items():
        assert "Förderung des Projekts" not in text, surface


def test_release_page_queries_do_not_grow_with_funders(client, funded_release, make_partner):
    with CaptureQueriesContext(connection) as before:
        page(client, funded_release.get_absolute_url())
    project = funded_release.projects.get()
    for number in range(3):
        ProjectPartner.objects.create(
            project=project, partner=make_partner(), role="funder", funding_note=f"Hinweis {number}"
        )
    with CaptureQueriesContext(connection) as after:
        html = page(client, funded_release.get_absolute_url())
    assert "Hinweis 2" in html
    assert len(after) == len(before)
