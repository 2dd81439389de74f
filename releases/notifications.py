"""Mails of the approval workflow (plain text, German, with the admin's link): to Chefredaktion
when a release is submitted, to its author when it is sent back or published. The addresses are
those of the staff accounts; nobody is told of their own step. Sent once the transaction has
committed, so a save that fails mails nothing; a mail server that fails loses no save (logged)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import ReleaseStatus
from .roles import CHEFREDAKTION

logger = logging.getLogger(__name__)


def chief_editors():
    """Active members of Chefredaktion with an e-mail address."""
    return (
        get_user_model()
        .objects.filter(groups__name=CHEFREDAKTION, is_active=True, is_staff=True)
        .exclude(email="")
    )


def recipients(event):
    """The addresses `event` is mailed to."""
    if event.to_status == ReleaseStatus.SUBMITTED:
        users = list(chief_editors().distinct())
    elif event.to_status in (ReleaseStatus.CHANGES_REQUESTED, ReleaseStatus.PUBLISHED):
        author = event.release.created_by
        users = [author] if author and author.is_active and author.email else []
    else:
        users = []
    return sorted({user.email for user in users if user != event.user})


def subject(event):
    title = event.release.title
    if event.to_status == ReleaseStatus.SUBMITTED:
        return f"Zur Freigabe: {title}"
    if event.to_status == ReleaseStatus.CHANGES_REQUESTED:
        return f"Änderungen erbeten: {title}"
    return f"{event.description}: {title}"


def message(event):
    admin_url = reverse("admin:releases_pressrelease_change", args=[event.release.pk])
    context = {
        "event": event,
        "release": event.release,
        "who": (event.user.get_full_name() or event.user.get_username()) if event.user else "",
        "admin_url": f"{settings.SITE_URL}{admin_url}",
    }
    return render_to_string("mail/workflow.txt", context)


def transition_made(event):
    """Mails whom `event` concerns, after the commit."""
    to = recipients(event)
    if not to:
        return
    mail = (subject(event), message(event), settings.DEFAULT_FROM_EMAIL, to)

    def send():
        try:
            send_mail(*mail)
        except Exception:  # the mail server: logged, the release is saved
            logger.exception("Workflow mail about release %s not sent", event.release.pk)

    transaction.on_commit(send, using=event._state.db)
