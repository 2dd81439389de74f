from django.contrib import admin

from allianz_site.history import OwnRevisionsAdmin

from ..models import (
    ManagementPortrait,
    Organisation,
    ReleaseImage,
)


class ManagementPortraitInline(admin.StackedInline):
    """Portrait photos of the management for the page Pressematerial (/presse/material/)."""

    model = ManagementPortrait
    extra = 0
    fields = [("name", "position"), "photo", ("credit", "licence"), "order"]


@admin.register(Organisation)
class OrganisationAdmin(OwnRevisionsAdmin):
    """The one profile of the organisation: the boilerplate under every release and the facts of
    the fact sheet. There is one; it cannot be deleted."""

    fieldsets = [
        ("Unter jeder Pressemitteilung", {"fields": ["name", "about_title", "about"]}),
        ("Steckbrief", {"fields": ["founded", "management", "region", "address"]}),
        ("Pressematerial", {"fields": ["logo_rules"]}),
    ]
    inlines = [ManagementPortraitInline]

    def has_add_permission(self, request):
        return not Organisation.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class RightsEndingFilter(admin.SimpleListFilter):
    title = "Nutzungsrechte"
    parameter_name = "rechte"

    def lookups(self, request, model_admin):
        return [("30", "enden in den nächsten 30 Tagen"), ("abgelaufen", "abgelaufen")]

    def queryset(self, request, queryset):
        if self.value() == "30":
            return queryset.rights_ending(days=30)
        if self.value() == "abgelaufen":
            return queryset.exclude(pk__in=ReleaseImage.objects.usable().values("pk"))
        return queryset


@admin.register(ReleaseImage)
class ReleaseImageAdmin(admin.ModelAdmin):
    """All images with their rights: staff find those whose rights end soon (the images are
    edited with their release)."""

    list_display = ["__str__", "credit", "release", "rights_until"]
    list_filter = [RightsEndingFilter]
    list_select_related = ["release"]
    search_fields = ["caption", "credit", "release__title"]
    ordering = ["rights_until", "pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
