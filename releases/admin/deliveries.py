from django.contrib import admin

from ..models import (
    AlertDelivery,
    DigestDelivery,
)


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


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    """What send_release_digests did: read-only, like the alerts."""

    list_display = ["day", "subscription", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["subscription"]
    search_fields = ["subscription__email"]
    fields = ["day", "subscription", "releases", "sent_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
