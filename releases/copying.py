"""„Als Kopie anlegen“: a new draft from an existing release, for recurring formats."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .models import PressRelease, ReleaseImage


@transaction.atomic
def copy_release(original, with_images=False, by=None):
    """A new draft with the original's texts, topics, projects and contacts, dated today, not
    scheduled. The images (files and their texts) only if asked; attachments never: they are
    usually this one release's programme or figures. `by`: who copies it, its author."""
    copy = PressRelease.objects.create(
        title=f"Kopie von: {original.title}"[:255],
        subtitle=original.subtitle,
        place=original.place,
        release_date=timezone.localdate(),
        lead=original.lead,
        body=original.body,
        created_by=by,
    )
    copy.topics.set(original.topics.all())
    copy.projects.set(original.projects.all())
    copy.contacts.set(original.contacts.all())
    if with_images:
        for image in original.images.all():
            with image.image.open("rb") as file:
                data = file.read()
            ReleaseImage.objects.create(
                release=copy,
                image=ContentFile(data, name=image.image.name.rsplit("/", 1)[-1]),
                caption=image.caption,
                credit=image.credit,
                alt_text=image.alt_text,
                licence=image.licence,
                order=image.order,
            )
    return copy
