from django.contrib import admin, messages
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

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
class PressReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "status_label", "publish_at", "release_date"]
    list_filter = ["status", "topics", ReleaseYearFilter]
    search_fields = ["title", "subtitle", "lead", "place"]
    date_hierarchy = "release_date"
    filter_horizontal = ["topics"]
    inlines = [ReleaseImageInline, ReleaseAttachmentInline]
    actions = ["publish", "unpublish"]
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


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
