import tablib
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from allianz_site.history import HistoryAdmin
from allianz_site.labelled_admin import LabelledListEditable

from .forms import ContactImportForm, JournalistForm
from .models import (
    DistributionList,
    Journalist,
    MediaOutlet,
    PressContact,
    Subscription,
    Suppression,
)
from .press_list_io import (
    OUTCOMES,
    ImportFileError,
    export_contacts,
    import_contacts,
    read_contacts_file,
)

IMPORT_SALT = "contacts.import-preview"


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
        ("Anzeige", {"fields": [("photo", "photo_credit"), ("is_active", "order")]}),
    ]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Subscriptions come only from the double opt-in on the website: staff can look them up and
    delete one on request (GDPR), but not add or change consent on someone's behalf."""

    list_display = ["email", "confirmed_at", "daily_digest", "choice"]
    list_filter = ["daily_digest"]
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


# The press list


@admin.register(MediaOutlet)
class MediaOutletAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "journalist_count"]
    list_filter = ["kind"]
    search_fields = ["name", "region"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(journalist_count=Count("journalists"))

    @admin.display(description="Personen", ordering="journalist_count")
    def journalist_count(self, obj):
        return obj.journalist_count


@admin.register(Journalist)
class JournalistAdmin(admin.ModelAdmin):
    form = JournalistForm
    list_display = ["__str__", "outlet", "role", "lawful_basis", "list_names"]
    list_filter = ["lists", "outlet__kind", "lawful_basis"]
    search_fields = ["first_name", "last_name", "email", "outlet__name", "beats"]
    autocomplete_fields = ["outlet"]
    actions = ["export_csv"]
    change_list_template = "admin/contacts/journalist/change_list.html"
    fieldsets = [
        (None, {"fields": [("first_name", "last_name"), "email", ("outlet", "role"), "phone"]}),
        ("Berichterstattung", {"fields": ["beats", "notes"]}),
        ("Datenschutz", {"fields": ["lawful_basis", ("basis_source", "basis_date")]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outlet").prefetch_related("lists")

    @admin.display(description="Verteiler")
    def list_names(self, obj):
        return ", ".join(item.name for item in obj.lists.all())

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="contacts_journalist_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="contacts_journalist_export",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Ausgewählte als CSV exportieren", permissions=["view"])
    def export_csv(self, request, queryset):
        return csv_response(queryset)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return csv_response(Journalist.objects.all())

    def import_view(self, request):
        """Step 1: upload → a preview of every row (nothing stored). Step 2: import exactly the
        rows previewed, which travel signed in the form (so nothing is stored in between)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Presseverteiler importieren",
            "outcome_labels": OUTCOMES,
        }
        if request.method == "POST" and "payload" in request.POST:
            return self.import_confirmed(request, context)
        form = ContactImportForm(request.POST or None, request.FILES or None)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                dataset = read_contacts_file(upload.read())
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                target = form.cleaned_data["target_list"]
                options = {
                    "basis": form.cleaned_data["lawful_basis"],
                    "source": form.cleaned_data["basis_source"] or f"Import {upload.name}"[:200],
                    "target_list": target.pk if target else None,
                }
                reports = import_contacts(dataset, dry_run=True, **import_options(options))
                context.update(
                    reports=reports,
                    counts=count_outcomes(reports),
                    target_list=target,
                    payload=signing.dumps(
                        {"headers": dataset.headers, "rows": [list(r) for r in dataset], **options},
                        salt=IMPORT_SALT,
                        compress=True,
                    ),
                )
        return TemplateResponse(request, "admin/contacts/journalist/import.html", context)

    def import_confirmed(self, request, context):
        try:
            data = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=60 * 60)
        except signing.BadSignature:
            messages.error(request, "Die Vorschau ist abgelaufen. Bitte die Datei neu hochladen.")
            return redirect("admin:contacts_journalist_import")
        dataset = tablib.Dataset(*[tuple(row) for row in data["rows"]], headers=data["headers"])
        options = {key: data[key] for key in ["basis", "source", "target_list"]}
        reports = import_contacts(dataset, dry_run=False, **import_options(options))
        counts = count_outcomes(reports)
        messages.success(
            request,
            f"Import abgeschlossen: {counts.get('new', 0)} neu, "
            f"{counts.get('update', 0)} aktualisiert, {counts.get('skip', 0)} unverändert, "
            f"{len(reports) - sum(counts.get(k, 0) for k in ['new', 'update', 'skip'])} "
            "nicht importiert.",
        )
        context.update(reports=reports, counts=counts, done=True)
        return TemplateResponse(request, "admin/contacts/journalist/import.html", context)


def import_options(options):
    target = options["target_list"]
    return {
        "basis": options["basis"],
        "source": options["source"],
        # A list deleted between preview and import: the addresses are imported all the same.
        "target_list": DistributionList.objects.filter(pk=target).first() if target else None,
    }


def count_outcomes(reports):
    counts = {}
    for report in reports:
        counts[report.outcome] = counts.get(report.outcome, 0) + 1
    return counts


def csv_response(queryset):
    response = HttpResponse(export_contacts(queryset), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="presseverteiler-{stamp}.csv"'
    return response


@admin.register(DistributionList)
class DistributionListAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count"]
    search_fields = ["name"]
    autocomplete_fields = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description="Mitglieder", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Addresses that get no more mail. Staff may add one (someone asked by phone) and lift an
    "unzustellbar" after the address was corrected; an opt-out is only ever lifted by deleting it
    on the person's own request."""

    list_display = ["email", "reason", "created_at", "detail"]
    list_filter = ["reason"]
    search_fields = ["email"]
    fields = ["email", "reason", "detail"]

    def has_change_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        return {"reason": Suppression.Reason.OPTED_OUT}
