"""The organisation's own texts for documents: the boilerplate under every release ("Über die
Allianz für die Region") with the shareholders line, and the facts of the fact sheet."""

from django.db import models

from ..search import sort_key
from .partners import Partner


class OrganisationQuerySet(models.QuerySet):
    def current(self):
        """The one profile; an unsaved one with the defaults while none is stored."""
        return self.filter(pk=Organisation.SINGLE_ID).first() or Organisation()


class Organisation(models.Model):
    """One row (pk 1), edited in the admin: what every release says about the organisation."""

    SINGLE_ID = 1

    name = models.CharField(
        "Name der Gesellschaft",
        max_length=200,
        default="Allianz für die Region GmbH",
        help_text="Steht im Briefkopf des PDFs und über der Liste der Gesellschafter.",
    )
    about_title = models.CharField(
        "Überschrift des Textes",
        max_length=200,
        default="Über die Allianz für die Region",
    )
    about = models.TextField(
        "Text „Über die Allianz für die Region“",
        blank=True,
        help_text="Steht unter jeder Pressemitteilung: auf der Seite, im PDF und im Pressepaket. "
        "Danach folgt die Liste der Gesellschafter, aus den Partnern mit dem Haken "
        "„Gesellschafter“ erzeugt. Leer: nur die Liste der Gesellschafter.",
    )
    founded = models.CharField("Gründung", max_length=200, blank=True, help_text="z. B. „2013“")
    management = models.CharField(
        "Geschäftsführung", max_length=300, blank=True, help_text="Namen, durch Komma getrennt"
    )
    region = models.TextField(
        "Region", blank=True, help_text="Welche Landkreise und Städte die Region umfasst."
    )
    address = models.TextField("Anschrift", blank=True)
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
