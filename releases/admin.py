import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django_ckeditor_5.widgets import CKEditor5Widget
from reversion.models import Version

from allianz_site.history import HistoryAdmin, OwnRevisionsAdmin, as_stored, stored_object
from allianz_site.labelled_admin import LabelledListEditable, LabelledTabularInline
from contacts.models import PressContact

from . import dashboard, versions
from .copying import copy_release
from .models import (
    AlertDelivery,
    DigestDelivery,
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
    ReviewLink,
    Topic,
)
from .models.release import UNPUBLISHED_STATES
from .sanitize import sanitize_html

# Edit history (django-reversion): what one version of each object holds. A release's version
# holds its images and attachments but not its embargo links: restoring an old version must not
# bring back a link that was revoked since. Topics and projects leave out the journalists'
# subscriptions: an old version must not change whose alerts they are in. The admins below are
# OwnRevisionsAdmins (restoring one object changes no other); those of topics, projects and
# partners (and contacts) are HistoryAdmins, whose deletions keep the links from releases to them
# (the many-to-many tables registered here).
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


class ReviewLinkInline(LabelledDateTimes, admin.StackedInline):
    """Review links for co-issuers: add one and save, then copy the link and send it. Each shows
    the reviewer's last decision; an approval of an older version links to what changed since."""

    model = ReviewLink
    extra = 0
    fields = [("name", "organisation"), "email", "expires_at", "revoked", "link", "state"]
    readonly_fields = ["link", "state"]
    verbose_name_plural = "Review-Links (Freigabe durch Mitherausgeber)"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("decisions__version")

    @admin.display(description="Link zum Kopieren")
    def link(self, obj):
        if not obj.pk:
            return "erscheint nach dem Speichern"
        return format_html(
            '<input type="text" readonly value="{}" size="60" aria-label="Review-Link für {}">',
            obj.full_url(),
            obj.name,
        )

    @admin.display(description="Stand")
    def state(self, obj):
        if not obj.pk:
            return "–"
        return review_state(obj)


def review_state(link, current=None):
    """A review link's state as the admin shows it: offen, freigegeben, Änderung erbeten (with the
    comment) or veraltet (with a link to what changed since the approval); closed links say so."""
    state = link.state(current)
    decision = link.latest_decision()
    text = state.label
    if decision is not None:
        moment = date_format(timezone.localtime(decision.decided_at), "d.m.Y, H:i")
        text = f"{text} am {moment} Uhr"
        if decision.comment:
            text = f"{text}: „{decision.comment}“"
    if not link.is_valid:
        text = f"{text} (Link {'widerrufen' if link.revoked else 'abgelaufen'})"
    if state == ReviewLink.State.OUTDATED and decision.version is not None:
        url = reverse("admin:releases_pressrelease_compare", args=[link.release_id])
        return format_html(
            '{} – für eine ältere Fassung. <a href="{}?von={}">Was hat sich seitdem geändert?</a>',
            text,
            url,
            decision.version.pk,
        )
    return text


class TransitionForm(forms.Form):
    """The comment on a step of the workflow (PressReleaseAdmin.transition_view)."""

    comment = forms.CharField(
        label="Kommentar",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
    )

    def __init__(self, *args, comment_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        field.required = comment_required
        field.error_messages["required"] = "Bitte schreiben Sie dazu, was geändert werden soll."
        field.help_text = (
            "Pflicht: Was soll geändert werden? Die Autorin oder der Autor erhält ihn per E-Mail."
            if comment_required
            else "Freiwillig, z. B. was die Chefredaktion besonders prüfen soll."
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

    shown_fields = ["title", "status", "publish_at", "withdrawn_at", "release_date"]

    def get_results(self, request):
        self.queryset = self.queryset.only(*self.shown_fields)
        super().get_results(request)


class PressReleaseForm(forms.ModelForm):
    """The release form. "Status" and "Veröffentlichen ab" are not copied onto the release like
    the other fields: they name the state wanted, and the model's transition takes the release
    there (PressRelease.move_to), if the user may (`user`, set by PressReleaseAdmin.get_form).
    So publishing again means now unless the form chose a new moment, and a draft cannot be
    withdrawn. The comment goes into the history of state changes (ReleaseEvent)."""

    user = None

    transition_comment = forms.CharField(
        label="Kommentar zum Statuswechsel",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Steht in der Geschichte der Mitteilung und in der Nachricht an die Autorin "
        "oder den Autor. Pflicht, wenn Sie Änderungen erbitten.",
    )

    def clean(self):
        cleaned = super().clean()
        if self.has_error("status") or self.has_error("publish_at"):
            return cleaned
        release = self.instance
        status = cleaned.pop("status", release.status)  # read-only for the Redaktion
        moment = cleaned.pop("publish_at", None)
        # An untouched field chooses no moment; an emptied one means "sofort" (its help text).
        at = (moment or timezone.now()) if "publish_at" in self.changed_data else None
        try:
            release.move_to(
                status, at=at, by=self.user, comment=cleaned.get("transition_comment", "")
            )
        except ValidationError as error:
            on_fields = all(name in self.fields for name in getattr(error, "error_dict", {}))
            self.add_error(None, error if on_fields else error.messages)
        return cleaned


@admin.register(PressRelease)
class PressReleaseAdmin(LabelledDateTimes, OwnRevisionsAdmin):
    """With edit history (django-reversion): "Geschichte" on a release shows who changed what and
    restores any version, with its images and attachments; "Gelöschte Pressemitteilungen
    wiederherstellen" on the list brings back a deleted one."""

    form = PressReleaseForm
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
    filter_horizontal = ["topics", "projects"]
    # With 100+ partners and many contacts, a search field that asks the server (Django's
    # autocomplete, searching PartnerAdmin's and PressContactAdmin's search_fields) stays quick.
    autocomplete_fields = ["partners", "contacts"]
    inlines = [ReleaseImageInline, ReleaseAttachmentInline, ReviewLinkInline, EmbargoLinkInline]
    object_history_template = "admin/releases/pressrelease/object_history.html"
    actions = ["publish", "unpublish", "withdraw"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "slug", ("place", "release_date"), "lead", "body"]},
        ),
        (
            "Veröffentlichung",
            {"fields": [("status", "publish_at"), "transition_comment", "correction_note"]},
        ),
        ("Einordnung", {"fields": ["topics"]}),
        ("Projekte, Partner und Pressekontakt", {"fields": ["projects", "partners", "contacts"]}),
    ]

    def get_changelist(self, request, **kwargs):
        return ReleaseChangeList

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_publish_permission(request):
            return fieldsets
        # The status is read-only for the Redaktion: a comment on changing it has no place. It
        # submits with „Zur Freigabe einreichen“ (transition_view), with a comment there.
        return [
            (
                name,
                {**options, "fields": [f for f in options["fields"] if f != "transition_comment"]},
            )
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user  # the author: „Meine Entwürfe“, the workflow's mails
        super().save_model(request, obj, form, change)

    def get_search_results(self, request, queryset, search_term):
        """The site's own search (releases/search.py): the same hits as on the website and, on
        PostgreSQL, the full-text index instead of a substring comparison of every lead of the
        archive (about 45 ms for each of the count and the page at 10,000 releases)."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def get_inlines(self, request, obj):
        # Embargo and review links belong to a saved release: offered from its change form on.
        links = {EmbargoLinkInline, ReviewLinkInline}
        return self.inlines if obj else [i for i in self.inlines if i not in links]

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="releases_pressrelease_compare",
        )
        copy = path(
            "<path:object_id>/kopieren/",
            self.admin_site.admin_view(self.copy_view),
            name="releases_pressrelease_copy",
        )
        transition = path(
            "<path:object_id>/status/<slug:step>/",
            self.admin_site.admin_view(self.transition_view),
            name="releases_pressrelease_transition",
        )
        return [compare, copy, transition, *super().get_urls()]

    # The steps of the approval workflow that have a page of their own, with a comment: the
    # address's name → (status, button, comment required).
    STEPS = {
        "einreichen": (PressRelease.Status.SUBMITTED, "Zur Freigabe einreichen", False),
        "aenderungen-erbitten": (
            PressRelease.Status.CHANGES_REQUESTED,
            "Änderungen erbitten",
            True,
        ),
    }

    def transition_view(self, request, object_id, step):
        """„Zur Freigabe einreichen“ (Redaktion) and „Änderungen erbitten“ (Chefredaktion): the
        step with a comment, through the model's transition (PressRelease.move_to), which also
        says who may take it."""
        release = self.get_object(request, unquote(object_id))
        if release is None or step not in self.STEPS:
            raise Http404("Diese Pressemitteilung gibt es nicht.")
        if not self.has_change_permission(request, release):
            raise PermissionDenied
        status, label, comment_required = self.STEPS[step]
        form = TransitionForm(request.POST or None, comment_required=comment_required)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic(), reversion.create_revision():
                    reversion.set_user(request.user)
                    reversion.set_comment(f"{label}.")
                    release.move_to(status, by=request.user, comment=form.cleaned_data["comment"])
                    release.save()
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, f"{label}: erledigt.", messages.SUCCESS)
            return redirect("admin:releases_pressrelease_change", release.pk)
        if not release.may_move_to(request.user, status):
            who = (
                "die Redaktion" if status == PressRelease.Status.SUBMITTED else "die Chefredaktion"
            )
            raise PermissionDenied(f"Diesen Schritt geht nur {who}.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": release,
            "title": f"{label}: {release}",
            "label": label,
            "form": form,
        }
        return TemplateResponse(request, "admin/releases/pressrelease/transition.html", context)

    def workflow_steps(self, request, release):
        """The workflow's buttons on a release's change form: (address, label) of each step the
        user may take now."""
        steps = []
        for step, (status, label, _required) in self.STEPS.items():
            allowed_from = {
                PressRelease.Status.SUBMITTED: {
                    PressRelease.Status.DRAFT,
                    PressRelease.Status.CHANGES_REQUESTED,
                },
                PressRelease.Status.CHANGES_REQUESTED: {PressRelease.Status.SUBMITTED},
            }[status]
            if release.status in allowed_from and release.may_move_to(request.user, status):
                url = reverse("admin:releases_pressrelease_transition", args=[release.pk, step])
                steps.append((url, label))
        return steps

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Publishing or scheduling a release whose co-issuers have not all approved its current
        version first shows whose approval is missing (confirm_publishing); the form's data
        comes back with the confirmation."""
        if (
            request.method == "POST"
            and object_id
            and request.POST.get("status") == PressRelease.Status.PUBLISHED
            and not request.POST.get(self.CONFIRMED)
            and self.has_publish_permission(request)
        ):
            release = self.get_object(request, unquote(object_id))
            if release is not None and release.status != PressRelease.Status.PUBLISHED:
                missing = [(release, dashboard.missing_approvals(release))]
                if missing[0][1]:
                    fields = [
                        (name, value)
                        for name, values in request.POST.lists()
                        if name != "csrfmiddlewaretoken"
                        for value in values
                    ]
                    back = reverse("admin:releases_pressrelease_change", args=[release.pk])
                    return self.confirm_publishing(
                        request, missing, fields, back, files_lost=bool(request.FILES)
                    )
        return super().changeform_view(request, object_id, form_url, extra_context)

    # The name of the confirmation's field (confirm_publishing).
    CONFIRMED = "_freigaben_bestaetigt"

    def confirm_publishing(self, request, missing, fields, back, files_lost=False):
        """The page that names the co-issuers whose approval is missing or outdated, per release
        ((release, [(link, state)…]) pairs), and sends `fields` again once confirmed."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Veröffentlichen ohne alle Freigaben?",
            "missing": [
                (release, [(link, review_state(link)) for link, _state in links])
                for release, links in missing
            ],
            "fields": fields,
            "confirmed": self.CONFIRMED,
            "back": back,
            "files_lost": files_lost,
        }
        return TemplateResponse(
            request, "admin/releases/pressrelease/confirm_publish.html", context
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = self.get_object(request, unquote(object_id))
        extra = {}
        if release is not None:
            extra = {
                "workflow_steps": self.workflow_steps(request, release),
                "release_events": list(release.events.select_related("user")[:10]),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def copy_view(self, request, object_id):
        """„Als Kopie anlegen“: asks whether to take the images along, then makes the draft
        (releases/copying.py) and opens it."""
        original = self.get_object(request, unquote(object_id))
        if original is None:
            raise Http404("Diese Pressemitteilung gibt es nicht.")
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(f"Als Kopie von „{original}“ angelegt.")
                copy = copy_release(
                    original, with_images=bool(request.POST.get("bilder")), by=request.user
                )
                reversion.add_to_revision(copy)
            self.message_user(
                request,
                "Die Kopie ist angelegt, als Entwurf mit dem Datum von heute.",
                messages.SUCCESS,
            )
            return redirect("admin:releases_pressrelease_change", copy.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": original,
            "title": f"Als Kopie anlegen: {original}",
            "image_count": original.images.count(),
        }
        return TemplateResponse(request, "admin/releases/pressrelease/copy.html", context)

    def history_view(self, request, object_id, extra_context=None):
        """Django-reversion's history, with a choice of two versions to compare."""
        release = self.get_object(request, unquote(object_id))
        extra = {
            "versions": list(versions.versions_of(release)) if release else [],
            "release_events": list(release.events.select_related("user")) if release else [],
        }
        return super().history_view(request, object_id, {**extra, **(extra_context or {})})

    def compare_view(self, request, object_id):
        """Two versions side by side (?von=<id>&zu=<id>; without `zu`: the release as it is now):
        texts word by word, links, images and downloads added or removed."""
        release = self.get_object(request, unquote(object_id))
        if release is None or not self.has_view_or_change_permission(request, release):
            raise Http404("Diese Pressemitteilung gibt es nicht.")
        stored = versions.versions_of(release)

        def chosen(name):
            value = request.GET.get(name, "")
            if not value.isdigit():
                return None
            try:
                return stored.get(pk=int(value))
            except Version.DoesNotExist:
                return None

        old, new = chosen("von"), chosen("zu")
        if old is None or (request.GET.get("zu") and new is None):
            raise Http404("Diese Fassung gibt es nicht (mehr).")
        if new is not None and new.revision.date_created < old.revision.date_created:
            old, new = new, old
        new_content = versions.content(new) if new else versions.live_content(release)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": release,
            "title": f"Fassungen vergleichen: {release}",
            "old": old,
            "new": new,
            "changes": versions.changes(versions.content(old), new_content),
        }
        return TemplateResponse(request, "admin/releases/pressrelease/compare.html", context)

    def get_readonly_fields(self, request, obj=None):
        # Once saved, the slug is part of a permanent address.
        readonly = ["slug"] if obj else []
        if not self.has_publish_permission(request):
            # Redaktion writes drafts and may suggest a time; publishing is Chefredaktion's.
            readonly.append("status")
            if obj and obj.status not in UNPUBLISHED_STATES:
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
        """Restoring a version must not publish, move, unpublish or withdraw for someone who may
        not. Restoring changes the version's release alone (OwnRevisionsAdmin); its publishing
        state is compared as the version stores it (to the millisecond)."""
        if self.has_publish_permission(request):
            return
        version = self.get_version(version_id)
        now = as_stored(current or PressRelease(), version).publishing_state()
        if stored_object(version).publishing_state() != now:
            raise PermissionDenied(
                "Diese Fassung hat einen anderen Veröffentlichungsstand; "
                "wiederherstellen darf sie nur die Chefredaktion."
            )

    def view_on_site(self, obj):
        return reverse("releases:preview", kwargs={"pk": obj.pk})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # "An die Presse versenden": for who may send (Chefredaktion), from a release that is
        # public or scheduled; it opens a new mailing with this release chosen.
        if (
            obj is not None
            and obj.status == PressRelease.Status.PUBLISHED
            and request.user.has_perm("releases.add_mailing")
        ):
            context["mailing_url"] = reverse("admin:releases_mailing_add") + f"?release={obj.pk}"
        return super().render_change_form(request, context, add, change, form_url, obj)

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
        return obj.state_label

    @admin.action(
        description="Ausgewählte veröffentlichen (eine Sperrfrist bleibt bestehen)",
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        releases = list(queryset)
        if not request.POST.get(self.CONFIRMED):
            missing = [
                (release, dashboard.missing_approvals(release))
                for release in releases
                if release.status != PressRelease.Status.PUBLISHED
            ]
            missing = [(release, links) for release, links in missing if links]
            if missing:
                fields = [("action", "publish"), ("index", request.POST.get("index", "0"))]
                fields += [(admin.helpers.ACTION_CHECKBOX_NAME, r.pk) for r in releases]
                back = reverse("admin:releases_pressrelease_changelist")
                return self.confirm_publishing(request, missing, fields, back)
        self.save_each(
            request, releases, lambda release: release.publish(by=request.user), "Veröffentlicht."
        )
        self.message_user(
            request, f"{len(releases)} Mitteilung(en) veröffentlicht.", messages.SUCCESS
        )

    @admin.action(description="Ausgewählte zurückziehen (wieder Entwurf)", permissions=["publish"])
    def unpublish(self, request, queryset):
        releases = list(queryset)
        self.save_each(
            request, releases, lambda release: release.unpublish(by=request.user), "Wieder Entwurf."
        )
        self.message_user(
            request, f"{len(releases)} Mitteilung(en) zurückgezogen.", messages.SUCCESS
        )

    @admin.action(
        description="Ausgewählte öffentlich zurückziehen (eine schon öffentliche Adresse meldet "
        "das dann)",
        permissions=["publish"],
    )
    def withdraw(self, request, queryset):
        releases = list(queryset.filter(status=PressRelease.Status.PUBLISHED))
        embargoed = sum(release.is_embargoed for release in releases)
        self.save_each(
            request, releases, lambda release: release.withdraw(by=request.user), "Zurückgezogen."
        )
        public = len(releases) - embargoed
        message = f"{len(releases)} Mitteilung(en) zurückgezogen."
        if public:
            message += (
                f" Öffentlich waren davon {public}: Ihre Adresse meldet jetzt, dass sie "
                "zurückgezogen wurde."
            )
        if embargoed:
            message += (
                f" Unter Sperrfrist standen davon {embargoed}: Sie erscheinen nie, ihre Adresse "
                "bleibt „Seite nicht gefunden“."
            )
        message += " Entwürfe und bereits zurückgezogene bleiben unverändert."
        self.message_user(request, message, messages.SUCCESS)


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


from .mailing import admin as mailing_admin  # noqa: E402, F401  (registers the mailing admin)
