# People and addresses: the press contacts and journalists' subscriptions. This app imports
# nothing from `releases`, so that it can be read and tested on its own and no import cycle can
# arise; what a subscription covers is declared there (docs/decisions.md, "Shape of the code").
import datetime
import hashlib
import re
import secrets
import uuid
from pathlib import PurePath

import vobject
from django.core import signing
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from allianz_site.text import PlainCharField
from allianz_site.uploads import MAX_PHOTO_BYTES, MB, CleanImageField, MaxFileSize

from .press_list import AddressQuerySet

phone_validator = RegexValidator(
    r"^\+?[0-9 ()/\-]*$",
    "Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden, z. B. „+49 (0)531/1218-154“.",
)


def photo_path(instance, filename):
    return f"kontakte/{uuid.uuid4().hex}/{PurePath(filename).name}"


# Only migrations 0001 and 0003 name it; the field uses MaxFileSize since migration 0004.
def validate_photo_size(file):
    MaxFileSize(MAX_PHOTO_BYTES)(file)


def tel_uri(number):
    """'+49 (0)531/1218-154' → 'tel:+495311218154' (the trunk zero in brackets is dropped)."""
    if not number:
        return ""
    digits = re.sub(r"[^\d+]", "", number.replace("(0)", ""))
    return f"tel:{digits}"


class PressContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def default(self):
        """The contact a release gets when nobody chose one: the first active contact."""
        return self.active().first()

    def named_in(self, text):
        """The active contacts whose full name appears in `text`, e.g. an imported contact block."""
        text = " ".join(text.split())
        return [contact for contact in self.active() if contact.name in text]


class PressContact(models.Model):
    first_name = PlainCharField("Vorname", max_length=100)
    last_name = PlainCharField("Nachname", max_length=100)
    slug = models.SlugField(
        "Kurzname",
        max_length=100,
        unique=True,
        help_text="Teil der Adresse der vCard, z. B. „sibille-rosinski“ → "
        "/pressekontakt/sibille-rosinski.vcf",
    )
    position = PlainCharField(
        "Funktion", max_length=150, blank=True, help_text="z. B. „Pressesprecherin“"
    )
    department = PlainCharField(
        "Abteilung", max_length=150, blank=True, help_text="z. B. „Kommunikation“"
    )
    organisation = PlainCharField(
        "Organisation", max_length=200, default="Allianz für die Region GmbH"
    )
    phone = PlainCharField("Telefon", max_length=40, blank=True, validators=[phone_validator])
    fax = PlainCharField("Telefax", max_length=40, blank=True, validators=[phone_validator])
    mobile = PlainCharField("Mobil", max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField("E-Mail", blank=True)
    photo = CleanImageField(
        "Foto",
        upload_to=photo_path,
        max_length=255,
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        validators=[
            FileExtensionValidator(["jpg", "jpeg", "png", "webp"]),
            MaxFileSize(MAX_PHOTO_BYTES),
        ],
        help_text=f"JPEG, PNG oder WebP, höchstens {MAX_PHOTO_BYTES // MB} MB.",
    )
    photo_credit = PlainCharField(
        "Bildnachweis des Fotos",
        max_length=200,
        blank=True,
        help_text="z. B. „Foto: Erika Beispiel“; steht auf der Seite Pressematerial beim Foto.",
    )
    photo_width = models.PositiveIntegerField(null=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, editable=False)
    is_active = models.BooleanField(
        "aktiv",
        default=True,
        help_text="Nur aktive Kontakte erscheinen auf der Website. Der erste aktive Kontakt ist "
        "der Standardkontakt neuer Mitteilungen.",
    )
    order = models.PositiveIntegerField("Reihenfolge", default=0)

    objects = PressContactQuerySet.as_manager()

    class Meta:
        ordering = ["order", "last_name", "first_name", "pk"]
        verbose_name = "Pressekontakt"
        verbose_name_plural = "Pressekontakte"
        constraints = [
            models.CheckConstraint(condition=~models.Q(slug=""), name="contact_slug_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} ({self.position})" if self.position else self.name

    def get_absolute_url(self):
        return f"{reverse('contacts:list')}#{self.slug}"

    def get_vcard_url(self):
        return reverse("contacts:vcard", kwargs={"slug": self.slug})

    def vcard(self):
        """The contact as a vCard 3.0 (RFC 2426); vobject escapes the values and folds the lines
        with CRLF."""
        card = vobject.vCard()
        card.add("fn").value = self.name
        card.add("n").value = vobject.vcard.Name(family=self.last_name, given=self.first_name)
        card.add("org").value = (
            [self.organisation, self.department] if self.department else [self.organisation]
        )
        if self.position:
            card.add("title").value = self.position
        for number, types in [
            (self.phone, ["WORK", "VOICE"]),
            (self.fax, ["WORK", "FAX"]),
            (self.mobile, ["CELL", "VOICE"]),
        ]:
            if number:
                tel = card.add("tel")
                tel.value = tel_uri(number).removeprefix("tel:")
                tel.type_param = types
        if self.email:
            email = card.add("email")
            email.value = self.email
            email.type_param = ["INTERNET", "WORK"]
        return card.serialize()

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def phone_uri(self):
        return tel_uri(self.phone)

    @property
    def mobile_uri(self):
        return tel_uri(self.mobile)


class Subscription(models.Model):
    """A journalist who wants new press releases by e-mail, with confirmed consent.

    A row exists only once the address is confirmed (double opt-in): until then the request waits
    as a SubscriptionRequest, for three days at most. Unsubscribing deletes the row and any
    request of the address. What a subscription covers (topics, projects) is a relation owned by
    `releases` (Topic.subscriptions, Project.subscriptions), so that this app needs nothing from
    there.
    """

    UNSUBSCRIBE_SALT = "contacts.subscription.unsubscribe"

    email = models.EmailField("E-Mail-Adresse", max_length=254, unique=True)
    confirmed_at = models.DateTimeField(
        "Einwilligung am",
        help_text="Wann der Bestätigungslink aufgerufen wurde: der Nachweis der Einwilligung.",
    )
    daily_digest = models.BooleanField(
        "Tägliche Zusammenfassung",
        default=False,
        help_text="Statt einer Mail je Mitteilung eine Mail am Tag mit allen neuen Mitteilungen.",
    )

    objects = AddressQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = "E-Mail-Abonnement"
        verbose_name_plural = "E-Mail-Abonnements"

    def __str__(self):
        return self.email

    @staticmethod
    def normalize(email):
        return email.strip().lower()

    def unsubscribe(self):
        """Delete the address with everything about it: this subscription (and what refers to
        it) and any request to subscribe it that is still open."""
        with transaction.atomic():
            SubscriptionRequest.objects.filter(email=self.email).delete()
            self.delete()

    @property
    def unsubscribe_token(self):
        """Names this subscription, signed; it never expires, so every alert ever sent still
        unsubscribes its reader. It holds no address, which would end up in server logs."""
        return signing.Signer(salt=self.UNSUBSCRIBE_SALT).sign(str(self.pk))

    @classmethod
    def pk_from_unsubscribe_token(cls, token):
        try:
            return int(signing.Signer(salt=cls.UNSUBSCRIBE_SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            return None


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class SubscriptionRequestQuerySet(models.QuerySet):
    def open(self):
        """Requests whose link still works: younger than MAX_AGE (and not used: a used request
        is deleted)."""
        return self.filter(created_at__gt=timezone.now() - SubscriptionRequest.MAX_AGE)

    def expired(self):
        return self.filter(created_at__lte=timezone.now() - SubscriptionRequest.MAX_AGE)


class SubscriptionRequest(models.Model):
    """A wish to subscribe, sent from the form, whose confirmation link has not been used yet.

    The link carries a random secret and nothing else: no address, nothing to decode. The row
    keeps only the secret's SHA-256, so that the table alone opens no link. Confirming deletes
    every request of the address, so a link works once: used, then unsubscribed, it does not
    subscribe the address again. Requests older than MAX_AGE are deleted with the next request.
    """

    MAX_AGE = datetime.timedelta(days=3)

    email = models.EmailField("E-Mail-Adresse", max_length=254)
    selection = models.JSONField(
        "Auswahl",
        default=dict,
        blank=True,
        help_text="Die gewählten Themen und Projekte (ihre Kurznamen); leer = alle Mitteilungen.",
    )
    token_digest = models.CharField("Prüfsumme des Links", max_length=64, unique=True)
    created_at = models.DateTimeField("Angefragt am", default=timezone.now, db_index=True)

    objects = SubscriptionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "Offene Abonnement-Anfrage"
        verbose_name_plural = "Offene Abonnement-Anfragen"

    def __str__(self):
        return self.email

    @classmethod
    def make(cls, email, **selection):
        """Store the wish to subscribe `email` with `selection` (e.g. topics=[slugs]); returns the
        secret for the confirmation link, which is stored nowhere."""
        cls.objects.expired().delete()
        token = secrets.token_urlsafe(32)
        cls.objects.create(
            email=Subscription.normalize(email),
            selection=selection,
            token_digest=token_digest(token),
        )
        return token

    @classmethod
    def from_token(cls, token):
        """The open request that `token` names, or None (altered, expired or used)."""
        return cls.objects.open().filter(token_digest=token_digest(token)).first()

    def confirm(self):
        """Consent given: the address is subscribed (or its consent renewed) and every request
        of the address is used up. Returns the subscription, or None if the request was used in
        the meantime (a second click at the same moment). The caller sets its topics and
        projects in the same transaction."""
        with transaction.atomic():
            deleted, _ = SubscriptionRequest.objects.filter(pk=self.pk).delete()
            if not deleted:
                return None
            SubscriptionRequest.objects.filter(email=self.email).delete()
            subscription, _created = Subscription.objects.update_or_create(
                email=self.email,
                defaults={
                    "confirmed_at": timezone.now(),
                    "daily_digest": bool(self.selection.get("digest")),
                },
            )
        return subscription


class RateLimitCounter(models.Model):
    """How often something was asked for within a time window: the alert form's limits per client
    and per address (releases.views.subscriptions).

    In the database, not in the cache: page traffic cannot evict a counter, all processes share
    it, and it counts while Redis is away. When the database cannot count, `exceeded` raises and
    the caller refuses (fails closed)."""

    key = models.CharField("Schlüssel", max_length=100, unique=True)
    count = models.PositiveIntegerField("Anzahl", default=0)
    window_ends = models.DateTimeField("Zählt bis", db_index=True)

    class Meta:
        verbose_name = "Zähler der Ratenbegrenzung"
        verbose_name_plural = "Zähler der Ratenbegrenzung"

    def __str__(self):
        return self.key

    @classmethod
    def exceeded(cls, key, limit, seconds):
        """Count one request under `key`; True once more than `limit` came within the window of
        `seconds` that the first of them opened. Raises DatabaseError when it cannot count."""
        now = timezone.now()
        counters = cls.objects.filter(key=key, window_ends__gt=now)
        with transaction.atomic():
            if not counters.update(count=models.F("count") + 1):
                cls.objects.filter(window_ends__lte=now).delete()  # this key's old window too
                window_ends = now + datetime.timedelta(seconds=seconds)
                try:
                    with transaction.atomic():
                        cls.objects.create(key=key, count=1, window_ends=window_ends)
                except IntegrityError:  # another request opened the window in between
                    counters.update(count=models.F("count") + 1)
            return counters.values_list("count", flat=True).get() > limit
