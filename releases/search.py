"""
German full-text search on PostgreSQL, and the plain fallback on SQLite.

Every release stores a `search_vector` (title weighted A, subtitle and lead B, text C, dateline
place D), built with the text search configuration `german_unaccent`: PostgreSQL's German
configuration (stemming: "Unternehmen" finds "Unternehmens") with the `unaccent` dictionary in
front of the stemmer (é → e, ü → u). Both are created by migration 0004 on PostgreSQL only.

Umlauts are written three ways by journalists: "Lüneburg", "Lueneburg" and "Luneburg".
`unaccent` alone folds only the first and the last together. So the vector holds every text twice,
as written and transliterated (ä → ae, ö → oe, ü → ue, ß → ss), and the query is transliterated
before it is parsed:

    document "Lüneburg"  → lexemes luneburg (as written, unaccented) and lueneburg (transliterated)
    query "Lüneburg"     → "Lueneburg" → lueneburg   found
    query "Lueneburg"    → lueneburg                 found
    query "Luneburg"     → luneburg                  found

Doubling the text does not change the order of the ranking (every word counts twice) and keeps
phrase search and negation exact. The snippets (`ts_headline`) are cut from the text as written;
their query also tries the spelling with "ue" folded to "u", so "Lueneburg" still highlights
"Lüneburg" there.

Queries are parsed with `websearch_to_tsquery`, which accepts anything a person types (quotes,
"or", "-word", stray operators) without raising an error.

Speed, for a word in nearly every release ("Fachkräfte": 97,500 of 100,000):
- Finding and counting the matches: the GIN index answers without reading the stored vectors.
  The planner, which does not know what reading a vector costs (it is stored out of line, in
  the TOAST table), prefers a sequential scan that reads every vector once such a word matches most
  rows: 133 ms instead of 5 ms at 10,000 releases. A search page therefore runs its queries with
  sequential scans switched off (`index_scans`), the planner's own switch for this.
- Ranking reads the vector of every release it ranks, so only the newest RANKED_MATCHES matches
  are ranked by relevance; older matches follow them, newest first (`Hits`).
- A snippet (`ts_headline`) parses the whole text of its release again: the costliest part of a
  page of hits. A page makes the snippets of the hits it shows and of no others (`Hits`).
"""

from contextlib import contextmanager

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Concat, Replace
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .slugs import GERMAN_TRANSLITERATION

CONFIG = "german_unaccent"

# How many matches, the newest, are ordered by relevance; the older ones follow by date.
RANKED_MATCHES = 500

# Which text goes into the vector, with which weight (A counts most).
WEIGHTED_FIELDS = [("title", "A"), ("subtitle", "B"), ("lead", "B"), ("body", "C"), ("place", "D")]

# Markers around the highlighted words of a snippet: control characters that no press release
# contains. The snippet is escaped first, then the markers become <mark> elements.
MARK_START, MARK_STOP = "\x02", "\x03"

FOLDING = {
    "ae": "a", "oe": "o", "ue": "u", "Ae": "A", "Oe": "O", "Ue": "U", "AE": "A", "OE": "O", "UE": "U",
}  # fmt: skip


def is_available(using="default"):
    """Full-text search needs PostgreSQL; other databases get the plain search."""
    return connections[using].vendor == "postgresql"


def transliterate(text):
    """ä → ae, ö → oe, ü → ue, ß → ss: the spelling without umlauts."""
    return text.translate(GERMAN_TRANSLITERATION)


def sort_key(text):
    """Alphabetical order for German names: "Ölper" among the O, not after "Z"."""
    return transliterate(text).casefold()


def fold(text):
    """ae → a, oe → o, ue → u: "Lueneburg" as "Luneburg", for highlighting only (lossy)."""
    for written, folded in FOLDING.items():
        text = text.replace(written, folded)
    return text


def _transliterated_sql(expression):
    for umlaut, replacement in GERMAN_TRANSLITERATION.items():
        expression = Replace(
            expression, Value(chr(umlaut)), Value(replacement), output_field=TextField()
        )
    return expression


def _plain_text_sql(expression):
    """The rich text without tags and entities (the body is sanitized HTML)."""
    return Func(
        expression,
        Value(r"<[^>]*>|&#?[a-zA-Z0-9]+;"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _text_sql(field):
    return _plain_text_sql(F(field)) if field == "body" else F(field)


def document_vector():
    """The expression that computes `search_vector` from a release's own columns (PostgreSQL)."""
    vector = None
    for field, weight in WEIGHTED_FIELDS:
        text = _text_sql(field)
        part = SearchVector(text, _transliterated_sql(text), config=CONFIG, weight=weight)
        vector = part if vector is None else vector + part
    return vector


def search_query(text):
    return SearchQuery(transliterate(text), config=CONFIG, search_type="websearch")


def matches(text, using="default"):
    """A filter for releases matching `text`: full text on PostgreSQL, substrings elsewhere."""
    if is_available(using):
        return Q(search_vector=search_query(text))
    # SQLite: a plain case-insensitive search (case folding for ASCII letters only).
    return (
        Q(title__icontains=text)
        | Q(subtitle__icontains=text)
        | Q(lead__icontains=text)
        | Q(body__icontains=text)
        | Q(place__icontains=text)
    )


# The planner settings of `index_scans`, sent in front of each query.
INDEX_SCAN_SETTINGS = "SET LOCAL enable_seqscan = off; SET LOCAL jit = off; "


@contextmanager
def index_scans(using="default"):
    """Run the queries inside with sequential scans switched off (PostgreSQL), so that the
    matches come from the GIN index, also for common words.

    The settings travel in front of each query, in the same round trip: PostgreSQL runs the
    statements of one query string as one transaction, so SET LOCAL holds for that query alone
    (inside a transaction of Django's `atomic`, until it ends). No BEGIN and COMMIT of its own.
    A server-side cursor (`QuerySet.iterator()`) takes a single statement: its query goes
    without them.

    JIT compilation goes off with them: a query that still needs a sequential scan (a small
    table without a fitting index) is planned with a huge cost, which would make PostgreSQL
    compile it first: 230 ms instead of 0.03 ms for the next event's time."""
    if not is_available(using):
        yield
        return

    def with_settings(execute, sql, params, many, context):
        if context["cursor"].cursor.name is None:  # not a server-side cursor
            sql = INDEX_SCAN_SETTINGS + sql
        return execute(sql, params, many, context)

    with connections[using].execute_wrapper(with_settings):
        yield


def rank(text):
    """Relevance: how well a release matches `text` (reads its stored vector)."""
    return SearchRank(F("search_vector"), search_query(text))


def headline(text):
    """A snippet of the lead and text with the words of `text` highlighted (see `highlight`)."""
    # The snippet is cut from the text as written: look for every spelling of the words.
    headline_query = None
    for spelling in dict.fromkeys([text, transliterate(text), fold(text)]):
        query = SearchQuery(spelling, config=CONFIG, search_type="websearch")
        headline_query = query if headline_query is None else headline_query | query
    return SearchHeadline(
        Concat(F("lead"), Value(" "), _plain_text_sql(F("body")), output_field=TextField()),
        headline_query,
        config=CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        min_words=15,
        max_words=35,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


class Hits:
    """The matches of a search in the order the archive lists them: the newest RANKED_MATCHES
    most relevant first, then the older ones newest first; every hit with its snippet.

    `matches`: the releases matching `text` (filtered, in the archive's order); `releases`: the
    releases as a list shows them (columns, related objects). The Paginator slices this. A page
    is one query (two where it spans both parts): it picks the ids of its hits, then reads those
    releases by id and cuts their snippets, so that a snippet is made for the hits shown and for
    no other (page 26 would otherwise make the 520 snippets of all hits before it). A page's
    slice is lazy: a search page whose list is kept runs no search query."""

    def __init__(self, matches, text, releases):
        self.matches, self.text, self.releases = matches, text, releases

    def __getitem__(self, items):
        """The hits of a page, read when the list is first used: a page whose list is kept
        (templates/releases/archive.html) reads none of them."""
        return SimpleLazyObject(lambda: self.read(items.start or 0, items.stop))

    def read(self, start, stop):
        hits = []
        if start < RANKED_MATCHES:
            ranked = self.matches.ranked(self.text).values("pk")[start : min(stop, RANKED_MATCHES)]
            hits += (
                self.releases.filter(pk__in=ranked).by_relevance(self.text).with_snippets(self.text)
            )
        if stop > RANKED_MATCHES:
            older = self.matches.values("pk")[max(start, RANKED_MATCHES) : stop]
            hits += self.releases.filter(pk__in=older).with_snippets(self.text)
        return hits


def highlight(headline):
    """The snippet from ts_headline as safe HTML: escaped, the matches wrapped in <mark>."""
    html = escape(headline.replace(MARK_START + MARK_STOP, ""))
    return mark_safe(html.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))
