from functools import partial

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.models import Version

from allianz_site.history import OwnRevisionsAdmin, as_stored, stored_object
from contacts.models import PressContact

from .. import dashboard, versions
from ..copying import copy_release
from ..models import (
    PressRelease,
)
from ..models.release import UNPUBLISHED_STATES
from .release_parts import (
    EmbargoLinkInline,
    LabelledDateTimes,
    PlainActionCheckbox,
    PressReleaseForm,
    ReleaseAttachmentInline,
    ReleaseChangeList,
    ReleaseImageInline,
    ReleaseTopicFilter,
    ReleaseYearFilter,
    ReviewLinkInline,
    TransitionForm,
    review_state,
)


@admin.register(PressRelease)
class PressReleaseAdmin(PlainActionCheckbox, LabelledDateTimes, OwnRevisionsAdmin):
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
        # modelform_factory makes a new class on each call, so the user is this request's alone.
        # (A subclass made here would build every field of the form a second time.)
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in self.filter_horizontal:
            # The topics and projects to choose from as (key, name) pairs, by one plain query when
            # the widget is shown. Django's own choices read whole rows (a project's long texts)
            # into model instances, on PostgreSQL through a server-side cursor.
            field.choices = partial(field.queryset.values_list, "pk", "name")
        return field

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
        if obj is not None:
            # Here rather than in change_view: the release is read once for the page.
            context["workflow_steps"] = self.workflow_steps(request, obj)
            context["release_events"] = list(obj.events.select_related("user")[:10])
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
