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


# Stacked, not tabular: a tabular inline's inputs have no label of their own (only column heads).
class ReleaseAttachmentInline(admin.StackedInline):
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

    class Media:
        css = {"all": ["css/admin.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "publish_at":
            # The admin's split date/time widget leaves both inputs without a label of their own.
            date, time = field.widget.widgets
            date.attrs["aria-label"] = "Veröffentlichen ab: Datum"
            time.attrs["aria-label"] = "Veröffentlichen ab: Uhrzeit"
        return field

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
