import contextlib
import datetime
import uuid
from pathlib import PurePath
from urllib.parse import quote

from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from allianz_site.text import PlainCharField
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
from ..storage import TEXT_IMAGE_URL_PREFIX, protected_storage
from .base import ATTACHMENT_EXTENSIONS, IMAGE_EXTENSIONS, upload_path
from .projects import Project
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
        storage=protected_storage,  # served only while the release may be seen (storage.py)
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
    caption = PlainCharField("Bildunterschrift", max_length=500, blank=True)
    credit = PlainCharField(
        "Bildnachweis",
        max_length=200,
        help_text="Fotografin/Fotograf oder Quelle, z. B. „Foto: Allianz für die Region“",
    )
    alt_text = PlainCharField(
        "Alternativtext",
        max_length=300,
        help_text="Was auf dem Bild zu sehen ist, für Menschen, die es nicht sehen können.",
    )
    licence = PlainCharField(
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

    def file_url(self, embargo_token=None, review_token=None):
        """The original's address as a page links it: under the release's public address, or
        under the embargo or review link's. Its renditions are addressed below it
        (`…/960.webp`)."""
        if embargo_token:
            return reverse("releases:embargo_image", kwargs={"token": embargo_token, "pk": self.pk})
        if review_token:
            return reverse("releases:review_image", kwargs={"token": review_token, "pk": self.pk})
        return self.get_absolute_url()

    def rendition_name(self, width, kind):
        """The stored name of the rendition `width` pixels wide in format `kind`, or None."""
        for entry_width, _height, name in self.renditions.get("files", {}).get(kind, []):
            if entry_width == width:
                return name
        return None

    def picture(self, embargo_token=None, review_token=None):
        """What <picture> needs: one <source> per modern format ({"type": "image/avif", "srcset":
        "… 480w, …"}) and the <img> every browser can show: JPEG renditions, or the original if
        there are none. The addresses are the release's (file_url), never the storage's."""
        base = self.file_url(embargo_token, review_token)
        files = self.renditions.get("files", {})

        def srcset(kind, entries):
            return ", ".join(f"{base}{width}.{kind} {width}w" for width, _h, _name in entries)

        sources = [
            {"type": MIME_TYPES[kind], "srcset": srcset(kind, entries)}
            for kind, entries in files.items()
            if kind != "jpeg" and kind in MIME_TYPES and entries
        ]
        entries = files.get("jpeg")
        if not entries:
            fallback = {"src": base, "srcset": "", "width": self.width, "height": self.height}
        else:
            middle = next((entry for entry in entries if entry[0] >= 960), entries[-1])
            largest = entries[-1]
            fallback = {
                "src": f"{base}{middle[0]}.jpeg",
                "srcset": srcset("jpeg", entries),
                "width": largest[0],
                "height": largest[1],
            }
        return {"sources": sources, "fallback": fallback}

    @property
    def sources(self):
        return self.picture()["sources"]

    @property
    def fallback(self):
        return self.picture()["fallback"]

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
        storage=protected_storage,  # served only while the release may be seen (storage.py)
        upload_to=upload_path,
        max_length=255,
        validators=[
            FileExtensionValidator(ATTACHMENT_EXTENSIONS),
            MaxFileSize(MAX_ATTACHMENT_BYTES),
            validate_attachment_content,
        ],
        help_text=f"PDF, Office-Dokument, Text oder ZIP, höchstens {MAX_ATTACHMENT_BYTES // MB} MB.",
    )
    title = PlainCharField(
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
        with contextlib.suppress(OSError):  # gone from disk: the size measured when it came stays
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


def editor_image_path(instance, filename):
    return f"editor/{instance.key.hex}/{PurePath(filename).name}"


class EditorImageQuerySet(models.QuerySet):
    def public(self):
        """Shown by the text of a public release or project: what anyone may open."""
        shown_in_release = models.Q(releases__in=PressRelease.objects.published())
        shown_in_project = models.Q(projects__in=Project.objects.public())
        return self.filter(shown_in_release | shown_in_project).distinct()


class EditorImage(models.Model):
    """An image uploaded inside the rich-text editor, into a release's text or a project's
    description (allianz_site.views.editor_image_upload).

    Stored in the protected storage in a folder named by its random key; its address
    (`/presse/textbilder/<key>/<name>`) answers only while a text that the request may see shows
    it. Saving a release or project links the images its text shows (`releases`, `projects`);
    one that no text has shown for a day is deleted with its file (releases/editor_images.py)."""

    key = models.UUIDField("Schlüssel", default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(
        "Datei",
        storage=protected_storage,
        upload_to=editor_image_path,
        max_length=255,
        validators=[MaxFileSize(MAX_IMAGE_BYTES)],  # checked in the upload view (open_image)
    )
    releases = models.ManyToManyField(
        PressRelease, blank=True, related_name="editor_images", verbose_name="Mitteilungen"
    )
    projects = models.ManyToManyField(
        Project, blank=True, related_name="editor_images", verbose_name="Projekte"
    )
    uploaded_at = models.DateTimeField("Hochgeladen am", auto_now_add=True)
    unused_since = models.DateTimeField(
        "Von keinem Text gezeigt seit",
        null=True,
        blank=True,
        help_text="Leer, solange ein Text das Bild zeigt; einen Tag danach wird es gelöscht.",
    )

    objects = EditorImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "Bild im Text"
        verbose_name_plural = "Bilder im Text"
        indexes = [models.Index(fields=["unused_since"], name="editor_image_unused_idx")]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return f"{TEXT_IMAGE_URL_PREFIX}{self.key}/{quote(self.filename)}"

    @property
    def filename(self):
        return PurePath(self.file.name).name


def document_path(instance, filename):
    return f"dokumente/{uuid.uuid4().hex}/{PurePath(filename).name}"


class DocumentKind(models.TextChoices):
    PDF = "pdf", "Pressemitteilung (PDF)"
    PRESS_KIT = "pressepaket", "Pressepaket (ZIP)"


class ReleaseDocument(models.Model):
    """A file made from a release – its PDF, its press kit – stored for one version of what it
    shows and served until that changes (releases/documents.py). One row per release and kind."""

    Kind = DocumentKind

    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="documents", verbose_name="Mitteilung"
    )
    kind = models.CharField("Art", max_length=20, choices=Kind.choices)
    version = models.CharField(
        "Inhaltsstand", max_length=32, help_text="Prüfsumme dessen, was das Dokument zeigt."
    )
    file = models.FileField(
        "Datei",
        storage=protected_storage,
        upload_to=document_path,
        max_length=255,
        editable=False,  # made by the site, not uploaded
    )
    created_at = models.DateTimeField("Erzeugt am", default=timezone.now)

    class Meta:
        verbose_name = "Gespeichertes Dokument"
        verbose_name_plural = "Gespeicherte Dokumente"
        constraints = [
            models.UniqueConstraint(fields=["release", "kind"], name="release_document_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["pdf", "pressepaket"]),
                name="release_document_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.release}"
