import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django_ckeditor_5.fields import CKEditor5Field

from contacts.models import Subscription

from .renditions import MIME_TYPES, delete_renditions, make_renditions
from .sanitize import sanitize_html
from .slugs import slugify_de, unique_slug

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
ATTACHMENT_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "zip"]
MAX_IMAGE_SIZE = 10 * 1024 * 1024
MAX_ATTACHMENT_SIZE = 25 * 1024 * 1024


def upload_path(instance, filename):
    """Each upload gets its own unguessable folder: the file of a release under embargo cannot be
    found by guessing its name, and two uploads with the same name never overwrite each other."""
    return f"presse/{uuid.uuid4().hex}/{PurePath(filename).name}"


def validate_file_size(limit):
    def validator(file):
        if file.size > limit:
            raise ValidationError(
                "Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s.",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
                code="file_too_large",
            )

    return validator


def validate_image_size(file):
    validate_file_size(MAX_IMAGE_SIZE)(file)


def validate_attachment_size(file):
    validate_file_size(MAX_ATTACHMENT_SIZE)(file)


class Topic(models.Model):
    name = models.CharField("Name", max_length=100, unique=True)
    slug = models.SlugField(
        "Kurzname",
        max_length=100,
        unique=True,
        blank=True,
        help_text="Teil der Adresse; wird aus dem Namen erzeugt, wenn leer.",
    )
    subscriptions = models.ManyToManyField(
        Subscription,
        blank=True,
        editable=False,  # set only by the subscriber's own confirmed choice
        related_name="topics",
        verbose_name="E-Mail-Abonnements",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "Thema"
        verbose_name_plural = "Themen"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class PressReleaseQuerySet(models.QuerySet):
    def published(self):
        """The one publishing rule: published, and its moment has come. Every public page uses it."""
        return self.filter(status=PressRelease.Status.PUBLISHED, publish_at__lte=timezone.now())

    def scheduled(self):
        """Published, but still under embargo (Sperrfrist)."""
        return self.filter(status=PressRelease.Status.PUBLISHED, publish_at__gt=timezone.now())

    def due_for_alerts(self):
        """Public, and made public recently enough that subscribers still want to hear of it."""
        since = timezone.now() - PressRelease.ALERT_WINDOW
        return self.published().filter(publish_at__gte=since)

    def month_counts(self):
        """(year, month, count) rows, newest first: one query for the whole archive navigation."""
        return (
            self.annotate(year=ExtractYear("release_date"), month=ExtractMonth("release_date"))
            .order_by()
            .values_list("year", "month")
            .annotate(count=models.Count("pk"))
            .order_by("-year", "-month")
        )


class PressRelease(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Entwurf"
        PUBLISHED = "published", "Veröffentlicht"

    title = models.CharField("Titel", max_length=255)
    subtitle = models.CharField("Untertitel", max_length=255, blank=True)
    slug = models.SlugField(
        "Kurzname in der Adresse",
        max_length=200,
        unique=True,
        blank=True,
        help_text="Wird beim ersten Speichern aus dem Titel erzeugt (ä → ae, ß → ss) und danach "
        "nicht mehr geändert, damit veröffentlichte Adressen gültig bleiben.",
    )
    place = models.CharField(
        "Ort in der Ortszeile", max_length=120, help_text="z. B. „Braunschweig/Wolfsburg“"
    )
    release_date = models.DateField(
        "Datum der Mitteilung",
        default=timezone.localdate,
        help_text="Steht in der Ortszeile und in der Adresse der Mitteilung.",
    )
    lead = models.TextField(
        "Vorspann", help_text="Der erste Absatz: das Wichtigste in zwei, drei Sätzen."
    )
    body = CKEditor5Field("Text", blank=True)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="releases", verbose_name="Themen"
    )
    status = models.CharField("Status", max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "Veröffentlichen ab",
        null=True,
        blank=True,
        help_text="Leer lassen = sofort beim Veröffentlichen. Ein Zeitpunkt in der Zukunft ist "
        "eine Sperrfrist: Die Mitteilung erscheint erst dann, ganz von selbst.",
    )
    correction_note = models.CharField(
        "Korrekturhinweis",
        max_length=255,
        blank=True,
        help_text="Erscheint als „Aktualisiert am …“ unter dem Text, z. B. „Name korrigiert“.",
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("Geändert am", auto_now=True)

    objects = PressReleaseQuerySet.as_manager()

    # A release made public longer ago is not announced by mail any more (send_release_alerts).
    ALERT_WINDOW = datetime.timedelta(days=3)

    class Meta:
        ordering = ["-release_date", "-publish_at", "-pk"]
        verbose_name = "Pressemitteilung"
        verbose_name_plural = "Pressemitteilungen"
        indexes = [
            models.Index(fields=["status", "publish_at"], name="release_visibility_idx"),
            models.Index(
                fields=["-release_date", "-publish_at", "-id"], name="release_archive_order_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]),
                name="release_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(publish_at__isnull=False),
                name="release_published_has_publish_at",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("releases:detail", kwargs=self.url_kwargs())

    def url_kwargs(self):
        """The parts of the permanent address /presse/YYYY/MM/DD/<slug>/."""
        day = self.release_date
        return {"year": day.year, "month": day.month, "day": day.day, "slug": self.slug}

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_embargoed(self):
        return self.status == self.Status.PUBLISHED and not self.is_public

    def get_press_kit_url(self):
        return reverse("releases:press_kit", kwargs=self.url_kwargs())

    def alert_recipients(self):
        """Subscribers to mail about this release: those who chose one of its topics, and those
        who chose none (= everything). Only who had subscribed by the time it went public."""
        return Subscription.objects.filter(
            Q(topics__isnull=True) | Q(topics__in=self.topics.all()),
            confirmed_at__lte=self.publish_at,
        ).distinct()


class ReleaseImage(models.Model):
    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="images", verbose_name="Mitteilung"
    )
    image = models.ImageField(
        "Bild",
        upload_to=upload_path,
        max_length=255,
        width_field="width",
        height_field="height",
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS), validate_image_size],
        help_text="JPEG, PNG oder WebP, höchstens 10 MB.",
    )
    width = models.PositiveIntegerField("Breite", null=True, editable=False)
    height = models.PositiveIntegerField("Höhe", null=True, editable=False)
    caption = models.CharField("Bildunterschrift", max_length=500, blank=True)
    credit = models.CharField(
        "Bildnachweis",
        max_length=200,
        help_text="Fotografin/Fotograf oder Quelle, z. B. „Foto: Allianz für die Region“",
    )
    alt_text = models.CharField(
        "Alternativtext",
        max_length=300,
        help_text="Was auf dem Bild zu sehen ist, für Menschen, die es nicht sehen können.",
    )
    licence = models.CharField(
        "Lizenzhinweis",
        max_length=300,
        blank=True,
        help_text="z. B. „Abdruck honorarfrei bei Nennung des Bildnachweises“",
    )
    order = models.PositiveIntegerField("Reihenfolge", default=0)
    renditions = models.JSONField(
        "Bildvarianten",
        default=dict,
        blank=True,
        editable=False,
        help_text="Verkleinerte Fassungen (AVIF, WebP, JPEG) in mehreren Breiten; werden beim "
        "Speichern eines neuen Bildes einmal erzeugt.",
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "Bild"
        verbose_name_plural = "Bilder"

    def __str__(self):
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The file gets its final name while saving; renditions are made once per file.
        if self.image and self.renditions.get("source") != self.image.name:
            delete_renditions(self.image.storage, self.renditions)
            self.renditions = make_renditions(self.image)
            super().save(update_fields=["renditions"])

    def get_absolute_url(self):
        """The download of the original file."""
        return reverse("releases:image", kwargs={**self.release.url_kwargs(), "pk": self.pk})

    @property
    def sources(self):
        """One <source> per modern format: [{"type": "image/avif", "srcset": "… 480w, …"}]."""
        files = self.renditions.get("files", {})
        return [
            {"type": MIME_TYPES[key], "srcset": self._srcset(entries)}
            for key, entries in files.items()
            if key != "jpeg" and key in MIME_TYPES and entries
        ]

    @property
    def fallback(self):
        """The <img> every browser can show: JPEG renditions, or the original if there are none."""
        entries = self.renditions.get("files", {}).get("jpeg")
        if not entries:
            return {"src": self.image.url, "srcset": "", "width": self.width, "height": self.height}
        middle = next((entry for entry in entries if entry[0] >= 960), entries[-1])
        largest = entries[-1]
        return {
            "src": self.image.storage.url(middle[2]),
            "srcset": self._srcset(entries),
            "width": largest[0],
            "height": largest[1],
        }

    def _srcset(self, entries):
        return ", ".join(f"{self.image.storage.url(name)} {width}w" for width, _h, name in entries)

    @property
    def filename(self):
        return PurePath(self.image.name).name

    @property
    def file_type(self):
        suffix = PurePath(self.image.name).suffix.lstrip(".").upper()
        return "JPEG" if suffix == "JPG" else suffix

    @property
    def download_filename(self):
        """The original's name with the credit in it, so the credit travels with the file."""
        path = PurePath(self.image.name)
        credit = slugify_de(self.credit)[:80].strip("-")
        stem = slugify_de(path.stem)[:80].strip("-") or "bild"
        return f"{stem}_{credit}{path.suffix.lower()}" if credit else f"{stem}{path.suffix.lower()}"


class ReleaseAttachment(models.Model):
    release = models.ForeignKey(
        PressRelease,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="Mitteilung",
    )
    file = models.FileField(
        "Datei",
        upload_to=upload_path,
        max_length=255,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment_size],
        help_text="PDF, Office-Dokument, Text oder ZIP, höchstens 25 MB.",
    )
    title = models.CharField(
        "Bezeichnung", max_length=200, blank=True, help_text="Leer lassen = Dateiname"
    )
    size = models.PositiveBigIntegerField("Größe in Bytes", default=0, editable=False)
    order = models.PositiveIntegerField("Reihenfolge", default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "Anhang"
        verbose_name_plural = "Anhänge"

    def __str__(self):
        return self.title or self.filename

    def save(self, *args, **kwargs):
        self.size = self.file.size
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("releases:attachment", kwargs={**self.release.url_kwargs(), "pk": self.pk})

    @property
    def filename(self):
        return PurePath(self.file.name).name

    @property
    def file_type(self):
        return PurePath(self.file.name).suffix.lstrip(".").upper()


def default_link_expiry():
    return timezone.now() + datetime.timedelta(days=14)


class EmbargoLinkQuerySet(models.QuerySet):
    def valid(self):
        """Not revoked, not expired, and the release is still meant to be published."""
        return self.filter(
            revoked=False,
            expires_at__gt=timezone.now(),
            release__status=PressRelease.Status.PUBLISHED,
        )


class EmbargoLink(models.Model):
    """A secret address at which journalists read a release before its embargo ends.

    The address carries a token signed with the SECRET_KEY (django.core.signing) that names this
    link and its release: it cannot be guessed or altered, and it opens only this release. Ticking
    "Widerrufen", passing "Gültig bis" or setting the release back to draft closes it again.
    """

    SALT = "releases.embargo-link"

    release = models.ForeignKey(
        PressRelease,
        on_delete=models.CASCADE,
        related_name="embargo_links",
        verbose_name="Mitteilung",
    )
    recipient = models.CharField(
        "Für",
        max_length=200,
        blank=True,
        help_text="Wer den Link bekommt, z. B. „Verteiler Tageszeitungen“; nur zur Übersicht.",
    )
    expires_at = models.DateTimeField(
        "Gültig bis",
        default=default_link_expiry,
        help_text="Danach öffnet der Link nichts mehr. Nach dem Ende der Sperrfrist führt er "
        "ohnehin zur öffentlichen Seite.",
    )
    revoked = models.BooleanField(
        "Widerrufen", default=False, help_text="Ein widerrufener Link öffnet nichts mehr."
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)

    objects = EmbargoLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "Sperrfrist-Link"
        verbose_name_plural = "Sperrfrist-Links"

    def __str__(self):
        return f"Sperrfrist-Link {self.recipient}".strip()

    def get_absolute_url(self):
        return reverse("releases:embargo", kwargs={"token": self.token})

    @property
    def token(self):
        return signing.Signer(salt=self.SALT).sign_object([self.pk, self.release_id])

    @classmethod
    def from_token(cls, token):
        """The valid link (with its release) that `token` names, or None."""
        try:
            link_pk, release_pk = signing.Signer(salt=cls.SALT).unsign_object(token)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return (
            cls.objects.valid()
            .select_related("release")
            .filter(pk=link_pk, release_id=release_pk)
            .first()
        )

    def full_url(self):
        return f"{settings.SITE_URL}{self.get_absolute_url()}"


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
