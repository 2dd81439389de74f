import datetime
import re
import uuid
from collections import Counter
from pathlib import PurePath
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django_ckeditor_5.fields import CKEditor5Field

from allianz_site.uploads import (
    MAX_ATTACHMENT_BYTES,
    MAX_IMAGE_BYTES,
    MAX_LOGO_BYTES,
    MB,
    CleanImageField,
    MaxFileSize,
    validate_attachment_content,
)
from contacts.models import PressContact, Subscription

from . import search
from .renditions import MIME_TYPES, delete_renditions, make_renditions
from .sanitize import sanitize_html
from .sessions import LoginSession  # noqa: F401  (the session model, see SESSION_ENGINE)
from .slugs import slugify_de, unique_slug

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
ATTACHMENT_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "zip"]


def upload_path(instance, filename):
    """Each upload gets its own unguessable folder: the file of a release under embargo cannot be
    found by guessing its name, and two uploads with the same name never overwrite each other."""
    return f"presse/{uuid.uuid4().hex}/{PurePath(filename).name}"


# Only migrations 0001 to 0008 name these three; the fields use MaxFileSize since migration 0012.
def validate_image_size(file):
    MaxFileSize(MAX_IMAGE_BYTES)(file)


def validate_attachment_size(file):
    MaxFileSize(MAX_ATTACHMENT_BYTES)(file)


def validate_logo_size(file):
    MaxFileSize(MAX_LOGO_BYTES)(file)


class NamedModel(models.Model):
    """A model with a `name` and a `slug` for its address, made from the name at the first save
    (and kept afterwards, so that addresses stay valid)."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class Topic(NamedModel):
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


def dateline_places(dateline):
    """The places of a dateline: "Braunschweig/ Wolfsburg" → {"Braunschweig", "Wolfsburg"}."""
    return {place.strip() for place in dateline.split("/") if place.strip()}


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

    def month_counts_matching(self, matching=None):
        """`month_counts` with a fourth column: how many of those releases are in `matching`
        (a QuerySet; None: all of them)."""
        if matching is None:
            return self.month_counts().annotate(matching=models.Count("pk"))
        return self.month_counts().annotate(
            matching=models.Count("pk", filter=models.Q(pk__in=matching.values("pk")))
        )

    def in_place(self, place):
        """Releases whose dateline names `place`, alone or with others ("Braunschweig/Wolfsburg")."""
        return self.filter(place__regex=rf"(^|/)\s*{re.escape(place)}\s*(/|$)")

    def place_counts(self):
        """(place, count) for every place in these datelines, by name; a joint dateline
        ("Braunschweig/Wolfsburg") counts for each of its places. One query."""
        counts = Counter()
        rows = self.order_by().values_list("place").annotate(count=models.Count("pk"))
        for dateline, count in rows:
            for place in dateline_places(dateline):
                counts[place] += count
        return sorted(counts.items(), key=lambda item: search.sort_key(item[0]))

    def search(self, text):
        """Releases matching `text` (German full text on PostgreSQL, see releases/search.py)."""
        return self.filter(search.matches(text, self.db))

    def ranked(self, text):
        """The newest search.RANKED_MATCHES of these releases (the matches of `text`), most
        relevant first, each with its snippet (PostgreSQL; as they are elsewhere). The archive
        lists older matches after them: search.Hits."""
        if not search.is_available(self.db):
            return self
        ordering = self.model._meta.ordering
        newest = self.order_by(*ordering).values("pk")[: search.RANKED_MATCHES]
        return (
            self.filter(pk__in=newest)
            .with_snippets(text)
            .annotate(search_rank=search.rank(text))
            .order_by("-search_rank", *ordering)
        )

    def with_snippets(self, text):
        """Each release with the passage that matches `text` highlighted (PostgreSQL)."""
        if not search.is_available(self.db):
            return self
        return self.annotate(search_headline=search.headline(text))

    def update_search_vector(self):
        """Recompute the stored search vector of these releases (PostgreSQL) in one UPDATE."""
        if search.is_available(self.db):
            self.update(search_vector=search.document_vector())


SEARCHABLE_FIELDS = {field for field, _weight in search.WEIGHTED_FIELDS}


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
    projects = models.ManyToManyField(
        "Project", blank=True, related_name="releases", verbose_name="Projekte"
    )
    partners = models.ManyToManyField(
        "Partner",
        blank=True,
        related_name="releases",
        verbose_name="Erwähnte Partner",
        help_text="Organisationen, die in der Mitteilung vorkommen; ihre Seiten verlinken die "
        "Mitteilung.",
    )
    contacts = models.ManyToManyField(
        "contacts.PressContact",
        blank=True,
        related_name="releases",
        verbose_name="Pressekontakte",
        help_text="Leer gelassen, erhält die Mitteilung beim Speichern den ersten aktiven Kontakt.",
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
    search_vector = SearchVectorField(
        "Suchindex",
        null=True,
        editable=False,
        help_text="Volltext für die Suche, beim Speichern neu berechnet (nur PostgreSQL).",
    )

    objects = PressReleaseQuerySet.as_manager()

    # A release made public longer ago is not announced by mail any more (send_release_alerts).
    ALERT_WINDOW = datetime.timedelta(days=3)

    class Meta:
        ordering = ["-release_date", "-publish_at", "-pk"]
        verbose_name = "Pressemitteilung"
        verbose_name_plural = "Pressemitteilungen"
        # The GIN index on search_vector (release_search_idx) exists on PostgreSQL only; migration
        # 0004 creates it there, so it is not declared here.
        # The role "Chefredaktion" has it (releases/roles.py); the admin enforces it.
        permissions = [
            ("publish_pressrelease", "Darf veröffentlichen, Sperrfristen setzen und zurückziehen")
        ]
        indexes = [
            # Visibility, and with release_date and id the archive navigation (month_counts)
            # and the page count read the index alone (PostgreSQL: index-only scan).
            models.Index(
                fields=["status", "publish_at", "release_date", "id"],
                name="release_visibility_idx",
            ),
            models.Index(
                fields=["-release_date", "-publish_at", "-id"], name="release_archive_order_idx"
            ),
            # The public lists in their order: a page's ids from the index alone, however deep
            # the page (releases.views.ArchivePaginator).
            models.Index(
                fields=["status", "-release_date", "-publish_at", "-id"],
                name="release_public_order_idx",
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
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCHABLE_FIELDS.intersection(update_fields):
            PressRelease.objects.using(self._state.db).filter(pk=self.pk).update_search_vector()

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
        """`published()` for a release already in hand (the embargo page, the preview, the
        admin), without a query. The two must say the same: tests/test_publishing.py checks it."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_embargoed(self):
        return self.status == self.Status.PUBLISHED and not self.is_public

    def add_default_contact(self):
        """The one rule for the default press contact: a release saved without a contact (in the
        admin or by the importer) is given the default contact of that moment, stored like a
        chosen one. So the admin shows every release's contacts as its pages show them, and a
        published release keeps its contact when another one becomes the default later. Pages
        fill in nothing (press_contacts). Returns the contact given, or None."""
        if self.contacts.exists():
            return None
        default = PressContact.objects.default()
        if default:
            self.contacts.add(default)
        return default

    def press_contacts(self):
        """The contacts the release names that are still active, in one query. One who has left
        is deactivated and disappears from all pages; no other contact is put in their place,
        and the page then refers to the contact page of the press office."""
        return list(self.contacts.active())

    def related_releases(self, limit=3):
        """Up to `limit` other public releases about the same project or topic, newest first.
        Works on prefetched `projects` and `topics`."""
        projects = [project.pk for project in self.projects.all()]
        topics = [topic.pk for topic in self.topics.all()]
        if not projects and not topics:
            return PressRelease.objects.none()
        # Subqueries on the link tables, not joins: no DISTINCT over whole rows, and the newest
        # match is found walking the archive index.
        same_project = PressRelease.projects.through.objects.filter(project__in=projects)
        same_topic = PressRelease.topics.through.objects.filter(topic__in=topics)
        return (
            PressRelease.objects.published()
            .exclude(pk=self.pk)
            .filter(
                models.Q(pk__in=same_project.values("pressrelease"))
                | models.Q(pk__in=same_topic.values("pressrelease"))
            )
            .only("title", "slug", "release_date")[:limit]
        )

    @property
    def modified_at(self):
        """When the public page last changed: its last save, or its publication if that came
        later (a release under embargo is saved before it appears)."""
        return max(moment for moment in [self.updated_at, self.publish_at] if moment)

    @property
    def search_snippet(self):
        """In a list of search hits (PostgreSQL): the passage with the words marked, as HTML."""
        headline = getattr(self, "search_headline", None)
        return search.highlight(headline) if headline else None

    def get_press_kit_url(self):
        return reverse("releases:press_kit", kwargs=self.url_kwargs())

    def alert_recipients(self):
        """Subscribers to mail about this release: those who chose one of its topics or projects,
        and those who chose nothing (= everything). Only who had subscribed when it went public."""
        return Subscription.objects.filter(
            Q(topics__isnull=True, projects__isnull=True)
            | Q(topics__in=self.topics.all())
            | Q(projects__in=self.projects.all()),
            confirmed_at__lte=self.publish_at,
        ).distinct()


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


LOGO_EXTENSIONS = ["png", "jpg", "jpeg", "webp"]


class PartnerKind(models.TextChoices):
    """What kind of organisation a partner is; shareholders are grouped by it."""

    CHAMBER = "chamber", "Kammer"
    COUNTY = "county", "Landkreis"
    CITY = "city", "Stadt"
    REGIONAL_BODY = "regional_body", "Kommunalverband"
    PUBLIC_FUNDER = "public_funder", "Öffentlicher Fördermittelgeber"
    ECONOMIC_DEVELOPMENT = "economic_development", "Wirtschaftsförderung"
    COMPANY = "company", "Unternehmen"
    ASSOCIATION = "association", "Verband oder Verein"
    UNION = "union", "Gewerkschaft"
    BANK = "bank", "Bank oder Sparkasse"
    INSURER = "insurer", "Versicherung"
    MEDIA = "media", "Medienhaus"
    RESEARCH = "research", "Hochschule oder Forschung"
    OTHER = "other", "Sonstige"


class Partner(NamedModel):
    """An organisation: a shareholder (Gesellschafter), a funder or supporter of a project, or one
    that a release mentions."""

    Kind = PartnerKind

    # Headings of the groups on /gesellschafter/, in the order of Kind.
    KIND_GROUP_TITLES = {
        Kind.CHAMBER: "Kammern",
        Kind.COUNTY: "Landkreise",
        Kind.CITY: "Städte",
        Kind.REGIONAL_BODY: "Kommunalverbände",
        Kind.PUBLIC_FUNDER: "Öffentliche Fördermittelgeber",
        Kind.ECONOMIC_DEVELOPMENT: "Wirtschaftsförderungen",
        Kind.COMPANY: "Unternehmen",
        Kind.ASSOCIATION: "Verbände und Vereine",
        Kind.UNION: "Gewerkschaften",
        Kind.BANK: "Banken und Sparkassen",
        Kind.INSURER: "Versicherungen",
        Kind.MEDIA: "Medienhäuser",
        Kind.RESEARCH: "Hochschulen und Forschung",
        Kind.OTHER: "Weitere",
    }

    name = models.CharField("Name", max_length=200, unique=True)
    short_name = models.CharField(
        "Kurzname", max_length=80, blank=True, help_text="z. B. „IHK Braunschweig“"
    )
    slug = models.SlugField(
        "Kurzname in der Adresse",
        max_length=200,
        unique=True,
        blank=True,
        help_text="Wird aus dem Namen erzeugt, wenn leer.",
    )
    kind = models.CharField("Art", max_length=30, choices=Kind.choices, default=Kind.COMPANY)
    is_shareholder = models.BooleanField(
        "Gesellschafter", default=False, help_text="Erscheint auf der Seite /gesellschafter/."
    )
    logo = CleanImageField(
        "Logo",
        upload_to=upload_path,
        max_length=255,
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        validators=[FileExtensionValidator(LOGO_EXTENSIONS), MaxFileSize(MAX_LOGO_BYTES)],
        help_text=f"PNG, JPEG oder WebP, höchstens {MAX_LOGO_BYTES // MB} MB; am besten auf weißem "
        "oder transparentem Grund.",
    )
    logo_width = models.PositiveIntegerField(null=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, editable=False)
    website = models.URLField("Website", blank=True)
    description = models.TextField("Beschreibung", blank=True)
    order = models.PositiveIntegerField(
        "Reihenfolge", default=0, help_text="Kleinere Zahlen stehen weiter oben."
    )
    updated_at = models.DateTimeField(
        "Geändert am", auto_now=True, help_text="Für die Sitemap (lastmod)."
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "Partner"
        verbose_name_plural = "Partner und Gesellschafter"
        indexes = [models.Index(fields=["is_shareholder", "kind"], name="partner_shareholder_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PartnerKind.values),
                name="partner_kind_valid",
            ),
        ]

    def get_absolute_url(self):
        return reverse("releases:partner", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        return self.short_name or self.name


class ProjectQuerySet(models.QuerySet):
    def public(self):
        """Running and completed projects; a planned one is not shown yet."""
        return self.exclude(status=Project.Status.PLANNED)


class Project(NamedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Geplant"
        RUNNING = "running", "Laufend"
        COMPLETED = "completed", "Abgeschlossen"

    name = models.CharField("Name", max_length=200, unique=True)
    slug = models.SlugField(
        "Kurzname in der Adresse",
        max_length=200,
        unique=True,
        blank=True,
        help_text="Wird aus dem Namen erzeugt, wenn leer.",
    )
    programme = models.CharField(
        "Dachprogramm",
        max_length=200,
        blank=True,
        help_text="z. B. „Fachkräftebündnis Südostniedersachsen“",
    )
    summary = models.TextField(
        "Kurzbeschreibung", help_text="Zwei, drei Sätze für die Projektübersicht."
    )
    description = CKEditor5Field("Beschreibung", blank=True)
    about = models.TextField(
        "„Über das Projekt“",
        blank=True,
        help_text="Der Kasten „Über das Projekt …“ unter jeder Mitteilung zum Projekt. Leer = "
        "Kurzbeschreibung.",
    )
    status = models.CharField(
        "Status", max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    start = models.DateField("Beginn", null=True, blank=True)
    end = models.DateField("Ende", null=True, blank=True)
    image = CleanImageField(
        "Bild",
        upload_to=upload_path,
        max_length=255,
        blank=True,
        width_field="image_width",
        height_field="image_height",
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS), MaxFileSize(MAX_IMAGE_BYTES)],
        help_text=f"JPEG, PNG oder WebP, höchstens {MAX_IMAGE_BYTES // MB} MB.",
    )
    image_width = models.PositiveIntegerField(null=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, editable=False)
    image_alt = models.CharField(
        "Alternativtext des Bildes", max_length=300, blank=True, help_text="Pflicht mit Bild."
    )
    website = models.URLField("Website", blank=True)
    partners = models.ManyToManyField(
        Partner,
        through="ProjectPartner",
        related_name="projects",
        verbose_name="Förderer und Unterstützer",
    )
    order = models.PositiveIntegerField("Reihenfolge", default=0)
    updated_at = models.DateTimeField(
        "Geändert am", auto_now=True, help_text="Für die Sitemap (lastmod)."
    )

    subscriptions = models.ManyToManyField(
        Subscription,
        blank=True,
        editable=False,  # set only by the subscriber's own confirmed choice
        related_name="projects",
        verbose_name="E-Mail-Abonnements",
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["order", "-start", "name"]
        verbose_name = "Projekt"
        verbose_name_plural = "Projekte"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["planned", "running", "completed"]),
                name="project_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="project_ends_after_start",
                violation_error_message="Das Ende liegt vor dem Beginn.",
            ),
        ]

    def save(self, *args, **kwargs):
        self.description = sanitize_html(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("releases:project", kwargs={"slug": self.slug})

    def clean(self):
        if self.image and not self.image_alt:
            raise ValidationError(
                {"image_alt": "Bitte beschreiben Sie, was auf dem Bild zu sehen ist."}
            )

    @property
    def about_text(self):
        return self.about or self.summary


class ProjectPartner(models.Model):
    """A partner's role in a project: funder, supporter or the organisation carrying it."""

    class Role(models.TextChoices):
        SPONSOR = "sponsor", "Projektträger"
        FUNDER = "funder", "Förderer"
        SUPPORTER = "supporter", "Unterstützer"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="partner_roles", verbose_name="Projekt"
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="project_roles", verbose_name="Partner"
    )
    role = models.CharField("Rolle", max_length=10, choices=Role.choices)
    funding_note = models.CharField(
        "Förderhinweis",
        max_length=300,
        blank=True,
        help_text="z. B. „Gefördert aus Mitteln des Europäischen Sozialfonds (ESF)“",
    )
    order = models.PositiveIntegerField("Reihenfolge", default=0)

    class Meta:
        ordering = ["order", "partner__name"]
        verbose_name = "Rolle eines Partners"
        verbose_name_plural = "Projektträger, Förderer und Unterstützer"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["sponsor", "funder", "supporter"]),
                name="project_partner_role_valid",
            ),
            models.UniqueConstraint(
                fields=["project", "partner", "role"], name="project_partner_role_unique"
            ),
        ]

    def __str__(self):
        return f"{self.partner} ({self.get_role_display()})"


class ProjectArea(models.Model):
    """A Projektraum: a town or district where the project works with local businesses."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="areas", verbose_name="Projekt"
    )
    name = models.CharField("Name", max_length=150, help_text="z. B. „Goslar“")
    description = models.TextField("Beschreibung", blank=True)
    order = models.PositiveIntegerField("Reihenfolge", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "Projektraum"
        verbose_name_plural = "Projekträume"
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="project_area_unique"),
        ]

    def __str__(self):
        return f"{self.project}: {self.name}"


class ProjectEvent(models.Model):
    area = models.ForeignKey(
        ProjectArea, on_delete=models.CASCADE, related_name="events", verbose_name="Projektraum"
    )
    title = models.CharField("Titel", max_length=200)
    starts_at = models.DateTimeField("Beginn")
    ends_at = models.DateTimeField("Ende", null=True, blank=True)
    place = models.CharField(
        "Ort", max_length=255, help_text="z. B. „Gründer- und Unternehmerzentrum, Helmstedt“"
    )
    description = models.TextField("Beschreibung", blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = "Termin"
        verbose_name_plural = "Termine"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="project_event_ends_after_start",
                violation_error_message="Das Ende liegt vor dem Beginn.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.area.project.get_absolute_url()}#termin-{self.pk}"

    def get_ics_url(self):
        return reverse("releases:event_ics", kwargs={"slug": self.area.project.slug, "pk": self.pk})

    def to_ical(self, site_url):
        """The event as an iCalendar file (RFC 5545) in Europe/Berlin, with its VTIMEZONE.
        `site_url` ("https://presse.example.de") gives the link and the host part of the UID."""
        berlin = timezone.get_default_timezone()
        start = timezone.localtime(self.starts_at, berlin)
        event = icalendar.Event()
        event.add("uid", f"termin-{self.pk}@{urlsplit(site_url).hostname}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", start)
        if self.ends_at:
            event.add("dtend", timezone.localtime(self.ends_at, berlin))
        event.add("summary", f"{self.title} ({self.area.project.name})")
        event.add("location", self.place)
        if self.description:
            event.add("description", self.description)
        event.add("url", f"{site_url}{self.get_absolute_url()}")
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Allianz für die Region//Pressebereich//DE")
        calendar.add("version", "2.0")
        calendar.add_component(event)
        # A VTIMEZONE covering a year either side, rather than every rule since 1970.
        year = datetime.timedelta(days=366)
        calendar.add_missing_timezones(
            first_date=start.date() - year, last_date=start.date() + year
        )
        return calendar.to_ical()

    @property
    def is_past(self):
        return (self.ends_at or self.starts_at) < timezone.now()


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
