"""Filters on /presse/: topic, project, partner and place (and the year, which is the archive's
own address), each with its count, combined with each other and with the search; the address
carries the state."""

import datetime
import re

import pytest
from django.utils import timezone

from releases.models import PressRelease, Project, Topic

from .helpers import count_queries, page, titles


def options(html, name):
    """The choices of a filter as shown: {label: count}, and which one is selected."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    found = re.findall(
        r'<option value="([^"]*)"( selected)?>([^<]*?)(?: \((\d+)\))?</option>', select
    )
    counts = {label: int(count) for value, _selected, label, count in found if value}
    selected = [label for value, chosen, label, _count in found if chosen]
    return counts, selected


@pytest.fixture
def topics(db):
    return {
        "fach": Topic.objects.create(name="Fachkräftesicherung"),
        "beruf": Topic.objects.create(name="Berufsorientierung"),
        "marketing": Topic.objects.create(name="Regionalmarketing"),
    }


@pytest.fixture
def archive(make_release, topics):
    make_release(
        title="Kooperation mit der IHK",
        place="Braunschweig/Wolfsburg",
        release_date=datetime.date(2016, 1, 29),
        topics=[topics["marketing"], topics["beruf"]],
    )
    make_release(
        title="Abschluss in Helmstedt",
        place="Helmstedt",
        release_date=datetime.date(2022, 3, 28),
        topics=[topics["fach"]],
    )
    make_release(
        title="Abschluss in Goslar",
        place="Goslar",
        release_date=datetime.date(2022, 3, 21),
        topics=[topics["fach"]],
        lead="Betriebe aus Goslar stellen ihre Kooperation vor.",
    )
    make_release(
        title="Berufsmesse in Wolfsburg",
        place="Wolfsburg",
        release_date=datetime.date(2022, 5, 2),
        topics=[topics["beruf"]],
    )


def test_each_filter_shows_its_choices_with_counts(client, archive):
    html = page(client, "/presse/")
    assert options(html, "thema") == (
        {"Berufsorientierung": 2, "Fachkräftesicherung": 2, "Regionalmarketing": 1},
        [],
    )
    # A joint dateline counts for each of its places.
    assert options(html, "ort") == (
        {"Braunschweig": 1, "Goslar": 1, "Helmstedt": 1, "Wolfsburg": 2},
        [],
    )
    assert 'href="/presse/2022/">2022</a> <span class="count">(3)</span>' in html
    assert 'href="/presse/2016/">2016</a> <span class="count">(1)</span>' in html


def test_topic_filter_narrows_the_list_and_the_other_counts(client, archive):
    html = page(client, "/presse/", {"thema": "fachkraeftesicherung"})
    assert titles(html) == ["Abschluss in Helmstedt", "Abschluss in Goslar"]
    assert "2 Mitteilungen gefunden" in html
    # The chosen filter's own choices still count without it, so one can switch.
    assert options(html, "thema") == (
        {"Berufsorientierung": 2, "Fachkräftesicherung": 2, "Regionalmarketing": 1},
        ["Fachkräftesicherung"],
    )
    assert options(html, "ort") == ({"Goslar": 1, "Helmstedt": 1}, [])
    # The year navigation counts what matches and keeps the filter in its links.
    assert (
        'href="/presse/2022/?thema=fachkraeftesicherung">2022</a> <span class="count">(2)</span>'
        in html
    )
    assert "/presse/2016/" not in html


def test_place_filter_finds_joint_datelines(client, archive):
    html = page(client, "/presse/", {"ort": "Wolfsburg"})
    assert titles(html) == ["Berufsmesse in Wolfsburg", "Kooperation mit der IHK"]
    assert options(html, "ort")[1] == ["Wolfsburg"]
    assert options(html, "thema")[0] == {"Berufsorientierung": 2, "Regionalmarketing": 1}


def test_filters_combine_with_each_other_the_search_and_the_year(client, archive):
    assert titles(
        page(client, "/presse/", {"thema": "berufsorientierung", "ort": "Wolfsburg"})
    ) == [
        "Berufsmesse in Wolfsburg",
        "Kooperation mit der IHK",
    ]
    assert titles(
        page(client, "/presse/2022/", {"thema": "berufsorientierung", "ort": "Wolfsburg"})
    ) == ["Berufsmesse in Wolfsburg"]
    html = page(client, "/presse/", {"q": "Kooperation", "thema": "fachkraeftesicherung"})
    assert titles(html) == ["Abschluss in Goslar"]
    assert "1 Mitteilung zu „Kooperation“ gefunden" in html
    # Counts follow the search: of the hits for "Kooperation", one per topic.
    assert options(html, "thema")[0] == {
        "Berufsorientierung": 1,
        "Fachkräftesicherung": 1,
        "Regionalmarketing": 1,
    }
    month = page(client, "/presse/2022/03/", {"ort": "Goslar"})
    assert titles(month) == ["Abschluss in Goslar"]
    assert 'href="/presse/2022/03/?ort=Goslar" aria-current="page">März</a>' in month


def test_the_form_is_sent_to_the_year_it_is_on(client, archive):
    html = page(client, "/presse/2022/", {"thema": "fachkraeftesicherung"})
    assert '<form class="filters" method="get" action="/presse/2022/"' in html
    assert 'href="/presse/?thema=fachkraeftesicherung">Alle Jahre</a>' in html


def test_pagination_keeps_search_and_filters(client, make_release, topics):
    for day in range(25):
        make_release(
            title=f"Fachtag {day:02d}",
            release_date=datetime.date(2022, 1, 1) + datetime.timedelta(days=day),
            topics=[topics["fach"]],
        )
    make_release(title="Fachtag ohne Thema")
    html = page(client, "/presse/", {"q": "Fachtag", "thema": "fachkraeftesicherung"})
    assert "25 Mitteilungen zu „Fachtag“ gefunden" in html
    assert 'href="?q=Fachtag&amp;thema=fachkraeftesicherung&amp;page=2" rel="next"' in html
    second = page(client, "/presse/", {"q": "Fachtag", "thema": "fachkraeftesicherung", "page": 2})
    assert len(titles(second)) == 5
    assert "Fachtag ohne Thema" not in second


def test_empty_result_says_so(client, archive):
    html = page(client, "/presse/", {"thema": "regionalmarketing", "ort": "Goslar"})
    assert titles(html) == []
    assert "Keine Pressemitteilungen gefunden mit den gewählten Filtern." in html
    assert 'href="/presse/">setzen Sie Suche und Filter zurück</a>' in html
    # What was chosen stays visible, with its count.
    assert options(html, "thema")[1] == ["Regionalmarketing"]
    assert options(html, "ort") == ({"Braunschweig": 1, "Goslar": 0, "Wolfsburg": 1}, ["Goslar"])


def test_unknown_topic_gets_a_german_error_and_the_list(client, archive):
    html = page(client, "/presse/", {"thema": "gibt-es-nicht"})
    assert "Dieses Thema gibt es nicht (mehr)." in html
    assert len(titles(html)) == 4


@pytest.fixture
def with_projects_and_partners(make_release, make_project, make_partner):
    nachbarn = make_project(name="Betriebsnachbarschaften")
    planned = make_project(name="Geheimes Vorhaben", status=Project.Status.PLANNED)
    ihk = make_partner(name="IHK Lüneburg-Wolfsburg")
    landkreis = make_partner(name="Landkreis Helmstedt")
    first = make_release(title="Auftakt in Helmstedt", place="Helmstedt")
    first.projects.set([nachbarn, planned])
    first.partners.set([landkreis])
    second = make_release(title="Abschluss in Helmstedt", place="Helmstedt")
    second.projects.set([nachbarn])
    second.partners.set([landkreis, ihk])
    third = make_release(title="Kooperation mit der IHK", place="Wolfsburg")
    third.partners.set([ihk])
    make_release(title="Ohne Bezug", place="Wolfsburg")


def test_project_and_partner_filters_with_counts(client, with_projects_and_partners):
    html = page(client, "/presse/")
    # A planned project is not public: it is no choice, and it counts nowhere.
    assert options(html, "projekt") == ({"Betriebsnachbarschaften": 2}, [])
    assert options(html, "partner") == (
        {"IHK Lüneburg-Wolfsburg": 2, "Landkreis Helmstedt": 2},
        [],
    )
    html = page(client, "/presse/", {"projekt": "betriebsnachbarschaften"})
    assert sorted(titles(html)) == ["Abschluss in Helmstedt", "Auftakt in Helmstedt"]
    assert options(html, "partner")[0] == {"IHK Lüneburg-Wolfsburg": 1, "Landkreis Helmstedt": 2}
    assert options(html, "ort")[0] == {"Helmstedt": 2}
    html = page(
        client,
        "/presse/",
        {"projekt": "betriebsnachbarschaften", "partner": "ihk-lueneburg-wolfsburg"},
    )
    assert titles(html) == ["Abschluss in Helmstedt"]
    assert options(html, "projekt") == ({"Betriebsnachbarschaften": 1}, ["Betriebsnachbarschaften"])
    assert options(html, "partner")[1] == ["IHK Lüneburg-Wolfsburg"]


def test_planned_project_or_unknown_partner_gets_a_german_error(client, with_projects_and_partners):
    html = page(client, "/presse/", {"projekt": "geheimes-vorhaben", "partner": "niemand"})
    assert "Dieses Projekt gibt es nicht (mehr)." in html
    assert "Diesen Partner gibt es nicht (mehr)." in html
    assert "Geheimes Vorhaben" not in html
    assert len(titles(html)) == 4


@pytest.mark.parametrize("place", ["Braunschweig (Stadt)", "[", ".*", "a\\", "x" * 121, "'"])
def test_odd_places_are_harmless(client, archive, place):
    html = page(client, "/presse/", {"ort": place})
    assert "Wolfsburg" in html  # the page with its filters


def test_filtered_pages_are_not_indexed_but_the_archive_is(client, archive):
    assert 'content="noindex' not in page(client, "/presse/")
    assert '<meta name="robots" content="noindex, follow">' in page(
        client, "/presse/", {"ort": "Goslar"}
    )


def test_drafts_and_embargoed_releases_count_nowhere(client, make_release, topics):
    make_release(title="Öffentlich", place="Peine", topics=[topics["fach"]])
    make_release(
        title="Entwurf",
        place="Seesen",
        topics=[topics["beruf"]],
        release_date=datetime.date(2019, 5, 5),
        status=PressRelease.Status.DRAFT,
        publish_at=None,
    )
    make_release(
        title="Gesperrt",
        place="Salzgitter",
        topics=[topics["marketing"], topics["fach"]],
        release_date=datetime.date(2020, 5, 5),
        publish_at=timezone.now() + datetime.timedelta(hours=3),
    )
    html = page(client, "/presse/")
    assert options(html, "thema")[0] == {"Fachkräftesicherung": 1}
    assert options(html, "ort")[0] == {"Peine": 1}
    assert "/presse/2019/" not in html and "/presse/2020/" not in html
    for params in [{"ort": "Salzgitter"}, {"q": "Gesperrt"}]:
        assert titles(page(client, "/presse/", params)) == []
    # A topic that only the embargoed release has is not public yet: unknown, like any other.
    hidden_topic = page(client, "/presse/", {"thema": "regionalmarketing"})
    assert "Dieses Thema gibt es nicht (mehr)." in hidden_topic
    assert titles(hidden_topic) == ["Öffentlich"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # month counts; facets for topic, project, partner, place; the page; its topics
        ({"q": "Mitteilung"}, 7),
        ({"ort": "Braunschweig"}, 7),
        # + looking up each chosen topic, project, partner
        ({"q": "Mitteilung", "thema": "thema-1", "ort": "Braunschweig"}, 8),
        ({"thema": "thema-1", "projekt": "projekt-1", "partner": "partner-1"}, 10),
    ],
)
@pytest.mark.parametrize("url", ["/presse/", "/presse/2022/"])
def test_filtered_pages_cost_the_same_queries_however_many_releases(
    client, make_release, make_project, make_partner, url, params, expected
):
    topics = [Topic.objects.create(name=f"Thema {number}") for number in range(3)]
    projects = [make_project(name=f"Projekt {number}") for number in range(3)]
    partners = [make_partner(name=f"Partner {number}") for number in range(3)]

    def add(count):
        for _ in range(count):
            release = make_release(topics=topics, images=1)
            release.projects.set(projects)
            release.partners.set(partners)

    add(3)
    few = count_queries(client, url, params)
    add(40)
    many = count_queries(client, url, params)
    assert few == many == expected


def test_year_links_carry_the_filters_but_no_empty_query(client, make_release):
    make_release(place="Helmstedt")
    plain = client.get("/presse/").content.decode()
    assert 'href="/presse/2022/"' in plain
    filtered = client.get("/presse/?ort=Helmstedt&page=1").content.decode()
    assert 'href="/presse/2022/?ort=Helmstedt"' in filtered
