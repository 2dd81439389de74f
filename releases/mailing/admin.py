"""The admin of mailings: choose lists, see the count, preview, test mail, send (Chefredaktion).

A mailing is saved as a draft first; its page then shows how many addresses it reaches (after
removing duplicates and the Sperrliste), the mail as HTML and as text, a button for a test mail
to oneself and the button to send. Once sent, the page shows the progress and each delivery with
the server's answer and the opens of its embargo link.
"""

import smtplib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.html import format_html

from contacts.models import PressContact

from ..models import EmbargoLink, Mailing, MailingDelivery, PressRelease
from .mail import embargo_links, public_links, release_mail

PREVIEW_REASON = "Sie erhalten diese Mitteilung, weil Sie im Presseverteiler stehen."


def mail_for(mailing, to, name=""):
    """The mail as a recipient would get it; under embargo with a link that opens nothing (the
    real ones are made per recipient when sending)."""
    release = (
        PressRelease.objects.filter(pk=mailing.release_id)
        .prefetch_related(
            "images", "attachments", "projects", Prefetch("contacts", PressContact.objects.active())
        )
        .get()
    )
    links = (
        embargo_links(EmbargoLink(pk=0, release=release))
        if release.is_embargoed
        else public_links(release)
    )
    return release_mail(
        release, to=to, name=name, links=links, unsubscribe_url="#", reason=PREVIEW_REASON
    )


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ["release", "status", "created_at", "progress_label"]
    list_filter = ["status"]
    filter_horizontal = ["lists"]
    fields = ["release", "lists", "include_subscribers"]
    change_form_template = "admin/releases/mailing/change_form.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "release":  # public or scheduled, not drafts or withdrawn ones
            kwargs["queryset"] = PressRelease.objects.filter(status=PressRelease.Status.PUBLISHED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == Mailing.Status.DRAFT)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Fortschritt")
    def progress_label(self, obj):
        if obj.status == Mailing.Status.DRAFT:
            return "–"
        counts = obj.progress()
        return (
            f"{counts['sent']} versendet, {counts['pending']} wartend, "
            f"{counts['failed']} fehlgeschlagen"
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            recipients = obj.recipients() if obj.status == Mailing.Status.DRAFT else {}
            context.update(
                mailing=obj,
                recipient_count=len(recipients),
                progress=obj.progress(),
                sent_before=list(obj.sent_before()),
                own_email=request.user.email,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/vorschau/<str:kind>/", view(self.preview), name="releases_mailing_preview"
            ),
            path("<int:pk>/testmail/", view(self.test_mail), name="releases_mailing_test"),
            path("<int:pk>/senden/", view(self.send), name="releases_mailing_send"),
            *super().get_urls(),
        ]

    def get_mailing(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Mailing, pk=pk)

    def preview(self, request, pk, kind):
        message = mail_for(self.get_mailing(request, pk), to="vorschau@example.invalid")
        if kind == "html":
            response = HttpResponse(message.alternatives[0].content)
        else:
            response = HttpResponse(message.body, content_type="text/plain; charset=utf-8")
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response

    def test_mail(self, request, pk):
        mailing = self.get_mailing(request, pk)
        if request.method != "POST" or not self.has_change_permission(request, mailing):
            raise PermissionDenied
        if not request.user.email:
            messages.error(request, "Ihr Benutzerkonto hat keine E-Mail-Adresse für die Testmail.")
            return redirect(mailing)
        message = mail_for(mailing, to=request.user.email)
        message.subject = f"[Test] {message.subject}"
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            messages.error(request, f"Die Testmail konnte nicht versendet werden: {error}")
        else:
            messages.success(request, f"Die Testmail ist an {request.user.email} unterwegs.")
        return redirect(mailing)

    def send(self, request, pk):
        mailing = self.get_mailing(request, pk)
        if request.method != "POST" or not self.has_change_permission(request, mailing):
            raise PermissionDenied
        if mailing.release.status != PressRelease.Status.PUBLISHED:
            messages.error(
                request, "Nur eine veröffentlichte oder geplante Mitteilung kann versendet werden."
            )
            return redirect(mailing)
        if not mailing.recipients():
            messages.error(request, "Dieser Versand erreicht niemanden: Bitte Verteiler wählen.")
            return redirect(mailing)
        if mailing.sent_before().exists() and not request.POST.get("confirm_again"):
            messages.error(
                request,
                "Diese Mitteilung wurde schon versendet. Zum erneuten Versand bitte "
                "„Ja, noch einmal senden“ ankreuzen.",
            )
            return redirect(mailing)
        mailing.start()
        messages.success(
            request,
            f"Der Versand an {mailing.deliveries.count()} Adressen läuft im Hintergrund.",
        )
        return redirect(mailing)


@admin.register(MailingDelivery)
class MailingDeliveryAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "state", "attempts", "sent_at", "last_error", "opens"]
    list_filter = ["state", "mailing"]
    search_fields = ["email", "name"]
    list_select_related = ["embargo_link"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Sperrfrist-Link geöffnet")
    def opens(self, obj):
        link = obj.embargo_link
        if link is None or not link.open_count:
            return "–"
        return format_html(
            "{}-mal, zuerst {}, zuletzt {}",
            link.open_count,
            f"{link.first_opened_at:%d.%m.%Y %H:%M}",
            f"{link.last_opened_at:%d.%m.%Y %H:%M}",
        )
