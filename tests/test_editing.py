"""Saving a release in the admin, beyond its fields: its state goes through the model's
transitions, the correction note keeps its own date, and a file gone from disk breaks nothing."""

import contextlib
import datetime
import os

import feedparser
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from .helpers import LIST_URL, change_url, head, json_ld, submit_as_shown


@contextlib.contextmanager
def later_on(moment, client):
    """The clock at `moment`, and the staff member logged in afresh (a session ends after 30
    idle minutes)."""
    user = client.session.get("_auth_user_id")
    with time_machine.travel(moment, tick=False):
        client.force_login(get_user_model().objects.get(pk=user))
        yield


# Publishing again (item 15 of the security review): now, or at the moment newly chosen.


def test_published_again_with_the_list_actions_it_goes_out_now(staff_client, client, make_release):
    release = make_release(
        title="Wieder da", publish_at=timezone.now() - datetime.timedelta(days=7)
    )
    staff_client.post(LIST_URL, {"action": "unpublish", "_selected_action": [release.pk]})
    later = timezone.now() + datetime.timedelta(hours=1)
    with later_on(later, staff_client):
        staff_client.post(LIST_URL, {"action": "publish", "_selected_action": [release.pk]})
        release.refresh_from_db()
        assert release.is_public and release.publish_at == timezone.now()

        entry = feedparser.parse(client.get("/presse/feed/").content).entries[0]
        assert entry.title == "Wieder da"
        assert entry.published_parsed[:5] == later.utctimetuple()[:5]
        published = json_ld(head(client, release.get_absolute_url()))["datePublished"]
        assert published == timezone.localtime(later).isoformat()


def test_published_again_in_the_form_it_goes_out_now_or_at_the_moment_chosen(
    staff_client, make_release
):
    last_week = timezone.now() - datetime.timedelta(days=7)
    again, chosen = (make_release(publish_at=last_week) for _ in range(2))
    for release in [again, chosen]:
        staff_client.post(LIST_URL, {"action": "unpublish", "_selected_action": [release.pk]})

    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        assert (
            submit_as_shown(staff_client, change_url(again), status="published").status_code == 302
        )
    again.refresh_from_db()
    assert again.is_public and again.publish_at == now

    moment = timezone.localtime() + datetime.timedelta(days=1)
    response = submit_as_shown(
        staff_client,
        change_url(chosen),
        status="published",
        publish_at_0=moment.strftime("%d.%m.%Y"),
        publish_at_1="10:00:00",
    )
    assert response.status_code == 302
    chosen.refresh_from_db()
    assert chosen.is_embargoed and timezone.localtime(chosen.publish_at).hour == 10


def test_an_emptied_moment_in_the_form_means_at_once(staff_client, make_release):
    release = make_release(status="draft", publish_at=timezone.now() + datetime.timedelta(days=1))
    response = submit_as_shown(
        staff_client, change_url(release), status="published", publish_at_0="", publish_at_1=""
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.is_public


# One label for the state: the list and the preview say the same.

STATES = {
    "draft": ({"status": "draft", "publish_at": None}, "Entwurf"),
    "embargo": (
        {"publish_at": timezone.make_aware(datetime.datetime(2031, 3, 28, 10, 0))},
        "Sperrfrist bis 28. März 2031, 10:00 Uhr",
    ),
    "public": ({}, "Veröffentlicht"),
    "withdrawn": (
        {
            "status": "withdrawn",
            "publish_at": timezone.make_aware(datetime.datetime(2022, 3, 28, 10, 0)),
            "withdrawn_at": timezone.make_aware(datetime.datetime(2022, 4, 2, 9, 30)),
        },
        "Zurückgezogen am 2. April 2022, 09:30 Uhr",
    ),
}


@pytest.mark.parametrize("state", STATES)
def test_the_list_and_the_preview_name_the_state_alike(staff_client, make_release, state):
    fields, label = STATES[state]
    release = make_release(**fields)
    assert release.state_label == label
    row = staff_client.get(LIST_URL).content.decode().split(f"/{release.pk}/change/")[1]
    assert f'<td class="field-status_label">{label}</td>' in row
    preview = staff_client.get(f"/presse/vorschau/{release.pk}/").content.decode()
    shown = "öffentlich sichtbar" if state == "public" else "nicht öffentlich"
    assert f"Vorschau – {label}, {shown}." in preview


# Missing files (item 16 of the security review).


@pytest.mark.parametrize("kind", ["attachments", "images"])
def test_a_release_whose_file_is_gone_from_disk_is_still_saved(staff_client, make_release, kind):
    release = make_release(**{kind: 1})
    upload = release.attachments.get().file if kind == "attachments" else release.images.get().image
    size = release.attachments.get().size if kind == "attachments" else None
    os.remove(upload.path)

    response = submit_as_shown(staff_client, change_url(release), title="Neuer Titel")
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.title == "Neuer Titel"
    # Changing the row of the missing file saves too, and keeps what was measured.
    changes = {f"{kind}-0-{'title' if kind == 'attachments' else 'caption'}": "Neu beschriftet"}
    assert submit_as_shown(staff_client, change_url(release), **changes).status_code == 302
    if kind == "attachments":
        attachment = release.attachments.get()
        assert (attachment.title, attachment.size) == ("Neu beschriftet", size)
    else:
        image = release.images.get()
        assert (image.caption, image.width, image.height) == ("Neu beschriftet", 40, 30)


# The correction note's date (item 17 of the security review).


def test_aktualisiert_am_is_the_day_the_note_was_written_or_changed(
    staff_client, client, make_release
):
    day = timezone.make_aware(datetime.datetime(2031, 5, 4, 12, 0))
    release = make_release()
    with later_on(day, staff_client):
        submit_as_shown(staff_client, change_url(release), correction_note="Name korrigiert")
    with later_on(day + datetime.timedelta(days=3), staff_client):
        submit_as_shown(staff_client, change_url(release), title="Tippfehler behoben")
    page = client.get(release.get_absolute_url()).content.decode()
    assert "Aktualisiert am 4. Mai 2031: Name korrigiert" in page

    with later_on(day + datetime.timedelta(days=5), staff_client):
        submit_as_shown(staff_client, change_url(release), correction_note="Zahl korrigiert")
    page = client.get(release.get_absolute_url()).content.decode()
    assert "Aktualisiert am 9. Mai 2031: Zahl korrigiert" in page
