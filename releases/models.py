import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models.functions import ExtractMonth, ExtractYear
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django_ckeditor_5.fields import CKEditor5Field

from allianz_site.uploads import CleanImageField, validate_attachment_content

from .sanitize import sanitize_html
from .sessions import LoginSession  # noqa: F401  (the session model, see SESSION_ENGINE)
from .slugs import unique_slug

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

    def withdrawn(self):
        """Withdrawn after they had been public: their addresses answer 410 Gone."""
        return self.filter(
            status=PressRelease.Status.WITHDRAWN, publish_at__lte=models.F("withdrawn_at")
        )

    def scheduled(self):
        """Published, but still under embargo (Sperrfrist)."""
        return self.filter(status=PressRelease.Status.PUBLISHED, publish_at__gt=timezone.now())

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
        WITHDRAWN = "withdrawn", "Zurückgezogen"

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
    status = models.CharField(
        "Status",
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Zurückgezogen: nicht mehr öffentlich; die Adresse bleibt erreichbar und meldet, "
        "dass die Mitteilung zurückgezogen wurde (statt „Seite nicht gefunden“).",
    )
    publish_at = models.DateTimeField(
        "Veröffentlichen ab",
        null=True,
        blank=True,
        help_text="Leer lassen = sofort beim Veröffentlichen. Ein Zeitpunkt in der Zukunft ist "
        "eine Sperrfrist: Die Mitteilung erscheint erst dann, ganz von selbst.",
    )
    withdrawn_at = models.DateTimeField(
        "Zurückgezogen am",
        null=True,
        blank=True,
        editable=False,
        help_text="Wird beim Zurückziehen gesetzt; die Adresse antwortet dann mit „410 Gone“.",
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

    class Meta:
        ordering = ["-release_date", "-publish_at", "-pk"]
        verbose_name = "Pressemitteilung"
        verbose_name_plural = "Pressemitteilungen"
        # The role "Chefredaktion" has it (releases/roles.py); the admin enforces it.
        permissions = [
            ("publish_pressrelease", "Darf veröffentlichen, Sperrfristen setzen und zurückziehen")
        ]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="release_visibility_idx"),
            models.Index(
                fields=["-release_date", "-publish_at", "-id"], name="release_archive_order_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "withdrawn"]),
                name="release_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(publish_at__isnull=False),
                name="release_published_has_publish_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | models.Q(withdrawn_at__isnull=False),
                name="release_withdrawn_has_withdrawn_at",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if self.status != self.Status.WITHDRAWN:
            self.withdrawn_at = None
        elif self.withdrawn_at is None:
            self.withdrawn_at = timezone.now()
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("releases:detail", kwargs=self.url_kwargs())

    def clean(self):
        if self.status == self.Status.WITHDRAWN and self.publish_at is None:
            raise ValidationError(
                {"status": "Nur eine veröffentlichte Mitteilung kann zurückgezogen werden."}
            )

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


class ReleaseImage(models.Model):
    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="images", verbose_name="Mitteilung"
    )
    image = CleanImageField(
        "Bild",
        upload_to=upload_path,
        max_length=255,
        width_field="width",
        height_field="height",
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS), validate_image_size],
        help_text="JPEG, PNG oder WebP, höchstens 10 MB und 40 Megapixel. Standortdaten und "
        "Kameraangaben werden beim Speichern entfernt; Urheber- und Copyright-Angaben bleiben.",
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

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "Bild"
        verbose_name_plural = "Bilder"

    def __str__(self):
        return self.caption or self.alt_text


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
        validators=[
            FileExtensionValidator(ATTACHMENT_EXTENSIONS),
            validate_attachment_size,
            validate_attachment_content,
        ],
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
