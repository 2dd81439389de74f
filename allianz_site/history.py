"""Edit history (django-reversion): restoring brings back one object, and what a deletion took.

django-reversion stores a version of an object each time the admin saves it, grouped in
revisions, and "restore" (an old version, or a deleted object) reverts a whole revision. A list
action that changed several releases used to leave one revision for all of them, so restoring one
reverted the others too. OwnRevisionsAdmin keeps to one object: a list action records one
revision per object (save_each), and restoring reverts the version's object and what belongs to
it, never another object (separate).

What a deletion took along is not in an object's version: the links from releases to a partner,
project, contact or topic (rows of the many-to-many tables Django makes itself) and the rows that
depend on it, such as a partner's roles in projects. HistoryAdmin stores one more version just
before it deletes, with all of these, so that recovering the object brings them back too.
"""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models, transaction
from django.shortcuts import get_object_or_404
from reversion.admin import VersionAdmin
from reversion.models import Revision, Version


def taken_along(obj):
    """The rows deleting `obj` deletes too, as far as reversion can store them: links from other
    models' many-to-many fields, and objects of registered models whose foreign key cascades."""
    for relation in obj._meta.related_objects:
        if relation.many_to_many and relation.through._meta.auto_created:
            model = relation.through
            rows = model._default_manager.filter(**{relation.field.m2m_reverse_field_name(): obj})
        elif relation.one_to_many and relation.on_delete is models.CASCADE:
            model = relation.related_model
            rows = model._default_manager.filter(**{relation.field.name: obj})
        else:
            continue
        if reversion.is_registered(model):
            yield from rows


def key(version):
    """What a version is of: (content type id, object id)."""
    return (version.content_type_id, version.object_id)


def references(version):
    """(model, key) of each object the version's foreign keys point at."""
    for field in version._model._meta.concrete_fields:
        target = version.field_dict.get(field.attname) if field.many_to_one else None
        if target is not None:
            kind = ContentType.objects.get_for_model(field.related_model)
            yield field.related_model, (kind.pk, str(target))


def drop_dangling(revision):
    """Removes from a revision the versions that point at an object which is gone and not in the
    revision either: the link to a release deleted after the partner was. They cannot be restored,
    and would make the whole recovery fail."""
    versions = list(revision.version_set.all())
    stored = {key(version) for version in versions}
    for version in versions:
        for model, target in references(version):
            if target not in stored and not model._default_manager.filter(pk=target[1]).exists():
                version.delete()
                break


def separate(version):
    """Leaves in the revision of `version` only its object and what belongs to it (the versions
    whose foreign key points at it: a release's images, a project's areas, and so on down); the
    rest moves to a revision of its own with the same date, user and comment, so every history
    reads as before. Restoring `version` then reverts its object alone, whatever was saved with
    it: several releases changed by one list action before save_each, or several partners
    saved together by the list's editable column."""
    revision = version.revision
    versions = list(revision.version_set.all())
    belonging = {key(version)}
    grown = True
    while grown:
        grown = False
        for other in versions:
            if key(other) not in belonging and any(
                target in belonging for _model, target in references(other)
            ):
                belonging.add(key(other))
                grown = True
    rest = [other.pk for other in versions if key(other) not in belonging]
    if rest:
        apart = Revision.objects.create(
            date_created=revision.date_created, user=revision.user, comment=revision.comment
        )
        Version.objects.filter(pk__in=rest).update(revision=apart)


def as_stored(obj, version):
    """`obj` as `version` stores an object: written and read back in the version's format. JSON
    keeps milliseconds where the database keeps microseconds, so a moment compared with a
    version's must first go the same way."""
    fields = [field.name for field in obj._meta.concrete_fields]  # links left out
    data = serializers.serialize(version.format, [obj], fields=fields)
    return next(serializers.deserialize(version.format, data)).object


def stored_object(version):
    """The object of `version` as it was, unsaved (its concrete fields; links left out)."""
    fields = version.field_dict
    model = version._model
    return model(
        **{
            field.attname: fields[field.attname]
            for field in model._meta.concrete_fields
            if field.attname in fields
        }
    )


def create_content_types(using, **kwargs):
    """Receiver of post_migrate: content types for the registered many-to-many tables.

    Django makes them only for ordinary models. Made on first use instead, inside a transaction
    that is then rolled back, the cached id would point nowhere and break later versions.
    """
    for model in reversion.get_registered_models():
        if model._meta.auto_created:
            ContentType.objects.db_manager(using).get_for_model(model)


class OwnRevisionsAdmin(VersionAdmin):
    """VersionAdmin in which restoring an object changes no other (module docstring)."""

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin runs the whole list page in one revision (for list_editable). A list action
        # runs outside it: it records one revision per object itself (save_each), and the
        # versions that HistoryAdmin saves before deleting would be dropped by a revision that
        # ends after their objects are gone.
        if request.method == "POST" and request.POST.get("action") and "_save" not in request.POST:
            return super(VersionAdmin, self).changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)

    def save_each(self, request, objects, change, comment):
        """For a list action: `change(obj)` and save, each object in a revision of its own
        (`comment` is what its history says), so that restoring one restores it alone."""
        for obj in objects:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(comment)
                change(obj)
                obj.save()

    def revision_view(self, request, object_id, version_id, extra_context=None):
        return self.restoring_alone(
            request,
            version_id,
            lambda: super(OwnRevisionsAdmin, self).revision_view(
                request, object_id, version_id, extra_context
            ),
        )

    def recover_view(self, request, version_id, extra_context=None):
        return self.restoring_alone(
            request,
            version_id,
            lambda: super(OwnRevisionsAdmin, self).recover_view(request, version_id, extra_context),
        )

    def get_version(self, version_id):
        """A version of this admin's model (reversion's pages take any version's number)."""
        return get_object_or_404(Version.objects.get_for_model(self.model), pk=version_id)

    def restoring_alone(self, request, version_id, view):
        """Runs a restore page (`view`) on the version's object alone (separate). Only a restore
        that happened keeps that: showing the page changes nothing."""
        with transaction.atomic():
            self.prepare_restore(self.get_version(version_id))
            response = view()
            if request.method != "POST" or response.status_code != 302:
                transaction.set_rollback(True)
        return response

    def prepare_restore(self, version):
        separate(version)


class HistoryAdmin(OwnRevisionsAdmin):
    """An OwnRevisionsAdmin whose deletions keep what they take along, for "recover" to bring
    back. The many-to-many tables of links must be registered with reversion
    (releases/admin/history.py)."""

    def delete_model(self, request, obj):
        self.save_before_deleting(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.save_before_deleting(request, queryset)
        super().delete_queryset(request, queryset)

    def save_before_deleting(self, request, objs):
        """One revision per object: recovering one of several deleted together brings back only
        that one."""
        for obj in objs:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment("Vor dem Löschen gesichert, mit allen Verknüpfungen.")
                reversion.add_to_revision(obj)
                for row in taken_along(obj):
                    reversion.add_to_revision(row)

    def prepare_restore(self, version):
        # The links to objects deleted since cannot come back (drop_dangling).
        super().prepare_restore(version)
        drop_dangling(version.revision)
