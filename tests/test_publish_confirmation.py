# ruff: noqa: F811  (the fixtures of test_workflow.py, imported by name)
"""Publishing a release whose co-issuers have not all approved its current version first shows
whose approval is missing or outdated, on a page of its own; publishing happens once confirmed."""

import re

import pytest
import reversion

from releases import versions
from releases.models import PressRelease, ReviewDecision, ReviewLink

from .helpers import LIST_URL, change_url, submit_as_shown

Status = PressRelease.Status


def link_for(release, name, organisation):
    return ReviewLink.objects.create(
        release=release, name=name, organisation=organisation, email=f"{name[:3]}@x.example"
    )


def decide(link, decision, comment=""):
    return ReviewDecision.objects.create(
        link=link,
        decision=decision,
        comment=comment,
        version=versions.current_version(link.release),
    )


@pytest.fixture
def reviewed(authored_draft):
    """A submitted release with four co-issuers: one approved it as it is, one has not answered,
    one asked for a change, one approved a version that has changed since."""
    authored_draft.submit()
    authored_draft.save()
    decide(link_for(authored_draft, "Anna Aktuell", "IHK"), ReviewDecision.Decision.APPROVED)
    link_for(authored_draft, "Otto Offen", "HWK")
    decide(link_for(authored_draft, "Erna Einwand", "Stadt"), "changes", "Bitte Zitat kürzen")
    outdated = link_for(authored_draft, "Vera Veraltet", "Landkreis")
    authored_draft.title = "Älterer Titel"
    authored_draft.save()
    decide(outdated, ReviewDecision.Decision.APPROVED)
    authored_draft.title = "Gemeinsam mit der IHK"
    authored_draft.save()
    with reversion.create_revision():
        reversion.add_to_revision(authored_draft)
    # Anna's approval holds for this text again: her version shows the same
    return authored_draft


def hidden_fields(html):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def assert_names_the_missing(html):
    assert "Veröffentlichen ohne alle Freigaben?" in html
    assert "Otto Offen (HWK)</th><td>offen" in html
    assert "Erna Einwand (Stadt)</th><td>Änderung erbeten" in html and "Bitte Zitat kürzen" in html
    assert "Vera Veraltet (Landkreis)</th><td>veraltet" in html
    assert "Was hat sich seitdem geändert?" in html
    assert "Anna Aktuell (IHK)</th>" not in html  # approved this very version
    assert "Trotzdem veröffentlichen" in html and "Zurück, nicht veröffentlichen" in html


def test_publishing_through_the_form_asks_first_and_then_publishes(chief, reviewed):
    response = submit_as_shown(
        chief, change_url(reviewed), status="published", publish_at_0="", publish_at_1=""
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_names_the_missing(html)
    assert PressRelease.objects.get(pk=reviewed.pk).status == Status.SUBMITTED  # not yet

    data = hidden_fields(html)
    assert data["status"] == "published" and data["_freigaben_bestaetigt"] == "1"
    response = chief.post(change_url(reviewed), data)
    assert response.status_code == 302
    assert PressRelease.objects.get(pk=reviewed.pk).is_public


def test_the_list_action_asks_first_and_then_publishes(chief, reviewed, make_release):
    other = make_release(status=Status.DRAFT, publish_at=None, title="Ohne Mitherausgeber")
    selected = {"action": "publish", "index": "0", "_selected_action": [reviewed.pk, other.pk]}
    response = chief.post(LIST_URL, selected)
    assert response.status_code == 200
    html = response.content.decode()
    assert_names_the_missing(html)
    assert "Ohne Mitherausgeber" not in html
    assert not PressRelease.objects.published().exists()

    confirmed = {**selected, "_freigaben_bestaetigt": "1"}
    assert chief.post(LIST_URL, confirmed).status_code == 302
    assert PressRelease.objects.published().count() == 2


def test_no_question_when_every_co_issuer_approved_this_version(chief, authored_draft):
    authored_draft.submit()
    authored_draft.save()
    decide(link_for(authored_draft, "Anna Aktuell", "IHK"), ReviewDecision.Decision.APPROVED)
    revoked = link_for(authored_draft, "Rolf Widerrufen", "Bank")
    revoked.revoked = True
    revoked.save()
    response = submit_as_shown(
        chief, change_url(authored_draft), status="published", publish_at_0="", publish_at_1=""
    )
    assert response.status_code == 302
    assert PressRelease.objects.get(pk=authored_draft.pk).is_public


def test_going_back_publishes_nothing(chief, reviewed):
    html = submit_as_shown(chief, change_url(reviewed), status="published").content.decode()
    back = re.search(r'<a href="([^"]+)" class="closelink">Zurück', html).group(1)
    assert back == change_url(reviewed)
    assert chief.get(back).status_code == 200
    assert PressRelease.objects.get(pk=reviewed.pk).status == Status.SUBMITTED


def test_editing_a_published_release_asks_nothing(chief, reviewed):
    reviewed.publish()
    reviewed.save()
    response = submit_as_shown(chief, change_url(reviewed), title="Korrigiert")
    assert response.status_code == 302
