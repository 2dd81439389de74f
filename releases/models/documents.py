"""The organisation's own texts for documents: the boilerplate under every release ("Über die
Allianz für die Region") with the shareholders line, and the facts of the fact sheet."""

from django.core.validators import FileExtensionValidator
from django.db import models

from allianz_site.text import PlainCharField, PlainTextField
from allianz_site.uploads import MAX_IMAGE_BYTES, MB, CleanImageField, MaxFileSize

from ..metadata import Rights
from ..search import sort_key
from .base import IMAGE_EXTENSIONS, upload_path
from .partners import Partner

LOGO_RULES = (
    "Das Logo darf für Berichte über die Allianz für die Region und ihre Projekte verwendet "
    "werden. Bitte verändern Sie es nicht (keine anderen Farben, keine Verzerrung, keine "
    "Effekte), halten Sie rundum einen Abstand von mindestens einem Viertel seiner Breite frei "
    "und zeigen Sie es nicht kleiner als 10 mm (Druck) oder 32 Pixel (Bildschirm). Für den Druck "
    "nehmen Sie SVG oder PDF, für das Web SVG oder PNG."
)


class OrganisationQuerySet(models.QuerySet):
    def current(self):
        """The one profile; an unsaved one with the defaults while none is stored."""
        return self.filter(pk=Organisation.SINGLE_ID).first() or Organisation()


class Organisation(models.Model):
    """One row (pk 1), edited in the admin: what every release says about the organisation."""

    SINGLE_ID = 1

    name = PlainCharField(
        "Name der Gesellschaft",
        max_length=200,
        default="Allianz für die Region GmbH",
        help_text="Steht im Briefkopf des PDFs und über der Liste der Gesellschafter.",
    )
    about_title = PlainCharField(
        "Überschrift des Textes",
        max_length=200,
        default="Über die Allianz für die Region",
    )
    about = PlainTextField(
        "Text „Über die Allianz für die Region“",
        blank=True,
        help_text="Steht unter jeder Pressemitteilung: auf der Seite, im PDF und im Pressepaket. "
        "Danach folgt die Liste der Gesellschafter, aus den Partnern mit dem Haken "
        "„Gesellschafter“ erzeugt. Leer: nur die Liste der Gesellschafter.",
    )
    founded = PlainCharField("Gründung", max_length=200, blank=True, help_text="z. B. „2013“")
    management = PlainCharField(
        "Geschäftsführung", max_length=300, blank=True, help_text="Namen, durch Komma getrennt"
    )
    region = PlainTextField(
        "Region", blank=True, help_text="Welche Landkreise und Städte die Region umfasst."
    )
    address = PlainTextField("Anschrift", blank=True)
    logo_rules = PlainTextField(
        "Regeln für die Nutzung des Logos",
        blank=True,
        default=LOGO_RULES,
        help_text="Steht auf der Seite Pressematerial über den Logos und im ZIP.",
    )
    updated_at = models.DateTimeField("Geändert am", auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "Über die Gesellschaft"
        verbose_name_plural = "Über die Gesellschaft"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="organisation_single_row"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = self.SINGLE_ID
        super().save(*args, **kwargs)

    def shareholders_line(self):
        """ "A, B, C und D": the shareholders by name, in German alphabetical order. One query."""
        names = sorted(
            Partner.objects.filter(is_shareholder=True).values_list("name", flat=True),
            key=sort_key,
        )
        if len(names) < 2:
            return "".join(names)
        return f"{', '.join(names[:-1])} und {names[-1]}"


class ManagementPortrait(models.Model):
    """A portrait photo of a member of the management, for the page Pressematerial."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="portraits",
        verbose_name="Gesellschaft",
    )
    name = PlainCharField("Name", max_length=200)
    position = PlainCharField("Funktion", max_length=200, default="Geschäftsführer")
    photo = CleanImageField(
        "Foto",
        upload_to=upload_path,
        max_length=255,
        width_field="photo_width",
        height_field="photo_height",
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS), MaxFileSize(MAX_IMAGE_BYTES)],
        help_text=f"JPEG, PNG oder WebP, höchstens {MAX_IMAGE_BYTES // MB} MB, in Druckqualität.",
    )
    photo_width = models.PositiveIntegerField(null=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, editable=False)
    credit = PlainCharField(
        "Bildnachweis", max_length=200, help_text="z. B. „Foto: Allianz für die Region“"
    )
    licence = PlainCharField(
        "Lizenzhinweis",
        max_length=300,
        blank=True,
        default="Abdruck honorarfrei bei Nennung des Bildnachweises",
    )
    order = models.PositiveIntegerField("Reihenfolge", default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "Porträtfoto der Geschäftsführung"
        verbose_name_plural = "Porträtfotos der Geschäftsführung"

    def __str__(self):
        return self.name

    @property
    def image(self):
        """The photo file, named like a release image's for the ZIP (releases/presskit.py)."""
        return self.photo

    @property
    def rights(self):
        return Rights(
            caption=f"{self.name}, {self.position}", credit=self.credit, licence=self.licence
        )
