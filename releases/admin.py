from django.contrib import admin, messages
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.db import models
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_ckeditor_5.widgets import CKEditor5Widget

from contacts.models import PressContact

from .models import (
    Partner,
    PressRelease,
    Project,
    ProjectArea,
    ProjectEvent,
    ProjectPartner,
    ReleaseAttachment,
    ReleaseImage,
    Topic,
)
from .sanitize import sanitize_html


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
    filter_horizontal = ["topics", "contacts"]
    inlines = [ReleaseImageInline, ReleaseAttachmentInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "slug", ("place", "release_date"), "lead", "body"]},
        ),
        ("Veröffentlichung", {"fields": [("status", "publish_at"), "correction_note"]}),
        ("Einordnung", {"fields": ["topics"]}),
        ("Projekte, Partner und Pressekontakt", {"fields": ["projects", "partners", "contacts"]}),
    ]
    autocomplete_fields = ["projects", "partners"]

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

    def get_changeform_initial_data(self, request):
        # A new release starts with the default contact filled in.
        initial = super().get_changeform_initial_data(request)
        default = PressContact.objects.default()
        if default and "contacts" not in initial:
            initial["contacts"] = [default.pk]
        return initial

    def save_related(self, request, form, formsets, change):
        # No release goes out without a press contact: left empty, it gets the default one.
        super().save_related(request, form, formsets, change)
        release = form.instance
        if not release.contacts.exists():
            default = PressContact.objects.default()
            if default:
                release.contacts.add(default)
                self.message_user(
                    request,
                    f"Kein Pressekontakt gewählt: „{default.name}“ wurde eingetragen.",
                    messages.INFO,
                )

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


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["partner"]
    fields = ["partner", "role", "funding_note", "order"]


class ProjectAreaInline(admin.TabularInline):
    model = ProjectArea
    extra = 0
    fields = ["name", "description", "order"]
    show_change_link = True  # the area's page holds its events


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "status", "start", "end", "programme"]
    list_filter = ["status"]
    search_fields = ["name", "summary", "programme"]
    inlines = [ProjectPartnerInline, ProjectAreaInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "programme", "summary", "description", "about"]}),
        ("Stand", {"fields": ["status", ("start", "end"), "order"]}),
        ("Bild und Website", {"fields": [("image", "image_alt"), "website"]}),
    ]


class ProjectEventInline(admin.StackedInline):
    model = ProjectEvent
    extra = 0
    fields = ["title", ("starts_at", "ends_at"), "place", "description"]


@admin.register(ProjectArea)
class ProjectAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "order"]
    list_filter = ["project"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
    inlines = [ProjectEventInline]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "short_name", "kind", "is_shareholder", "order"]
    list_editable = ["order"]
    list_filter = ["is_shareholder", "kind"]
    search_fields = ["name", "short_name"]
    fields = [
        ("name", "short_name"),
        "slug",
        ("kind", "is_shareholder"),
        "logo",
        "website",
        "description",
        "order",
    ]


class LegalPageForm(FlatpageForm):
    """The legal pages are edited in CKEditor 5 and sanitized like every rich text."""

    class Meta(FlatpageForm.Meta):
        widgets = {"content": CKEditor5Widget()}

    def clean_content(self):
        return sanitize_html(self.cleaned_data["content"])


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class LegalPageAdmin(FlatPageAdmin):
    form = LegalPageForm
