"""The project pages: /projekte/, /projekte/<slug>/ and the calendar file of each event."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.utils import timezone

from releases.models import PressRelease, Project, ProjectEvent, ProjectPartner

from .helpers import assert_german_404, image_upload, page

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_project_list_shows_running_and_completed_projects(client, make_project):
    make_project(name="Betriebsnachbarschaften", status=Project.Status.COMPLETED)
    make_project(name="Zukunftsatlas", status=Project.Status.RUNNING)
    make_project(name="Noch geheim", status=Project.Status.PLANNED)
    html = page(client, "/projekte/")
    assert "Laufende Projekte" in html and "Abgeschlossene Projekte" in html
    assert html.index("Zukunftsatlas") < html.index("Betriebsnachbarschaften")
    assert 'href="/projekte/betriebsnachbarschaften/"' in html
    assert "Noch geheim" not in html


def test_project_page_shows_areas_with_upcoming_and_past_events(client, make_project):
    project = make_project(name="Betriebsnachbarschaften", programme="Fachkräftebündnis SON")
    area = project.areas.create(name="Schöningen/Samtgemeinde Heeseberg")
    ProjectEvent.objects.create(
        area=area,
        title="Abschlussveranstaltung",
        starts_at=datetime.datetime(2022, 3, 28, 16, tzinfo=BERLIN),
        ends_at=datetime.datetime(2022, 3, 28, 18, tzinfo=BERLIN),
        place="Gründer- und Unternehmerzentrum",
    )
    upcoming = ProjectEvent.objects.create(
        area=area,
        title="Nachtreffen",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        place="Rathaus Schöningen",
    )
    html = page(client, project.get_absolute_url())
    assert "<h1>Betriebsnachbarschaften</h1>" in html
    assert "Im Rahmen von: Fachkräftebündnis SON" in html
    assert "Schöningen/Samtgemeinde Heeseberg" in html
    assert "Montag, 28. März 2022, 16:00–18:00 Uhr" in html
    assert "vergangen" in html
    next_events = html.split('id="demnaechst"')[1].split("</section>")[0]
    assert "Nachtreffen" in next_events and "Abschlussveranstaltung" not in next_events
    assert f'href="/projekte/betriebsnachbarschaften/termine/{upcoming.pk}.ics"' in html


def test_project_page_shows_partners_by_role_with_funding_note(client, make_project, make_partner):
    project = make_project()
    esf = make_partner(name="Europäischer Sozialfonds", logo=image_upload("esf.png"))
    hwk = make_partner(name="Handwerkskammer Braunschweig-Lüneburg-Stade")
    allianz = make_partner(name="Allianz für die Region GmbH")
    ProjectPartner.objects.create(
        project=project, partner=esf, role="funder", funding_note="Gefördert aus Mitteln des ESF"
    )
    ProjectPartner.objects.create(project=project, partner=hwk, role="supporter")
    ProjectPartner.objects.create(project=project, partner=allianz, role="sponsor")
    html = page(client, project.get_absolute_url())
    sponsors = html.split("<h3>Projektträger</h3>")[1].split("<h3>")[0]
    funders = html.split("<h3>Gefördert von</h3>")[1].split("<h3>")[0]
    supporters = html.split("<h3>Unterstützt von</h3>")[1].split("</section>")[0]
    assert "Allianz für die Region GmbH" in sponsors
    assert "Europäischer Sozialfonds" in funders and "Gefördert aus Mitteln des ESF" in funders
    assert f'src="{esf.logo.url}"' in funders
    assert 'href="/partner/handwerkskammer-braunschweig-lueneburg-stade/"' in supporters


def test_project_page_lists_only_published_releases_newest_first(
    client, make_project, make_release
):
    project = make_project()
    older = make_release(title="Auftakt", release_date=datetime.date(2020, 4, 1))
    newer = make_release(title="Abschluss", release_date=datetime.date(2022, 3, 28))
    embargoed = make_release(
        title="Unter Sperrfrist", publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    draft = make_release(title="Nur ein Entwurf", status=PressRelease.Status.DRAFT)
    for release in [older, newer, embargoed, draft]:
        release.projects.add(project)
    html = page(client, project.get_absolute_url())
    assert html.index("Abschluss") < html.index("Auftakt")
    assert "Unter Sperrfrist" not in html and "Nur ein Entwurf" not in html


def test_project_releases_are_paginated(client, make_project, make_release):
    project = make_project()
    for day in range(12):
        make_release(
            title=f"Meldung {day:02d}", release_date=datetime.date(2022, 3, 1 + day)
        ).projects.add(project)
    first = page(client, project.get_absolute_url())
    assert first.count('class="release-card"') == 10 and "Seite 1 von 2" in first
    second = page(client, f"{project.get_absolute_url()}?page=2")
    assert second.count('class="release-card"') == 2 and "Meldung 00" in second


def test_event_calendar_file_is_valid_icalendar_in_berlin_time(client, make_project):
    project = make_project(name="Betriebsnachbarschaften")
    area = project.areas.create(name="Landkreis Helmstedt")
    event = ProjectEvent.objects.create(
        area=area,
        title="Abschluss; mit Komma, und Semikolon",
        starts_at=datetime.datetime(2022, 3, 28, 16, tzinfo=BERLIN),
        ends_at=datetime.datetime(2022, 3, 28, 18, tzinfo=BERLIN),
        place="Gründer- und Unternehmerzentrum, Helmstedt",
        description="Die Betriebe ziehen Bilanz. " * 8,
    )
    response = client.get(event.get_ics_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="termin-{event.pk}.ics"'
    raw = response.content
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # RFC 5545 3.1: folded lines
    assert b"\n" not in raw.replace(b"\r\n", b"")

    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Abschluss; mit Komma, und Semikolon (Betriebsnachbarschaften)"
    assert str(vevent["LOCATION"]) == "Gründer- und Unternehmerzentrum, Helmstedt"
    assert str(vevent["DESCRIPTION"]).startswith("Die Betriebe ziehen Bilanz.")
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert start == datetime.datetime(2022, 3, 28, 16, tzinfo=BERLIN)
    assert str(start.tzinfo) == "Europe/Berlin" and end - start == datetime.timedelta(hours=2)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(vevent["UID"]) == f"termin-{event.pk}@testserver"
    assert vevent.decoded("DTSTAMP").tzinfo is not None
    assert str(vevent["URL"]) == f"http://testserver{project.get_absolute_url()}#termin-{event.pk}"


@pytest.mark.parametrize(
    "url",
    [
        "/projekte/gibt-es-nicht/",
        "/projekte/gibt-es-nicht/termine/1.ics",
        "/projekte/projekt-nummer-1/?page=7",
        "/projekte/projekt-nummer-1/?page=abc",
    ],
)
def test_bad_project_addresses_get_a_german_404(client, make_project, url):
    make_project(areas=1)
    assert_german_404(client.get(url))


def test_planned_project_and_its_events_are_not_public(client, make_project):
    planned = make_project(status=Project.Status.PLANNED, areas=1)
    assert client.get(planned.get_absolute_url()).status_code == 404
    event = ProjectEvent.objects.get(area__project=planned)
    assert client.get(event.get_ics_url()).status_code == 404


def test_event_of_another_project_is_not_found_under_this_one(client, make_project):
    first, second = make_project(areas=1), make_project(areas=1)
    event = ProjectEvent.objects.get(area__project=second)
    url = f"/projekte/{first.slug}/termine/{event.pk}.ics"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_project_pages_cost_the_same_queries_for_3_or_30_rows(
    client, make_project, make_partner, make_release, topic, count, django_assert_num_queries
):
    project = make_project(areas=count)
    for number in range(count):
        ProjectPartner.objects.create(
            project=project,
            partner=make_partner(),
            role=["sponsor", "funder", "supporter"][number % 3],
        )
        make_release(topics=[topic]).projects.add(project)
        make_project(status=Project.Status.COMPLETED)
    # project, partner roles with partners, areas, events, count of public releases, page of
    # releases, their topics (all but the project are kept: test_remembered_fragments.py)
    with django_assert_num_queries(7):
        page(client, project.get_absolute_url())
    with django_assert_num_queries(1):
        page(client, "/projekte/")
