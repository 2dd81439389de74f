import datetime
from pathlib import PurePath

from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from allianz_site.uploads import (
    MAX_ATTACHMENT_BYTES,
    MAX_IMAGE_BYTES,
    MB,
    CleanImageField,
    MaxFileSize,
    validate_attachment_content,
)

from ..metadata import Rights
from ..renditions import MIME_TYPES, delete_renditions, make_renditions
from ..slugs import slugify_de
from .base import ATTACHMENT_EXTENSIONS, IMAGE_EXTENSIONS, upload_path
from .release import PressRelease


class ReleaseImageQuerySet(models.QuerySet):
    def usable(self):
        """The one rights rule: images whose "Nutzungsrechte bis" has not come. At that moment an
        image leaves every public surface (page, downloads, press kit, PDF, feed), with no job
        run; the page cache ends its pages then (releases.cache.next_change)."""
        return self.filter(
            models.Q(rights_until__isnull=True) | models.Q(rights_until__gt=timezone.now())
        )

    def public(self):
        """Usable images of public releases: what journalists may see and download."""
        return self.usable().filter(release__in=PressRelease.objects.published())

    def next_change(self, now):
        """When the next image's rights end (see releases.cache.next_change)."""
        return self.filter(rights_until__gt=now).aggregate(first=models.Min("rights_until"))[
            "first"
        ]

    def rights_ending(self, days=30):
        """Images whose rights end within `days` days (and have not ended yet), soonest first."""
        now = timezone.now()
        return self.filter(
            rights_until__gt=now, rights_until__lte=now + datetime.timedelta(days=days)
        ).order_by("rights_until")


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
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS), MaxFileSize(MAX_IMAGE_BYTES)],
        help_text=f"JPEG, PNG oder WebP, höchstens {MAX_IMAGE_BYTES // MB} MB und 40 Megapixel. "
        "Standortdaten und Kameraangaben werden beim Speichern entfernt; Urheber- und "
        "Copyright-Angaben bleiben.",
    )
    width = models.PositiveIntegerField("Breite", null=True, editable=False)
    height = models.PositiveIntegerField("Höhe", null=True, editable=False)
    size = models.PositiveBigIntegerField(
        "Größe in Bytes",
        null=True,
        editable=False,
        help_text="Die Größe der gespeicherten Datei, beim Speichern gemessen: Der Feed nennt sie, "
        "ohne die Datei anzufassen. Leer, wenn die Datei dabei fehlte.",
    )
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
    rights_until = models.DateTimeField(
        "Nutzungsrechte bis",
        null=True,
        blank=True,
        help_text="Leer = ohne Ende. Zu diesem Zeitpunkt verschwindet das Bild von selbst von "
        "allen öffentlichen Seiten, aus Downloads, Pressepaketen und PDFs.",
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

    objects = ReleaseImageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "Bild"
        verbose_name_plural = "Bilder"

    def __str__(self):
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The file gets its final name and content (re-encoded) while saving; its renditions are
        # made and its size is measured once per file, from what was stored.
        if self.image and self.renditions.get("source") != self.image.name:
            delete_renditions(self.image.storage, self.renditions)
            self.renditions = make_renditions(self.image)
            try:
                self.size = self.image.size
            except OSError:  # the file is gone: no size, and the feed leaves the image out
                self.size = None
            super().save(update_fields=["renditions", "size"])

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

    @property
    def web_size(self):
        """The largest JPEG rendition (1600 px wide at most): [width, height, storage name], or
        None if the image has no renditions."""
        entries = self.renditions.get("files", {}).get("jpeg")
        return entries[-1] if entries else None

    @property
    def web_size_filename(self):
        return f"{PurePath(self.download_filename).stem}_web.jpg"

    @property
    def rights(self):
        """Caption, credit and licence, as the downloads write them into the file's metadata."""
        return Rights(
            caption=self.caption or self.alt_text, credit=self.credit, licence=self.licence
        )

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
        validators=[
            FileExtensionValidator(ATTACHMENT_EXTENSIONS),
            MaxFileSize(MAX_ATTACHMENT_BYTES),
            validate_attachment_content,
        ],
        help_text=f"PDF, Office-Dokument, Text oder ZIP, höchstens {MAX_ATTACHMENT_BYTES // MB} MB.",
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
