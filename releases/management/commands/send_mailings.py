"""
Send the mailings to the press list. Run it every minute, beside send_release_alerts:

    * * * * *  cd /srv/presse && .venv/bin/python manage.py send_mailings

Each delivery row is claimed with one conditional UPDATE before its mail goes out, so runs may
overlap without sending a mail twice. At most MAILING_RATE_PER_SECOND mails a second. A refused
address (4xx: later again, with growing pauses; 5xx: after MAILING_MAX_REFUSALS answers it is
undeliverable) does not hold up the others. If the mail server cannot be reached, the mail is
given back and the run stops with exit status 1; the next run goes on where it stopped. A release
that is withdrawn (or set back to draft) while its mailing runs is not sent any further.
"""

import logging
import smtplib
import time

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from contacts.models import PressContact
from releases.mailing.mail import embargo_links, public_links, release_mail
from releases.models import Mailing, PressRelease

logger = logging.getLogger(__name__)

REASON = (
    "Sie erhalten diese Mitteilung, weil Sie im Presseverteiler der Allianz für die Region stehen."
)


def delivery_message(delivery, release, connection):
    links = (
        embargo_links(delivery.embargo_link_for_mail())
        if release.is_embargoed
        else public_links(release)
    )
    return release_mail(
        release,
        to=delivery.email,
        name=delivery.name,
        links=links,
        unsubscribe_url=delivery.unsubscribe_url(),
        reason=REASON,
        connection=connection,
    )


def refusal(error):
    """(code, text) of the server's answer for this one mail, or None if the server is gone."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return next(iter(error.recipients.values()))
    if isinstance(error, smtplib.SMTPDataError | smtplib.SMTPResponseException) and not isinstance(
        error, smtplib.SMTPSenderRefused
    ):
        return error.smtp_code, error.smtp_error
    return None


class Command(BaseCommand):
    help = "Versendet Pressemitteilungen an den Presseverteiler (je Adresse genau einmal)."

    def handle(self, *args, **options):
        if not settings.SITE_URL:
            raise CommandError("DJANGO_SITE_URL fehlt: Ohne sie haben die Links keine Adresse.")
        connection = mail.get_connection()  # one SMTP session for the whole run
        self.pause = 1 / settings.MAILING_RATE_PER_SECOND
        sent = 0
        try:
            for mailing in Mailing.objects.filter(status=Mailing.Status.SENDING).order_by("pk"):
                sent += self.send_mailing(mailing, connection)
        finally:
            connection.close()
        if sent:
            self.stdout.write(f"{sent} Mail(s) versendet.")

    def release_of(self, mailing):
        return (
            PressRelease.objects.filter(pk=mailing.release_id)
            .prefetch_related(
                "images",
                "attachments",
                "projects",
                Prefetch("contacts", PressContact.objects.active()),
            )
            .get()
        )

    def send_mailing(self, mailing, connection):
        release = self.release_of(mailing)
        sent = 0
        for delivery in mailing.deliveries.due().order_by("next_attempt_at", "pk"):
            status = PressRelease.objects.filter(pk=release.pk).values_list("status", flat=True)
            if status.first() != PressRelease.Status.PUBLISHED:
                mailing.stop("Die Mitteilung wurde zurückgezogen; die übrigen Mails entfallen.")
                return sent
            if not delivery.claim():
                continue  # sent meanwhile, or another run is at it
            delivery.mailing = mailing
            mailing.release = release
            started = time.monotonic()
            try:
                connection.open()  # connects on the first mail only
                delivery_message(delivery, release, connection).send()
            except (smtplib.SMTPException, OSError) as error:
                answer = refusal(error)
                if answer is None:  # the server is gone: stop, the next run goes on
                    delivery.give_back(error)
                    raise CommandError(
                        f"Mailserver nicht erreichbar ({error}); {sent} Mail(s) versendet, die "
                        "übrigen folgen beim nächsten Lauf."
                    ) from error
                code, text = answer
                text = text.decode(errors="replace") if isinstance(text, bytes) else text
                delivery.retry_later(f"{code} {text}", permanent=code >= 500)
                logger.warning("Mail an %s abgelehnt: %s %s", delivery.email, code, text)
            else:
                delivery.mark_sent()
                sent += 1
            time.sleep(max(0.0, self.pause - (time.monotonic() - started)))
        mailing.finish_if_done()
        return sent
