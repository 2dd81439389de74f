from django.contrib import admin, messages
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from .models import (
    AlertDelivery,
    EmbargoLink,
    PressRelease,
    ReleaseAttachment,
    ReleaseImage,
    Topic,
)


class ReleaseImageInline(admin.StackedInline):
    model = ReleaseImage
    extra = 0
    fields = [("image", "order"), "alt_text", "caption", ("credit", "licence")]


class ReleaseAttachmentInline(admin.TabularInline):
    model = ReleaseAttachment
    extra = 0
    fields = ["file", "title", "order"]


class EmbargoLinkInline(admin.TabularInline):
    """Secret links to a release under embargo: add a row and save, then copy the link."""

    model = EmbargoLink
    extra = 0
    fields = ["recipient", "expires_at", "revoked", "link", "created_at"]
    readonly_fields = ["link", "created_at"]
    verbose_name_plural = "Sperrfrist-Links (Vorabzugang für Journalistinnen und Journalisten)"

    @admin.display(description="Link zum Kopieren")
    def link(self, obj):
        if not obj.pk:
            return "erscheint nach dem Speichern"
        return format_html(
            '<input type="text" readonly value="{}" size="60" aria-label="Sperrfrist-Link">',
            obj.full_url(),
        )


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
class PressReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "status_label", "publish_at", "release_date"]
    list_filter = ["status", "topics", ReleaseYearFilter]
    search_fields = ["title", "subtitle", "lead", "place"]
    date_hierarchy = "release_date"
    filter_horizontal = ["topics"]
    inlines = [ReleaseImageInline, ReleaseAttachmentInline, EmbargoLinkInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "slug", ("place", "release_date"), "lead", "body"]},
        ),
        ("Veröffentlichung", {"fields": [("status", "publish_at"), "correction_note"]}),
        ("Einordnung", {"fields": ["topics"]}),
    ]

    def get_inlines(self, request, obj):
        # Embargo links belong to a saved release: offered from its change form on.
        return self.inlines if obj else [i for i in self.inlines if i is not EmbargoLinkInline]

    def get_readonly_fields(self, request, obj=None):
        # Once saved, the slug is part of a permanent address.
        return ["slug"] if obj else []

    def view_on_site(self, obj):
        return reverse("releases:preview", kwargs={"pk": obj.pk})

    @admin.display(description="Status", ordering="status")
    def status_label(self, obj):
        if obj.is_embargoed:
            moment = date_format(timezone.localtime(obj.publish_at), "d.m.Y, H:i")
            return f"Sperrfrist bis {moment} Uhr"
        return obj.get_status_display()

    @admin.action(description="Ausgewählte veröffentlichen (eine Sperrfrist bleibt bestehen)")
    def publish(self, request, queryset):
        for release in queryset:
            release.status = PressRelease.Status.PUBLISHED
            release.save()
        self.message_user(
            request, f"{len(queryset)} Mitteilung(en) veröffentlicht.", messages.SUCCESS
        )

    @admin.action(description="Ausgewählte zurückziehen (wieder Entwurf)")
    def unpublish(self, request, queryset):
        for release in queryset:
            release.status = PressRelease.Status.DRAFT
            release.save()
        self.message_user(
            request, f"{len(queryset)} Mitteilung(en) zurückgezogen.", messages.SUCCESS
        )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    """What send_release_alerts did: read-only, for questions like "did she get it?"."""

    list_display = ["release", "subscription", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["release", "subscription"]
    search_fields = ["subscription__email", "release__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
