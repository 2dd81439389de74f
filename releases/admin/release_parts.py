from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.db.models.functions import ExtractYear
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import format_html
from django.utils.translation import gettext

from .. import versions
from ..cache import remembered
from ..models import (
    EmbargoLink,
    PressRelease,
    ReleaseAttachment,
    ReleaseImage,
    ReviewLink,
    Topic,
)


class OneEmptyFormSet(BaseInlineFormSet):
    """An inline's empty form (the pattern "… hinzufügen" copies) built once per page. Django
    builds it anew each time it is asked for: five times per inline and page (the template, the
    page's media, the file upload check …), about a tenth of the change form's time with four
    inlines."""

    @cached_property
    def empty_form(self):
        return super().empty_form


class ReleaseImageInline(admin.StackedInline):
    model = ReleaseImage
    formset = OneEmptyFormSet
    extra = 0
    fields = [("image", "order"), "alt_text", "caption", ("credit", "licence")]


# Stacked, not tabular: a tabular inline's inputs have no label of their own (only column heads).
class ReleaseAttachmentInline(admin.StackedInline):
    model = ReleaseAttachment
    formset = OneEmptyFormSet
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
    formset = OneEmptyFormSet
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
    formset = OneEmptyFormSet
    extra = 0
    fields = [("name", "organisation"), "email", "expires_at", "revoked", "link", "state"]
    readonly_fields = ["link", "state"]
    verbose_name_plural = "Review-Links (Freigabe durch Mitherausgeber)"

    def get_queryset(self, request):
        # The versions the decisions name, with what was saved along (images, attachments):
        # versions.content() reads them.
        return (
            super()
            .get_queryset(request)
            .prefetch_related("decisions__version__revision__version_set")
        )

    def get_formset(self, request, obj=None, **kwargs):
        # Django makes the inlines anew for each page, so this is the page's release.
        self.release = obj
        return super().get_formset(request, obj, **kwargs)

    @cached_property
    def current_content(self):
        """What the release shows now, read once for all its links (versions.live_content)."""
        return versions.live_content(self.release)

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
        # Only an approval is compared with the release as it is now: read it only then.
        return review_state(obj, SimpleLazyObject(lambda: self.current_content))


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
        # Kept like the archive's counts (any save renews them): reading the years of 10,000
        # releases is 2 ms of every visit to the list.
        return remembered("admin:release-years", self.years)

    @staticmethod
    def years():
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


class PlainActionCheckbox:
    """The list's checkbox for the actions, written as HTML. Django renders it through the
    template of a checkbox widget, once per row: at 100 rows that was about 40 % of the list's
    time (bench/run inprocess --profile "admin: release list"). The HTML is the same, word for
    word (Django's own German label included); tests/test_admin.py compares it."""

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


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
