"""Pressematerial at /presse/material/: logos with their rules, the fact sheet (page and PDF,
stored once per version), portraits with credits in page and file, and everything as ZIP."""

import io
import zipfile

import pypdf
import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from releases import documents
from releases.models import ManagementPortrait, Organisation

from .helpers import count_queries, page, png_bytes

pytestmark = pytest.mark.django_db

URL = "/presse/material/"


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def organisation(make_partner, make_contact):
    make_partner(name="Stadt Braunschweig", is_shareholder=True)
    make_partner(name="Landkreis Goslar", is_shareholder=True)
    organisation = Organisation.objects.create(
        about="Die Entwicklungsgesellschaft der Region.",
        founded="2013",
        management="Wendelin Göbel",
        region="Südostniedersachsen",
        address="Allianz für die Region GmbH\nFrankfurter Straße 2\n38122 Braunschweig",
    )
    ManagementPortrait.objects.create(
        organisation=organisation,
        name="Wendelin Göbel",
        photo=SimpleUploadedFile("goebel.png", png_bytes((300, 300)), content_type="image/png"),
        credit="Foto: Peter Porträt",
    )
    make_contact(
        first_name="Sibille",
        last_name="Rosinski",
        slug="sibille-rosinski",
        photo=SimpleUploadedFile("rosinski.png", png_bytes((300, 300)), content_type="image/png"),
        photo_credit="Foto: Paula Presse",
    )
    make_contact(first_name="Ohne", last_name="Foto")
    return organisation


def test_material_page_shows_fact_sheet_logos_and_portraits_with_credits(client, organisation):
    html = page(client, URL)
    for fact in ["2013", "Wendelin Göbel", "Südostniedersachsen", "Frankfurter Straße 2"]:
        assert fact in html
    assert "Landkreis Goslar und Stadt Braunschweig" in html  # generated from the shareholders
    assert 'href="/static/favicon.svg" download="allianz-fuer-die-region-logo.svg"' in html
    for width in [256, 512, 1024, 2048]:
        assert f'href="/static/presse/logo-{width}.png"' in html
    assert "nicht kleiner als 10 mm" in html  # the usage rules
    assert "Bildnachweis: Foto: Peter Porträt" in html
    assert "Bildnachweis: Foto: Paula Presse" in html
    assert "Ohne Foto" not in html
    assert 'href="/presse/material/steckbrief.pdf"' in html
    assert 'href="/presse/material/pressematerial.zip"' in html
    assert '<a href="/presse/material/">Pressematerial</a>' in page(client, "/")


def test_material_page_costs_a_fixed_number_of_queries(client, organisation, make_contact):
    few = count_queries(client, URL)
    for number in range(3):
        ManagementPortrait.objects.create(
            organisation=organisation,
            name=f"Person {number}",
            photo=SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
            credit="Foto: X",
        )
    # The organisation, its shareholders, its portraits, the press contacts with a photo.
    assert few == count_queries(client, URL) == 4


def test_logo_pngs_are_the_svg_rendered_in_their_sizes():
    for width in [256, 512, 1024, 2048]:
        image = Image.open(finders.find(f"presse/logo-{width}.png"))
        assert (image.format, image.size, image.mode) == ("PNG", (width, width), "RGBA")
        assert image.getpixel((0, 0))[3] == 0  # transparent outside the rounded corner
        assert image.getpixel((width // 2, width * 9 // 10))[:3] == (7, 63, 86)  # #073f56


def test_fact_sheet_pdf_is_tagged_and_stored_once_per_version(client, organisation, monkeypatch):
    data = body(client.get("/presse/material/steckbrief.pdf"))
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page_.extract_text() for page_ in reader.pages)
    assert "Wendelin Göbel" in text and "Landkreis Goslar und Stadt Braunschweig" in text
    assert reader.trailer["/Root"]["/Lang"] == "de"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title == f"Steckbrief: {organisation.name}"

    first = documents.stored_fact_sheet()

    def no_building(html):
        raise AssertionError("built again")

    monkeypatch.setattr(documents, "render_pdf", no_building)
    assert documents.stored_fact_sheet() == first
    assert body(client.get("/presse/material/steckbrief.pdf")) == data
    monkeypatch.undo()
    organisation.founded = "2014"
    organisation.save()
    second = documents.stored_fact_sheet()
    assert second != first
    assert not default_storage.exists(first)  # the old version is gone


def test_portrait_downloads_carry_their_credit(client, organisation):
    portrait = organisation.portraits.get()
    data = body(client.get(f"/presse/material/geschaeftsfuehrung/{portrait.pk}/foto/"))
    assert "Foto: Peter Porträt" in Image.open(io.BytesIO(data)).info["XML:com.adobe.xmp"]
    data = body(client.get("/presse/material/pressekontakt/sibille-rosinski/foto/"))
    assert "Foto: Paula Presse" in Image.open(io.BytesIO(data)).info["XML:com.adobe.xmp"]
    assert client.get("/presse/material/pressekontakt/ohne-foto/foto/").status_code == 404


def test_everything_as_zip(client, organisation):
    archive = zipfile.ZipFile(io.BytesIO(body(client.get("/presse/material/pressematerial.zip"))))
    names = archive.namelist()
    assert "logo/allianz-fuer-die-region-logo.svg" in names
    assert "logo/allianz-fuer-die-region-logo-2048.png" in names
    assert "nicht kleiner als 10 mm" in archive.read("logo/NUTZUNGSREGELN.txt").decode()
    assert archive.read("steckbrief-allianz-fuer-die-region.pdf").startswith(b"%PDF")
    assert "Gründung: 2013" in archive.read("steckbrief.txt").decode()
    portraits = [name for name in names if name.startswith("portraets/")]
    assert len(portraits) == 2
    credits = archive.read("BILDNACHWEIS.txt").decode()
    assert "Bildnachweis: Foto: Peter Porträt" in credits
    assert "Bildnachweis: Foto: Paula Presse" in credits
    assert all(b"Foto: P" in archive.read(name) for name in portraits)


def test_demo_gives_the_material_page_its_content(client):
    call_command("load_demo")
    html = page(client, URL)
    assert "Wendelin Göbel" in html and "Sibille Rosinski" in html
    assert html.count("Bildnachweis: Grafik: Allianz für die Region (Demobild)") == 2
