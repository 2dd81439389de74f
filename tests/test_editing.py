"""Saving a release in the admin, beyond its fields: a file gone from disk breaks nothing."""

import os

import pytest

from .test_history import change_url, submit_as_shown

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
