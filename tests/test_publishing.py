"""The one publishing rule: public means published and publish_at has passed."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from releases.models import PressRelease

DRAFT = PressRelease.Status.DRAFT
PUBLISHED = PressRelease.Status.PUBLISHED

PUBLIC_LISTS = [
    reverse("releases:home"),
    reverse("releases:archive"),
]


def public_pages_listing(client, release):
    pages = [*PUBLIC_LISTS]
    pages.append(reverse("releases:archive_year", args=[release.release_date.year]))
    pages.append(
        reverse(
            "releases:archive_month", args=[release.release_date.year, release.release_date.month]
        )
    )
    return [url for url in pages if release.title in client.get(url).content.decode()]


@pytest.fixture
def visible(make_release):
    return make_release(title="Sichtbare Mitteilung")


def test_published_release_is_on_every_list_and_its_page(client, visible):
    assert len(public_pages_listing(client, visible)) == 4
    assert client.get(visible.get_absolute_url()).status_code == 200


def test_draft_is_404_and_on_no_list(client, make_release, visible):
    draft = make_release(title="Entwurf mit Geheimnis", status=DRAFT, publish_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert public_pages_listing(client, draft) == []


def test_draft_with_past_publish_at_is_still_hidden(client, make_release, visible):
    draft = make_release(title="Zurückgezogene Mitteilung", status=DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert public_pages_listing(client, draft) == []


def test_embargoed_release_is_404_and_on_no_list(client, make_release, visible):
    embargoed = make_release(
        title="Unter Sperrfrist", publish_at=timezone.now() + datetime.timedelta(hours=2)
    )
    assert embargoed.is_embargoed
    assert client.get(embargoed.get_absolute_url()).status_code == 404
    assert public_pages_listing(client, embargoed) == []


def test_embargoed_release_appears_the_moment_publish_at_passes_without_any_job(
    client, make_release, visible
):
    moment = timezone.now() + datetime.timedelta(days=1)
    embargoed = make_release(title="Pünktlich um zehn", publish_at=moment)
    with time_machine.travel(moment - datetime.timedelta(seconds=1), tick=False):
        assert client.get(embargoed.get_absolute_url()).status_code == 404
        assert public_pages_listing(client, embargoed) == []
    with time_machine.travel(moment, tick=False):
        assert client.get(embargoed.get_absolute_url()).status_code == 200
        assert len(public_pages_listing(client, embargoed)) == 4


def test_unpublishing_hides_a_public_release_again(client, visible):
    visible.unpublish()
    visible.save()
    assert client.get(visible.get_absolute_url()).status_code == 404


def test_publishing_without_a_moment_means_now(make_release):
    release = make_release(status=DRAFT, publish_at=None)
    with time_machine.travel(timezone.now(), tick=False):
        release.publish()
        assert release.publish_at == timezone.now()
    release.save()
    assert release.is_public


def test_database_refuses_a_published_release_without_publish_at(make_release):
    release = make_release(status=DRAFT, publish_at=None)
    with pytest.raises(IntegrityError):
        PressRelease.objects.filter(pk=release.pk).update(status=PUBLISHED)


def test_database_refuses_an_unknown_status(make_release):
    release = make_release()
    with pytest.raises(IntegrityError):
        PressRelease.objects.filter(pk=release.pk).update(status="archived")


@pytest.mark.parametrize(
    "status, offset, public",
    [
        (PUBLISHED, -60, True),
        (PUBLISHED, 60, False),
        (DRAFT, -60, False),
        (DRAFT, 60, False),
    ],
)
def test_published_queryset_is_the_rule(make_release, status, offset, public):
    release = make_release(
        status=status, publish_at=timezone.now() + datetime.timedelta(seconds=offset)
    )
    assert (release in PressRelease.objects.published()) is public
    assert release.is_public is public


def test_attachment_of_hidden_release_is_404_for_the_public_but_not_for_staff(
    client, staff_client, make_release
):
    hidden = make_release(attachments=1, publish_at=timezone.now() + datetime.timedelta(days=1))
    url = hidden.attachments.get().get_absolute_url()
    staff_response = staff_client.get(url)
    assert staff_response.status_code == 200
    assert "attachment" in staff_response["Content-Disposition"]
    client.logout()
    assert client.get(url).status_code == 404


# State changes live on the model: publish(), unpublish(), withdraw().

LAST_WEEK = datetime.timedelta(days=7)


@pytest.mark.parametrize("transition", [PressRelease.unpublish, PressRelease.withdraw])
def test_a_release_published_again_goes_out_now_not_with_its_old_date(make_release, transition):
    release = make_release(publish_at=timezone.now() - LAST_WEEK)
    transition(release)
    release.save()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=False):
        release.publish()
        release.save()
        assert release.publish_at == timezone.now()
    assert (release.status, release.withdrawn_at) == (PUBLISHED, None)


def test_published_again_at_a_newly_chosen_moment(make_release):
    release = make_release(publish_at=timezone.now() - LAST_WEEK)
    release.unpublish()
    moment = timezone.now() + datetime.timedelta(days=2)
    release.publish(at=moment)
    release.save()
    assert release.publish_at == moment and release.is_embargoed


def test_publishing_a_public_or_embargoed_release_keeps_its_moment(make_release):
    public = make_release(publish_at=timezone.now() - LAST_WEEK)
    embargoed = make_release(publish_at=timezone.now() + datetime.timedelta(days=1))
    for release in [public, embargoed]:
        moment = release.publish_at
        release.publish()
        assert release.publish_at == moment


def test_an_embargo_unpublished_for_a_correction_is_kept_for_publishing_again(make_release):
    moment = timezone.now() + datetime.timedelta(days=1)
    release = make_release(publish_at=moment)
    release.unpublish()
    release.save()
    assert release.publish_at == moment  # the suggestion
    release.publish()
    assert release.publish_at == moment and release.is_embargoed


def test_only_a_published_release_can_be_withdrawn(make_release):
    draft = make_release(status=DRAFT, publish_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="Nur eine veröffentlichte Mitteilung"):
        draft.withdraw()
    assert draft.status == DRAFT

    withdrawn = make_release()
    withdrawn.withdraw()
    moment = withdrawn.withdrawn_at
    withdrawn.withdraw()  # again: stays as it is
    assert (withdrawn.status, withdrawn.withdrawn_at) == (PressRelease.Status.WITHDRAWN, moment)


def test_every_state_has_its_transition():
    """A new state (the workflow's "Zur Freigabe") is a choice, a method and an entry here."""
    assert set(PressRelease.TRANSITIONS) == set(PressRelease.Status)
    for name in PressRelease.TRANSITIONS.values():
        assert callable(getattr(PressRelease, name))
