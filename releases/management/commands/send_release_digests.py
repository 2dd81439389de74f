"""
Send the daily digest to the subscribers who chose it, at most once a day each. Run it once a
day (docs/deploy.md, "Cron"), e.g. in the afternoon:

    0 17 * * *  cd /srv/presse && .venv/bin/python manage.py send_release_digests

1. For every digest subscriber with releases waiting (public since their last digest, see
   DigestDelivery.releases_for) and no digest still unsent, one DigestDelivery row for today is
   noted (unique per subscriber and day: safe to repeat and to overlap).
2. Each unsent digest is claimed with one conditional UPDATE before its mail goes out; the run
   that holds it fixes its releases, sends, and marks it sent. A second run skips it.
3. If the mail server fails, the digest is given back and the run stops: the next run retries
   (with whatever has become public meanwhile). send_release_alerts leaves these subscribers out.
"""

import logging

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from contacts.models import PressContact, Subscription
from releases.mailing.mail import digest_mail, send_claimed
from releases.models import DigestDelivery

logger = logging.getLogger(__name__)


def digest_message(delivery, releases, connection):
    subscription = delivery.subscription
    context = {
        "topics": [topic.name for topic in subscription.topics.all()],
        "projects": [project.name for project in subscription.projects.all()],
        "digest": True,
    }
    return digest_mail(
        releases,
        day=delivery.day,
        to=subscription.email,
        unsubscribe_url=settings.SITE_URL
        + reverse("releases:unsubscribe", args=[subscription.unsubscribe_token]),
        reason=" ".join(render_to_string("releases/mail/alert_reason.txt", context).split()),
        connection=connection,
    )


class Command(BaseCommand):
    help = "Versendet die Tageszusammenfassung an die Abonnenten, die sie gewählt haben."

    def handle(self, *args, **options):
        if not settings.SITE_URL:
            raise CommandError("DJANGO_SITE_URL fehlt: Ohne sie haben die Links keine Adresse.")
        self.note_digests()
        connection = mail.get_connection()  # one SMTP session for the whole run
        try:
            sent = self.send_digests(connection)
        finally:
            connection.close()
        if sent:
            self.stdout.write(f"{sent} Tageszusammenfassung(en) versendet.")

    def note_digests(self):
        """Today's row for each digest subscriber with something new; one with a digest still
        unsent gets the new releases in that one."""
        today = timezone.localdate()
        subscribers = (
            Subscription.objects.reachable()
            .filter(daily_digest=True)
            .exclude(
                pk__in=DigestDelivery.objects.filter(sent_at__isnull=True).values("subscription")
            )
        )
        DigestDelivery.objects.bulk_create(
            [
                DigestDelivery(subscription=subscription, day=today)
                for subscription in subscribers
                if DigestDelivery.releases_for(subscription).exists()
            ],
            ignore_conflicts=True,
        )

    def send_digests(self, connection):
        sent = 0
        pending = (
            DigestDelivery.objects.filter(sent_at__isnull=True)
            .select_related("subscription")
            .prefetch_related("subscription__topics", "subscription__projects")
            .order_by("day", "pk")
        )
        for delivery in pending:
            if not delivery.claim():
                continue  # sent meanwhile, or another run is at it
            releases = list(
                DigestDelivery.releases_for(
                    delivery.subscription, digest=delivery
                ).prefetch_related(
                    "images",
                    "attachments",
                    "projects",
                    Prefetch("contacts", PressContact.objects.active()),
                )
            )
            if not releases:  # withdrawn meanwhile: no digest today (unless something new comes)
                delivery.delete()
                continue
            delivery.releases.set(releases)  # taken: no other digest of this reader holds them
            message = digest_message(delivery, releases, connection)
            sent += send_claimed(delivery, message, connection, sent, "Tageszusammenfassung(en)")
        return sent
