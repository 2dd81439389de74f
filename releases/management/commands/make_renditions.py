"""Renditions of release images are made when an image is saved. This command makes them for
images saved before (or again for all, e.g. after the widths in releases/renditions.py changed)."""

from django.core.management.base import BaseCommand

from releases.models import ReleaseImage
from releases.renditions import delete_renditions


class Command(BaseCommand):
    help = "Erzeugt fehlende Bildvarianten (AVIF/WebP/JPEG) der Pressebilder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--alle", action="store_true", help="Alle Varianten neu erzeugen, nicht nur fehlende."
        )

    def handle(self, *args, **options):
        made = 0
        for image in ReleaseImage.objects.iterator():
            if options["alle"]:
                delete_renditions(image.image.storage, image.renditions)
                image.renditions = {}
            if image.renditions.get("source") != image.image.name:
                image.save()  # saving makes the renditions
                made += 1
        self.stdout.write(self.style.SUCCESS(f"Bildvarianten erzeugt für {made} Bild(er)."))
