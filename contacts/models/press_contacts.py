# People and addresses: the press contacts and journalists' subscriptions. This app imports
# nothing from `releases`, so that it can be read and tested on its own and no import cycle can
# arise; what a subscription covers is declared there (docs/decisions.md, "Shape of the code").
import datetime
import re
import uuid
from pathlib import PurePath

import vobject
from django.core import signing
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.urls import reverse

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
    first_name = models.CharField("Vorname", max_length=100)
    last_name = models.CharField("Nachname", max_length=100)
    slug = models.SlugField(
        "Kurzname",
        max_length=100,
        unique=True,
        help_text="Teil der Adresse der vCard, z. B. „sibille-rosinski“ → "
        "/pressekontakt/sibille-rosinski.vcf",
    )
    position = models.CharField(
        "Funktion", max_length=150, blank=True, help_text="z. B. „Pressesprecherin“"
    )
    department = models.CharField(
        "Abteilung", max_length=150, blank=True, help_text="z. B. „Kommunikation“"
    )
    organisation = models.CharField(
        "Organisation", max_length=200, default="Allianz für die Region GmbH"
    )
    phone = models.CharField("Telefon", max_length=40, blank=True, validators=[phone_validator])
    fax = models.CharField("Telefax", max_length=40, blank=True, validators=[phone_validator])
    mobile = models.CharField("Mobil", max_length=40, blank=True, validators=[phone_validator])
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
    photo_credit = models.CharField(
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

    A row exists only once the address is confirmed (double opt-in): the confirmation link carries
    the address and the chosen topics, signed, so nothing is stored before consent is given.
    Unsubscribing deletes the row. What a subscription covers (topics, projects) is a relation
    owned by `releases` (Topic.subscriptions, Project.subscriptions), so that this app needs
    nothing from there.
    """

    CONFIRM_SALT = "contacts.subscription.confirm"
    CONFIRM_MAX_AGE = datetime.timedelta(days=3)
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

    @classmethod
    def confirmation_token(cls, email, **selection):
        """Signed, time-stamped request to subscribe `email` with `selection` (e.g. topics=[…])."""
        return signing.dumps(
            {"email": cls.normalize(email), **selection}, salt=cls.CONFIRM_SALT, compress=True
        )

    @classmethod
    def read_confirmation_token(cls, token):
        """The request a confirmation token carries, or None if altered or older than 3 days."""
        try:
            request = signing.loads(token, salt=cls.CONFIRM_SALT, max_age=cls.CONFIRM_MAX_AGE)
        except (signing.BadSignature, ValueError):
            return None
        return request if isinstance(request, dict) and "email" in request else None

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
