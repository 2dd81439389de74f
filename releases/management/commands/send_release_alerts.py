"""
Mail each newly public release to its subscribers, exactly once. Run it every minute
(docs/deploy.md, "Cron"):

    * * * * *  cd /srv/presse && .venv/bin/python manage.py send_release_alerts

1. For each release that became public within PressRelease.ALERT_WINDOW, one AlertDelivery row
   per matching subscriber is noted (the unique pair makes this safe to repeat and to overlap).
2. Each pending delivery is claimed with a single conditional UPDATE before its mail is sent, so
   a second run at the same time skips it; after sending it is marked sent.
3. If the mail server fails, the delivery is given back and the run stops: the next run retries.
"""

import logging

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse

from releases.mailing.mail import public_links, release_mail, send_claimed
from releases.models import AlertDelivery, MailingDelivery, PressRelease

logger = logging.getLogger(__name__)


def alert_message(delivery, connection):
    """The same mail as to the press list (full text, HTML and plain text), with the reason and
    the unsubscribe link of the subscription."""
    release, subscription = delivery.release, delivery.subscription
    unsubscribe_url = settings.SITE_URL + reverse(
        "releases:unsubscribe", args=[subscription.unsubscribe_token]
    )
    context = {
        "topics": [topic.name for topic in subscription.topics.all()],
        "projects": [project.name for project in subscription.projects.all()],
    }
    reason = " ".join(render_to_string("releases/mail/alert_reason.txt", context).split())
    return release_mail(
        release,
        to=subscription.email,
        links=public_links(release),
        unsubscribe_url=unsubscribe_url,
        reason=reason,
        connection=connection,
    )


class Command(BaseCommand):
    help = "Versendet neu veröffentlichte Pressemitteilungen an die Abonnenten (genau einmal)."

    def handle(self, *args, **options):
        if not settings.SITE_URL:
            raise CommandError("DJANGO_SITE_URL fehlt: Ohne sie haben die Links keine Adresse.")
        connection = mail.get_connection()  # one SMTP session for the whole run
        try:
            sent = self.send_alerts(connection)
        finally:
            connection.close()
        if sent:
            self.stdout.write(f"{sent} Benachrichtigung(en) versendet.")

    def send_alerts(self, connection):
        sent = 0
        for release in PressRelease.objects.due_for_alerts():
            self.note_deliveries(release)
            pending = (
                release.alert_deliveries.filter(sent_at__isnull=True)
                .select_related("release", "subscription")
                .prefetch_related("subscription__topics", "subscription__projects")
                .order_by("attempts", "pk")
            )
            for delivery in pending:
                if not delivery.claim():
                    continue  # sent meanwhile, or another run is at it
                message = alert_message(delivery, connection)
                sent += send_claimed(delivery, message, connection, sent, "Benachrichtigung(en)")
        return sent

    def note_deliveries(self, release):
        """One delivery row per matching subscriber; repeating this adds nothing twice."""
        new = (
            release.alert_recipients()
            .filter(daily_digest=False)  # they get it in their digest (send_release_digests)
            .exclude(alert_deliveries__release=release)
            # who got it from a mailing to the press list does not get it twice
            .exclude(
                email__in=MailingDelivery.objects.filter(mailing__release=release).values("email")
            )
        )
        AlertDelivery.objects.bulk_create(
            [AlertDelivery(release=release, subscription=subscription) for subscription in new],
            ignore_conflicts=True,
        )
