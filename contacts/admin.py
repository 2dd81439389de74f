from django.contrib import admin

from .models import PressContact


@admin.register(PressContact)
class PressContactAdmin(admin.ModelAdmin):
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
