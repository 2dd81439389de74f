"""Images uploaded inside the rich-text editor (EditorImage): which texts show them, and their
clean-up. Who may open one: EditorImage.objects.public(), an embargo link's release, or staff
who may preview (the views in releases/views/downloads.py and embargo.py).

- Saving a release or a project links the images its text shows – also when the history restores
  an earlier version – and lets go of those it no longer shows; deleting it lets go of all.
- An image that no text has shown for UNUSED_FOR is deleted with its file, the next time a text
  is saved or an image uploaded. A day is longer than a staff session (8 hours): an image
  uploaded into a form that is not saved yet is not taken away meanwhile.
"""

import datetime
import re
import uuid

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone

from .models import EditorImage, PressRelease, Project
from .storage import TEXT_IMAGE_URL_PREFIX

UNUSED_FOR = datetime.timedelta(days=1)
# The models with a rich-text field, and its name.
TEXTS = {PressRelease: "body", Project: "description"}
KEY = re.compile(
    re.escape(TEXT_IMAGE_URL_PREFIX) + r"([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})/"
)


def keys_in(html):
    """The keys of the editor images that `html` shows."""
    return {uuid.UUID(key) for key in KEY.findall(html or "")}


def link_images(sender, instance, **kwargs):
    """post_save of a release or project: its `editor_images` are those its text shows."""
    keys = keys_in(getattr(instance, TEXTS[sender]))
    linked = {image.pk for image in instance.editor_images.all()}
    shown = (
        set(EditorImage.objects.filter(key__in=keys).values_list("pk", flat=True))
        if keys
        else set()
    )
    if shown != linked:
        instance.editor_images.remove(*(linked - shown))
        instance.editor_images.add(*(shown - linked))
        EditorImage.objects.filter(pk__in=shown, unused_since__isnull=False).update(
            unused_since=None
        )
        mark_unused(linked - shown)
    delete_unused()


def remember_images(sender, instance, **kwargs):
    """pre_delete of a release or project: the deletion takes its links along unannounced."""
    instance._editor_image_pks = {image.pk for image in instance.editor_images.all()}


def let_go_of_images(sender, instance, **kwargs):
    mark_unused(getattr(instance, "_editor_image_pks", set()))


def mark_unused(pks):
    """Of these images, those no text shows any more are unused from now on."""
    if pks:
        EditorImage.objects.filter(
            pk__in=pks, releases=None, projects=None, unused_since__isnull=True
        ).update(unused_since=timezone.now())


def delete_unused():
    """Delete the images no text has shown for UNUSED_FOR; their files once the transaction is
    committed (a rollback keeps both)."""
    expired = EditorImage.objects.filter(
        unused_since__lt=timezone.now() - UNUSED_FOR, releases=None, projects=None
    )
    files = [(image.file.storage, image.file.name) for image in expired]
    if not files:
        return
    expired.delete()

    def delete_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)


def connect_signals():
    """Called by ReleasesConfig.ready()."""
    for model in TEXTS:
        post_save.connect(link_images, sender=model, dispatch_uid=f"editor-images-{model.__name__}")
        pre_delete.connect(
            remember_images, sender=model, dispatch_uid=f"editor-images-pre-{model.__name__}"
        )
        post_delete.connect(
            let_go_of_images, sender=model, dispatch_uid=f"editor-images-post-{model.__name__}"
        )
