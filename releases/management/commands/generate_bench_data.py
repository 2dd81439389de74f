"""
Benchmark data: an archive of N German press releases with topics, projects, partners, press
contacts, images and attachments, the same for the same seed (bench/run uses it).

    manage.py generate_bench_data --releases 10000 --seed 1
    manage.py generate_bench_data --releases 100000 --clear     # for search

Releases and their links are written with bulk_create, so 10,000 take seconds. The texts are put
together from sentence patterns in our own words; places, kinds of partners and topics follow the
organisation's region (south-east Lower Saxony). A few releases are drafts or under embargo, as in
real life. The word RARE_TERM occurs in about one release in RARE_EVERY, COMMON_TERM in most: the
benchmark searches for both.
"""

import datetime
import io
import random

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from contacts.models import PressContact
from releases.cache import invalidate_pages
from releases.models import (
    Partner,
    PressRelease,
    Project,
    ProjectArea,
    ProjectEvent,
    ProjectPartner,
    ReleaseAttachment,
    ReleaseImage,
    Topic,
)
from releases.slugs import slugify_de

COMMON_TERM = "Fachkräfte"
RARE_TERM = "Quantensensorik"
RARE_EVERY = 2000
BATCH = 1000
THROUGH_COLUMNS = {
    "topics": "topic_id",
    "projects": "project_id",
    "partners": "partner_id",
    "contacts": "presscontact_id",
}

TOPICS = [
    "Fachkräftesicherung",
    "Berufsorientierung",
    "Regionalmarketing",
    "Mobilität",
    "Energie und Klima",
    "Gesundheitswirtschaft",
    "Digitalisierung",
    "Tourismus",
    "Wissenschaft und Forschung",
    "Gründung und Innovation",
    "Standortentwicklung",
    "Bildung",
]
CITIES = ["Braunschweig", "Wolfsburg", "Salzgitter"]
COUNTIES = ["Goslar", "Peine", "Helmstedt", "Wolfenbüttel", "Gifhorn"]
TOWNS = ["Seesen", "Schöningen", "Bad Harzburg", "Königslutter", "Vechelde", "Clausthal-Zellerfeld"]
PLACES = CITIES + COUNTIES + TOWNS
FIRST_NAMES = [
    "Anna", "Jonas", "Sibille", "Julius", "Miriam", "Thomas", "Leonie", "Karsten", "Aylin",
    "Friedrich", "Petra", "Hendrik", "Sabine", "Mehmet", "Ulrike", "Björn", "Katrin", "Lars",
]  # fmt: skip
LAST_NAMES = [
    "Meyer", "Schulze", "Brandes", "Wöhler", "Krüger", "Oelkers", "Hartmann", "Bosse",
    "Yilmaz", "Lüddecke", "Heinemann", "Schrader", "Dreyer", "Bührig", "Kaufmann", "Röttger",
]  # fmt: skip
ROLES = [
    "Geschäftsführer der Allianz für die Region",
    "Projektleiterin",
    "Landrätin des Landkreises {county}",
    "Oberbürgermeister der Stadt {city}",
    "Präsident der Industrie- und Handelskammer",
    "Leiterin der Wirtschaftsförderung {place}",
    "Ausbildungsleiter eines Maschinenbauers aus {place}",
    "Vizepräsidentin der Technischen Universität",
]
THINGS = [
    "ein Netzwerk für Fachkräftesicherung",
    "eine Ausbildungsmesse",
    "ein Mentoringprogramm",
    "einen Innovationswettbewerb",
    "das Forum Mobilität",
    "einen Gründerpreis",
    "den Tag der offenen Betriebe",
    "einen Dialog zur Wasserstoffwirtschaft",
    "eine Sommerschule Digitalisierung",
    "eine Pflegeoffensive",
    "ein Radverkehrskonzept",
    "eine Willkommenskultur für internationale Fachkräfte",
]
TITLES = [
    "{subject} startet {thing} in {place}",
    "{n} Betriebe beteiligen sich an {project}",
    "{place}: {subject} zieht Bilanz nach {n} Monaten",
    "Neue Förderung für {topic} in {place}",
    "{project}: Abschlussveranstaltung in {place}",
    "Region setzt auf {topic}",
    "{subject} und {partner} vereinbaren Zusammenarbeit",
    "Mehr Ausbildungsplätze in {place} – {project} wirkt",
    "Jugendliche entdecken Berufe in {place}",
    "Fachkräfte für {place}: {thing_title} gestartet",
    "{topic}: Erfolgreiche Bilanz für die Region {place}",
    "{partner} tritt {project} bei",
]
SUBJECTS = [
    "Die Allianz für die Region",
    "Der Landkreis {county}",
    "Die Stadt {city}",
    "Das Projekt {project}",
    "Die Wirtschaftsförderung {place}",
    "{partner}",
]
SENTENCES = [
    "{Subject} will die Zusammenarbeit mit Betrieben in {place} in den kommenden Monaten "
    "deutlich ausbauen.",
    "Nach Angaben von {person} haben sich bereits {n} Unternehmen für das Angebot angemeldet.",
    "„{quote}“, sagte {person}, {role}, bei der Veranstaltung in {place}.",
    "Das Vorhaben wird mit {money} Euro aus Mitteln des Landes Niedersachsen gefördert.",
    "Im Mittelpunkt steht das Thema {topic}, und die Zusammenarbeit über Gemeindegrenzen hinweg.",
    "Die Teilnahme ist für Betriebe aus der Region kostenfrei.",
    "Weitere Termine sind für den {month} in {place} geplant.",
    "{Subject} zieht nach {n} Monaten eine positive Bilanz.",
    "Besonders kleine und mittlere Unternehmen profitieren vom Austausch über Betriebsgrenzen "
    "hinweg.",
    "Bis {year} sollen in der Region {n} zusätzliche Ausbildungsplätze entstehen.",
    "Fachkräfte aus {place} berichteten von ihren Erfahrungen mit dem neuen Format.",
    "Die Region zwischen Harz und Heide braucht in den nächsten Jahren tausende Fachkräfte.",
    "Unterstützt wird das Projekt von {partner} und weiteren Partnern aus {place}.",
    "Schülerinnen und Schüler aus {place} lernten an {n} Stationen Berufe aus Handwerk, "
    "Industrie und Pflege kennen.",
    "Die Ergebnisse fließen in die Arbeit des Fachkräftebündnisses Südostniedersachsen ein.",
    "Wer mitmachen möchte, findet alle Informationen auf der Website der Allianz für die Region.",
    "An der Auftaktveranstaltung nahmen rund {n} Gäste aus Wirtschaft, Wissenschaft und "
    "Verwaltung teil.",
    "Ziel ist es, junge Menschen in der Region zu halten und Zuzug zu erleichtern.",
]
QUOTES = [
    "Fachkräfte gewinnt man gemeinsam, nicht gegeneinander",
    "Wir wollen zeigen, was in unserer Region alles möglich ist",
    "Die Betriebe haben erkannt, dass sie voneinander lernen können",
    "Gute Ideen entstehen dort, wo Wirtschaft und Wissenschaft zusammenkommen",
    "Jeder Ausbildungsplatz, den wir besetzen, stärkt den Standort",
    "Das Netzwerk trägt, auch nach dem Ende der Förderung",
]
HEADINGS = [
    "Betriebe lernen voneinander",
    "Wie es weitergeht",
    "Zahlen und Fakten",
    "Stimmen aus der Region",
    "Förderung und Partner",
    "Termine",
]
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember"]  # fmt: skip
PROJECTS = [
    "Betriebsnachbarschaften",
    "Zukunftsdialog Mobilität",
    "Ausbildungsoffensive Harz",
    "Wasserstoffregion Südostniedersachsen",
    "Pflege vor Ort",
    "Gründungsnetzwerk Oker",
    "Digitale Dörfer",
    "Welcome Center Region",
    "Schule trifft Wirtschaft",
    "Energiewende Kommunal",
    "Tourismusnetzwerk Harz-Heide",
    "Campus und Betrieb",
    "Radregion 2030",
    "Fachkräfte international",
    "Innovationslabor Salzgitter",
]
COMPANY_PARTS = (
    ["Harz", "Oker", "Elm", "Asse", "Leine", "Aller", "Fallstein", "Lappwald", "Innerste"],
    ["Logistik", "Metallbau", "Software", "Energie", "Bau", "Medien", "Kunststofftechnik"],
    ["GmbH", "AG", "GmbH & Co. KG", "eG"],
)
SHAREHOLDERS = [
    ("Industrie- und Handelskammer Braunschweig", Partner.Kind.CHAMBER),
    ("Handwerkskammer Braunschweig-Lüneburg-Stade", Partner.Kind.CHAMBER),
    ("Regionalverband Großraum Braunschweig", Partner.Kind.REGIONAL_BODY),
    ("Volkswagen AG", Partner.Kind.COMPANY),
    ("Salzgitter AG", Partner.Kind.COMPANY),
    ("Braunschweigische Landessparkasse", Partner.Kind.BANK),
    ("Öffentliche Versicherung Braunschweig", Partner.Kind.INSURER),
    ("Deutscher Gewerkschaftsbund Region SüdOstNiedersachsen", Partner.Kind.UNION),
    ("Braunschweiger Zeitungsverlag", Partner.Kind.MEDIA),
    *[(f"Stadt {city}", Partner.Kind.CITY) for city in CITIES],
    *[(f"Landkreis {county}", Partner.Kind.COUNTY) for county in COUNTIES],
]


class Slots(dict):
    """The values of one sentence's {slots}, drawn when the pattern first names them."""

    def __init__(self, drawers):
        super().__init__()
        self.drawers = drawers

    def __missing__(self, key):
        self[key] = self.drawers[key](self)
        return self[key]


class Command(BaseCommand):
    help = (
        "Erzeugt ein Archiv realistischer Pressemitteilungen für den Benchmark (bench/run): "
        "mit Themen, Projekten, Partnern, Pressekontakten, Bildern und Anhängen; bei gleichem "
        "--seed immer dasselbe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--releases", type=int, default=10_000, help="Anzahl (10000)")
        parser.add_argument("--seed", type=int, default=1, help="Zufallsstartwert (1)")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Vorher ALLE Mitteilungen, Themen, Projekte, Partner und Kontakte löschen.",
        )

    def handle(self, *args, releases, seed, clear, **options):
        if releases < 1:
            raise CommandError("--releases muss mindestens 1 sein.")
        if clear:
            self.clear()
        elif PressRelease.objects.exists():
            raise CommandError(
                "Die Datenbank enthält schon Pressemitteilungen. --clear löscht alles vorher "
                "(nur für eine Benchmark-Datenbank gedacht)."
            )
        self.rng = random.Random(seed)
        self.seed = seed
        self.partner_names = [name for name, _kind in SHAREHOLDERS]
        self.draw = self.slot_drawers()
        with transaction.atomic():
            self.make_directory()
            count = self.make_releases(releases)
        # bulk_create sends no signals and skips save(): tell the page cache, and fill the search
        # index (PostgreSQL; elsewhere this does nothing).
        invalidate_pages()
        PressRelease.objects.update_search_vector()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum would do a little later: planner statistics for the new rows, and
            # the visibility map that lets index-only scans skip the table. (VACUUM cannot run
            # inside a transaction, e.g. a test's; there autovacuum is left to do it.)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"{count} Pressemitteilungen (Seed {seed}) mit {self.image_count} Bildern und "
                f"{self.attachment_count} Anhängen; Suchbegriffe: häufig „{COMMON_TERM}“, "
                f"selten „{RARE_TERM}“."
            )
        )

    def clear(self):
        """Empty the tables of releases and contacts (TRUNCATE on PostgreSQL) and restart their
        ids, so that the same seed gives the same addresses. Deleting row by row would take
        minutes at 100,000 releases."""
        tables = [
            model._meta.db_table
            for label in ["releases", "contacts"]
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        ]
        statements = connection.ops.sql_flush(
            no_style(), tables, reset_sequences=True, allow_cascade=True
        )
        # PostgreSQL truncates no table with deferred constraint checks pending (rows added
        # earlier in the same transaction): run them first.
        connection.check_constraints()
        connection.ops.execute_sql_flush(statements)

    # --- The directory: topics, partners, projects, contacts -----------------------------------

    def make_directory(self):
        rng = self.rng
        self.topics = [Topic(name=name, slug=slugify_de(name)) for name in TOPICS]
        Topic.objects.bulk_create(self.topics)

        partners = [
            Partner(name=name, kind=kind, is_shareholder=True, order=number)
            for number, (name, kind) in enumerate(SHAREHOLDERS)
        ]
        names = {partner.name for partner in partners}
        while len(partners) < 60:
            name = " ".join(rng.choice(part) for part in COMPANY_PARTS)
            if name not in names:
                names.add(name)
                partners.append(Partner(name=name, kind=Partner.Kind.COMPANY))
        for partner in partners:
            partner.slug = slugify_de(partner.name)
            partner.description = self.paragraph(3)
        self.partners = Partner.objects.bulk_create(partners)
        self.partner_names = [partner.name for partner in self.partners]

        self.projects = []
        for number, name in enumerate(PROJECTS):
            start = datetime.date(2016 + number % 8, 1 + number % 12, 1)
            completed = number % 3 == 0
            project = Project.objects.create(
                name=name,
                slug=slugify_de(name),
                programme="Fachkräftebündnis Südostniedersachsen" if number % 2 else "",
                summary=self.paragraph(2),
                description="".join(f"<p>{self.paragraph(4)}</p>" for _ in range(3)),
                status=Project.Status.COMPLETED if completed else Project.Status.RUNNING,
                start=start,
                end=start + datetime.timedelta(days=3 * 365) if completed else None,
                order=number,
            )
            self.projects.append(project)
            for order, place in enumerate(rng.sample(PLACES, rng.randint(2, 5))):
                area = ProjectArea.objects.create(project=project, name=place, order=order)
                for _ in range(rng.randint(1, 3)):
                    starts_at = self.moment(rng.randint(-900, 120))
                    ProjectEvent.objects.create(
                        area=area,
                        title=rng.choice(["Netzwerktreffen", "Betriebsbesuch", "Workshop"])
                        + f" in {place}",
                        starts_at=starts_at,
                        ends_at=starts_at + datetime.timedelta(hours=2),
                        place=f"Rathaus {place}",
                    )
            for partner in rng.sample(self.partners, rng.randint(2, 6)):
                ProjectPartner.objects.create(
                    project=project,
                    partner=partner,
                    role=rng.choice(["sponsor", "funder", "supporter"]),
                    funding_note="Gefördert aus Mitteln des Landes Niedersachsen"
                    if rng.random() < 0.3
                    else "",
                )

        self.contacts = []
        for number in range(4):
            first, last = FIRST_NAMES[number * 2], LAST_NAMES[number * 3]
            self.contacts.append(
                PressContact.objects.create(
                    first_name=first,
                    last_name=last,
                    slug=slugify_de(f"{first} {last}"),
                    position="Pressesprecherin" if number % 2 == 0 else "Referent Kommunikation",
                    department="Kommunikation",
                    phone=f"+49 (0)531/1218-15{number}",
                    email=f"{slugify_de(first)}.{slugify_de(last)}@example.org",
                    order=number,
                )
            )

    # --- The releases ---------------------------------------------------------------------------

    def make_releases(self, count):
        images = self.image_pool()
        attachment = self.attachment_file()
        self.image_count = self.attachment_count = 0
        today = timezone.localdate()
        slugs = set()
        made = 0
        while made < count:
            batch = []
            for number in range(made, min(made + BATCH, count)):
                release = self.release(number, today)
                base = slugify_de(release.title)[:190].strip("-")
                slug, suffix = base, 2
                while slug in slugs:
                    slug, suffix = f"{base}-{suffix}", suffix + 1
                slugs.add(slug)
                release.slug = slug
                batch.append(release)
            PressRelease.objects.bulk_create(batch)
            self.link(batch, images, attachment)
            made += len(batch)
        return made

    def release(self, number, today):
        rng = self.rng
        # Ten years of releases, more of them recently; a few drafts and embargoes ahead.
        age = int(3650 * rng.random() ** 1.3)
        day = today - datetime.timedelta(days=age)
        status = PressRelease.Status.PUBLISHED
        publish_at = self.moment_on(day)
        if number % 997 == 5:  # under embargo: scheduled some days ahead
            day = today + datetime.timedelta(days=1 + number % 20)
            publish_at = self.moment_on(day)
        elif number % 251 == 7:
            status, publish_at = PressRelease.Status.DRAFT, None
        place = rng.choice(PLACES)
        if rng.random() < 0.15:
            place = f"{rng.choice(CITIES)}/{rng.choice(COUNTIES)}"
        body = self.body(rare=number % RARE_EVERY == RARE_EVERY // 2)
        release = PressRelease(
            title=self.fill(rng.choice(TITLES)),
            subtitle=self.fill(rng.choice(SENTENCES)).rstrip(".") if rng.random() < 0.4 else "",
            place=place,
            release_date=day,
            lead=self.paragraph(rng.randint(2, 3)),
            body=body,
        )
        if status == PressRelease.Status.PUBLISHED:
            release.publish(at=publish_at)
        if rng.random() < 0.02:  # bulk_create does not call save(), which dates the note
            release.correction_note, release.corrected_at = "Zahlen korrigiert", publish_at
        return release

    def link(self, batch, images, attachment):
        """Topics, projects, partners and contacts of a batch, and its images and attachments."""
        rng = self.rng
        rows = {"topics": [], "projects": [], "partners": [], "contacts": []}
        files = {"images": [], "attachments": []}
        for release in batch:
            for topic in rng.sample(self.topics, rng.randint(1, 3)):
                rows["topics"].append((release, topic))
            if rng.random() < 0.6:
                for project in rng.sample(self.projects, rng.randint(1, 2)):
                    rows["projects"].append((release, project))
            for partner in rng.sample(self.partners, rng.choice([0, 0, 1, 2, 3, 4])):
                rows["partners"].append((release, partner))
            contacts = self.contacts[:1] if rng.random() < 0.9 else rng.sample(self.contacts, 2)
            for contact in contacts:
                rows["contacts"].append((release, contact))
            if rng.random() < 0.2:
                for order in range(rng.randint(1, 3)):
                    name, width, height, size = rng.choice(images)
                    files["images"].append(
                        ReleaseImage(
                            release=release,
                            image=name,
                            width=width,
                            height=height,
                            size=size,
                            caption=self.fill("Beim Netzwerktreffen in {place}"),
                            credit=f"Foto: {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                            alt_text="Menschen im Gespräch an einem Stehtisch",
                            licence="Abdruck honorarfrei bei Nennung des Bildnachweises",
                            order=order,
                        )
                    )
            if rng.random() < 0.1:
                name, size = attachment
                files["attachments"].append(
                    ReleaseAttachment(release=release, file=name, title="Steckbrief", size=size)
                )
        for field, pairs in rows.items():
            through = getattr(PressRelease, field).through
            column = THROUGH_COLUMNS[field]
            through.objects.bulk_create(
                [
                    through(pressrelease_id=release.pk, **{column: other.pk})
                    for release, other in pairs
                ],
                batch_size=BATCH,
            )
        ReleaseImage.objects.bulk_create(files["images"], batch_size=BATCH)
        ReleaseAttachment.objects.bulk_create(files["attachments"], batch_size=BATCH)
        self.image_count += len(files["images"])
        self.attachment_count += len(files["attachments"])

    # --- Text ------------------------------------------------------------------------------------

    def fill(self, pattern):
        """`pattern` with its {slots} filled; only the slots it names draw a random value."""
        text = pattern.format_map(Slots(self.draw))
        return text[:1].upper() + text[1:]

    def slot_drawers(self):
        rng = self.rng

        def thing_title(slots):
            thing = slots["thing"].split(" ", 1)[1]  # without the article
            return thing[:1].upper() + thing[1:]

        return {
            "place": lambda slots: rng.choice(PLACES),
            "city": lambda slots: rng.choice(CITIES),
            "county": lambda slots: rng.choice(COUNTIES),
            "project": lambda slots: rng.choice(PROJECTS),
            "partner": lambda slots: rng.choice(self.partner_names),
            "topic": lambda slots: rng.choice(TOPICS),
            "thing": lambda slots: rng.choice(THINGS),
            "thing_title": thing_title,
            "n": lambda slots: rng.choice([12, 20, 25, 30, 40, 60, 85, 120, 150, 300]),
            "money": lambda slots: f"{rng.randint(2, 90) * 5}.000",
            "month": lambda slots: rng.choice(MONTHS),
            "year": lambda slots: rng.randint(2028, 2035),
            "quote": lambda slots: rng.choice(QUOTES),
            "person": lambda slots: f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "role": lambda slots: rng.choice(ROLES).format_map(slots),
            "subject": lambda slots: rng.choice(SUBJECTS).format_map(slots),
            "Subject": lambda slots: slots["subject"],
        }

    def paragraph(self, sentences):
        return " ".join(self.fill(pattern) for pattern in self.rng.sample(SENTENCES, sentences))

    def body(self, rare=False):
        rng = self.rng
        parts = []
        for number in range(rng.randint(3, 14)):
            if number and rng.random() < 0.2:
                parts.append(f"<h2>{rng.choice(HEADINGS)}</h2>")
            if rng.random() < 0.08:
                items = "".join(f"<li>{self.fill('{thing_title} in {place}')}</li>" for _ in "123")
                parts.append(f"<ul>{items}</ul>")
            parts.append(f"<p>{self.paragraph(rng.randint(2, 6))}</p>")
        if rare:
            parts.append(
                f"<p>Ein Forschungsteam stellte zudem erste Ergebnisse zur {RARE_TERM} in der "
                "Fertigung vor.</p>"
            )
        return "".join(parts)

    # --- Time and files ---------------------------------------------------------------------------

    def moment_on(self, day):
        hour, minute = self.rng.choice([(9, 0), (10, 0), (10, 30), (11, 0), (14, 0)])
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def moment(self, days_from_today):
        return self.moment_on(timezone.localdate() + datetime.timedelta(days=days_from_today))

    def image_pool(self):
        """A dozen small generated photos, shared by all releases: (name, width, height, size)."""
        pool = []
        storage = ReleaseImage._meta.get_field("image").storage  # where release files lie
        for number in range(12):
            image = Image.new("RGB", (480, 320), (30 + number * 15, 90, 140 - number * 8))
            draw = ImageDraw.Draw(image)
            for shape in range(6):
                x, y = self.rng.randint(0, 420), self.rng.randint(0, 260)
                color = (200, 160 + shape * 10, 60 + number * 10)
                draw.ellipse([x, y, x + 60, y + 60], fill=color)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=80)
            name = f"presse/bench-{self.seed}/foto-{number + 1}.jpg"
            if not storage.exists(name):
                storage.save(name, ContentFile(buffer.getvalue()))
            pool.append((name, 480, 320, storage.size(name)))
        return pool

    def attachment_file(self):
        content = b"%PDF-1.4\n% Steckbrief fuer den Benchmark\n%%EOF\n"
        name = f"presse/bench-{self.seed}/steckbrief.pdf"
        storage = ReleaseAttachment._meta.get_field("file").storage
        if not storage.exists(name):
            storage.save(name, ContentFile(content))
        return name, len(content)
