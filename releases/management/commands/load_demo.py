"""
Demo content for a local site: the facts come from the organisation's real releases (names,
places, dates, roles); the texts are written for this demo. Safe to run again: it updates what it
created before and adds nothing twice.
"""

import datetime
import io
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from PIL import Image, ImageDraw

from releases.models import PressRelease, ReleaseAttachment, ReleaseImage, Topic

PUBLISHED = PressRelease.Status.PUBLISHED

TOPICS = ["Regionalmarketing", "Berufsorientierung", "Fachkräftesicherung"]

RELEASES = [
    {
        "slug": "allianz-fuer-die-region-und-ihk-lueneburg-wolfsburg-bauen-kooperation-aus",
        "title": "Allianz für die Region und IHK Lüneburg-Wolfsburg bauen Kooperation aus",
        "place": "Braunschweig/Wolfsburg",
        "release_date": datetime.date(2016, 1, 29),
        "topics": ["Regionalmarketing", "Berufsorientierung"],
        "lead": "Die Allianz für die Region GmbH und die Industrie- und Handelskammer "
        "Lüneburg-Wolfsburg bauen ihre Kooperation aus. Verkündet haben die beiden Partner das "
        "beim Festakt zum 150-jährigen Bestehen der IHK im Wolfsburger Planetarium. Im Mittelpunkt "
        "stehen das Regionalmarketing und die Berufsorientierung.",
        "body": """
<p>Für Julius von Ingelheim, Geschäftsführer der Allianz für die Region, ist die Frage nach dem
richtigen Partner bei jedem Vorhaben eine der ersten. Netzwerke würden für die Zukunft der
Wirtschafts- und Wissenschaftsregion Braunschweig-Wolfsburg immer wichtiger, und die Kooperation
mit der IHK Lüneburg-Wolfsburg beweise, dass Zusammenarbeit auch über Kammergrenzen hinweg gelingt.</p>
<h2>105.000 Euro für gemeinsame Projekte</h2>
<p>Die IHK Lüneburg-Wolfsburg stellt der Allianz für die Region insgesamt 105.000 Euro zur
Verfügung und verstärkt damit ihr Engagement in der Region deutlich. IHK-Präsident Olaf Kahle
versteht den Beitrag als klares Signal: Obwohl die Kammerbeiträge vor allem aus dem Raum Wolfsburg
spürbar zurückgehen, sollen die gemeinsamen Projekte fortgeführt werden.</p>
<p>Beim Regionalmarketing arbeiten mehrere Projektgruppen daran, die Region nach außen sichtbarer
zu machen. Sie reicht über acht Gebietskörperschaften: vom Landkreis Goslar im Süden bis zum
Landkreis Gifhorn im Norden, von Peine im Westen bis Helmstedt im Osten.</p>
<p>In der Berufsorientierung sollen die Angebote in Wolfsburg und Gifhorn wachsen. Schülerinnen
und Schüler werden in wichtigen Phasen ihrer Berufswahl begleitet und früh mit Unternehmen aus
der Region zusammengebracht.</p>
""",
    },
    {
        "slug": "betriebsnachbarschaften-abschluss-im-landkreis-helmstedt",
        "title": "Betriebsnachbarschaften: Abschluss im Landkreis Helmstedt",
        "subtitle": "Handwerksbetriebe aus Schöningen und der Samtgemeinde Heeseberg setzten auf "
        "Azubimarketing und Mitarbeiterbindung",
        "place": "Helmstedt",
        "release_date": datetime.date(2022, 3, 28),
        "topics": ["Fachkräftesicherung"],
        "lead": "Zwei Jahre lang haben Unternehmen aus der Stadt Schöningen und der Samtgemeinde "
        "Heeseberg gemeinsam nach Wegen gesucht, Fachkräfte zu gewinnen und zu halten. Mit einer "
        "Abschlussveranstaltung im Gründer- und Unternehmerzentrum endete heute das Projekt "
        "Betriebsnachbarschaften im Landkreis Helmstedt.",
        "body": """
<p>Die Betriebe brachten ihre eigenen Fragen mit und entwickelten mit ihren Nachbarn Antworten
darauf. Wendelin Göbel, Geschäftsführer der Allianz für die Region, dankte allen Beteiligten: Ziel
sei ein Netz benachbarter Unternehmen gewesen, das auch nach dem Projekt trägt. Die Coronapandemie
habe das Kennenlernen und die gemeinsame Arbeit immer wieder erschwert.</p>
<p>Zum Auftakt erhob das Projekt den Bedarf im Gewerbegebiet. Danach bekamen die Unternehmen
Fachinformationen zu Arbeitgeberattraktivität und Personalentwicklung und setzten in
Nachbarschaftstreffen und Unternehmenswerkstätten die vereinbarten Vorhaben um.</p>
<h2>Neue Wege zu Auszubildenden</h2>
<p>In Schöningen und Heeseberg standen selbstständiges Arbeiten, Qualifizierung und
Wissensmanagement sowie neue Wege der Rekrutierung im Mittelpunkt. In einer Unternehmenswerkstatt
mit dem RKW-Kompetenzzentrum Nord ging es darum, wie eine gute Internetseite und soziale Medien
bei der Suche nach Auszubildenden helfen. Die Handwerkskammer Braunschweig-Lüneburg-Stade stellte
ihre Unterstützungsangebote vor.</p>
<p>Der Projektraum soll wachsen, damit künftig mehr Unternehmen im Landkreis Helmstedt vom
Austausch profitieren.</p>
<h2>Über das Projekt Betriebsnachbarschaften</h2>
<p>Die Allianz für die Region organisierte als Projektträgerin regelmäßige Treffen benachbarter
Unternehmen in fünf Projekträumen: Goslar, Peine, Salzgitter, Schöningen/Heeseberg und Seesen.
Die Wirtschaftsförderungen vor Ort sowie die Handwerkskammer Braunschweig-Lüneburg-Stade und die
IHK Braunschweig unterstützten die Betriebe. Das Projekt gehört zum Fachkräftebündnis
Südostniedersachsen und wurde aus Mitteln des Europäischen Sozialfonds, des Niedersächsischen
Ministeriums für Wirtschaft, Arbeit, Verkehr und Digitalisierung und des Landkreises Helmstedt
gefördert.</p>
""",
    },
    *[
        {
            "slug": f"betriebsnachbarschaften-abschlussveranstaltung-in-{slug}",
            "title": f"Betriebsnachbarschaften: Abschlussveranstaltung in {place}",
            "place": place,
            "release_date": date,
            "topics": ["Fachkräftesicherung"],
            "lead": f"Im Projektraum {place} kommen Unternehmen, Unterstützer und die Allianz "
            "für die Region zur Abschlussveranstaltung des Projekts Betriebsnachbarschaften "
            "zusammen und ziehen Bilanz.",
            "body": f"""
<p>Die teilnehmenden Betriebe aus {place} stellen vor, was sie mit ihren Nachbarn umgesetzt haben,
und besprechen, wie der Austausch weitergehen kann. Die Veranstaltung ist eine von fünf
Abschlussveranstaltungen zwischen dem 21. und dem 30. März 2022.</p>
""",
        }
        for slug, place, date in [
            ("goslar", "Goslar", datetime.date(2022, 3, 21)),
            ("peine", "Peine", datetime.date(2022, 3, 22)),
            ("seesen", "Seesen", datetime.date(2022, 3, 29)),
            ("salzgitter", "Salzgitter", datetime.date(2022, 3, 30)),
        ]
    ],
]


def scheduled_release(now):
    """A release under embargo three days ahead, to show the Sperrfrist in admin and preview."""
    moment = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
    moment += datetime.timedelta(days=3)
    return {
        "slug": "demo-sperrfrist-projektraum-helmstedt-soll-wachsen",
        "title": "Betriebsnachbarschaften: Projektraum Helmstedt soll wachsen",
        "subtitle": "Beispiel für eine Mitteilung mit Sperrfrist",
        "place": "Helmstedt",
        "release_date": moment.date(),
        "publish_at": moment,
        "topics": ["Fachkräftesicherung"],
        "lead": "Diese Demo-Mitteilung steht unter Sperrfrist: Sie ist auf der Website erst ab "
        "dem angegebenen Zeitpunkt zu sehen, ohne dass jemand sie dann noch freischalten muss.",
        "body": "<p>In der Verwaltung ist sie mit „Sperrfrist bis …“ markiert; die Vorschau zeigt "
        "sie schon jetzt.</p>",
    }


DRAFT = {
    "slug": "entwurf-regionalmarketing-arbeitsstand",
    "title": "Regionalmarketing: Arbeitsstand der Projektgruppen",
    "subtitle": "Entwurf, nicht öffentlich",
    "place": "Braunschweig",
    "release_date": datetime.date(2016, 6, 1),
    "topics": ["Regionalmarketing"],
    "lead": "Ein Entwurf: Er erscheint nirgends auf der Website, nur in der Verwaltung und in "
    "der Vorschau.",
    "body": "<p>Text folgt.</p>",
    "status": PressRelease.Status.DRAFT,
}


def demo_image(text):
    """A plain generated graphic, so that the demo has an image without shipping a photo."""
    image = Image.new("RGB", (1600, 900), (11, 90, 122))
    draw = ImageDraw.Draw(image)
    for step in range(0, 900, 6):
        draw.line([(0, step), (1600, step)], fill=(11, 90 + step // 30, 122 + step // 20))
    draw.text((80, 760), text, fill=(255, 255, 255), font_size=72)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="betriebsnachbarschaften-demo.jpg")


def demo_pdf(text):
    image = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(image).text((100, 120), text, fill="black", font_size=40)
    buffer = io.BytesIO()
    image.save(buffer, "PDF")
    return ContentFile(buffer.getvalue(), name="projektsteckbrief-betriebsnachbarschaften.pdf")


class Command(BaseCommand):
    help = "Legt Demo-Inhalte an (wiederholbar, ohne Dubletten)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Nur lokal (DJANGO_DEBUG=1): Demo-Zugang „redaktion“ mit neuem Passwort anlegen.",
        )

    def handle(self, *args, **options):
        topics = {name: Topic.objects.get_or_create(name=name)[0] for name in TOPICS}
        now = timezone.now()
        for data in [*RELEASES, scheduled_release(now), DRAFT]:
            data = dict(data)
            release_topics = [topics[name] for name in data.pop("topics")]
            data.setdefault("status", PUBLISHED)
            if data["status"] == PUBLISHED:
                data.setdefault(
                    "publish_at",
                    timezone.make_aware(
                        datetime.datetime.combine(data["release_date"], datetime.time(10))
                    ),
                )
            release, _created = PressRelease.objects.update_or_create(
                slug=data.pop("slug"), defaults=data
            )
            release.topics.set(release_topics)

        helmstedt = PressRelease.objects.get(
            slug="betriebsnachbarschaften-abschluss-im-landkreis-helmstedt"
        )
        if not helmstedt.images.exists():
            ReleaseImage.objects.create(
                release=helmstedt,
                image=demo_image("Betriebsnachbarschaften"),
                caption="Abschlussveranstaltung im Gründer- und Unternehmerzentrum Helmstedt",
                credit="Grafik: Allianz für die Region (Demobild)",
                alt_text="Blaue Grafik mit dem Schriftzug Betriebsnachbarschaften",
                licence="Abdruck honorarfrei bei Nennung des Bildnachweises",
            )
        if not helmstedt.attachments.exists():
            ReleaseAttachment.objects.create(
                release=helmstedt,
                file=demo_pdf("Projektsteckbrief Betriebsnachbarschaften (Demo)"),
                title="Projektsteckbrief Betriebsnachbarschaften",
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo-Inhalte bereit: {PressRelease.objects.count()} Pressemitteilungen, "
                f"davon {PressRelease.objects.published().count()} öffentlich."
            )
        )
        if options["admin"]:
            self.create_admin()

    def create_admin(self):
        if not settings.DEBUG:
            raise CommandError("Der Demo-Zugang ist nur lokal mit DJANGO_DEBUG=1 erlaubt.")
        password = secrets.token_urlsafe(12)
        user, _created = get_user_model().objects.get_or_create(
            username="redaktion", defaults={"email": "redaktion@example.org"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            "\nVerwaltung: http://127.0.0.1:8000/admin/\n"
            f"  Benutzer: redaktion\n  Passwort: {password}   (nur für diesen lokalen Demo-Betrieb)\n"
        )
