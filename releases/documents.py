"""Documents made from a release – its press kit now, its PDF later – built once per version of
the release, stored (ReleaseDocument, in the protected storage) and from then on sent as stored.

The version is `PressRelease.content_version`. It is renewed whenever something that a document
of the release shows changes (the signals below):

- the release itself: every save;
- its images and attachments: saved or deleted;
- the objects behind SHOWN_RELATIONS: which projects and press contacts the release names (links
  added or removed), and their own texts and numbers (saved or deleted).

A stored document of an older version is built anew at its next request, and the old file is
deleted. A document that shows more (a PDF with topics or partners) adds those many-to-many
fields of PressRelease to SHOWN_RELATIONS. `QuerySet.update()` sends no signals: code that
changes what a release shows with it calls `renew_content_version()` on the same releases.
"""

from django.core.files import File
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from .models import PressRelease, ReleaseAttachment, ReleaseDocument, ReleaseImage
from .models.media import document_path
from .models.release import new_content_version

SHOWN_RELATIONS = ["projects", "contacts"]


def renew_content_version(releases):
    """Every stored document of these releases (a QuerySet) is out of date from now on."""
    releases.update(content_version=new_content_version())


def stored_document(release, kind, filename, build):
    """(storage, name) of the document `kind` of the release as it is now: the stored one, or,
    if it is missing or of an older version, the file that `build()` returns (an open file at
    position 0, closed here), stored first under `filename`. A document is the same for every
    request: what it says must not depend on who asks (the press kit names the release's public
    address, also when built for an embargo link)."""
    storage = ReleaseDocument._meta.get_field("file").storage
    stored = ReleaseDocument.objects.filter(release=release, kind=kind).first()
    if (
        stored is not None
        and stored.version == release.content_version
        and storage.exists(stored.file.name)
    ):
        return storage, stored.file.name
    with build() as file:
        name = storage.save(document_path(None, filename), File(file))
    document = ReleaseDocument(
        release=release, kind=kind, version=release.content_version, file=name
    )
    # One statement, also when another request stores the same document at the same moment
    # (then the row names one of the two files, and the other stays unused in the storage).
    ReleaseDocument.objects.bulk_create(
        [document],
        update_conflicts=True,
        unique_fields=["release", "kind"],
        update_fields=["version", "file", "created_at"],
    )
    if stored is not None and stored.file.name != name:
        transaction.on_commit(lambda: storage.delete(stored.file.name))
    return storage, name


def delete_document_file(sender, instance, **kwargs):
    """post_delete of a ReleaseDocument (its release was deleted): the file goes too."""
    storage, name = instance.file.storage, instance.file.name
    transaction.on_commit(lambda: storage.delete(name))


def release_saved(sender, instance, created, **kwargs):
    """The release saved (a new one has a fresh version already), or the links it has changed."""
    if not created:
        instance.content_version = new_content_version()
        PressRelease.objects.filter(pk=instance.pk).update(content_version=instance.content_version)


def part_changed(sender, instance, **kwargs):
    """An image or attachment saved or deleted."""
    renew_content_version(PressRelease.objects.filter(pk=instance.release_id))


def links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A link between releases and the projects or contacts they name added or removed."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            release_saved(PressRelease, instance, created=False)
        return
    field = next(name for name in SHOWN_RELATIONS if getattr(PressRelease, name).through is sender)
    if action in ("post_add", "post_remove"):
        renew_content_version(PressRelease.objects.filter(pk__in=pk_set))
    elif action == "pre_clear":
        renew_content_version(PressRelease.objects.filter(**{field: instance}))


def shown_object_changed(sender, instance, **kwargs):
    """A project or contact saved, or about to be deleted: the releases that name it."""
    for field in SHOWN_RELATIONS:
        if PressRelease._meta.get_field(field).related_model is sender:
            renew_content_version(PressRelease.objects.filter(**{field: instance}))


def connect_signals():
    """Called by ReleasesConfig.ready(), so that management commands renew versions too."""
    post_save.connect(release_saved, sender=PressRelease, dispatch_uid="documents-release")
    for model in (ReleaseImage, ReleaseAttachment):
        post_save.connect(part_changed, sender=model, dispatch_uid=f"documents-save-{model}")
        post_delete.connect(part_changed, sender=model, dispatch_uid=f"documents-delete-{model}")
    for field in SHOWN_RELATIONS:
        through = getattr(PressRelease, field).through
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"documents-m2m-{field}")
        shown = PressRelease._meta.get_field(field).related_model
        post_save.connect(shown_object_changed, sender=shown, dispatch_uid=f"documents-{field}")
        pre_delete.connect(shown_object_changed, sender=shown, dispatch_uid=f"documents-d-{field}")
    post_delete.connect(delete_document_file, sender=ReleaseDocument, dispatch_uid="documents-file")
