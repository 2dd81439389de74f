"""Searching the archive at /presse/?q=…: German full text on PostgreSQL, a plain search on SQLite."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases import search as search_module
from releases.models import PressRelease, ProjectEvent, Topic
from releases.search import index_scans
from releases.views.archive import ReleaseArchiveView

from .helpers import count_queries, page, titles

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="German full-text search (stemming, umlaut folding, ranking, GIN index) needs "
    "PostgreSQL; SQLite has the plain search. Run with DATABASE_URL=postgres://…",
)


def search(client, query, url="/presse/"):
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def lueneburg(make_release):
    return make_release(
        title="Kammer in Lüneburg wird Partner",
        lead="Die Industrie- und Handelskammer schließt sich an.",
        body="<p>Ein Bündnis mehrerer Unternehmen der Region.</p>",
    )


def test_search_finds_a_word_in_the_title_lead_and_text(client, make_release):
    make_release(title="Kooperation ausgebaut")
    make_release(title="Zweite", lead="Ein Satz über Kooperation im Vorspann.")
    make_release(title="Dritte", body="<p>Von <strong>Kooperation</strong> ist die Rede.</p>")
    make_release(title="Unbeteiligt", lead="Nichts davon.")
    html = search(client, "kooperation")
    assert sorted(titles(html)) == ["Dritte", "Kooperation ausgebaut", "Zweite"]
    assert "3 Mitteilungen zu „kooperation“ gefunden" in html


def test_search_without_hits_says_so(client, make_release):
    make_release(title="Kooperation ausgebaut")
    html = search(client, "Weltraumbahnhof")
    assert titles(html) == []
    assert "Keine Pressemitteilungen gefunden zu „Weltraumbahnhof“" in html
    assert "setzen Sie Suche und Filter zurück" in html


def test_search_never_finds_drafts_or_embargoed_releases(client, make_release):
    make_release(title="Geheimprojekt öffentlich")
    make_release(title="Geheimprojekt Entwurf", status=PressRelease.Status.DRAFT, publish_at=None)
    make_release(
        title="Geheimprojekt Sperrfrist", publish_at=timezone.now() + datetime.timedelta(hours=1)
    )
    html = search(client, "Geheimprojekt")
    assert titles(html) == ["Geheimprojekt öffentlich"]
    assert "Entwurf" not in html and "Sperrfrist" not in html


def test_search_term_is_shown_escaped(client, make_release):
    make_release()
    html = search(client, '<script>alert("x")</script>')
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


NONSENSE = {
    "overlong": "Lüneburg " * 500,
    "punctuation only": "?!.,;:-_()[]{}",
    "tsquery operators": "&|!:*",
    "operators between words": "Kammer & | ! Lüneburg:* <-> (",
    "unbalanced quotes": '"Kammer Lüneburg',
    "only a minus": "-",
    "only stop words": "und die der",
    "backslashes and quotes": "\\' \\\" ' OR 1=1 --",
    "percent and underscore": "%_%",
    "emoji and right-to-left": "📰 \u202eLüneburg",
    "tabs and newlines": "\t\n\r",
}


@pytest.mark.parametrize("query", NONSENSE.values(), ids=NONSENSE.keys())
def test_nonsense_search_gives_a_normal_page(client, lueneburg, query):
    html = search(client, query)
    assert "<h1>Pressemitteilungen</h1>" in html
    assert 'name="q"' in html


@pytest.mark.parametrize(
    "raw_query",
    [
        "q=%00",  # NUL byte
        "q=L%C3%BCne%00burg",
        "q=%ED%A0%80",  # a lone surrogate, UTF-8 encoded
        "q=%FF%FE%FD",  # no UTF-8 at all
        "q=%uD800",  # JavaScript's escape()
        "q=%C3",  # a cut multi-byte character
        "q=a&q=b",  # the parameter twice
        "thema=%00&ort=%FF",
    ],
)
def test_invalid_encodings_give_a_normal_page(client, lueneburg, raw_query):
    response = client.get(f"/presse/?{raw_query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Pressemitteilungen</h1>" in html
    assert "\x00" not in html


def test_control_characters_are_dropped_from_the_search(client, lueneburg):
    html = search(client, "Lüne\x00burg")
    assert titles(html) == ["Kammer in Lüneburg wird Partner"]
    assert 'value="Lüneburg"' in html


def test_overlong_search_gets_a_german_error_and_the_list(client, lueneburg):
    html = search(client, "x" * 201)
    assert "höchstens 200 Zeichen" in html
    assert titles(html) == ["Kammer in Lüneburg wird Partner"]


@postgresql_only
@pytest.mark.parametrize("query", ["Unternehmen", "Unternehmens", "unternehmen", "Bündnisse"])
def test_german_stemming_finds_other_forms_of_a_word(client, lueneburg, query):
    assert titles(search(client, query)) == ["Kammer in Lüneburg wird Partner"]


@postgresql_only
@pytest.mark.parametrize("query", ["Lüneburg", "Lueneburg", "Luneburg", "LÜNEBURG", "lüneburger"])
def test_umlauts_may_be_written_three_ways(client, lueneburg, query):
    assert titles(search(client, query)) == ["Kammer in Lüneburg wird Partner"]


@postgresql_only
def test_text_written_without_umlauts_is_found_with_them(client, make_release):
    make_release(title="Gespräch", lead="Treffen mit der IHK Lueneburg-Wolfsburg und Fachkraeften.")
    assert titles(search(client, "Lüneburg")) == ["Gespräch"]
    assert titles(search(client, "Fachkräften")) == ["Gespräch"]


@postgresql_only
def test_eszett_and_ss_find_each_other(client, make_release):
    make_release(title="Straßenfest in Peine")
    make_release(title="Strassenfest in Gifhorn")
    assert sorted(titles(search(client, "Straßenfest"))) == [
        "Strassenfest in Gifhorn",
        "Straßenfest in Peine",
    ]


@postgresql_only
def test_a_hit_in_the_title_ranks_above_hits_in_the_text(client, make_release):
    make_release(
        title="Im Text",
        body="<p>Berufsorientierung, Berufsorientierung und nochmals Berufsorientierung.</p>",
        release_date=datetime.date(2024, 1, 1),
    )
    make_release(
        title="Im Vorspann",
        lead="Es geht um Berufsorientierung.",
        release_date=datetime.date(2023, 1, 1),
    )
    make_release(title="Berufsorientierung im Titel", release_date=datetime.date(2016, 1, 1))
    assert titles(search(client, "Berufsorientierung")) == [
        "Berufsorientierung im Titel",
        "Im Vorspann",
        "Im Text",
    ]


@postgresql_only
def test_search_understands_phrases_or_and_minus(client, make_release):
    make_release(title="Allianz für die Region wächst", lead="Neue Gesellschafter in Lüneburg.")
    make_release(title="Region und Allianz", lead="Ein Treffen in Wolfsburg.")
    assert titles(search(client, '"Allianz für die Region"')) == ["Allianz für die Region wächst"]
    assert titles(search(client, "Allianz -Lueneburg")) == ["Region und Allianz"]
    assert titles(search(client, "Allianz -Luneburg")) == ["Region und Allianz"]
    assert len(titles(search(client, "Wolfsburg or Lüneburg"))) == 2


@postgresql_only
def test_markup_of_the_text_is_not_searchable(client, make_release):
    make_release(title="Mit Link", body='<p><a href="https://example.org/strong">Seite</a></p>')
    assert titles(search(client, "href")) == []
    assert titles(search(client, "example")) == []
    assert titles(search(client, "Seite")) == ["Mit Link"]


@postgresql_only
@pytest.mark.parametrize("query", ["Lüneburg", "Lueneburg", "Luneburg"])
def test_hits_show_a_snippet_with_the_words_marked(client, make_release, query):
    make_release(
        title="Kooperation",
        lead="Die Kammer aus Lüneburg (Umsatz <5 Mio. & mehr) <img src=x onerror=alert(1)>.",
        body="<p>Später heißt es: Lüneburg bleibt dabei.</p>",
    )
    html = search(client, query)
    snippet = re.search(r'<p class="teaser snippet">(.*?)</p>', html, re.S).group(1)
    assert snippet.count("<mark>Lüneburg</mark>") == 2
    # The lead is plain text: what looks like markup in it is never interpreted.
    assert "(Umsatz &lt;5 Mio. &amp; mehr)" in snippet
    assert "<img" not in snippet and "<" not in snippet.replace("<mark>", "").replace("</mark>", "")


@postgresql_only
def test_editing_a_release_updates_its_search_index(client, make_release):
    release = make_release(title="Alter Titel über Windkraft")
    release.title = "Neuer Titel über Solarenergie"
    release.save()
    assert titles(search(client, "Solarenergie")) == ["Neuer Titel über Solarenergie"]
    assert titles(search(client, "Windkraft")) == []


@postgresql_only
def test_saving_only_other_fields_keeps_the_index_and_bulk_update_refreshes_it(
    client, make_release
):
    release = make_release(title="Windkraft")
    release.correction_note = "Tippfehler"
    release.save(update_fields=["correction_note"])
    assert titles(search(client, "Windkraft")) == ["Windkraft"]

    PressRelease.objects.filter(pk=release.pk).update(title="Solarenergie")
    PressRelease.objects.filter(pk=release.pk).update_search_vector()
    assert titles(search(client, "Solarenergie")) == ["Solarenergie"]


@postgresql_only
@pytest.mark.django_db
def test_search_uses_the_gin_index():
    """The plan for the archive's search query uses the GIN index on search_vector.

    Rows are added in bulk (bulk_create does not call save()), then indexed with the QuerySet's
    `update_search_vector`, as a bulk import would. Then what autovacuum does in production:
    `gin_clean_pending_list` moves the new entries from GIN's fast-update list into the index
    proper, and ANALYZE gives the planner the statistics of a real archive (nearly every release
    is public, so the visibility index hardly narrows anything; few contain the word). On this
    data the planner picks the GIN index by itself for a rare word; the archive counts the matches
    with `index_scans` (sequential scans off), so a word in every release ("Mitteilung") is
    counted from the index too.
    """
    now = timezone.now()
    PressRelease.objects.bulk_create(
        PressRelease(
            title=f"Mitteilung {number}" + (" aus Lüneburg" if number % 100 == 0 else ""),
            slug=f"mitteilung-{number}",
            place="Braunschweig",
            lead="Das Wichtigste in zwei Sätzen.",
            status=PressRelease.Status.PUBLISHED,
            publish_at=now - datetime.timedelta(days=number),
            release_date=(now - datetime.timedelta(days=number)).date(),
        )
        for number in range(1000)
    )
    PressRelease.objects.update_search_vector()
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", ["release_search_idx"])
        cursor.execute("ANALYZE releases_pressrelease")
    with index_scans():
        releases = PressRelease.objects.published().search("Lüneburg").ranked("Lüneburg")
        plan = releases.explain()
        assert "Bitmap Index Scan on release_search_idx" in plan, plan
        assert releases.count() == 10
        everywhere = PressRelease.objects.published().search("Mitteilung")
        assert "Bitmap Index Scan on release_search_idx" in everywhere.explain()
        assert everywhere.count() == 1000


@postgresql_only
def test_the_newest_matches_come_by_relevance_the_older_ones_by_date(
    client, make_release, monkeypatch
):
    """Only the newest RANKED_MATCHES are ranked (ranking reads each match's stored vector)."""
    monkeypatch.setattr(search_module, "RANKED_MATCHES", 2)
    make_release(title="Neu, im Text", body="<p>Berufsorientierung</p>", release_date=day(4))
    make_release(title="Berufsorientierung neu im Titel", release_date=day(3))
    make_release(title="Älter, im Text", body="<p>Berufsorientierung</p>", release_date=day(2))
    make_release(title="Berufsorientierung alt im Titel", release_date=day(1))
    in_order = [
        "Berufsorientierung neu im Titel",
        "Neu, im Text",
        "Älter, im Text",
        "Berufsorientierung alt im Titel",
    ]
    html = search(client, "Berufsorientierung")
    assert titles(html) == in_order
    assert (
        "Die 2 neuesten stehen nach Relevanz geordnet vorn, die älteren folgen nach Datum" in html
    )
    assert html.count("<mark>Berufsorientierung</mark>") == 2  # older hits have snippets too
    # One hit per page: each page takes its slice of the same order.
    monkeypatch.setattr(ReleaseArchiveView, "paginate_by", 1)
    pages = [client.get("/presse/", {"q": "Berufsorientierung", "page": n}) for n in range(1, 5)]
    assert [titles(page.content.decode()) for page in pages] == [[title] for title in in_order]
    # Fewer matches than that: all ranked, nothing to say.
    assert "nach Relevanz" not in search(client, "Berufsorientierung alt")


def day(number):
    return datetime.date(2024, 1, number)


@postgresql_only
@pytest.mark.django_db
def test_index_scans_do_not_make_postgresql_compile_a_small_query():
    """With sequential scans off, a query that still needs one is planned at a huge cost; JIT
    compilation (where PostgreSQL has it) would then take hundreds of milliseconds."""
    with index_scans():
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone() == ("off",)
        plan = ProjectEvent.objects.filter(starts_at__gte=timezone.now()).explain(analyze=True)
    assert "Seq Scan" in plan  # no index fits: the case this is about
    assert "JIT" not in plan


@postgresql_only
def test_index_scans_leave_a_server_side_cursor_alone(make_release):
    """QuerySet.iterator() reads through a server-side cursor, which takes a single statement:
    its query goes without the settings that index_scans puts in front of the others."""
    make_release(title="Kooperation")
    with index_scans():
        found = PressRelease.objects.search("Kooperation").iterator()
        assert [release.title for release in found] == ["Kooperation"]
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone() == ("off",)


def test_a_search_with_a_topic_costs_one_query_then_and_its_hits_two_however_many(
    client, make_release, settings, committed
):
    """With its counts and its list kept (as every visit after the first finds them): the topic
    only. The page of hits, when it is read: the hits with their snippets, their topics. The
    planner settings of a search page (search.index_scans) travel with its queries: no query of
    their own."""
    settings.COUNTS_CACHE_SECONDS = 600
    topic = Topic.objects.create(name="Fachkräfte")
    params = {"q": "Kooperation", "thema": topic.slug}

    def add(count):
        with committed():  # a save makes the counts fresh (releases.cache)
            for _ in range(count):
                make_release(topics=[topic], lead="Eine Kooperation mit der Kammer.")
        page(client, "/presse/", params)  # counts the hits and keeps the counts and the list
        matches = PressRelease.objects.published().search("Kooperation").filter(topics=topic)
        hits = search_module.Hits(matches, "Kooperation", PressRelease.objects.published())
        with CaptureQueriesContext(connection) as queries, index_scans():
            assert len(hits[0:20]) == min(20, PressRelease.objects.count())
        return count_queries(client, "/presse/", params), len(queries)

    few = add(3)
    many = add(27)
    assert len(titles(page(client, "/presse/", params))) == 20  # a full page of 30 hits
    assert few == many == (1, 2)


@postgresql_only
@pytest.mark.parametrize("number", [2, 4])  # among the ranked hits, among the older ones
def test_a_page_of_hits_cuts_the_snippets_of_its_own_hits_only(
    client, make_release, monkeypatch, number
):
    """A snippet parses the whole text of its release. The query that cuts them reads the
    page's hits by id; it skips no rows (with OFFSET it would cut a snippet for every hit
    before the page: 8,000 for page 400 of a common word)."""
    monkeypatch.setattr(search_module, "RANKED_MATCHES", 2)
    monkeypatch.setattr(ReleaseArchiveView, "paginate_by", 1)
    for number_of_day in range(1, 6):
        make_release(lead="Eine Kooperation mit der Kammer.", release_date=day(number_of_day))
    with CaptureQueriesContext(connection) as queries:
        html = page(client, "/presse/", {"q": "Kooperation", "page": number})
    assert len(titles(html)) == 1 and "<mark>Kooperation</mark>" in html
    [snippets] = [query["sql"] for query in queries if "ts_headline" in query["sql"]]
    outer = snippets.rsplit(")", 1)[1]  # after the subqueries that pick the page's ids
    assert "OFFSET" not in outer and "LIMIT" not in outer, outer
