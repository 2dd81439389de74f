"""Saving a release in the admin, beyond its fields: the correction note keeps its own date,
and a file gone from disk breaks nothing."""

import contextlib
import datetime
import os

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from .test_history import change_url, submit_as_shown


@contextlib.contextmanager
def later_on(moment, client):
    """The clock at `moment`, and the staff member logged in afresh (a session ends after 30
    idle minutes)."""
    user = client.session.get("_auth_user_id")
    with time_machine.travel(moment, tick=False):
        client.force_login(get_user_model().objects.get(pk=user))
        yield


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
