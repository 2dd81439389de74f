"""import_releases: plain-text releases like the organisation's own, into the archive."""

import datetime
import shutil

import pytest
from django.core.management import CommandError, call_command

from releases.importer import ParseError, parse_release, read_text
from releases.models import PressRelease

from .helpers import FIXTURES, SEEDS

IMPORTS = FIXTURES / "imports"
needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout (only CI has it)"
)


@needs_seeds
def test_seed_2016_cooperation():
    parsed = parse_release(read_text(SEEDS / "000_e1f106e977598617.txt"))
    assert parsed.title == (
        "Allianz für die Region und IHK Lüneburg-Wolfsburg arbeiten enger zusammen"
    )
    assert parsed.subtitle == ""
    assert parsed.place == "Braunschweig/Wolfsburg"
    assert parsed.date == datetime.date(2016, 1, 29)
    assert parsed.lead.startswith("Die Allianz für die Region GmbH und die Industrie-")
    assert len(parsed.paragraphs) == 4
    assert parsed.paragraphs[2].startswith("Das Regionalmarketing steht")
    assert parsed.contact_lines == ["Sibille Rosinski", "Kommunikation", "0531 1218-154"]
    assert "Zurück" not in parsed.body_html()


@needs_seeds
def test_seed_2022_betriebsnachbarschaften():
    parsed = parse_release(read_text(SEEDS / "004_7a99631e9d45a9ce.txt"))
    assert parsed.title == "Projekt Betriebsnachbarschaften im Landkreis Helmstedt beendet"
    assert parsed.subtitle == (
        "Benachbarte Handwerksbetriebe in Schöningen/Heeseberg thematisierten "
        "Azubimarketing und Mitarbeiterbindung"
    )
    assert parsed.place == "Helmstedt"
    assert parsed.date == datetime.date(2022, 3, 28)
    assert parsed.lead.startswith("Den Fachkräftemangel gemeinsam meistern:")
    assert len(parsed.paragraphs) == 3
    assert ("h2", "Benachbarte Handwerksbetriebe im Landkreis Helmstedt thematisierten "
            "Azubimarketing und Mitarbeiterbindung") in parsed.body  # fmt: skip
    # the hard-wrapped paragraph is one paragraph again
    assert parsed.paragraphs[1].startswith("Selbstständiges Arbeiten/Empowerment, Mitarbeiter")
    assert parsed.paragraphs[1].endswith("Unterstützungsangebot vor.")
    assert parsed.about_title == "Über das Projekt Betriebsnachbarschaften"
    # the page footer is gone and the paragraph it cut is joined again
    assert len(parsed.about) == 1
    assert "Seite 2 von 3" not in parsed.about[0]
    assert "(Landkreis Helmstedt) und Seesen. Neben" in parsed.about[0]
    assert "Sibille Rosinski" in parsed.contact_lines[0]
    assert parsed.skipped == [
        "Abschnitt „Gesellschafter der Allianz für die Region GmbH“ mit 1 Zeile(n) nicht übernommen"
    ]


@needs_seeds
def test_importing_the_seeds_twice_updates_instead_of_duplicating(db, capsys):
    call_command("import_releases", str(SEEDS))
    call_command("import_releases", str(SEEDS))
    assert PressRelease.objects.count() == 2
    assert PressRelease.objects.published().count() == 2
    output = capsys.readouterr().out
    assert output.count("Neu: ") == 2 and output.count("Aktualisiert: ") == 2


def test_fixture_with_long_lines_and_contact():
    parsed = parse_release(read_text(IMPORTS / "kooperation.txt"))
    assert parsed.title == "Hochschulen und Betriebe starten gemeinsames Praktikumsnetz"
    assert parsed.place == "Salzgitter/Peine"
    assert parsed.date == datetime.date(2019, 6, 4)
    assert len(parsed.paragraphs) == 3
    assert parsed.paragraphs[1].startswith("Die beteiligten Betriebe")
    assert parsed.contact_lines == ["Erika Beispiel", "Kommunikation", "0531 000000-0"]


def test_fixture_with_wrapped_lines_heading_page_break_and_trailer():
    parsed = parse_release(read_text(IMPORTS / "werkstatt.txt"))
    assert parsed.title == "Unternehmenswerkstatt in Goslar abgeschlossen"
    assert parsed.subtitle.startswith("Betriebe aus dem Gewerbegebiet")
    assert (parsed.place, parsed.date) == ("Goslar", datetime.date(2022, 3, 21))
    assert parsed.body[1] == ("h2", "Ausbildung gemeinsam organisieren")
    assert len(parsed.paragraphs) == 2
    assert parsed.paragraphs[0] == (
        "Zu Beginn stand eine Befragung der Betriebe. Aus den Antworten entstanden drei "
        "Arbeitsgruppen, die sich um Ausbildung, Weiterbildung und die Sichtbarkeit der "
        "Betriebe im Netz kümmerten."
    )
    assert parsed.about == [
        "Die Werkstatt war Teil eines regionalen Programms, das benachbarte Betriebe in "
        "mehreren Projekträumen zusammenbrachte, darunter Goslar und Peine. Gefördert wurde "
        "es aus Mitteln des Landes."
    ]
    assert len(parsed.skipped) == 1


def test_cp1252_file_is_read():
    parsed = parse_release(read_text(IMPORTS / "cp1252.txt"))
    assert parsed.place == "Lüneburg"
    assert "ä, ö, ü und ß" in parsed.lead


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "keinen Text"),
        ("Nur ein Titel\n\nUnd ein Absatz ohne Ortszeile.", "Ortszeile"),
        ("Titel\n\nBerlin, 31. Februar 2022. Ungültiges Datum.", "Ortszeile"),
        ("Titel\n\nBerlin, 3. Brumaire 2022. Kein deutscher Monat.", "Ortszeile"),
        ("Titel\n\nEins\n\nZwei\n\nBerlin, 3. Mai 2022. Text.", "höchstens ein Untertitel"),
    ],
)
def test_texts_that_are_not_releases_say_why(text, message):
    with pytest.raises(ParseError, match=message):
        parse_release(text)


def test_imported_release_is_published_and_renders(client, db):
    call_command("import_releases", str(IMPORTS / "werkstatt.txt"))
    release = PressRelease.objects.get()
    assert release.is_public
    assert release.get_absolute_url() == (
        "/presse/2022/03/21/unternehmenswerkstatt-in-goslar-abgeschlossen/"
    )
    html = client.get(release.get_absolute_url()).content.decode()
    assert "<h2>Ausbildung gemeinsam organisieren</h2>" in html
    assert "<h2>Über das Projekt Werkstatt Beispiel</h2>" in html
    assert "Seite 1 von 2" not in html


def test_draft_option_imports_unpublished(db):
    call_command("import_releases", "--draft", str(IMPORTS / "kooperation.txt"))
    assert PressRelease.objects.get().status == PressRelease.Status.DRAFT


def test_one_bad_file_does_not_stop_the_batch(db, tmp_path, capsys):
    for name in ["kooperation.txt", "ohne-ortszeile.txt", "werkstatt.txt"]:
        shutil.copy(IMPORTS / name, tmp_path / name)
    missing = tmp_path / "gibt-es-nicht.txt"
    with pytest.raises(CommandError, match="2 von 4 Datei"):
        call_command("import_releases", str(tmp_path), str(missing))
    assert PressRelease.objects.count() == 2
    captured = capsys.readouterr()
    assert "ohne-ortszeile.txt: Keine Ortszeile" in captured.err
    assert "gibt-es-nicht.txt" in captured.err
    assert "Abschnitt „Gesellschafter der Allianz für die Region GmbH“" in captured.out


def test_import_links_the_named_project_and_contact(client, make_project, make_contact, capsys):
    project = make_project(name="Werkstatt Beispiel", about="Der Kasten aus dem Projekt.")
    make_contact(first_name="Sibille", last_name="Rosinski")
    erika = make_contact(first_name="Erika", last_name="Beispiel")
    call_command("import_releases", str(IMPORTS / "werkstatt.txt"))
    release = PressRelease.objects.get()
    assert list(release.projects.all()) == [project]
    assert list(release.contacts.all()) == [erika]
    assert "Über das Projekt" not in release.body
    html = client.get(release.get_absolute_url()).content.decode()
    assert html.count("Über das Projekt Werkstatt Beispiel") == 1
    assert "Der Kasten aus dem Projekt." in html
    output = capsys.readouterr().out
    assert "Mit dem Projekt „Werkstatt Beispiel“ verknüpft" in output
    assert "Pressekontakt: Erika Beispiel" in output


def test_import_without_a_known_contact_gets_the_default_contact(db, make_contact):
    default = make_contact(first_name="Sibille", last_name="Rosinski", order=1)
    call_command("import_releases", str(IMPORTS / "kooperation.txt"))  # names Erika Beispiel
    assert list(PressRelease.objects.get().contacts.all()) == [default]
