"""„Als Kopie anlegen“: a new draft from an existing release, for recurring formats."""

import datetime

from django.utils import timezone

from releases import versions
from releases.models import PressRelease

from .helpers import LIST_URL


def copy_url(release):
    return f"{LIST_URL}{release.pk}/kopieren/"


def test_change_form_offers_the_copy(as_role, make_release):
    release = make_release()
    html = as_role("Redaktion").get(f"{LIST_URL}{release.pk}/change/").content.decode()
    assert f'href="{copy_url(release)}">Als Kopie anlegen</a>' in html


def test_copy_is_a_draft_with_text_topics_projects_and_contacts_but_no_images(
    as_role, make_release, topic, make_project, make_contact, make_partner
):
    original = make_release(
        title="Betriebsnachbarschaften: Auftakt in Goslar",
        subtitle="Zweite Runde",
        images=2,
        attachments=1,
        topics=[topic],
        release_date=datetime.date(2022, 3, 28),
    )
    project, contact = make_project(), make_contact()
    original.projects.set([project])
    original.contacts.set([contact])
    original.partners.set([make_partner()])
    editor = as_role("Redaktion")
    page = editor.get(copy_url(original)).content.decode()
    assert "Auch die 2 Bilder kopieren" in page

    response = editor.post(copy_url(original))
    copy = PressRelease.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}{copy.pk}/change/"
    assert copy.title == "Kopie von: Betriebsnachbarschaften: Auftakt in Goslar"
    assert copy.slug != original.slug
    assert (copy.subtitle, copy.place, copy.lead, copy.body) == (
        original.subtitle,
        original.place,
        original.lead,
        original.body,
    )
    assert copy.status == PressRelease.Status.DRAFT and copy.publish_at is None
    assert copy.release_date == timezone.localdate()
    assert list(copy.topics.all()) == [topic]
    assert list(copy.projects.all()) == [project]
    assert list(copy.contacts.all()) == [contact]
    assert not copy.partners.exists()
    assert not copy.images.exists() and not copy.attachments.exists()
    assert original.images.count() == 2  # the original keeps everything
    revision = versions.versions_of(copy).get().revision
    assert revision.comment == f"Als Kopie von „{original.title}“ angelegt."
    assert revision.user.username == "redaktion"


def test_images_are_copied_with_their_files_when_chosen(as_role, make_release):
    original = make_release(images=1)
    as_role("Redaktion").post(copy_url(original), {"bilder": "1"})
    copy = PressRelease.objects.exclude(pk=original.pk).get()
    image, source = copy.images.get(), original.images.get()
    assert image.image.name != source.image.name
    assert image.image.read() == source.image.read()
    assert (image.alt_text, image.credit, image.caption) == (
        source.alt_text,
        source.credit,
        source.caption,
    )


def test_copying_an_unknown_release_answers_404(as_role, db):
    assert as_role("Redaktion").get(f"{LIST_URL}999999/kopieren/").status_code == 404
