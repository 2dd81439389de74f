"""The press list (Presseverteiler): media outlets, journalists, distribution lists, and the
addresses that must not be mailed (Sperrliste).

One rule decides who may be mailed: `AddressQuerySet.reachable()`. Every recipient list (the
journalists of a distribution list, the subscribers) goes through it, so an address that opted
out or that the mail server keeps refusing is never mailed again, from any list or import.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from allianz_site.text import PlainCharField, PlainTextField, remove_control_characters


def normalize_email(email):
    """The form in which addresses are compared and stored: trimmed, lower case."""
    return (email or "").strip().lower()


def one_line(text):
    """A name or role as a single line without control characters and doubled spaces, so nothing
    typed into a name can ever reach a mail header as a header of its own."""
    return " ".join(remove_control_characters(text or "").split())


class AddressQuerySet(models.QuerySet):
    """For every model with an `email` field that mailings draw on."""

    def reachable(self):
        """The one opt-out rule: addresses on the Sperrliste (opted out, or undeliverable) are
        left out."""
        return self.exclude(email__in=Suppression.objects.values("email"))


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", "Einwilligung"
    LEGITIMATE_INTEREST = "interest", "Berechtigtes Interesse"


class MediaOutlet(models.Model):
    class Kind(models.TextChoices):
        DAILY = "daily", "Tageszeitung"
        WEEKLY = "weekly", "Wochenzeitung / Anzeigenblatt"
        RADIO = "radio", "Hörfunk"
        TV = "tv", "Fernsehen"
        ONLINE = "online", "Online"
        AGENCY = "agency", "Agentur"
        TRADE = "trade", "Fachpresse"
        PRESS_OFFICE = "office", "Pressestelle"
        OTHER = "other", "Sonstige"

    name = PlainCharField("Name", max_length=200, unique=True)
    kind = models.CharField("Art", max_length=10, choices=Kind.choices, default=Kind.DAILY)
    region = PlainCharField(
        "Region", max_length=120, blank=True, help_text="z. B. „Braunschweig“, „überregional“"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "Redaktion"
        verbose_name_plural = "Redaktionen"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "daily",
                        "weekly",
                        "radio",
                        "tv",
                        "online",
                        "agency",
                        "trade",
                        "office",
                        "other",
                    ]
                ),
                name="outlet_kind_valid",
            )
        ]

    def __str__(self):
        return self.name


class JournalistQuerySet(AddressQuerySet):
    pass


class Journalist(models.Model):
    first_name = PlainCharField("Vorname", max_length=100, blank=True)
    last_name = PlainCharField("Nachname", max_length=100, blank=True)
    outlet = models.ForeignKey(
        MediaOutlet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journalists",
        verbose_name="Redaktion",
    )
    role = PlainCharField(
        "Funktion", max_length=150, blank=True, help_text="z. B. „Lokalredaktion Peine“"
    )
    email = models.EmailField("E-Mail-Adresse", max_length=254, unique=True)
    phone = PlainCharField("Telefon", max_length=40, blank=True)
    beats = PlainCharField(
        "Themen",
        max_length=300,
        blank=True,
        help_text="Worüber sie oder er berichtet, z. B. „Wirtschaft, Fachkräfte, Projekt "
        "Betriebsnachbarschaften“.",
    )
    notes = PlainTextField("Notizen", blank=True)
    lawful_basis = models.CharField(
        "Rechtsgrundlage",
        max_length=10,
        choices=LawfulBasis.choices,
        default=LawfulBasis.LEGITIMATE_INTEREST,
        help_text="Einwilligung oder berechtigtes Interesse (Art. 6 Abs. 1 a / f DSGVO).",
    )
    basis_source = PlainCharField(
        "Herkunft der Adresse",
        max_length=200,
        help_text="z. B. „Visitenkarte Pressekonferenz“, „Import verteiler.csv“",
    )
    basis_date = models.DateField("Erhoben am", default=timezone.localdate)
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("Geändert am", auto_now=True)

    objects = JournalistQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = "Journalistin/Journalist"
        verbose_name_plural = "Journalistinnen und Journalisten"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lawful_basis__in=["consent", "interest"]),
                name="journalist_lawful_basis_valid",
            )
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        for field in ["first_name", "last_name", "role", "phone", "basis_source"]:
            setattr(self, field, one_line(getattr(self, field)))
        super().save(*args, **kwargs)

    @property
    def name(self):
        return one_line(f"{self.first_name} {self.last_name}")


class DistributionList(models.Model):
    name = PlainCharField("Name", max_length=200, unique=True)
    description = PlainTextField("Beschreibung", blank=True)
    members = models.ManyToManyField(
        Journalist, blank=True, related_name="lists", verbose_name="Mitglieder"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "Verteiler"
        verbose_name_plural = "Verteiler"

    def __str__(self):
        return self.name


class SuppressionQuerySet(models.QuerySet):
    def opted_out(self):
        return self.filter(reason=Suppression.Reason.OPTED_OUT)


class Suppression(models.Model):
    """An address that gets no mail from the press list any more. Of an address that opted out
    only this row is kept: the address (to recognise it in the next import or list), when, and
    why; the journalist's name, outlet, notes and list memberships are deleted (`opt_out`)."""

    class Reason(models.TextChoices):
        OPTED_OUT = "opted_out", "Abgemeldet"
        UNDELIVERABLE = "bounced", "Unzustellbar"

    email = models.EmailField("E-Mail-Adresse", max_length=254, unique=True)
    reason = models.CharField("Grund", max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField("Seit", default=timezone.now)
    detail = PlainCharField(
        "Hinweis", max_length=300, blank=True, help_text="z. B. die Antwort des Mailservers"
    )

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Gesperrte Adresse"
        verbose_name_plural = "Sperrliste"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=["opted_out", "bounced"]),
                name="suppression_reason_valid",
            )
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        """An opt-out deletes everything else the press list knows of the address, and its
        subscription to the alerts."""
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)
        if self.reason == self.Reason.OPTED_OUT:
            from .press_contacts import Subscription  # the module imports this one

            journalists = Journalist.objects.filter(email=self.email)
            # The admin's log named the journalist "Name <address>": it keeps the entry only.
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Journalist),
                object_id__in=[str(pk) for pk in journalists.values_list("pk", flat=True)],
            ).update(object_repr="(abgemeldet)")
            journalists.delete()
            Subscription.objects.filter(email=self.email).delete()

    @classmethod
    def opt_out(cls, email):
        """The address wants no more mail: on the Sperrliste at once (an "unzustellbar" becomes
        an opt-out)."""
        cls.objects.update_or_create(
            email=normalize_email(email), defaults={"reason": cls.Reason.OPTED_OUT, "detail": ""}
        )

    @classmethod
    def undeliverable(cls, email, detail):
        """The mail server refused the address for good; an opt-out is never overwritten."""
        cls.objects.get_or_create(
            email=normalize_email(email),
            defaults={"reason": cls.Reason.UNDELIVERABLE, "detail": str(detail)[:300]},
        )

    @classmethod
    def is_suppressed(cls, email):
        return cls.objects.filter(email=normalize_email(email)).exists()
