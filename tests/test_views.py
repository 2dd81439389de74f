"""What journalists and the public see: home, archive, year and month archives, a release."""

import datetime

import pytest
from django.template.loader import render_to_string

from releases.models import Project, Topic

from .helpers import assert_german_404, count_queries, page, titles


def test_home_lists_the_latest_releases(client, make_release):
    make_release(title="Ältere Meldung", release_date=datetime.date(2016, 1, 29))
    make_release(title="Neueste Meldung", release_date=datetime.date(2022, 3, 28))
    html = page(client, "/")
    assert html.index("Neueste Meldung") < html.index("Ältere Meldung")
    assert '<html lang="de">' in html


def test_home_shows_the_running_projects_only(client, make_release, make_project):
    make_release(title="Neueste Meldung")
    make_project(name="Betriebsnachbarschaften")
    make_project(name="Abgeschlossenes Projekt", status=Project.Status.COMPLETED)
    make_project(name="Geplantes Projekt", status=Project.Status.PLANNED)
    html = page(client, "/")
    projects = html[html.index("Laufende Projekte") :]
    assert "Betriebsnachbarschaften" in projects
    assert "Abgeschlossenes Projekt" not in html
    assert "Geplantes Projekt" not in html
    assert 'href="/projekte/"' in projects


def test_archive_shows_twenty_per_page_newest_first(client, make_release):
    start = datetime.date(2020, 1, 1)
    for day in range(25):
        make_release(
            title=f"Meldung vom Tag {day:02d}", release_date=start + datetime.timedelta(days=day)
        )
    first = page(client, "/presse/")
    assert first.count('class="release-card"') == 20
    assert first.index("Meldung vom Tag 24") < first.index("Meldung vom Tag 23")
    assert "Meldung vom Tag 04" not in first
    assert "Seite 1 von 2" in first
    second = page(client, "/presse/?page=2")
    assert second.count('class="release-card"') == 5
    # The page's ids and then their rows (ArchivePaginator): still in the archive's order.
    assert titles(second) == [f"Meldung vom Tag {day:02d}" for day in range(4, -1, -1)]


def test_year_and_month_archives_with_counts(client, make_release):
    make_release(title="Januar 2016", release_date=datetime.date(2016, 1, 29))
    make_release(title="März 2022 A", release_date=datetime.date(2022, 3, 21))
    make_release(title="März 2022 B", release_date=datetime.date(2022, 3, 28))
    make_release(title="April 2022", release_date=datetime.date(2022, 4, 2))

    archive = page(client, "/presse/")
    assert 'href="/presse/2022/">2022</a> <span class="count">(3)</span>' in archive
    assert 'href="/presse/2016/">2016</a> <span class="count">(1)</span>' in archive

    year = page(client, "/presse/2022/")
    assert "Pressemitteilungen 2022" in year
    assert "März 2022 A" in year and "April 2022" in year and "Januar 2016" not in year
    assert 'href="/presse/2022/03/">März</a> <span class="count">(2)</span>' in year

    month = page(client, "/presse/2022/03/")
    assert "Pressemitteilungen März 2022" in month
    assert "März 2022 B" in month and "April 2022" not in month


def test_empty_archive_is_a_page(client, db):
    assert "noch keine Pressemitteilungen" in page(client, "/presse/")


def test_release_page_reads_like_a_press_release(client, make_release, topic):
    release = make_release(
        title="Projekt beendet",
        subtitle="Betriebe setzten auf Azubimarketing",
        place="Helmstedt",
        lead="Den Fachkräftemangel gemeinsam meistern.",
        body="<h2>Zwischentitel</h2><p>Zweiter Absatz.</p>",
        topics=[topic],
        images=1,
        attachments=1,
        correction_note="Name korrigiert",
    )
    html = page(client, release.get_absolute_url())
    assert "<h1>Projekt beendet</h1>" in html
    assert "Betriebe setzten auf Azubimarketing" in html
    assert (
        '<span class="dateline">Helmstedt, <time datetime="2022-03-28">28. März 2022</time>.</span>'
        " Den Fachkräftemangel gemeinsam meistern." in html
    )
    assert "<h2>Zwischentitel</h2><p>Zweiter Absatz.</p>" in html
    assert "Bildunterschrift 0" in html and "Foto: Erika Beispiel" in html
    assert 'alt="Menschen bei einer Veranstaltung" width="40" height="30"' in html
    assert 'Steckbrief 0</a> <span class="filemeta">(PDF, 15\xa0Bytes)</span>' in html
    assert "Fachkräftesicherung" in html
    assert "Aktualisiert am" in html and "Name korrigiert" in html


def test_attachment_downloads_as_a_file(client, make_release):
    release = make_release(attachments=1)
    response = client.get(release.attachments.get().get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="steckbrief.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_old_date_in_the_address_redirects_to_the_current_one(client, make_release):
    release = make_release(title="Datum korrigiert", release_date=datetime.date(2022, 3, 28))
    response = client.get("/presse/2022/03/27/datum-korrigiert/")
    assert response.status_code == 301
    assert response["Location"] == release.get_absolute_url()


@pytest.mark.parametrize(
    "url",
    [
        "/presse/?page=abc",
        "/presse/?page=99999",
        "/presse/?page=-1",
        "/presse/2022/13/",
        "/presse/2022/00/",
        "/presse/1999/",
        "/presse/0000/",
        "/presse/0000/03/",
        "/presse/9999/",
        "/presse/9999/12/",
        "/presse/2022/03/28/gibt-es-nicht/",
        "/presse/2022/03/28/gibt-es-nicht/anhang/1/",
        "/presse/vorschau/1/anything/",
        "/nirgendwo/",
    ],
)
def test_bad_addresses_get_a_german_404(client, make_release, url):
    make_release()
    assert_german_404(client.get(url))


def test_overlong_query_string_is_harmless(client, make_release):
    make_release()
    response = client.get("/presse/?" + "x" * 20_000 + "=1&q=" + "ä" * 5_000)
    assert response.status_code == 200


def test_server_error_page_is_german():
    assert "Ein technischer Fehler ist aufgetreten" in render_to_string("500.html")


def test_pages_have_landmarks_and_a_skip_link(client, make_release):
    release = make_release()
    for url in ["/", "/presse/", release.get_absolute_url()]:
        html = page(client, url)
        assert 'href="#inhalt">Zum Inhalt springen' in html
        assert '<main id="inhalt"' in html and "<header" in html and "<footer" in html
        assert '<nav class="site-nav" aria-label="Hauptnavigation">' in html


# Home: releases, their topics, the running projects (no session, no auth). Archive pages: month
# counts, facets for topic, project, partner and place, the page of releases, their topics (the
# paginator's total comes from the month counts). See tests/test_filters.py for the pages with
# search and filters.
@pytest.mark.parametrize(
    ("url", "expected"), [("/", 3), ("/presse/", 7), ("/presse/2022/", 7), ("/presse/2022/03/", 7)]
)
def test_list_pages_query_count_does_not_grow_with_releases(client, make_release, url, expected):
    topics = [Topic.objects.create(name=f"Thema {number}") for number in range(3)]

    def add(count):
        for _ in range(count):
            make_release(topics=topics, images=1)

    add(5)
    few = count_queries(client, url)
    add(45)
    many = count_queries(client, url)
    assert few == many == expected


def test_detail_page_query_count_does_not_grow_with_images(client, make_release, topic):
    few = make_release(topics=[topic], images=1, attachments=1)
    many = make_release(topics=[topic], images=8, attachments=5)
    assert count_queries(client, few.get_absolute_url()) == count_queries(
        client, many.get_absolute_url()
    )
    # Release, topics, images, attachments, projects, partners, contacts, related releases, and
    # the boilerplate with its shareholders line.
    assert count_queries(client, many.get_absolute_url()) == 10
