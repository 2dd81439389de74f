"""Edit history (django-reversion) that also brings back what a deletion took along.

django-reversion stores a version of an object each time the admin saves it, and its "recover"
page brings a deleted object back from the last one. What the deletion took along is not in that
version: the links from releases to a partner, project, contact or topic (rows of the
many-to-many tables Django makes itself) and the rows that depend on it, such as a partner's roles
in projects. HistoryAdmin stores one more version just before it deletes, with all of these, so
that recovering the object brings them back too.
"""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.shortcuts import get_object_or_404
from reversion.admin import VersionAdmin
from reversion.models import Version


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


def drop_dangling(revision):
    """Removes from a revision the versions that point at an object which is gone and not in the
    revision either: the link to a release deleted after the partner was. They cannot be restored,
    and would make the whole recovery fail."""
    versions = list(revision.version_set.all())
    stored = {(version.content_type_id, version.object_id) for version in versions}
    for version in versions:
        for field in version._model._meta.concrete_fields:
            target = version.field_dict.get(field.attname) if field.many_to_one else None
            if target is None:
                continue
            kind = ContentType.objects.get_for_model(field.related_model)
            if (kind.pk, str(target)) not in stored and not (
                field.related_model._default_manager.filter(pk=target).exists()
            ):
                version.delete()
                break


def create_content_types(using, **kwargs):
    """Receiver of post_migrate: content types for the registered many-to-many tables.

    Django makes them only for ordinary models. Made on first use instead, inside a transaction
    that is then rolled back, the cached id would point nowhere and break later versions.
    """
    for model in reversion.get_registered_models():
        if model._meta.auto_created:
            ContentType.objects.db_manager(using).get_for_model(model)


class HistoryAdmin(VersionAdmin):
    """VersionAdmin whose deletions keep what they take along, for "recover" to bring back.

    The many-to-many tables of links must be registered with reversion (releases/admin.py).
    """

    def delete_model(self, request, obj):
        self.save_before_deleting(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.save_before_deleting(request, queryset)
        super().delete_queryset(request, queryset)

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin runs the whole list page in one revision (for list_editable), and a
        # revision keeps only the versions of objects that still exist when it ends: the list's
        # delete action must run outside it, or the versions saved before deleting are dropped.
        if request.method == "POST" and request.POST.get("action") == "delete_selected":
            return super(VersionAdmin, self).changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)

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

    def recover_view(self, request, version_id, extra_context=None):
        """Only a recovery that happened forgets the dangling links: showing the form does not."""
        with transaction.atomic():
            drop_dangling(get_object_or_404(Version, pk=version_id).revision)
            response = super().recover_view(request, version_id, extra_context)
            if request.method != "POST" or response.status_code != 302:
                transaction.set_rollback(True)
        return response
