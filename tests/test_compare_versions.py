"""Any two versions of a release side by side, and the review links' state in the admin."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releases import versions
from releases.models import Partner, ReviewDecision, ReviewLink, Topic

from .helpers import change_url, create_through_admin, submit_as_shown


def history_url(release):
    return f"/admin/releases/pressrelease/{release.pk}/history/"


def compare_url(release):
    return f"/admin/releases/pressrelease/{release.pk}/history/compare/"


@pytest.fixture
def edited(chief, topic):
    """A release saved twice through the admin: the second time with another title, a changed
    sentence, another topic, a mentioned partner and without its image."""
    release = create_through_admin(
        chief, topic, body="<p>Betriebe aus Goslar arbeiten zusammen.</p>"
    )
    other = Topic.objects.create(name="Regionalmarketing")
    partner = Partner.objects.create(name="IHK Braunschweig")
    response = submit_as_shown(
        chief,
        change_url(release),
        title="Neuer Titel der Mitteilung",
        body="<p>Betriebe aus Goslar und Peine arbeiten <strong>eng</strong> zusammen.</p>",
        topics=[other.pk],
        partners=[partner.pk],
        **{"images-0-DELETE": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    release.refresh_from_db()
    return release


def test_history_offers_two_versions_to_compare(chief, edited):
    html = chief.get(history_url(edited)).content.decode()
    assert html.count('type="radio" name="von"') == 2
    assert html.count('type="radio" name="zu"') == 2
    assert 'value="Fassungen vergleichen"' in html


def test_compare_shows_texts_word_by_word_and_links_added_and_removed(chief, edited):
    new, old = versions.versions_of(edited)[:2]
    response = chief.get(compare_url(edited), {"von": old.pk, "zu": new.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<dt>Titel</dt>" in html
    assert "<del>Neue Förderung für Betriebsnachbarschaften</del>" in html
    assert "<ins>Neuer Titel der Mitteilung</ins>" in html
    assert (
        "<p>Betriebe aus Goslar <ins>und Peine</ins> arbeiten <ins>eng</ins> zusammen.</p>" in html
    )
    assert "&lt;p&gt;" not in html and "&lt;strong&gt;" not in html  # no raw HTML
    assert re.search(r"<dt>Themen</dt>\s*<dd>\s*<p>Hinzugefügt: <ins>Regionalmarketing</ins>", html)
    assert "Entfernt: <del>Fachkräftesicherung</del>" in html
    assert "Hinzugefügt: <ins>IHK Braunschweig</ins>" in html
    assert "Entfernt: <del>Zwei Menschen vor einer Werkhalle</del>" in html  # the image
    assert "<dt>Untertitel</dt>" not in html and "<dt>Downloads</dt>" not in html  # unchanged
    # the order of the two choices does not matter
    swapped = chief.get(compare_url(edited), {"von": new.pk, "zu": old.pk}).content.decode()
    assert "<ins>Neuer Titel der Mitteilung</ins>" in swapped


def test_compare_without_a_second_version_compares_with_the_release_now(chief, edited):
    newest = versions.versions_of(edited).first()
    html = chief.get(compare_url(edited), {"von": newest.pk}).content.decode()
    assert "der jetzige Stand" in html and "Keine Unterschiede im Inhalt." in html


@pytest.mark.parametrize("params", [{}, {"von": "x"}, {"von": "999999"}, {"von": "1", "zu": "y"}])
def test_compare_with_unknown_versions_answers_404(chief, edited, params):
    assert chief.get(compare_url(edited), params).status_code == 404


def test_a_version_of_another_release_is_not_compared(chief, edited, topic, make_release):
    other = make_release(title="Ganz andere Mitteilung")
    foreign = versions.current_version(other)
    own = versions.versions_of(edited).first()
    assert chief.get(compare_url(edited), {"von": foreign.pk}).status_code == 404
    assert chief.get(compare_url(edited), {"von": own.pk, "zu": foreign.pk}).status_code == 404


def test_redaktion_compares_versions_too(editor_client, edited):
    new, old = versions.versions_of(edited)[:2]
    response = editor_client.get(compare_url(edited), {"von": old.pk, "zu": new.pk})
    assert response.status_code == 200


def test_compare_page_queries_do_not_grow_with_the_links(chief, edited, make_partner):
    new, old = versions.versions_of(edited)[:2]
    with CaptureQueriesContext(connection) as first:
        chief.get(compare_url(edited), {"von": old.pk, "zu": new.pk})
    edited.partners.add(*[make_partner() for _ in range(5)])
    newest = versions.current_version(edited)
    with CaptureQueriesContext(connection) as second:
        chief.get(compare_url(edited), {"von": old.pk, "zu": newest.pk})
    assert len(first) == len(second)


def test_admin_shows_each_review_link_with_its_state(chief, edited):
    links = {
        name: ReviewLink.objects.create(
            release=edited, name=name, organisation="IHK Braunschweig", email=f"{name}@ihk.example"
        )
        for name in ["Offen", "Frei", "Aenderung", "Alt"]
    }
    seen = versions.current_version(edited)
    ReviewDecision.objects.create(link=links["Frei"], decision="approved", version=seen)
    ReviewDecision.objects.create(
        link=links["Aenderung"], decision="changes", comment="Bitte Zahl prüfen", version=seen
    )
    old = versions.versions_of(edited)[1]
    ReviewDecision.objects.create(link=links["Alt"], decision="approved", version=old)

    html = chief.get(change_url(edited)).content.decode()
    assert "Review-Links (Freigabe durch Mitherausgeber)" in html
    assert html.count(">offen<") == 1
    assert re.search(r"freigegeben am \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr<", html)
    assert "Änderung erbeten am" in html and "„Bitte Zahl prüfen“" in html
    assert (
        f'für eine ältere Fassung. <a href="{compare_url(edited)}?von={old.pk}">'
        "Was hat sich seitdem geändert?</a>"
    ) in html
    assert links["Offen"].full_url() in html
