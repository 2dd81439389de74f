from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django_ckeditor_5.widgets import CKEditor5Widget

from ..sanitize import sanitize_html


class LegalPageForm(FlatpageForm):
    """The legal pages are edited in CKEditor 5 and sanitized like every rich text. The site has
    one address (django.contrib.sites): the page belongs to it without asking (save_related)."""

    class Meta(FlatpageForm.Meta):
        fields = ["url", "title", "content", "registration_required", "template_name"]
        widgets = {"content": CKEditor5Widget()}

    def clean_content(self):
        return sanitize_html(self.cleaned_data["content"])


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class LegalPageAdmin(FlatPageAdmin):
    form = LegalPageForm
    list_filter = ["registration_required"]
    fieldsets = [
        (None, {"fields": ["url", "title", "content"]}),
        (
            "Erweiterte Einstellungen",
            {"classes": ["collapse"], "fields": ["registration_required", "template_name"]},
        ),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.sites.add(Site.objects.get_current())
