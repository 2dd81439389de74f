"""The approval workflow: Entwurf → Zur Freigabe → veröffentlicht / geplant, Änderungen erbeten
(back to the author, with a comment), zurückgezogen. Redaktion submits, Chefredaktion publishes,
schedules or sends back; every transition is in the release's history with who, when and why."""

import datetime

import pytest
import reversion
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.utils import timezone
from reversion.models import Version

from releases.models import PressRelease, ReleaseEvent

from .helpers import ADD_URL, LIST_URL, release_form_without_files, step_url, submit_as_shown

Status = PressRelease.Status
DRAFT, SUBMITTED, CHANGES = Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED
PUBLISHED, WITHDRAWN = Status.PUBLISHED, Status.WITHDRAWN


def change_url(release):
    return f"{LIST_URL}{release.pk}/change/"


def reloaded(release):
    return PressRelease.objects.get(pk=release.pk)


# The transitions on the model ---------------------------------------------------------------

# (state before, method, state after; None: refused)
MATRIX = [
    (DRAFT, "submit", SUBMITTED),
    (CHANGES, "submit", SUBMITTED),
    (SUBMITTED, "submit", None),
    (PUBLISHED, "submit", None),
    (WITHDRAWN, "submit", None),
    (SUBMITTED, "request_changes", CHANGES),
    (DRAFT, "request_changes", None),
    (CHANGES, "request_changes", None),
    (PUBLISHED, "request_changes", None),
    (DRAFT, "publish", PUBLISHED),
    (SUBMITTED, "publish", PUBLISHED),
    (CHANGES, "publish", PUBLISHED),
    (WITHDRAWN, "publish", PUBLISHED),
    (SUBMITTED, "unpublish", DRAFT),
    (CHANGES, "unpublish", DRAFT),
    (PUBLISHED, "unpublish", DRAFT),
    (PUBLISHED, "withdraw", WITHDRAWN),
    (DRAFT, "withdraw", None),
    (SUBMITTED, "withdraw", None),
    (CHANGES, "withdraw", None),
]


def release_in(make_release, status):
    now = timezone.now()
    if status in (PUBLISHED, WITHDRAWN):
        release = make_release(status=PUBLISHED, publish_at=now - datetime.timedelta(hours=1))
        if status == WITHDRAWN:
            release.withdraw()
            release.save()
        return release
    return make_release(status=status, publish_at=None)


@pytest.mark.parametrize(("before", "method", "after"), MATRIX)
def test_every_transition_of_the_model(make_release, people, before, method, after):
    release = release_in(make_release, before)
    chief_user = people["chefin"][0]
    events = ReleaseEvent.objects.filter(release=release).count()
    if after is None:
        with pytest.raises(ValidationError):
            getattr(release, method)(by=chief_user, comment="Bitte prüfen")
        assert reloaded(release).status == before
        return
    getattr(release, method)(by=chief_user, comment="Bitte prüfen")
    release.save()
    release = reloaded(release)
    assert release.status == after
    event = release.events.first()
    assert ReleaseEvent.objects.filter(release=release).count() == events + 1
    assert (event.from_status, event.to_status) == (before, after)
    assert (event.user, event.comment) == (chief_user, "Bitte prüfen")


def test_sending_back_needs_a_comment(make_release):
    release = make_release(status=SUBMITTED, publish_at=None)
    with pytest.raises(ValidationError, match="welche Änderungen"):
        release.request_changes(comment="   ")
    assert release.status == SUBMITTED


def test_unpublished_states_keep_a_suggested_moment_and_are_public_nowhere(make_release):
    ahead = timezone.now() + datetime.timedelta(days=3)
    release = make_release(status=DRAFT, publish_at=None)
    release.submit(at=ahead)
    release.save()
    assert reloaded(release).publish_at == ahead
    assert not PressRelease.objects.published().filter(pk=release.pk).exists()
    release.request_changes(comment="Zitat fehlt")
    release.save()
    assert reloaded(release).publish_at == ahead and not reloaded(release).is_public
    # publishing without a moment takes the suggested one: a Sperrfrist
    release.publish()
    release.save()
    assert reloaded(release).is_embargoed


@pytest.mark.parametrize(
    ("username", "status", "allowed"),
    [
        ("redakteur", SUBMITTED, True),
        ("redakteur", PUBLISHED, False),
        ("redakteur", CHANGES, False),
        ("redakteur", DRAFT, False),
        ("chefin", SUBMITTED, True),
        ("chefin", PUBLISHED, True),
        ("chefin", CHANGES, True),
        ("chefin", DRAFT, True),
    ],
)
def test_who_may_move_a_submitted_or_draft_release_where(
    make_release, people, username, status, allowed
):
    user = people[username][0]
    start = CHANGES if status == SUBMITTED else SUBMITTED
    release = make_release(status=start, publish_at=None)
    if allowed:
        release.move_to(status, by=user, comment="Kommentar")
        assert release.status == status
    else:
        with pytest.raises(ValidationError, match="setzt nur die Chefredaktion"):
            release.move_to(status, by=user, comment="Kommentar")
        assert (release.status, release.publish_at) == (start, None)
        assert not release.__dict__.get("_transitions")


def test_without_the_submit_permission_nobody_submits(make_release, django_user_model):
    user = django_user_model.objects.create_user("nur-schreiben", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_pressrelease"))
    release = make_release(status=DRAFT, publish_at=None)
    with pytest.raises(ValidationError, match="setzt nur die Redaktion"):
        release.move_to(SUBMITTED, by=user)


def test_saving_without_a_change_of_state_records_nothing(make_release):
    release = make_release()
    release.publish()  # public, keeps its moment
    release.save()
    authored_draft = make_release(status=DRAFT, publish_at=None)
    authored_draft.unpublish(
        at=timezone.now() + datetime.timedelta(days=1)
    )  # only a new suggestion
    authored_draft.save()
    assert not ReleaseEvent.objects.exists()


# Through the admin -----------------------------------------------------------------------------


def test_redaktion_submits_with_a_comment_and_the_history_shows_it(
    editor_client, chief, authored_draft
):
    page = editor_client.get(change_url(authored_draft)).content.decode()
    assert f'href="{step_url(authored_draft, "einreichen")}">Zur Freigabe einreichen</a>' in page
    assert "aenderungen-erbitten" not in page
    form = editor_client.get(step_url(authored_draft, "einreichen")).content.decode()
    assert 'name="comment"' in form
    response = editor_client.post(
        step_url(authored_draft, "einreichen"), {"comment": "Zitat der IHK ist drin."}
    )
    assert response.status_code == 302
    release = reloaded(authored_draft)
    assert release.status == SUBMITTED and not release.is_public
    event = release.events.get()
    assert event.user.username == "redakteur" and event.comment == "Zitat der IHK ist drin."
    revision = Version.objects.get_for_object(release).first().revision
    assert revision.get_comment() == "Zur Freigabe einreichen."
    assert revision.user.username == "redakteur"

    for page in [
        chief.get(f"{LIST_URL}{authored_draft.pk}/history/").content.decode(),
        chief.get(change_url(authored_draft)).content.decode(),
    ]:
        events = page.split('id="statuswechsel"')[1].split("</table>")[0]
        assert "Entwurf → <strong>Zur Freigabe eingereicht</strong>" in events
        assert "Redakteur" in events and "Zitat der IHK ist drin." in events


def test_chefredaktion_sends_back_only_with_a_comment(editor_client, chief, authored_draft, people):
    editor_client.post(step_url(authored_draft, "einreichen"), {"comment": ""})
    page = chief.get(change_url(authored_draft)).content.decode()
    assert "Änderungen erbitten</a>" in page and "Zur Freigabe einreichen</a>" not in page
    response = chief.post(step_url(authored_draft, "aenderungen-erbitten"), {"comment": ""})
    assert response.status_code == 200
    assert "Bitte schreiben Sie dazu, was geändert werden soll." in response.content.decode()
    assert reloaded(authored_draft).status == SUBMITTED

    chief.post(step_url(authored_draft, "aenderungen-erbitten"), {"comment": "Bitte Datum prüfen."})
    release = reloaded(authored_draft)
    assert release.status == CHANGES
    assert release.events.first().comment == "Bitte Datum prüfen."
    # the author submits again
    assert (
        "Zur Freigabe einreichen</a>"
        in editor_client.get(change_url(authored_draft)).content.decode()
    )
    editor_client.post(step_url(authored_draft, "einreichen"), {"comment": "Datum korrigiert."})
    assert reloaded(authored_draft).status == SUBMITTED
    assert [e.to_status for e in release.events.all()] == [SUBMITTED, CHANGES, SUBMITTED]


def test_redaktion_cannot_send_back(editor_client, authored_draft):
    editor_client.post(step_url(authored_draft, "einreichen"), {"comment": ""})
    assert editor_client.get(step_url(authored_draft, "aenderungen-erbitten")).status_code == 403
    editor_client.post(
        step_url(authored_draft, "aenderungen-erbitten"), {"comment": "Ich will zurück."}
    )
    assert reloaded(authored_draft).status == SUBMITTED


def test_a_step_from_the_wrong_state_says_why_in_german(chief, make_release):
    release = make_release()
    response = chief.post(step_url(release, "einreichen"), {"comment": ""}, follow=True)
    assert "Zur Freigabe einreichen lässt sich nur ein Entwurf" in response.content.decode()
    assert reloaded(release).status == PUBLISHED
    assert chief.get(step_url(release, "unbekannt")).status_code == 404


def test_redaktion_cannot_publish_a_submitted_release_through_the_form(
    editor_client, authored_draft, topic
):
    editor_client.post(step_url(authored_draft, "einreichen"), {"comment": ""})
    response = submit_as_shown(
        editor_client, change_url(authored_draft), status="published", title="Neu"
    )
    assert response.status_code == 302
    release = reloaded(authored_draft)
    assert (release.title, release.status) == ("Neu", SUBMITTED)
    assert not release.is_public


def test_redaktion_cannot_publish_a_submitted_release_with_a_list_action(
    editor_client, authored_draft
):
    editor_client.post(step_url(authored_draft, "einreichen"), {"comment": ""})
    for action in ["publish", "unpublish", "withdraw"]:
        editor_client.post(LIST_URL, {"action": action, "_selected_action": [authored_draft.pk]})
    assert reloaded(authored_draft).status == SUBMITTED


def test_redaktion_cannot_publish_by_restoring_a_published_version(
    chief, editor_client, make_release
):
    release = make_release(status=PUBLISHED)
    with reversion.create_revision():
        reversion.add_to_revision(release)  # the published version
    published_version = Version.objects.get_for_object(release).first()
    release.unpublish()
    release.save()
    release.submit()
    release.save()
    url = f"{LIST_URL}{release.pk}/history/{published_version.pk}/"
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"_save": "Sichern"}).status_code == 403
    assert reloaded(release).status == SUBMITTED


def test_chefredaktion_publishes_a_submitted_release_with_a_comment(
    chief, editor_client, authored_draft
):
    editor_client.post(step_url(authored_draft, "einreichen"), {"comment": ""})
    response = submit_as_shown(
        chief,
        change_url(authored_draft),
        status="published",
        publish_at_0="",
        publish_at_1="",
        transition_comment="Passt so.",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    release = reloaded(authored_draft)
    assert release.is_public
    event = release.events.first()
    assert (event.to_status, event.user.username, event.comment) == (
        PUBLISHED,
        "chefin",
        "Passt so.",
    )
    assert event.description == "Veröffentlicht"


def test_chefredaktion_schedules_and_the_history_names_the_moment(chief, topic):
    response = chief.post(ADD_URL, release_form_without_files(topic))
    assert response.status_code == 302
    release = PressRelease.objects.get()
    assert release.created_by.username == "chefin"
    event = release.events.get()
    assert event.description.startswith("Geplant für ") and "10:00 Uhr" in event.description


def test_chefredaktion_sends_back_through_the_form_only_with_a_comment(
    chief, editor_client, authored_draft
):
    editor_client.post(step_url(authored_draft, "einreichen"), {"comment": ""})
    response = submit_as_shown(chief, change_url(authored_draft), status="changes")
    assert response.status_code == 200
    assert "welche Änderungen Sie erbitten" in response.content.decode()
    assert reloaded(authored_draft).status == SUBMITTED
    submit_as_shown(
        chief, change_url(authored_draft), status="changes", transition_comment="Kürzer."
    )
    assert reloaded(authored_draft).status == CHANGES


def test_redaktion_does_not_see_the_transition_comment_field(editor_client, authored_draft):
    page = editor_client.get(change_url(authored_draft)).content.decode()
    assert 'name="transition_comment"' not in page
    assert 'name="status"' not in page
