"""The press list: outlets, journalists, lists, the Sperrliste, import (with preview) and export."""

import re

import pytest

from contacts.models import DistributionList, Journalist, MediaOutlet, Subscription, Suppression
from contacts.press_list_io import ImportFileError, import_contacts, read_contacts_file

IMPORT_URL = "/admin/contacts/journalist/import/"

OUTLOOK_CSV = (
    "Vorname;Nachname;Firma;Position;E-Mail-Adresse;Telefon geschäftlich\r\n"
    "Jörg;Weiß;Braunschweiger Zeitung;Lokalredaktion;joerg.weiss@bz.example;0531 1234\r\n"
    "Anna;Doppelt;Braunschweiger Zeitung;;JOERG.WEISS@bz.example;\r\n"
    "Kai;Kaputt;Radio 38;;kein-at-zeichen;\r\n"
    "\r\n"
    "Lea;Hörfunk;Radio 38;Moderation;lea@radio38.example;\r\n"
)


def import_rows(data, dry_run=False, **options):
    options = {"basis": "interest", "source": "Test", **options}
    return import_contacts(read_contacts_file(data), dry_run=dry_run, **options)


def outcomes(reports):
    return [(report.line, report.email, report.outcome) for report in reports]


@pytest.fixture
def journalist(db):
    def make(email, **fields):
        return Journalist.objects.create(email=email, **{"basis_source": "Test", **fields})

    return make


# The one opt-out rule


def test_reachable_leaves_out_opted_out_and_undeliverable_addresses(journalist):
    journalist("a@example.de")
    journalist("b@example.de")
    journalist("c@example.de")
    Suppression.undeliverable("c@example.de", "550 no such user")
    Subscription.objects.create(email="d@example.de", confirmed_at="2024-01-01T00:00Z")
    Subscription.objects.create(email="e@example.de", confirmed_at="2024-01-01T00:00Z")
    Suppression.objects.create(email="e@example.de", reason=Suppression.Reason.OPTED_OUT)

    assert {j.email for j in Journalist.objects.reachable()} == {"a@example.de", "b@example.de"}
    assert [s.email for s in Subscription.objects.reachable()] == ["d@example.de"]


def test_opting_out_keeps_only_the_address_and_deletes_the_journalist(journalist):
    outlet = MediaOutlet.objects.create(name="Peiner Allgemeine")
    person = journalist("Erika@Example.de", first_name="Erika", outlet=outlet, notes="mag Kaffee")
    press = DistributionList.objects.create(name="Regionale Tageszeitungen")
    press.members.add(person)

    Suppression.opt_out(" ERIKA@example.de ")

    assert not Journalist.objects.exists()
    assert list(press.members.all()) == []
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason) == ("erika@example.de", "opted_out")


def test_an_opt_out_is_never_turned_into_undeliverable(db):
    Suppression.opt_out("a@example.de")
    Suppression.undeliverable("a@example.de", "550")
    assert Suppression.objects.get().reason == "opted_out"


def test_a_name_with_a_line_break_is_stored_on_one_line(journalist):
    person = journalist("a@example.de", first_name="Erika\r\nBcc: x@evil.example", role="A\tB")
    person.refresh_from_db()
    assert person.first_name == "Erika Bcc: x@evil.example"
    assert person.role == "A B"


# Reading files


def test_outlook_csv_in_windows_1252_with_semicolons_previews_every_row(db):
    reports = import_rows(OUTLOOK_CSV.encode("cp1252"), dry_run=True)

    assert outcomes(reports) == [
        (2, "joerg.weiss@bz.example", "new"),
        (3, "joerg.weiss@bz.example", "duplicate"),
        (4, "kein-at-zeichen", "invalid"),
        (6, "lea@radio38.example", "new"),
    ]
    assert "gültige E-Mail-Adresse" in reports[2].message
    assert not Journalist.objects.exists()  # a preview stores nothing
    assert not MediaOutlet.objects.exists()


def test_import_saves_the_valid_rows_and_reports_the_invalid_ones(db):
    press = DistributionList.objects.create(name="Regionale Tageszeitungen")
    import_rows(OUTLOOK_CSV.encode("utf-8-sig"), target_list=press, source="Outlook 2025")

    joerg = Journalist.objects.get(email="joerg.weiss@bz.example")
    assert (joerg.first_name, joerg.last_name, joerg.role, joerg.phone) == (
        "Jörg",
        "Weiß",
        "Lokalredaktion",
        "0531 1234",
    )
    assert joerg.outlet.name == "Braunschweiger Zeitung"
    assert (joerg.lawful_basis, joerg.basis_source) == ("interest", "Outlook 2025")
    assert set(press.members.values_list("email", flat=True)) == {
        "joerg.weiss@bz.example",
        "lea@radio38.example",
    }


def test_importing_the_same_file_twice_changes_nothing(db):
    press = DistributionList.objects.create(name="Hörfunk")
    import_rows(OUTLOOK_CSV.encode("utf-8"), target_list=press)
    before = list(Journalist.objects.values())

    reports = import_rows(OUTLOOK_CSV.encode("utf-8"), target_list=press)

    assert [report.outcome for report in reports] == ["skip", "duplicate", "invalid", "skip"]
    assert list(Journalist.objects.values()) == before
    assert MediaOutlet.objects.count() == 2


def test_a_changed_row_is_updated_and_keeps_its_lawful_basis(journalist):
    journalist("lea@radio38.example", role="alt", lawful_basis="consent", basis_source="Messe")
    csv = "E-mail Address,First Name,Last Name,Job Title\nlea@radio38.example,Lea,Hörfunk,neu\n"

    assert outcomes(import_rows(csv.encode())) == [(2, "lea@radio38.example", "update")]
    lea = Journalist.objects.get()
    assert (lea.role, lea.lawful_basis, lea.basis_source) == ("neu", "consent", "Messe")


def test_an_opted_out_address_is_not_imported_again(db):
    Suppression.opt_out("lea@radio38.example")
    reports = import_rows(OUTLOOK_CSV.encode())
    assert reports[-1].outcome == "opted_out"
    assert not Journalist.objects.filter(email="lea@radio38.example").exists()
    assert Journalist.objects.filter(email="joerg.weiss@bz.example").exists()


def test_a_row_with_more_cells_than_the_header_is_reported(db):
    csv = "Name,E-Mail\nErika Beispiel,erika@example.de\nMax, Muster,max@example.de\n"
    reports = import_rows(csv.encode())
    assert outcomes(reports) == [(2, "erika@example.de", "new"), (3, "muster", "invalid")]
    assert "mehr Spalten" in reports[1].message
    assert Journalist.objects.get().first_name == "Erika"


def test_a_name_with_a_line_break_in_a_quoted_csv_cell_is_imported_on_one_line(db):
    csv = 'Vorname;E-Mail-Adresse\n"Erika\nBcc: x@evil.example";erika@example.de\n'
    import_rows(csv.encode())
    assert Journalist.objects.get().first_name == "Erika Bcc: x@evil.example"


VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Beispiel;Erika;;;\r\nFN:Erika Beispiel\r\n"
    "ORG:Goslarsche Zeitung\r\nTITLE:Redakteurin\r\n"
    "EMAIL;TYPE=INTERNET:privat@example.de\r\n"
    "EMAIL;TYPE=INTERNET,PREF:erika@gz.example\r\n"
    "EMAIL;TYPE=INTERNET:dritte@example.de\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Max Muster\r\nEMAIL:max@example.de\r\nEND:VCARD\r\n"
)


def test_a_vcard_with_three_addresses_imports_the_preferred_one_and_keeps_the_others(db):
    reports = import_rows(VCARDS.encode())

    assert outcomes(reports) == [(1, "erika@gz.example", "new"), (2, "max@example.de", "new")]
    assert "3 Adressen" in reports[0].message
    erika = Journalist.objects.get(email="erika@gz.example")
    assert erika.outlet.name == "Goslarsche Zeitung"
    assert "privat@example.de" in erika.notes and "dritte@example.de" in erika.notes
    assert Journalist.objects.get(email="max@example.de").last_name == "Muster"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "leer"),
        (b"Name;Telefon\nErika;123\n", "Spalte mit den E-Mail-Adressen"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "keine Text-Datei"),
        (b"E-Mail\n" + b"\x81\x8d\x90", "weder UTF-8 noch Windows-1252"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:a@b.de\r\n", "vCard-Datei ist beschädigt"),
        (b"E-Mail\n\n\n", "keine Adressen"),
    ],
)
def test_a_broken_file_gets_a_clear_message(db, data, message):
    with pytest.raises(ImportFileError, match=message):
        read_contacts_file(data)


# The admin: preview, import, export


def upload(client, text, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile("verteiler.csv", text.encode("cp1252")), **fields}
    data.setdefault("lawful_basis", "interest")
    return client.post(IMPORT_URL, data)


def test_admin_import_shows_a_preview_then_imports_exactly_that(as_role):
    client = as_role("Chefredaktion")
    press = DistributionList.objects.create(name="Regionale Tageszeitungen")

    preview = upload(client, OUTLOOK_CSV, target_list=press.pk)

    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Vorschau: Noch ist nichts gespeichert" in html
    assert html.count('class="import-new"') == 2
    assert 'class="import-duplicate"' in html and 'class="import-invalid"' in html
    assert not Journalist.objects.exists()

    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    done = client.post(IMPORT_URL, {"payload": payload})

    assert "Ergebnis des Imports" in done.content.decode()
    assert press.members.count() == 2
    assert Journalist.objects.get(email="lea@radio38.example").basis_source == (
        "Import verteiler.csv"
    )


def test_admin_import_of_a_broken_file_shows_the_form_with_the_reason(as_role):
    response = upload(as_role("Redaktion"), "Name;Telefon\nErika;123\n")
    assert response.status_code == 200
    assert "Spalte mit den E-Mail-Adressen" in response.content.decode()


def test_admin_import_with_an_altered_preview_stores_nothing(as_role):
    response = as_role("Chefredaktion").post(IMPORT_URL, {"payload": "verändert"}, follow=True)
    assert "Vorschau ist abgelaufen" in response.content.decode()
    assert not Journalist.objects.exists()


def test_admin_form_refuses_an_address_on_the_sperrliste(as_role):
    Suppression.opt_out("weg@example.de")
    response = as_role("Redaktion").post(
        "/admin/contacts/journalist/add/",
        {
            "email": "Weg@Example.de",
            "lawful_basis": "interest",
            "basis_source": "Anruf",
            "basis_date": "2025-01-02",
        },
    )
    assert response.status_code == 200
    assert "steht auf der Sperrliste" in response.content.decode()
    assert not Journalist.objects.exists()


def test_export_is_a_csv_that_imports_again_without_changes(as_role, journalist):
    outlet = MediaOutlet.objects.create(name="NDR 1 Niedersachsen", kind="radio")
    person = journalist("a@ndr.example", first_name="Ana", last_name="Öz", outlet=outlet)
    DistributionList.objects.create(name="Hörfunk").members.add(person)

    response = as_role("Redaktion").get("/admin/contacts/journalist/export/")

    text = response.content.decode("utf-8")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.startswith("\ufeffE-Mail-Adresse;Vorname;Nachname;Redaktion")
    assert "a@ndr.example;Ana;Öz;NDR 1 Niedersachsen" in text and "Hörfunk" in text
    assert outcomes(import_rows(response.content)) == [(2, "a@ndr.example", "skip")]
