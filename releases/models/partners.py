from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse

from allianz_site.text import PlainCharField, PlainTextField
from allianz_site.uploads import (
    MAX_LOGO_BYTES,
    MB,
    CleanImageField,
    MaxFileSize,
)

from .base import NamedModel, upload_path

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


class PartnerQuerySet(models.QuerySet):
    def public(self):
        """The one rule for partners: public once something public refers to it, a public
        release or a public project, or as a shareholder. A partner made for a release under
        embargo (the company the news is about) appears at the release's moment (the page cache
        learns it from PressReleaseQuerySet.next_change)."""
        # The models that refer to partners import this module.
        from .projects import Project, ProjectPartner
        from .release import PressRelease

        in_release = PressRelease.objects.published().filter(partners=models.OuterRef("pk"))
        in_project = ProjectPartner.objects.filter(
            partner=models.OuterRef("pk"), project__in=Project.objects.public()
        )
        return self.filter(
            models.Q(is_shareholder=True) | models.Exists(in_release) | models.Exists(in_project)
        )


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

    name = PlainCharField("Name", max_length=200, unique=True)
    short_name = PlainCharField(
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
    description = PlainTextField("Beschreibung", blank=True)
    order = models.PositiveIntegerField(
        "Reihenfolge", default=0, help_text="Kleinere Zahlen stehen weiter oben."
    )
    updated_at = models.DateTimeField(
        "Geändert am", auto_now=True, help_text="Für die Sitemap (lastmod)."
    )

    objects = PartnerQuerySet.as_manager()

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
