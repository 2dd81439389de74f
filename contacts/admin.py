from django.contrib import admin

from allianz_site.history import HistoryAdmin
from allianz_site.labelled_admin import LabelledListEditable

from .models import PressContact, Subscription


@admin.register(PressContact)
class PressContactAdmin(LabelledListEditable, HistoryAdmin):
    """With edit history and restore of deleted contacts (django-reversion); a recovered contact
    is back in the releases that named it."""

    list_display = ["name", "position", "department", "phone", "email", "is_active", "order"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active"]
    search_fields = ["first_name", "last_name", "position", "email"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}
    fieldsets = [
        (None, {"fields": [("first_name", "last_name"), "slug", ("position", "department")]}),
        ("Erreichbarkeit", {"fields": ["organisation", ("phone", "fax", "mobile"), "email"]}),
        ("Anzeige", {"fields": ["photo", ("is_active", "order")]}),
    ]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Subscriptions come only from the double opt-in on the website: staff can look them up and
    delete one on request (GDPR), but not add or change consent on someone's behalf."""

    list_display = ["email", "confirmed_at", "choice"]
    search_fields = ["email"]
    date_hierarchy = "confirmed_at"

    def get_queryset(self, request):
        # `topics` and `projects` are the reverse sides of Topic.subscriptions and
        # Project.subscriptions, which the releases app defines.
        return super().get_queryset(request).prefetch_related("topics", "projects")

    @admin.display(description="Themen und Projekte")
    def choice(self, obj):
        names = [topic.name for topic in obj.topics.all()]
        names += [project.name for project in obj.projects.all()]
        return ", ".join(names) or "alle Mitteilungen"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
