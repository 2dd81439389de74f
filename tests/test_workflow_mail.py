# ruff: noqa: F811  (the fixtures of test_workflow.py, imported by name)
"""The workflow's mails: to Chefredaktion when a release is submitted, to the author when it is
sent back or published; plain German text with the admin's link, addresses from staff accounts."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from releases.models import PressRelease

from .helpers import LIST_URL, change_url, closed_port, step_url, submit_as_shown

pytestmark = pytest.mark.usefixtures("mailoutbox")


@pytest.fixture
def second_chief(django_user_model):
    """Another member of Chefredaktion, and one without an address (gets nothing)."""
    user = django_user_model.objects.create_user(
        "chef2", is_staff=True, email="chef2@allianz.example"
    )
    user.groups.add(Group.objects.get(name="Chefredaktion"))
    silent = django_user_model.objects.create_user("chef3", is_staff=True, email="")
    silent.groups.add(Group.objects.get(name="Chefredaktion"))
    return user


def test_submitting_mails_chefredaktion_with_the_admin_link(
    editor_client, authored_draft, second_chief, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://presse.example"
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            step_url(authored_draft, "einreichen"), {"comment": "Bitte bis Freitag."}
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["chef2@allianz.example", "chefin@allianz.example"]
    assert message.subject == "Zur Freigabe: Gemeinsam mit der IHK"
    assert "Redakteur hat eine Pressemitteilung zur Freigabe eingereicht" in message.body
    assert "Bitte bis Freitag." in message.body
    assert (
        f"https://presse.example/admin/releases/pressrelease/{authored_draft.pk}/change/"
        in message.body
    )
    assert not message.alternatives  # plain text


def test_sending_back_mails_the_author_with_the_comment(
    editor_client, chief, authored_draft, django_capture_on_commit_callbacks
):
    editor_client.post(step_url(authored_draft, "einreichen"), {"comment": ""})
    with django_capture_on_commit_callbacks(execute=True):
        chief.post(
            step_url(authored_draft, "aenderungen-erbitten"), {"comment": "Das Zitat fehlt."}
        )
    (message,) = mail.outbox
    assert message.to == ["redakteur@allianz.example"]
    assert message.subject == "Änderungen erbeten: Gemeinsam mit der IHK"
    assert "Clara bittet um Änderungen" in message.body and "Das Zitat fehlt." in message.body


def test_publishing_mails_the_author(
    editor_client, chief, authored_draft, django_capture_on_commit_callbacks
):
    editor_client.post(step_url(authored_draft, "einreichen"), {"comment": ""})
    with django_capture_on_commit_callbacks(execute=True):
        chief.post(LIST_URL, {"action": "publish", "_selected_action": [authored_draft.pk]})
    (message,) = mail.outbox
    assert message.to == ["redakteur@allianz.example"]
    assert message.subject == "Veröffentlicht: Gemeinsam mit der IHK"
    assert "Ihre Pressemitteilung ist veröffentlicht" in message.body


def test_scheduling_mails_the_author_the_moment(
    editor_client, chief, authored_draft, django_capture_on_commit_callbacks
):
    editor_client.post(step_url(authored_draft, "einreichen"), {"comment": ""})
    with django_capture_on_commit_callbacks(execute=True):
        submit_as_shown(
            chief,
            change_url(authored_draft),
            status="published",
            publish_at_0="01.01.2099",
            publish_at_1="10:00:00",
        )
    (message,) = mail.outbox
    assert message.subject.startswith("Geplant für 1. Januar 2099, 10:00 Uhr")
    assert "Sie erscheint am 1. Januar 2099, 10:00 Uhr (Sperrfrist)" in message.body


def test_nobody_is_mailed_about_their_own_step(
    chief, make_release, people, django_capture_on_commit_callbacks
):
    release = make_release(
        status=PressRelease.Status.SUBMITTED, publish_at=None, created_by=people["chefin"][0]
    )
    with django_capture_on_commit_callbacks(execute=True):
        chief.post(LIST_URL, {"action": "publish", "_selected_action": [release.pk]})
    assert mail.outbox == []


def test_a_failed_save_mails_nothing(
    editor_client, authored_draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(step_url(authored_draft, "aenderungen-erbitten"), {"comment": "x"})
    assert mail.outbox == []


def test_a_failing_mail_server_loses_no_transition(
    editor_client, authored_draft, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(step_url(authored_draft, "einreichen"), {"comment": ""})
    assert response.status_code == 302
    assert PressRelease.objects.get(pk=authored_draft.pk).status == PressRelease.Status.SUBMITTED
    assert "Workflow mail about release" in caplog.text


def test_the_author_is_who_created_it_in_the_admin_or_copied_it(
    editor_client, authored_draft, people
):
    response = editor_client.post(f"{LIST_URL}{authored_draft.pk}/kopieren/", {})
    copy = PressRelease.objects.exclude(pk=authored_draft.pk).get()
    assert response.status_code == 302
    assert copy.created_by == people["redakteur"][0]
