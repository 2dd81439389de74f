import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contacts.models import PressContact
from releases.importer import ParseError, parse_release, read_text
from releases.models import PressRelease, Project


class Command(BaseCommand):
    help = (
        "Importiert Pressemitteilungen aus Textdateien (oder allen *.txt eines Ordners). "
        "Erneutes Importieren aktualisiert statt zu verdoppeln."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Dateien oder Ordner")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Neue Mitteilungen als Entwurf anlegen statt sie zu veröffentlichen.",
        )

    def handle(self, *paths, **options):
        files = []
        for path in options["paths"]:
            files.extend(sorted(path.glob("*.txt")) if path.is_dir() else [path])
        failed = 0
        for file in files:
            try:
                parsed = parse_release(read_text(file))
            except (OSError, ParseError) as error:
                failed += 1
                self.stderr.write(self.style.ERROR(f"Fehler: {file}: {error}"))
                continue
            release, created = self.save(parsed, draft=options["draft"])
            self.stdout.write(
                f"{'Neu' if created else 'Aktualisiert'}: {file} → „{release.title}“ "
                f"({release.place}, {parsed.date:%d.%m.%Y}; {len(parsed.paragraphs)} Absätze"
                f"{', Abschnitt „' + parsed.about_title + '“' if parsed.about_title else ''})"
            )
            if parsed.contact_lines:
                self.stdout.write(f"  Pressekontakt erkannt: {' / '.join(parsed.contact_lines)}")
            for project in release.projects.all():
                self.stdout.write(f"  Mit dem Projekt „{project}“ verknüpft")
            for contact in release.contacts.all():
                self.stdout.write(f"  Pressekontakt: {contact.name}")
            for note in parsed.skipped:
                self.stdout.write(self.style.WARNING(f"  {note}"))
        summary = f"{len(files) - failed} von {len(files)} Datei(en) importiert."
        if failed:
            raise CommandError(f"{summary} {failed} Datei(en) nicht lesbar, siehe oben.")
        self.stdout.write(self.style.SUCCESS(summary))

    def save(self, parsed, draft=False):
        """Title and date identify a release: importing the same file again updates it. A
        release whose "Über das Projekt X" section names an existing project is linked to it and
        shows the project's box instead of the section; the contact named in its contact block
        becomes its press contact (else the default contact)."""
        project = (
            Project.objects.filter(name__iexact=parsed.about_project).first()
            if parsed.about_project
            else None
        )
        fields = {
            "subtitle": parsed.subtitle,
            "place": parsed.place,
            "lead": parsed.lead,
            "body": parsed.body_html(with_about=project is None),
        }
        release = PressRelease.objects.filter(title=parsed.title, release_date=parsed.date).first()
        created = release is None
        if created:
            release = PressRelease(title=parsed.title, release_date=parsed.date)
            if not draft:
                release.publish(
                    at=timezone.make_aware(
                        datetime.datetime.combine(parsed.date, datetime.time.min)
                    )
                )
        for name, value in fields.items():
            setattr(release, name, value)
        release.save()
        if project:
            release.projects.add(project)
        contacts = PressContact.objects.named_in(" ".join(parsed.contact_lines))
        if contacts:
            release.contacts.set(contacts)
        else:
            release.add_default_contact()
        return release, created
