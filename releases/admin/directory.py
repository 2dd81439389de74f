from django.contrib import admin
from django.db import models

from allianz_site.history import HistoryAdmin, OwnRevisionsAdmin
from allianz_site.labelled_admin import LabelledListEditable, LabelledTabularInline

from ..models import (
    Partner,
    Project,
    ProjectArea,
    ProjectEvent,
    ProjectPartner,
    Topic,
)
from .release_parts import LabelledDateTimes


@admin.register(Topic)
class TopicAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class ProjectPartnerInline(LabelledTabularInline):
    """A project's page has one row per role; the queries stay the same for any number of rows
    (tests/test_directory_admin.py counts them)."""

    model = ProjectPartner
    extra = 0
    fields = ["partner", "role", "funding_note", "order"]

    def get_queryset(self, request):
        # Each row is headed by the role's name, which names its partner.
        return super().get_queryset(request).select_related("partner")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "partner":
            # The list of partners, read once for the page; each row's select would read it
            # again. Validation still asks the queryset.
            field.choices = list(field.choices)
        return field


class ProjectAreaInline(LabelledTabularInline):
    model = ProjectArea
    extra = 0
    fields = ["name", "description", "order"]
    show_change_link = True  # the area's page holds its events

    def get_queryset(self, request):
        # Each row is headed by the area's name, which names its project.
        return super().get_queryset(request).select_related("project")


@admin.register(Project)
class ProjectAdmin(HistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "status", "start", "end", "programme"]
    list_filter = ["status"]
    search_fields = ["name", "summary", "programme"]
    inlines = [ProjectPartnerInline, ProjectAreaInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "programme", "summary", "description", "about"]}),
        ("Stand", {"fields": ["status", ("start", "end"), "order"]}),
        ("Bild und Website", {"fields": [("image", "image_alt"), "website"]}),
        ("Förderhinweis", {"fields": ["show_funding_notice"]}),
    ]


class ProjectEventInline(LabelledDateTimes, admin.StackedInline):
    model = ProjectEvent
    extra = 0
    fields = ["title", ("starts_at", "ends_at"), "place", "description"]


@admin.register(ProjectArea)
class ProjectAreaAdmin(OwnRevisionsAdmin):
    list_display = ["name", "project", "order"]
    list_filter = ["project"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
    inlines = [ProjectEventInline]


@admin.register(Partner)
class PartnerAdmin(LabelledListEditable, HistoryAdmin):
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
