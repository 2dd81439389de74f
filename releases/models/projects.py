import datetime
from urllib.parse import urlsplit

import icalendar
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Min
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django_ckeditor_5.fields import CKEditor5Field

from allianz_site.text import PlainCharField, PlainTextField
from allianz_site.uploads import (
    MAX_IMAGE_BYTES,
    MB,
    CleanImageField,
    MaxFileSize,
)
from contacts.models import Subscription

from ..sanitize import sanitize_html
from .base import IMAGE_EXTENSIONS, NamedModel, upload_path
from .partners import Partner


class ProjectQuerySet(models.QuerySet):
    def public(self):
        """Running and completed projects; a planned one is not shown yet."""
        return self.exclude(status=Project.Status.PLANNED)


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "Geplant"
    RUNNING = "running", "Laufend"
    COMPLETED = "completed", "Abgeschlossen"


class Project(NamedModel):
    Status = ProjectStatus

    name = PlainCharField("Name", max_length=200, unique=True)
    slug = models.SlugField(
        "Kurzname in der Adresse",
        max_length=200,
        unique=True,
        blank=True,
        help_text="Wird aus dem Namen erzeugt, wenn leer.",
    )
    programme = PlainCharField(
        "Dachprogramm",
        max_length=200,
        blank=True,
        help_text="z. B. „Fachkräftebündnis Südostniedersachsen“",
    )
    summary = PlainTextField(
        "Kurzbeschreibung", help_text="Zwei, drei Sätze für die Projektübersicht."
    )
    description = CKEditor5Field("Beschreibung", blank=True)
    about = PlainTextField(
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
    image_alt = PlainCharField(
        "Alternativtext des Bildes", max_length=300, blank=True, help_text="Pflicht mit Bild."
    )
    website = models.URLField("Website", blank=True)
    partners = models.ManyToManyField(
        Partner,
        through="ProjectPartner",
        related_name="projects",
        verbose_name="Förderer und Unterstützer",
    )
    show_funding_notice = models.BooleanField(
        "Förderhinweis zeigen",
        default=True,
        help_text="Unter jeder Mitteilung zum Projekt (Seite, PDF, Pressepaket) stehen die "
        "Förderer mit Logo und Förderhinweis, wie es Förderer wie der ESF verlangen. Ohne "
        "Förderer erscheint nichts.",
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
                condition=models.Q(status__in=ProjectStatus.values),
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

    @property
    def funding_notice(self):
        """The funders (ProjectPartner rows) whose notice and emblem stand under the project's
        releases; empty if the notice is switched off. Prefetch `funder_roles`
        (views.release.public_projects) or this costs a query."""
        if not self.show_funding_notice:
            return []
        if hasattr(self, "funder_roles"):
            return self.funder_roles
        return list(funder_roles().filter(project=self))


def funder_roles():
    """The funders of projects with their partner (logo), as the funding notice shows them."""
    return ProjectPartner.objects.filter(role=ProjectRole.FUNDER).select_related("partner")


class ProjectRole(models.TextChoices):
    SPONSOR = "sponsor", "Projektträger"
    FUNDER = "funder", "Förderer"
    SUPPORTER = "supporter", "Unterstützer"


class ProjectPartner(models.Model):
    """A partner's role in a project: funder, supporter or the organisation carrying it."""

    Role = ProjectRole

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="partner_roles", verbose_name="Projekt"
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="project_roles", verbose_name="Partner"
    )
    role = models.CharField("Rolle", max_length=10, choices=Role.choices)
    funding_note = PlainCharField(
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
                condition=models.Q(role__in=ProjectRole.values),
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
    name = PlainCharField("Name", max_length=150, help_text="z. B. „Goslar“")
    description = PlainTextField("Beschreibung", blank=True)
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


class ProjectEventQuerySet(models.QuerySet):
    def next_change(self, now):
        """When the next event ends (or starts, if it has no end) and so moves from "Nächste
        Termine" to the past on its project's page (see releases.cache.next_change)."""
        return (
            self.annotate(moment=Coalesce("ends_at", "starts_at"))
            .filter(moment__gte=now)
            .aggregate(first=Min("moment"))["first"]
        )


class ProjectEvent(models.Model):
    area = models.ForeignKey(
        ProjectArea, on_delete=models.CASCADE, related_name="events", verbose_name="Projektraum"
    )
    title = PlainCharField("Titel", max_length=200)
    starts_at = models.DateTimeField("Beginn")
    ends_at = models.DateTimeField("Ende", null=True, blank=True)
    place = PlainCharField(
        "Ort", max_length=255, help_text="z. B. „Gründer- und Unternehmerzentrum, Helmstedt“"
    )
    description = PlainTextField("Beschreibung", blank=True)

    objects = ProjectEventQuerySet.as_manager()

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
