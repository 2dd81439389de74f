import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from contacts.models import PressContact
from releases.models import Partner, PressRelease, Project, ProjectEvent


def test_demo_content_loads_twice_without_duplicates(db, client):
    call_command("load_demo")
    counts = (PressRelease.objects.count(), PressRelease.objects.published().count())
    images = sum(release.images.count() for release in PressRelease.objects.all())
    call_command("load_demo")
    assert (PressRelease.objects.count(), PressRelease.objects.published().count()) == counts
    # Helmstedt's, Goslar's, and one of the release under embargo (kept from the Bildarchiv).
    assert sum(release.images.count() for release in PressRelease.objects.all()) == images == 3
    assert counts == (8, 6)  # six public, one under embargo, one draft
    assert PressRelease.objects.scheduled().count() == 1
    for release in PressRelease.objects.published():
        assert client.get(release.get_absolute_url()).status_code == 200


def test_demo_account_only_in_local_debug_mode(db, settings, capsys):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="nur lokal"):
        call_command("load_demo", "--admin")
    assert not get_user_model().objects.filter(username="redaktion").exists()

    settings.DEBUG = True
    call_command("load_demo", "--admin")
    password = capsys.readouterr().out.split("Passwort: ")[1].split()[0]
    assert get_user_model().objects.get(username="redaktion").check_password(password)


def test_demo_builds_the_project_with_areas_events_and_partners(db):
    call_command("load_demo")
    call_command("load_demo")
    project = Project.objects.get(slug="betriebsnachbarschaften")
    assert project.programme == "Fachkräftebündnis Südostniedersachsen"
    areas = {area.name: area for area in project.areas.all()}
    assert list(areas) == [
        "Goslar",
        "Peine",
        "Salzgitter",
        "Schöningen/Samtgemeinde Heeseberg",
        "Seesen",
    ]
    closing = {
        name: timezone.localtime(area.events.get().starts_at).date() for name, area in areas.items()
    }
    assert closing == {
        "Goslar": datetime.date(2022, 3, 21),
        "Peine": datetime.date(2022, 3, 22),
        "Schöningen/Samtgemeinde Heeseberg": datetime.date(2022, 3, 28),
        "Seesen": datetime.date(2022, 3, 29),
        "Salzgitter": datetime.date(2022, 3, 30),
    }
    assert "Gründer- und Unternehmerzentrum" in (
        areas["Schöningen/Samtgemeinde Heeseberg"].events.get().place
    )
    roles = {
        role: sorted(r.partner.name for r in project.partner_roles.filter(role=role))
        for role in ["sponsor", "funder", "supporter"]
    }
    assert roles["sponsor"] == ["Allianz für die Region GmbH"]
    assert roles["funder"] == [
        "Europäischer Sozialfonds",
        "Landkreis Helmstedt",
        "Niedersächsisches Ministerium für Wirtschaft, Arbeit, Verkehr und Digitalisierung",
    ]
    assert roles["supporter"] == [
        "Handwerkskammer Braunschweig-Lüneburg-Stade",
        "Industrie- und Handelskammer Braunschweig",
        "RKW-Kompetenzzentrum Nord",
        "Wirtschaftsförderungen der Projekträume",
    ]


def test_demo_has_all_shareholders_of_the_seed_with_their_kinds(db):
    call_command("load_demo")
    shareholders = dict(Partner.objects.filter(is_shareholder=True).values_list("name", "kind"))
    assert len(shareholders) == 21
    assert shareholders["IG Metall SüdOstNiedersachsen"] == "union"
    assert shareholders["Öffentliche Versicherung Braunschweig"] == "insurer"
    assert shareholders["Madsack Medien Ostniedersachsen GmbH & Co. KG"] == "media"
    assert shareholders["Sparkasse Celle-Gifhorn-Wolfsburg"] == "bank"
    assert {name for name, kind in shareholders.items() if kind == "city"} == {
        "Stadt Braunschweig",
        "Stadt Salzgitter",
        "Stadt Wolfsburg",
    }
    assert sum(kind == "county" for kind in shareholders.values()) == 5


def test_demo_releases_are_linked_to_project_partners_and_contact(db):
    call_command("load_demo")
    contact = PressContact.objects.get(slug="sibille-rosinski")
    assert (contact.position, contact.department) == ("Pressesprecherin", "Kommunikation")
    assert contact.email == "sibille.rosinski@allianz-fuer-die-region.de"
    for release in PressRelease.objects.all():
        assert list(release.contacts.all()) == [contact]
    helmstedt = PressRelease.objects.get(
        slug="betriebsnachbarschaften-abschluss-im-landkreis-helmstedt"
    )
    assert [project.slug for project in helmstedt.projects.all()] == ["betriebsnachbarschaften"]
    assert "Handwerkskammer Braunschweig-Lüneburg-Stade" in {
        partner.name for partner in helmstedt.partners.all()
    }
    assert "Über das Projekt" not in helmstedt.body  # the project box shows it instead


def test_every_directory_page_renders_with_demo_content(db, client):
    call_command("load_demo")
    event = ProjectEvent.objects.first()
    urls = [
        "/projekte/",
        "/projekte/betriebsnachbarschaften/",
        event.get_ics_url(),
        "/gesellschafter/",
        *[partner.get_absolute_url() for partner in Partner.objects.all()],
        "/pressekontakt/",
        "/pressekontakt/sibille-rosinski.vcf",
        "/impressum/",
        "/datenschutz/",
        "/barrierefreiheit/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    project_page = client.get("/projekte/betriebsnachbarschaften/").content.decode()
    assert "Sperrfrist" not in project_page and "Entwurf" not in project_page
    helmstedt = client.get("/partner/landkreis-helmstedt/").content.decode()
    assert "Betriebsnachbarschaften: Abschluss im Landkreis Helmstedt" in helmstedt
    assert "Projektraum Helmstedt soll wachsen" not in helmstedt  # under embargo
