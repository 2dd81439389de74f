"""The one publishing rule: public means published and publish_at has passed."""

import datetime

import pytest
import time_machine
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
    visible.status = DRAFT
    visible.save()
    assert client.get(visible.get_absolute_url()).status_code == 404


def test_publishing_without_a_moment_means_now(make_release):
    release = make_release(status=PUBLISHED, publish_at=None)
    assert release.publish_at is not None
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
