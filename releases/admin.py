import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django_ckeditor_5.widgets import CKEditor5Widget
from reversion.admin import VersionAdmin
from reversion.models import Version

from allianz_site.history import HistoryAdmin
from allianz_site.labelled_admin import LabelledListEditable, LabelledTabularInline
from contacts.models import PressContact

from .models import (
    AlertDelivery,
    EmbargoLink,
    ManagementPortrait,
    Organisation,
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

# Edit history (django-reversion): what one version of each object holds. A release's version
# holds its images and attachments but not its embargo links: restoring an old version must not
# bring back a link that was revoked since. Topics and projects leave out the journalists'
# subscriptions: an old version must not change whose alerts they are in. The admins below are
# VersionAdmins; those of topics, projects and partners (and contacts) are HistoryAdmins, whose
# deletions keep the links from releases to them (the many-to-many tables registered here).
reversion.register(ReleaseImage)
reversion.register(ReleaseAttachment)
reversion.register(PressRelease, follow=["images", "attachments"])
for field in ["topics", "projects", "partners", "contacts"]:
    reversion.register(getattr(PressRelease, field).through)
reversion.register(Topic, exclude=["subscriptions"])
reversion.register(ProjectPartner)
reversion.register(ProjectEvent)
reversion.register(ProjectArea, follow=["events"])
reversion.register(Project, exclude=["subscriptions"], follow=["partner_roles", "areas"])
reversion.register(Partner)
reversion.register(ManagementPortrait)
reversion.register(Organisation, follow=["portraits"])


class ReleaseImageInline(admin.StackedInline):
    model = ReleaseImage
    extra = 0
    fields = [("image", "order"), "alt_text", "caption", ("credit", "licence")]


# Stacked, not tabular: a tabular inline's inputs have no label of their own (only column heads).
class ReleaseAttachmentInline(admin.StackedInline):
    model = ReleaseAttachment
    extra = 0
    fields = ["file", "title", "order"]


class LabelledDateTimes:
    """Django's admin splits a date-time field into a date and a time input and writes "Datum:"
    and "Uhrzeit:" beside them as plain text, not as labels: a screen reader announces two
    unnamed inputs (axe-core: "Form elements must have labels"). Each gets the field's name."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, AdminSplitDateTime):
            date, time = field.widget.widgets
            date.attrs["aria-label"] = f"{db_field.verbose_name}: Datum"
            time.attrs["aria-label"] = f"{db_field.verbose_name}: Uhrzeit"
        return field


# Stacked, not tabular (like the attachments): a tabular inline's inputs have no label of their
# own, only column heads; and a stacked inline's link to the page is underlined (css/admin.css).
class EmbargoLinkInline(LabelledDateTimes, admin.StackedInline):
    """Secret links to a release under embargo: add one and save, then copy the link."""

    model = EmbargoLink
    extra = 0
    fields = ["recipient", "expires_at", "revoked", "link", "created_at"]
    readonly_fields = ["link", "created_at"]
    verbose_name_plural = "Sperrfrist-Links (Vorabzugang für Journalistinnen und Journalisten)"

    @admin.display(description="Link zum Kopieren")
    def link(self, obj):
        if not obj.pk:
            return "erscheint nach dem Speichern"
        return format_html(
            '<input type="text" readonly value="{}" size="60" aria-label="Sperrfrist-Link">',
            obj.full_url(),
        )


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


class ReleaseTopicFilter(admin.SimpleListFilter):
    """The topic filter, as a plain join. Django's own filter for a many-to-many field assumes the
    join may repeat a release and makes the list SELECT DISTINCT over every column; one topic
    cannot. The parameter is the one Django's filter used, so bookmarked lists still work."""

    title = "Themen"
    parameter_name = "topics__id__exact"

    def lookups(self, request, model_admin):
        return [(str(topic.pk), topic.name) for topic in Topic.objects.order_by("name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(topics__id=int(self.value()))
        return queryset


class ReleaseChangeList(ChangeList):
    """The list reads only the columns it shows. The text, the lead and the search index are most
    of a row's bytes, and sorting 10,000 whole rows for a late page spills to disk. A new column
    in list_display that needs another field adds it here (else one query per row, which
    tests/test_admin.py counts). Actions still get whole rows (get_queryset is unchanged)."""

    shown_fields = ["title", "status", "publish_at", "release_date"]

    def get_results(self, request):
        self.queryset = self.queryset.only(*self.shown_fields)
        super().get_results(request)


@admin.register(PressRelease)
class PressReleaseAdmin(LabelledDateTimes, VersionAdmin):
    """With edit history (django-reversion): "Geschichte" on a release shows who changed what and
    restores any version, with its images and attachments; "Gelöschte Pressemitteilungen
    wiederherstellen" on the list brings back a deleted one."""

    list_display = ["title", "status_label", "publish_at", "release_date"]
    list_filter = ["status", ReleaseTopicFilter, ReleaseYearFilter]
    # The search box searches like the public archive (get_search_results); search_fields only
    # makes Django show it.
    search_fields = ["title"]
    search_help_text = (
        "Sucht wie die Suche auf der Website ganze Wörter in Titel, Untertitel, Vorspann, Text "
        "und Ort, auch in anderen Wortformen („Unternehmen“ findet „Unternehmens“)."
    )
    # No date_hierarchy: the year filter beside the list reads its years from an index, while
    # Django's date bar reads all the releases a search or filter matches once again.
    filter_horizontal = ["topics", "contacts", "projects", "partners"]
    inlines = [ReleaseImageInline, ReleaseAttachmentInline, EmbargoLinkInline]
    actions = ["publish", "unpublish", "withdraw"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "slug", ("place", "release_date"), "lead", "body"]},
        ),
        ("Veröffentlichung", {"fields": [("status", "publish_at"), "correction_note"]}),
        ("Einordnung", {"fields": ["topics"]}),
        ("Projekte, Partner und Pressekontakt", {"fields": ["projects", "partners", "contacts"]}),
    ]

    def get_changelist(self, request, **kwargs):
        return ReleaseChangeList

    def get_search_results(self, request, queryset, search_term):
        """The site's own search (releases/search.py): the same hits as on the website and, on
        PostgreSQL, the full-text index instead of a substring comparison of every lead of the
        archive (about 45 ms for each of the count and the page at 10,000 releases)."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def get_inlines(self, request, obj):
        # Embargo links belong to a saved release: offered from its change form on.
        return self.inlines if obj else [i for i in self.inlines if i is not EmbargoLinkInline]

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

    def revision_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object(request, unquote(object_id))
        self.check_restore_keeps_publishing_state(request, version_id, current)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        self.check_restore_keeps_publishing_state(request, version_id, current=None)
        return super().recover_view(request, version_id, extra_context)

    def check_restore_keeps_publishing_state(self, request, version_id, current):
        """Restoring a version must not publish, move or unpublish for someone who may not."""
        if self.has_publish_permission(request):
            return
        old = get_object_or_404(Version, pk=version_id).field_dict

        def state(status, publish_at):
            return (status,) if status == PressRelease.Status.DRAFT else (status, publish_at)

        now = state(current.status, current.publish_at) if current else state("draft", None)
        if state(old["status"], old["publish_at"]) != now:
            raise PermissionDenied(
                "Diese Fassung hat einen anderen Veröffentlichungsstand; "
                "wiederherstellen darf sie nur die Chefredaktion."
            )

    def view_on_site(self, obj):
        return reverse("releases:preview", kwargs={"pk": obj.pk})

    def get_changeform_initial_data(self, request):
        # A new release starts with the default contact filled in: the form shows what saving
        # it without a choice would store anyway.
        initial = super().get_changeform_initial_data(request)
        default = PressContact.objects.default()
        if default and "contacts" not in initial:
            initial["contacts"] = [default.pk]
        return initial

    def save_related(self, request, form, formsets, change):
        # No release goes out without a press contact (PressRelease.add_default_contact).
        super().save_related(request, form, formsets, change)
        default = form.instance.add_default_contact()
        if default:
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

    @admin.action(
        description="Ausgewählte öffentlich zurückziehen (Adresse bleibt mit Hinweis erreichbar)",
        permissions=["publish"],
    )
    def withdraw(self, request, queryset):
        withdrawn = 0
        for release in queryset.exclude(status=PressRelease.Status.DRAFT):
            release.status = PressRelease.Status.WITHDRAWN
            release.save()
            withdrawn += 1
        self.message_user(
            request,
            f"{withdrawn} Mitteilung(en) zurückgezogen; ihre Adressen melden das jetzt. "
            "Entwürfe bleiben unverändert.",
            messages.SUCCESS,
        )


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
class ProjectAreaAdmin(VersionAdmin):
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


class ManagementPortraitInline(admin.StackedInline):
    """Portrait photos of the management for the page Pressematerial (/presse/material/)."""

    model = ManagementPortrait
    extra = 0
    fields = [("name", "position"), "photo", ("credit", "licence"), "order"]


@admin.register(Organisation)
class OrganisationAdmin(VersionAdmin):
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


from .mailing import admin as mailing_admin  # noqa: E402, F401  (registers the mailing admin)
