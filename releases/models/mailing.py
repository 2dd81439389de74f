"""Sending a release to the press list: a Mailing, and one MailingDelivery per address.

The recipients are fixed when Chefredaktion presses "Senden" (`Mailing.start`): one delivery row
per address, unique per mailing, so each address gets the release at most once per mailing. The
command `send_mailings` (cron, every minute) claims each row with one conditional UPDATE before
its mail goes out, like the alert mails, so overlapping runs never send a mail twice.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from allianz_site.text import PlainCharField
from contacts.models import (
    DistributionList,
    Journalist,
    Subscription,
    Suppression,
    normalize_email,
    one_line,
)

from .embargo import EmbargoLink
from .release import PressRelease


class Mailing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Entwurf"
        SENDING = "sending", "Wird versendet"
        DONE = "done", "Abgeschlossen"
        STOPPED = "stopped", "Abgebrochen"

    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="mailings", verbose_name="Mitteilung"
    )
    lists = models.ManyToManyField(
        DistributionList, blank=True, related_name="mailings", verbose_name="Verteiler"
    )
    include_subscribers = models.BooleanField(
        "Auch an die Abonnenten",
        default=False,
        help_text="Wer die Mitteilungen selbst abonniert hat (passend zu Thema oder Projekt). "
        "Unter Sperrfrist erhalten Abonnenten sie erst bei Veröffentlichung.",
    )
    status = models.CharField("Status", max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField("Hinweis", max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name="Angelegt von",
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    started_at = models.DateTimeField("Versand ab", null=True, editable=False)
    finished_at = models.DateTimeField("Abgeschlossen am", null=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "Versand"
        verbose_name_plural = "Versand an die Presse"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "sending", "done", "stopped"]),
                name="mailing_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.release} ({self.created_at:%d.%m.%Y})" if self.created_at else "Versand"

    def get_absolute_url(self):
        return reverse("admin:releases_mailing_change", args=[self.pk])

    def recipients(self):
        """{address: (name, journalist id)} for everyone this mailing would reach now: the
        members of the chosen lists and, if asked and the release is public, the subscribers who
        want it; each address once, none from the Sperrliste (`reachable`)."""
        found = {}
        journalists = (
            Journalist.objects.reachable()
            .filter(lists__in=self.lists.all())
            .distinct()
            .order_by("pk")
        )
        for journalist in journalists:
            found.setdefault(journalist.email, (journalist.name, journalist.pk))
        if self.include_subscribers and self.release.is_public:
            subscribers = self.release.alert_recipients().filter(
                pk__in=Subscription.objects.reachable().values("pk"),
                daily_digest=False,  # they chose one mail a day (send_release_digests)
            )
            for email in subscribers.values_list("email", flat=True):
                found.setdefault(email, ("", None))
        return found

    def sent_before(self):
        """Other mailings of this release that have sent something: sending again needs a
        confirmation."""
        return (
            Mailing.objects.filter(release=self.release, deliveries__sent_at__isnull=False)
            .exclude(pk=self.pk)
            .distinct()
        )

    def start(self):
        """Fix the recipients (one delivery row each) and hand the mailing to send_mailings."""
        MailingDelivery.objects.bulk_create(
            [
                MailingDelivery(mailing=self, email=email, name=name, journalist_id=journalist)
                for email, (name, journalist) in self.recipients().items()
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        Mailing.objects.filter(pk=self.pk, status=self.Status.DRAFT).update(
            status=self.Status.SENDING, started_at=timezone.now()
        )
        self.refresh_from_db()

    def stop(self, note):
        """No more mail of this mailing (the release was withdrawn): what waits is cancelled."""
        self.deliveries.filter(state=MailingDelivery.State.PENDING).update(
            state=MailingDelivery.State.CANCELLED, last_error=note[:300]
        )
        Mailing.objects.filter(pk=self.pk).update(
            status=self.Status.STOPPED, note=note[:300], finished_at=timezone.now()
        )

    def finish_if_done(self):
        if not self.deliveries.filter(state=MailingDelivery.State.PENDING).exists():
            Mailing.objects.filter(pk=self.pk, status=self.Status.SENDING).update(
                status=self.Status.DONE, finished_at=timezone.now()
            )

    def progress(self):
        """{state: count} of the deliveries, in one query."""
        counts = dict(
            self.deliveries.order_by().values_list("state").annotate(count=models.Count("pk"))
        )
        return {state: counts.get(state, 0) for state in MailingDelivery.State.values}


class MailingDeliveryQuerySet(models.QuerySet):
    def due(self):
        """Waiting, its next attempt has come, and no run holds it."""
        now = timezone.now()
        return self.filter(state=MailingDelivery.State.PENDING, next_attempt_at__lte=now).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        )


class MailingDelivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Wartet"
        SENT = "sent", "Versendet"
        FAILED = "failed", "Fehlgeschlagen"
        CANCELLED = "cancelled", "Nicht versendet"

    CLAIM_FOR = datetime.timedelta(minutes=10)
    UNSUBSCRIBE_SALT = "releases.mailing.unsubscribe"
    FORGOTTEN = "(abgemeldet)"

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="deliveries", verbose_name="Versand"
    )
    # NULL once the address opted out (`forget`): the row stays for the mailing's counts. NULL,
    # not "": forgotten rows of one mailing must not collide in `mailing_delivery_once`.
    email = models.EmailField(  # noqa: DJ001
        "E-Mail-Adresse", max_length=254, null=True, blank=True
    )
    name = PlainCharField("Name", max_length=200, blank=True)
    journalist = models.ForeignKey(
        Journalist,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Journalist/in",
    )
    embargo_link = models.OneToOneField(
        EmbargoLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delivery",
        verbose_name="Sperrfrist-Link",
    )
    state = models.CharField("Stand", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField("Versuche", default=0)
    refusals = models.PositiveIntegerField(
        "Dauerhafte Ablehnungen", default=0, help_text="Antworten des Mailservers mit 5xx"
    )
    next_attempt_at = models.DateTimeField("Nächster Versuch", default=timezone.now)
    claimed_until = models.DateTimeField("In Arbeit bis", null=True, blank=True)
    sent_at = models.DateTimeField("Versendet am", null=True, blank=True)
    last_error = models.CharField("Antwort des Mailservers", max_length=300, blank=True)

    objects = MailingDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = "Zustellung"
        verbose_name_plural = "Zustellungen"
        constraints = [
            models.UniqueConstraint(fields=["mailing", "email"], name="mailing_delivery_once"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sent", "failed", "cancelled"]),
                name="mailing_delivery_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["mailing", "state", "next_attempt_at"], name="mailing_due_idx")
        ]

    def __str__(self):
        return self.email or self.FORGOTTEN

    def save(self, *args, **kwargs):
        self.name = one_line(self.name)
        super().save(*args, **kwargs)

    @classmethod
    def forget(cls, email):
        """The address opted out: of it only the Sperrliste's row is kept (docs/redaktion.md).
        Its deliveries keep their state, so each mailing's counts stay right, but lose the
        address, the name and the link to the journalist; what still waited is not sent; its
        embargo links stay open for their time but no longer say for whom."""
        deliveries = cls.objects.filter(email=normalize_email(email))
        deliveries.filter(state=cls.State.PENDING).update(
            state=cls.State.CANCELLED, last_error="Abgemeldet"
        )
        EmbargoLink.objects.filter(delivery__in=deliveries).update(recipient=cls.FORGOTTEN)
        deliveries.update(email=None, name="", journalist=None)

    def claim(self):
        """Take this delivery for the current run; False if another run has it or it is done."""
        now = timezone.now()
        claimed = (
            MailingDelivery.objects.filter(pk=self.pk, state=self.State.PENDING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=now + self.CLAIM_FOR, attempts=models.F("attempts") + 1)
        )
        if claimed:
            self.attempts += 1
        return claimed == 1

    def mark_sent(self):
        MailingDelivery.objects.filter(pk=self.pk).update(
            state=self.State.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
        )

    def give_back(self, error):
        """The mail server was not reachable: the next run tries again, this does not count."""
        MailingDelivery.objects.filter(pk=self.pk).update(
            claimed_until=None,
            attempts=models.F("attempts") - 1,
            last_error=str(error)[:300],
        )

    def retry_later(self, error, permanent):
        """The server refused this address: 4xx is retried with growing pauses; after
        MAILING_MAX_REFUSALS answers with 5xx (or MAILING_MAX_ATTEMPTS tries in all) the delivery
        fails, and a permanently refused address goes on the Sperrliste as undeliverable."""
        refusals = self.refusals + (1 if permanent else 0)
        if refusals >= settings.MAILING_MAX_REFUSALS or self.attempts >= (
            settings.MAILING_MAX_ATTEMPTS
        ):
            MailingDelivery.objects.filter(pk=self.pk).update(
                state=self.State.FAILED,
                refusals=refusals,
                claimed_until=None,
                last_error=str(error)[:300],
            )
            if permanent:
                Suppression.undeliverable(self.email, error)
            return
        pause = settings.MAILING_RETRY_SECONDS * 2 ** (self.attempts - 1)
        MailingDelivery.objects.filter(pk=self.pk).update(
            refusals=refusals,
            claimed_until=None,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=pause),
            last_error=str(error)[:300],
        )

    def embargo_link_for_mail(self):
        """This recipient's own embargo link, made once (a retry sends the same link)."""
        if self.embargo_link_id is None:
            release = self.mailing.release
            self.embargo_link = EmbargoLink.objects.create(
                release=release,
                recipient=f"{self.name} <{self.email}>" if self.name else self.email,
                expires_at=max(
                    release.publish_at + datetime.timedelta(days=14),
                    timezone.now() + datetime.timedelta(days=14),
                ),
            )
            MailingDelivery.objects.filter(pk=self.pk).update(embargo_link=self.embargo_link)
        return self.embargo_link

    @property
    def unsubscribe_token(self):
        return signing.Signer(salt=self.UNSUBSCRIBE_SALT).sign(str(self.pk))

    @classmethod
    def from_unsubscribe_token(cls, token):
        try:
            pk = int(signing.Signer(salt=cls.UNSUBSCRIBE_SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            return None
        return cls.objects.filter(pk=pk).first()

    def unsubscribe_url(self):
        return settings.SITE_URL + reverse(
            "releases:mailing_unsubscribe", args=[self.unsubscribe_token]
        )


@receiver(post_save, sender=Suppression, dispatch_uid="forget-opted-out-deliveries")
def forget_opted_out(sender, instance, **kwargs):
    """Whichever way an address opts out (the link in a mail, the admin's Sperrliste), its
    past deliveries forget it. An undeliverable address keeps them: the server's answers are
    what the office needs to correct it."""
    if instance.reason == Suppression.Reason.OPTED_OUT:
        MailingDelivery.forget(instance.email)
