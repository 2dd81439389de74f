import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from contacts.models import Subscription

from .release import PressRelease


class AlertDelivery(models.Model):
    """One alert mail: this release to this subscriber. The unique pair makes "exactly once"
    a database rule, and a delivery is claimed (`claim`) before its mail goes out, so two runs of
    send_release_alerts that overlap never send the same mail twice."""

    CLAIM_FOR = datetime.timedelta(minutes=10)

    release = models.ForeignKey(
        PressRelease,
        on_delete=models.CASCADE,
        related_name="alert_deliveries",
        verbose_name="Mitteilung",
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,  # unsubscribing deletes everything about the address
        related_name="alert_deliveries",
        verbose_name="Abonnement",
    )
    created_at = models.DateTimeField("Vorgemerkt am", auto_now_add=True)
    claimed_until = models.DateTimeField(
        "In Arbeit bis",
        null=True,
        blank=True,
        help_text="Ein Lauf versendet gerade; bleibt er hängen, übernimmt danach der nächste.",
    )
    sent_at = models.DateTimeField("Versendet am", null=True, blank=True)
    attempts = models.PositiveIntegerField("Versuche", default=0)
    last_error = models.CharField("Letzter Fehler", max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "Benachrichtigung"
        verbose_name_plural = "Benachrichtigungen"
        constraints = [
            models.UniqueConstraint(
                fields=["release", "subscription"], name="alert_delivery_once_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["sent_at", "release"], name="alert_delivery_pending_idx")]

    def __str__(self):
        return f"{self.release} an {self.subscription}"

    def claim(self):
        """Take this delivery for the current run; False if it is sent or another run has it.

        One UPDATE on this row alone: atomic on SQLite and PostgreSQL alike (on PostgreSQL a
        second run waits for the first's row lock and then finds the row claimed)."""
        now = timezone.now()
        claimed = (
            AlertDelivery.objects.filter(pk=self.pk, sent_at__isnull=True)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=now + self.CLAIM_FOR, attempts=models.F("attempts") + 1)
        )
        return claimed == 1

    def mark_sent(self):
        AlertDelivery.objects.filter(pk=self.pk).update(
            sent_at=timezone.now(), claimed_until=None, last_error=""
        )

    def give_back(self, error):
        """The mail did not go out: leave the delivery to the next run."""
        AlertDelivery.objects.filter(pk=self.pk).update(
            claimed_until=None, last_error=str(error)[:300]
        )


class DigestDelivery(models.Model):
    """One daily digest: the releases made public since this subscriber's last digest, in one
    mail. One row per subscriber and day (unique), claimed (`claim`) before its mail goes out,
    like AlertDelivery, so two runs of send_release_digests never send a digest twice. Which
    releases it holds is fixed by the run that claims it (`releases`); a release in one of the
    subscriber's digests is never in another."""

    CLAIM_FOR = datetime.timedelta(minutes=10)

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,  # unsubscribing deletes everything about the address
        related_name="digest_deliveries",
        verbose_name="Abonnement",
    )
    day = models.DateField("Tag")
    releases = models.ManyToManyField(
        PressRelease, blank=True, related_name="digest_deliveries", verbose_name="Mitteilungen"
    )
    created_at = models.DateTimeField("Vorgemerkt am", auto_now_add=True)
    claimed_until = models.DateTimeField("In Arbeit bis", null=True, blank=True)
    sent_at = models.DateTimeField("Versendet am", null=True, blank=True)
    attempts = models.PositiveIntegerField("Versuche", default=0)
    last_error = models.CharField("Letzter Fehler", max_length=300, blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = "Tageszusammenfassung"
        verbose_name_plural = "Tageszusammenfassungen"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "day"], name="digest_delivery_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.day:%d.%m.%Y} an {self.subscription}"

    def claim(self):
        """Take this digest for the current run; False if it is sent or another run has it."""
        now = timezone.now()
        claimed = (
            DigestDelivery.objects.filter(pk=self.pk, sent_at__isnull=True)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=now + self.CLAIM_FOR, attempts=models.F("attempts") + 1)
        )
        return claimed == 1

    @classmethod
    def releases_for(cls, subscription, digest=None):
        """What a digest of `subscription` holds: the public releases the subscriber wants
        (as in `alert_recipients`), made public within ALERT_WINDOW and after the subscription
        was confirmed, in none of the subscriber's other digests (than `digest`) and not mailed
        to the address by a mailing to the press list; oldest first."""
        from .mailing import MailingDelivery

        earlier = cls.releases.through.objects.filter(digestdelivery__subscription=subscription)
        if digest is not None:
            earlier = earlier.exclude(digestdelivery=digest)
        wanted = PressRelease.objects.published().filter(
            publish_at__gte=max(
                subscription.confirmed_at, timezone.now() - PressRelease.ALERT_WINDOW
            )
        )
        if subscription.topics.exists() or subscription.projects.exists():
            wanted = wanted.filter(
                Q(topics__in=subscription.topics.all())
                | Q(projects__in=subscription.projects.all())
            )
        return (
            wanted.exclude(pk__in=earlier.values("pressrelease"))
            .exclude(
                pk__in=MailingDelivery.objects.filter(email=subscription.email).values(
                    "mailing__release"
                )
            )
            .distinct()
            .order_by("publish_at", "pk")
        )

    def mark_sent(self):
        DigestDelivery.objects.filter(pk=self.pk).update(
            sent_at=timezone.now(), claimed_until=None, last_error=""
        )

    def give_back(self, error):
        """The mail did not go out: leave the digest to the next run."""
        DigestDelivery.objects.filter(pk=self.pk).update(
            claimed_until=None, last_error=str(error)[:300]
        )
