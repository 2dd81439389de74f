from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion.admin import VersionAdmin
from reversion.models import Version

from .models import PressRelease, ReleaseAttachment, ReleaseImage, Topic


class ReleaseImageInline(admin.StackedInline):
    model = ReleaseImage
    extra = 0
    fields = [("image", "order"), "alt_text", "caption", ("credit", "licence")]


class ReleaseAttachmentInline(admin.TabularInline):
    model = ReleaseAttachment
    extra = 0
    fields = ["file", "title", "order"]


class ReleaseYearFilter(admin.SimpleListFilter):
    title = "Jahr"
    parameter_name = "jahr"

    def lookups(self, request, model_admin):
        years = (
            PressRelease.objects.annotate(year=ExtractYear("release_date"))
            .values_list("year", flat=True)
            .order_by("-year")
            .distinct()
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(release_date__year=int(self.value()))
        return queryset


@admin.register(PressRelease)
class PressReleaseAdmin(VersionAdmin):
    """With edit history (django-reversion): "Geschichte" on a release shows who changed what and
    restores any version, with its images and attachments; "Gelöschte Pressemitteilungen
    wiederherstellen" on the list brings back a deleted one."""

    list_display = ["title", "status_label", "publish_at", "release_date"]
    list_filter = ["status", "topics", ReleaseYearFilter]
    search_fields = ["title", "subtitle", "lead", "place"]
    date_hierarchy = "release_date"
    filter_horizontal = ["topics"]
    inlines = [ReleaseImageInline, ReleaseAttachmentInline]
    actions = ["publish", "unpublish", "withdraw"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "slug", ("place", "release_date"), "lead", "body"]},
        ),
        ("Veröffentlichung", {"fields": [("status", "publish_at"), "correction_note"]}),
        ("Einordnung", {"fields": ["topics"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Once saved, the slug is part of a permanent address.
        readonly = ["slug"] if obj else []
        if not self.has_publish_permission(request):
            # Redaktion writes drafts and may suggest a time; publishing is Chefredaktion's.
            readonly.append("status")
            if obj and obj.status != PressRelease.Status.DRAFT:
                readonly.append("publish_at")
        return readonly

    def has_publish_permission(self, request):
        return request.user.has_perm("releases.publish_pressrelease")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object(request, unquote(object_id))
        self.check_restore_keeps_publishing_state(request, version_id, current)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        self.check_restore_keeps_publishing_state(request, version_id, current=None)
        return super().recover_view(request, version_id, extra_context)

    def check_restore_keeps_publishing_state(self, request, version_id, current):
        """Restoring a version must not publish, move or unpublish for someone who may not."""
        if self.has_publish_permission(request):
            return
        old = get_object_or_404(Version, pk=version_id).field_dict

        def state(status, publish_at):
            return (status,) if status == PressRelease.Status.DRAFT else (status, publish_at)

        now = state(current.status, current.publish_at) if current else state("draft", None)
        if state(old["status"], old["publish_at"]) != now:
            raise PermissionDenied(
                "Diese Fassung hat einen anderen Veröffentlichungsstand; "
                "wiederherstellen darf sie nur die Chefredaktion."
            )

    def view_on_site(self, obj):
        return reverse("releases:preview", kwargs={"pk": obj.pk})

    @admin.display(description="Status", ordering="status")
    def status_label(self, obj):
        if obj.is_embargoed:
            moment = date_format(timezone.localtime(obj.publish_at), "d.m.Y, H:i")
            return f"Sperrfrist bis {moment} Uhr"
        return obj.get_status_display()

    @admin.action(
        description="Ausgewählte veröffentlichen (eine Sperrfrist bleibt bestehen)",
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        for release in queryset:
            release.status = PressRelease.Status.PUBLISHED
            release.save()
        self.message_user(
            request, f"{len(queryset)} Mitteilung(en) veröffentlicht.", messages.SUCCESS
        )

    @admin.action(description="Ausgewählte zurückziehen (wieder Entwurf)", permissions=["publish"])
    def unpublish(self, request, queryset):
        for release in queryset:
            release.status = PressRelease.Status.DRAFT
            release.save()
        self.message_user(
            request, f"{len(queryset)} Mitteilung(en) zurückgezogen.", messages.SUCCESS
        )

    @admin.action(
        description="Ausgewählte öffentlich zurückziehen (Adresse bleibt mit Hinweis erreichbar)",
        permissions=["publish"],
    )
    def withdraw(self, request, queryset):
        withdrawn = 0
        for release in queryset.exclude(status=PressRelease.Status.DRAFT):
            release.status = PressRelease.Status.WITHDRAWN
            release.save()
            withdrawn += 1
        self.message_user(
            request,
            f"{withdrawn} Mitteilung(en) zurückgezogen; ihre Adressen melden das jetzt. "
            "Entwürfe bleiben unverändert.",
            messages.SUCCESS,
        )


@admin.register(Topic)
class TopicAdmin(VersionAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
