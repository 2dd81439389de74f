"""The release as a tagged PDF (releases/documents.py): its structure, its storage, its fallback."""

import datetime
import io
import zipfile

import pypdf
import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from releases import documents
from releases.models import EmbargoLink, Organisation, PressRelease, ReleaseDocument

from .helpers import assert_german_404, page

pytestmark = pytest.mark.django_db

BODY = (
    "<p>Zwei Jahre lang haben Betriebe zusammengearbeitet.</p>"
    "<h2>Was die Betriebe taten</h2>"
    "<ul><li>Nachbarschaftstreffen</li><li>Unternehmenswerkstätten</li></ul>"
)


def read_pdf(data):
    return pypdf.PdfReader(io.BytesIO(data))


def pdf_text(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def stored_bytes(stored):
    """The bytes of a stored document: `stored` is (storage, name), as stored_pdf returns it."""
    storage, name = stored
    with storage.open(name, "rb") as file:
        return file.read()


def structure_roles(node, found=None):
    """The structure types (/S) of the tagged PDF's structure tree, depth first."""
    found = [] if found is None else found
    node = node.get_object()
    if isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            structure_roles(child, found)
        return found
    if not isinstance(node, pypdf.generic.DictionaryObject):
        return found
    if "/S" in node:
        found.append(str(node["/S"]))
    if "/K" in node:
        structure_roles(node["/K"], found)
    return found


def alt_texts(node, found=None):
    found = [] if found is None else found
    node = node.get_object()
    if isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            alt_texts(child, found)
    elif isinstance(node, pypdf.generic.DictionaryObject):
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        if "/K" in node:
            alt_texts(node["/K"], found)
    return found


@pytest.fixture
def pdf_release(make_release, make_contact):
    contact = make_contact(first_name="Sibille", last_name="Rosinski")
    release = make_release(
        title="Abschluss in Helmstedt",
        subtitle="Betriebe aus Schöningen ziehen Bilanz",
        place="Helmstedt",
        lead="Zwei Jahre lang haben Betriebe zusammengearbeitet.",
        body=BODY,
        images=1,
    )
    release.contacts.set([contact])
    return release


def test_pdf_is_tagged_pdf_ua_in_german_with_title_and_text(pdf_release):
    reader = read_pdf(stored_bytes(documents.stored_pdf(pdf_release)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean)
    assert reader.metadata.title == "Abschluss in Helmstedt"
    # PDF/UA-1 is declared in the XMP metadata, and the viewer shows the title, not the file name.
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    roles = structure_roles(root["/StructTreeRoot"])
    # Reading order = text order: the heading comes before the lead paragraph and the list.
    assert "/H1" in roles and "/L" in roles and "/LI" in roles and "/Figure" in roles
    heading = roles.index("/H1")
    assert heading < roles.index("/P", heading) < roles.index("/L")
    assert "Menschen bei einer Veranstaltung" in alt_texts(root["/StructTreeRoot"])
    text = pdf_text(reader)
    for expected in [
        "Pressemitteilung",
        "Abschluss in Helmstedt",
        "Betriebe aus Schöningen ziehen Bilanz",
        "Helmstedt, 28. März 2022.",
        "Was die Betriebe taten",
        "Unternehmenswerkstätten",
        "Bildunterschrift 0",
        "Foto: Erika Beispiel",
        "Pressekontakt",
        "Sibille Rosinski",
        "Seite 1 von 1",
    ]:
        assert expected in text, expected
    assert "Sperrfrist" not in text


def test_pdf_embeds_its_fonts(pdf_release):
    reader = read_pdf(stored_bytes(documents.stored_pdf(pdf_release)))
    fonts = [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]
    assert fonts
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_long_release_numbers_its_pages(make_release):
    release = make_release(body="<p>Ein langer Absatz über die Region.</p>" * 60)
    reader = read_pdf(stored_bytes(documents.stored_pdf(release)))
    pages = len(reader.pages)
    assert pages >= 2
    assert f"Seite 1 von {pages}" in reader.pages[0].extract_text()
    assert f"Seite {pages} von {pages}" in reader.pages[-1].extract_text()


def test_pdf_under_embargo_carries_the_sperrfrist_line_on_page_one(make_release):
    moment = timezone.now() + datetime.timedelta(days=2)
    release = make_release(publish_at=moment)
    reader = read_pdf(stored_bytes(documents.stored_pdf(release)))
    first_page = reader.pages[0].extract_text()
    assert f"Sperrfrist: {timezone.localtime(moment):%-d}." in first_page


def test_pdf_is_built_once_per_version(
    pdf_release, monkeypatch, django_capture_on_commit_callbacks
):
    builds = []
    render = documents.render_pdf
    monkeypatch.setattr(documents, "render_pdf", lambda html: builds.append(1) or render(html))
    first = documents.stored_pdf(pdf_release)
    assert documents.stored_pdf(pdf_release) == first
    assert len(builds) == 1
    pdf_release.title = "Abschluss in Helmstedt, mit Bilanz"
    pdf_release.save()
    with django_capture_on_commit_callbacks(execute=True):
        second = documents.stored_pdf(pdf_release)
    assert second != first
    assert len(builds) == 2
    # The older version is gone from the storage, the new one says the new title.
    storage, first_name = first
    assert not storage.exists(first_name)
    assert read_pdf(stored_bytes(second)).metadata.title == "Abschluss in Helmstedt, mit Bilanz"


def test_stored_pdf_lies_where_no_address_reaches_it(pdf_release, make_release):
    """In the protected storage (served only through the release's own check), in a random
    folder: neither its address nor its name can be had from the release."""
    storage, name = documents.stored_pdf(pdf_release)
    assert storage is ReleaseDocument._meta.get_field("file").storage
    assert not default_storage.exists(name)
    folder = name.split("/")[1]
    assert len(folder) == 32 and str(pdf_release.pk) != folder
    other = make_release(title="Eine andere Mitteilung")
    assert documents.stored_pdf(other)[1].split("/")[1] != folder


def test_the_pdf_fetches_nothing_from_other_hosts(make_release, monkeypatch):
    fetched = []
    fetcher_class = documents._url_fetcher_class()
    fetch = fetcher_class.fetch

    def recording_fetch(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(fetcher_class, "fetch", recording_fetch)
    monkeypatch.setattr(documents, "_url_fetcher_class", lambda: fetcher_class)
    release = make_release(images=1)
    foreign = '<img src="https://example.org/spy.png" alt="Fremdes Bild"></main>'
    documents.render_pdf(documents.release_html(release).replace("</main>", foreign))
    assert "https://example.org/spy.png" in fetched  # asked, and refused:
    with pytest.raises(ValueError, match="anderen Adressen"):
        fetcher_class().fetch("https://example.org/spy.png")
    # The logo and the image came from the site's own files.
    assert any(url.endswith("/static/favicon.svg") for url in fetched)
    assert any(documents.PROTECTED_PREFIX + "presse/" in url for url in fetched)


def test_check_names_the_packages_when_pango_is_missing(monkeypatch):
    assert documents.check_pango(None) == []

    def missing():
        raise documents.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(documents, "weasyprint", missing)
    [warning] = documents.check_pango(None)
    assert warning.id == "releases.W010"
    assert "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0" in warning.hint


def get_pdf(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    return read_pdf(b"".join(response.streaming_content))


def test_public_release_page_links_its_pdf(client, pdf_release):
    html = client.get(pdf_release.get_absolute_url()).content.decode()
    assert f'href="{pdf_release.get_absolute_url()}pressemitteilung.pdf"' in html
    reader = get_pdf(client, pdf_release.get_pdf_url())
    assert reader.metadata.title == "Abschluss in Helmstedt"


@pytest.mark.parametrize(
    "fields",
    [
        {"status": PressRelease.Status.DRAFT},
        {"publish_at": timezone.now() + datetime.timedelta(days=1)},
    ],
    ids=["draft", "under embargo"],
)
def test_pdf_of_a_release_that_is_not_public_is_not_found(client, make_release, fields):
    release = make_release(**fields)
    assert_german_404(client.get(release.get_pdf_url()))
    assert not ReleaseDocument.objects.filter(release=release).exists()


def test_pdf_of_withdrawn_release_is_not_found(client, pdf_release):
    pdf_release.withdraw()
    pdf_release.save()
    assert client.get(pdf_release.get_pdf_url()).status_code == 404


def test_embargo_link_opens_the_pdf_with_the_sperrfrist_line(client, make_release):
    release = make_release(publish_at=timezone.now() + datetime.timedelta(days=1))
    link = EmbargoLink.objects.create(release=release)
    html = client.get(link.get_absolute_url()).content.decode()
    pdf_url = reverse("releases:embargo_pdf", args=[link.token])
    assert f'href="{pdf_url}"' in html
    response = client.get(pdf_url)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]
    reader = read_pdf(b"".join(response.streaming_content))
    assert "Sperrfrist:" in reader.pages[0].extract_text()


def test_embargo_link_pdf_leads_to_the_public_pdf_once_the_embargo_is_over(client, make_release):
    release = make_release(publish_at=timezone.now() + datetime.timedelta(hours=1))
    link = EmbargoLink.objects.create(release=release)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        response = client.get(reverse("releases:embargo_pdf", args=[link.token]))
        assert response.status_code == 302
        assert response["Location"] == release.get_pdf_url()
        assert "Sperrfrist" not in pdf_text(get_pdf(client, release.get_pdf_url()))


def test_revoked_embargo_link_opens_no_pdf(client, make_release):
    release = make_release(publish_at=timezone.now() + datetime.timedelta(days=1))
    link = EmbargoLink.objects.create(release=release, revoked=True)
    assert client.get(reverse("releases:embargo_pdf", args=[link.token])).status_code == 404


def test_without_pango_the_pdf_address_answers_a_german_503(client, pdf_release, monkeypatch):
    def missing():
        raise documents.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(documents, "weasyprint", missing)
    response = client.get(pdf_release.get_pdf_url())
    assert response.status_code == 503
    assert "Das PDF ist gerade nicht verfügbar" in response.content.decode()
    # The release page itself is unaffected.
    assert client.get(pdf_release.get_absolute_url()).status_code == 200


def test_stored_pdf_is_served_without_building_it_again(client, pdf_release, monkeypatch):
    get_pdf(client, pdf_release.get_pdf_url())

    def no_build(html):
        raise AssertionError("built again")

    monkeypatch.setattr(documents, "render_pdf", no_build)
    assert get_pdf(client, pdf_release.get_pdf_url()).metadata.title == "Abschluss in Helmstedt"


# --- Boilerplate and shareholders line -------------------------------------------------------


@pytest.fixture
def organisation(make_partner):
    make_partner(name="Stadt Wolfsburg", is_shareholder=True)
    make_partner(name="Öffentliche Versicherung Braunschweig", is_shareholder=True)
    make_partner(name="Arbeitgeberverband Region Braunschweig e.V.", is_shareholder=True)
    make_partner(name="Ein Verein, der kein Gesellschafter ist")
    return Organisation.objects.create(about="Die Gesellschaft der Region für Fachkräfte.")


SHAREHOLDERS = (
    "Arbeitgeberverband Region Braunschweig e.V., Öffentliche Versicherung Braunschweig "
    "und Stadt Wolfsburg"
)


def test_shareholders_line_lists_the_shareholders_in_german_order(organisation):
    assert organisation.shareholders_line() == SHAREHOLDERS


def test_there_is_one_organisation_profile(organisation):
    again = Organisation(about="Ein zweiter Text")
    again.save()
    assert Organisation.objects.count() == 1
    assert Organisation.objects.current().about == "Ein zweiter Text"


def test_boilerplate_and_shareholders_stand_under_the_release_page(
    client, organisation, pdf_release
):
    html = page(client, pdf_release.get_absolute_url())
    assert "Über die Allianz für die Region</h2>" in html
    assert "Die Gesellschaft der Region für Fachkräfte." in html
    assert f"Gesellschafter der Allianz für die Region GmbH:</strong> {SHAREHOLDERS}" in html
    assert "kein Gesellschafter" not in html


def test_boilerplate_and_shareholders_stand_at_the_end_of_the_pdf(
    client, organisation, pdf_release
):
    reader = get_pdf(client, pdf_release.get_pdf_url())
    last = " ".join(reader.pages[-1].extract_text().split())
    assert "Über die Allianz für die Region" in last
    assert "Die Gesellschaft der Region für Fachkräfte." in last
    assert f"Gesellschafter der Allianz für die Region GmbH: {SHAREHOLDERS}" in last


def test_boilerplate_and_shareholders_are_in_the_press_kit_text(client, organisation, pdf_release):
    response = client.get(pdf_release.get_press_kit_url())
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    text = archive.read("pressemitteilung.txt").decode()
    assert "Die Gesellschaft der Region für Fachkräfte." in text
    assert f"Gesellschafter der Allianz für die Region GmbH: {SHAREHOLDERS}" in text


def test_a_new_shareholder_gives_a_new_pdf_version(organisation, pdf_release, make_partner):
    first = documents.stored_pdf(pdf_release)
    make_partner(name="Stadt Salzgitter", is_shareholder=True)
    second = documents.stored_pdf(pdf_release)
    assert second != first
    assert "Stadt Salzgitter" in pdf_text(read_pdf(stored_bytes(second)))


def test_press_kit_holds_the_stored_pdf_of_this_version(client, pdf_release):
    name = documents.stored_pdf(pdf_release)
    response = client.get(pdf_release.get_press_kit_url())
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.read("pressemitteilung.pdf") == stored_bytes(name)


def test_press_kit_without_pango_holds_the_rest(client, pdf_release, monkeypatch):
    def missing():
        raise documents.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(documents, "weasyprint", missing)
    response = client.get(pdf_release.get_press_kit_url())
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "pressemitteilung.pdf" not in archive.namelist()
    assert "pressemitteilung.txt" in archive.namelist()


def test_pdf_of_the_2022_demo_release_has_two_pages_and_the_shareholders_line(client):
    call_command("load_demo", stdout=io.StringIO())
    release = PressRelease.objects.get(
        slug="betriebsnachbarschaften-abschluss-im-landkreis-helmstedt"
    )
    reader = get_pdf(client, release.get_pdf_url())
    assert len(reader.pages) == 2
    assert "Seite 1 von 2" in reader.pages[0].extract_text()
    assert reader.trailer["/Root"]["/Lang"] == "de"
    last = " ".join(reader.pages[-1].extract_text().split())
    assert "Gesellschafter der Allianz für die Region GmbH:" in last
    assert "Stadt Wolfsburg" in last
