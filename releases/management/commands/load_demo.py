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

from contacts.models import PressContact
from releases.models import (
    ManagementPortrait,
    Organisation,
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


# The boilerplate under every release and the facts of the fact sheet (our own words).
ORGANISATION = {
    "name": "Allianz für die Region GmbH",
    "about_title": "Über die Allianz für die Region",
    "about": "Die Allianz für die Region GmbH ist die gemeinsame Entwicklungsgesellschaft von "
    "Wirtschaft, Kommunen, Kammern und Gewerkschaft im Südosten Niedersachsens. Sie bringt "
    "Unternehmen, Schulen und Verwaltungen zusammen, damit die Region Fachkräfte gewinnt und "
    "hält, und wirbt für die Region als Ort zum Arbeiten und Leben.",
    "management": "Wendelin Göbel",
    "region": "Die Städte Braunschweig, Salzgitter und Wolfsburg und die Landkreise Gifhorn, "
    "Goslar, Helmstedt, Peine und Wolfenbüttel",
    "address": "Allianz für die Region GmbH\nBraunschweig",
}


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


# The press contact named in both seed releases.
CONTACT = {
    "slug": "sibille-rosinski",
    "first_name": "Sibille",
    "last_name": "Rosinski",
    "position": "Pressesprecherin",
    "department": "Kommunikation",
    "phone": "+49 (0)531/1218-154",
    "fax": "+49 (0)531/1218-124",
    "mobile": "+49 (0)173/5406110",
    "email": "sibille.rosinski@allianz-fuer-die-region.de",
}

Kind = Partner.Kind

# All shareholders listed under the seed release of 2022: (name, short name, kind).
SHAREHOLDERS = [
    ("Arbeitgeberverband Region Braunschweig e.V.", "Arbeitgeberverband", Kind.ASSOCIATION),
    ("FUNKE Medien Niedersachsen GmbH", "FUNKE Medien", Kind.MEDIA),
    ("IG Metall SüdOstNiedersachsen", "IG Metall", Kind.UNION),
    ("Industrie- und Handelskammer Braunschweig", "IHK Braunschweig", Kind.CHAMBER),
    ("Industrie- und Handelskammer Lüneburg-Wolfsburg", "IHK Lüneburg-Wolfsburg", Kind.CHAMBER),
    ("Landkreis Gifhorn", "", Kind.COUNTY),
    ("Landkreis Goslar", "", Kind.COUNTY),
    ("Landkreis Helmstedt", "", Kind.COUNTY),
    ("Landkreis Peine", "", Kind.COUNTY),
    ("Landkreis Wolfenbüttel", "", Kind.COUNTY),
    ("Madsack Medien Ostniedersachsen GmbH & Co. KG", "Madsack Medien", Kind.MEDIA),
    ("Öffentliche Versicherung Braunschweig", "Öffentliche Versicherung", Kind.INSURER),
    ("Regionalverband Großraum Braunschweig", "Regionalverband", Kind.REGIONAL_BODY),
    ("Salzgitter AG", "", Kind.COMPANY),
    ("Sparkasse Celle-Gifhorn-Wolfsburg", "Sparkasse", Kind.BANK),
    ("Stadt Braunschweig", "", Kind.CITY),
    ("Stadt Salzgitter", "", Kind.CITY),
    ("Stadt Wolfsburg", "", Kind.CITY),
    ("Volksbank eG Braunschweig Wolfsburg", "Volksbank", Kind.BANK),
    ("Volkswagen Financial Services AG", "VW Financial Services", Kind.COMPANY),
    ("Wolfsburg AG", "", Kind.COMPANY),
]

# Organisations of the project Betriebsnachbarschaften that are not shareholders.
PROJECT_PARTNERS = [
    (
        "Allianz für die Region GmbH",
        "Allianz für die Region",
        Kind.COMPANY,
        "Die regionale Entwicklungsgesellschaft für Südostniedersachsen; Trägerin des Projekts "
        "Betriebsnachbarschaften.",
    ),
    (
        "Europäischer Sozialfonds",
        "ESF",
        Kind.PUBLIC_FUNDER,
        "Das Förderprogramm der Europäischen Union für Beschäftigung und Qualifizierung.",
    ),
    (
        "Niedersächsisches Ministerium für Wirtschaft, Arbeit, Verkehr und Digitalisierung",
        "Wirtschaftsministerium Niedersachsen",
        Kind.PUBLIC_FUNDER,
        "",
    ),
    (
        "Handwerkskammer Braunschweig-Lüneburg-Stade",
        "HWK Braunschweig-Lüneburg-Stade",
        Kind.CHAMBER,
        "Berät Handwerksbetriebe; stellte im Projekt ihre Angebote für Betriebe vor.",
    ),
    (
        "RKW-Kompetenzzentrum Nord",
        "RKW Nord",
        Kind.ASSOCIATION,
        "Gestaltete im Projekt eine Unternehmenswerkstatt zum Azubimarketing.",
    ),
    (
        "Wirtschaftsförderungen der Projekträume",
        "Wirtschaftsförderungen",
        Kind.ECONOMIC_DEVELOPMENT,
        "Die kommunalen Wirtschaftsförderungen in Goslar, Peine, Salzgitter, im Landkreis "
        "Helmstedt und in Seesen begleiteten die Betriebe vor Ort.",
    ),
]

PROJECT = {
    "slug": "betriebsnachbarschaften",
    "name": "Betriebsnachbarschaften",
    "programme": "Fachkräftebündnis Südostniedersachsen",
    "status": Project.Status.COMPLETED,
    # The seed only says the project ran for about two years before its closing events in
    # March 2022; the start month is an assumption for the demo.
    "start": datetime.date(2020, 4, 1),
    "end": datetime.date(2022, 3, 31),
    "summary": "Benachbarte Betriebe in fünf Gewerbegebieten Südostniedersachsens haben sich "
    "zusammengetan, um gemeinsam Fachkräfte zu finden, auszubilden und zu halten.",
    "description": """
<p>Kleine und mittlere Unternehmen spüren den Fachkräftemangel besonders. Im Projekt
Betriebsnachbarschaften suchten Betriebe, die Tür an Tür arbeiten, gemeinsam nach Antworten:
Was macht uns als Arbeitgeber attraktiv? Wie erreichen wir Auszubildende? Wie halten wir unsere
Leute?</p>
<h2>So lief das Projekt</h2>
<ul>
<li>Zum Auftakt wurde in jedem Gewerbegebiet erhoben, was die Betriebe brauchen.</li>
<li>Fachinformationen zu Arbeitgeberattraktivität und Personalentwicklung folgten.</li>
<li>In Nachbarschaftstreffen und Unternehmenswerkstätten setzten die Betriebe mindestens eine
gemeinsam verabredete Maßnahme um.</li>
</ul>
<p>Die Wirtschaftsförderungen vor Ort, die Handwerkskammer Braunschweig-Lüneburg-Stade und die
IHK Braunschweig standen den Betrieben zur Seite. In jedem der fünf Projekträume endete das
Projekt im März 2022 mit einer Abschlussveranstaltung.</p>
""",
    "about": "Die Allianz für die Region organisierte als Projektträgerin regelmäßige Treffen "
    "benachbarter Unternehmen in fünf Projekträumen: Goslar, Peine, Salzgitter, "
    "Schöningen/Samtgemeinde Heeseberg und Seesen. Die Wirtschaftsförderungen vor Ort sowie die "
    "Handwerkskammer Braunschweig-Lüneburg-Stade und die IHK Braunschweig unterstützten die "
    "Betriebe. Das Projekt gehört zum Fachkräftebündnis Südostniedersachsen und wurde aus Mitteln "
    "des Europäischen Sozialfonds, des Niedersächsischen Ministeriums für Wirtschaft, Arbeit, "
    "Verkehr und Digitalisierung und des Landkreises Helmstedt gefördert.",
    "image_alt": "Blaue Grafik mit dem Schriftzug Betriebsnachbarschaften",
}

# (partner name, role, funding note)
PROJECT_ROLES = [
    ("Allianz für die Region GmbH", ProjectPartner.Role.SPONSOR, ""),
    (
        "Europäischer Sozialfonds",
        ProjectPartner.Role.FUNDER,
        "Gefördert aus Mitteln des Europäischen Sozialfonds (ESF)",
    ),
    (
        "Niedersächsisches Ministerium für Wirtschaft, Arbeit, Verkehr und Digitalisierung",
        ProjectPartner.Role.FUNDER,
        "",
    ),
    ("Landkreis Helmstedt", ProjectPartner.Role.FUNDER, ""),
    ("Handwerkskammer Braunschweig-Lüneburg-Stade", ProjectPartner.Role.SUPPORTER, ""),
    ("Industrie- und Handelskammer Braunschweig", ProjectPartner.Role.SUPPORTER, ""),
    ("Wirtschaftsförderungen der Projekträume", ProjectPartner.Role.SUPPORTER, ""),
    ("RKW-Kompetenzzentrum Nord", ProjectPartner.Role.SUPPORTER, ""),
]

# The five project areas and their closing events. The dates are the seed's; the seeds give no
# times, so 16:00 to 18:00 is an assumption for the demo.
AREAS = [
    ("Goslar", "", datetime.date(2022, 3, 21), "Goslar"),
    ("Peine", "", datetime.date(2022, 3, 22), "Peine"),
    ("Salzgitter", "", datetime.date(2022, 3, 30), "Salzgitter"),
    (
        "Schöningen/Samtgemeinde Heeseberg",
        "Handwerksbetriebe aus der Stadt Schöningen und der Samtgemeinde Heeseberg im Landkreis "
        "Helmstedt; Schwerpunkte waren Azubimarketing, Mitarbeiterbindung und neue Wege der "
        "Rekrutierung.",
        datetime.date(2022, 3, 28),
        "Gründer- und Unternehmerzentrum, Landkreis Helmstedt",
    ),
    ("Seesen", "", datetime.date(2022, 3, 29), "Seesen"),
]

# Which demo releases belong to the project and which organisations each one mentions.
RELEASE_LINKS = {
    "allianz-fuer-die-region-und-ihk-lueneburg-wolfsburg-bauen-kooperation-aus": (
        False,
        [
            "Industrie- und Handelskammer Lüneburg-Wolfsburg",
            "Landkreis Goslar",
            "Landkreis Gifhorn",
        ],
    ),
    "betriebsnachbarschaften-abschluss-im-landkreis-helmstedt": (
        True,
        [
            "Landkreis Helmstedt",
            "Handwerkskammer Braunschweig-Lüneburg-Stade",
            "RKW-Kompetenzzentrum Nord",
        ],
    ),
    "betriebsnachbarschaften-abschlussveranstaltung-in-goslar": (True, []),
    "betriebsnachbarschaften-abschlussveranstaltung-in-peine": (True, []),
    "betriebsnachbarschaften-abschlussveranstaltung-in-seesen": (True, []),
    "betriebsnachbarschaften-abschlussveranstaltung-in-salzgitter": (True, []),
    "demo-sperrfrist-projektraum-helmstedt-soll-wachsen": (True, ["Landkreis Helmstedt"]),
    "entwurf-regionalmarketing-arbeitsstand": (False, []),
}


def load_directory():
    """Press contact, partners and shareholders, the project with its areas and events, and the
    links of the demo releases to them. Returns (contacts, partners, projects) counts."""
    contact_data = dict(CONTACT)
    contact, _created = PressContact.objects.update_or_create(
        slug=contact_data.pop("slug"), defaults=contact_data
    )
    partners = {}
    for order, (name, short_name, kind) in enumerate(SHAREHOLDERS):
        partners[name], _created = Partner.objects.update_or_create(
            name=name,
            defaults={
                "short_name": short_name,
                "kind": kind,
                "is_shareholder": True,
                "order": order,
            },
        )
    for name, short_name, kind, description in PROJECT_PARTNERS:
        partners[name], _created = Partner.objects.update_or_create(
            name=name,
            defaults={"short_name": short_name, "kind": kind, "description": description},
        )

    project_data = dict(PROJECT)
    project, _created = Project.objects.update_or_create(
        slug=project_data.pop("slug"), defaults=project_data
    )
    if not project.image:
        project.image = demo_image("Betriebsnachbarschaften")
        project.save()
    for order, (name, role, note) in enumerate(PROJECT_ROLES):
        ProjectPartner.objects.update_or_create(
            project=project,
            partner=partners[name],
            role=role,
            defaults={"funding_note": note, "order": order},
        )
    for order, (name, description, day, place) in enumerate(AREAS):
        area, _created = ProjectArea.objects.update_or_create(
            project=project, name=name, defaults={"description": description, "order": order}
        )
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16)))
        ProjectEvent.objects.update_or_create(
            area=area,
            title=f"Abschlussveranstaltung im Projektraum {name}",
            defaults={
                "starts_at": start,
                "ends_at": start + datetime.timedelta(hours=2),
                "place": place,
            },
        )

    for slug, (about_project, mentioned) in RELEASE_LINKS.items():
        release = PressRelease.objects.get(slug=slug)
        release.projects.set([project] if about_project else [])
        release.partners.set([partners[name] for name in mentioned])
        release.contacts.set([contact])
    return PressContact.objects.count(), Partner.objects.count(), Project.objects.count()


def demo_image(text, name="betriebsnachbarschaften-demo.jpg", size=(1600, 900)):
    """A plain generated graphic, so that the demo has an image without shipping a photo."""
    width, height = size
    image = Image.new("RGB", size, (11, 90, 122))
    draw = ImageDraw.Draw(image)
    for step in range(0, height, 6):
        draw.line([(0, step), (width, step)], fill=(11, 90 + step // 30, 122 + step // 20))
    draw.text((width // 20, height * 5 // 6), text, fill=(255, 255, 255), font_size=width // 22)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=name)


def demo_emblem(text):
    """A funder's emblem for the demo: the short name on white (not the funder's real logo)."""
    image = Image.new("RGB", (480, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([4, 4, 475, 155], outline=(0, 51, 153), width=6)
    draw.text((40, 45), text, fill=(0, 51, 153), font_size=64)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="foerderer-emblem-demo.png")


# More demo images: (release slug, file name, caption, alt text). The one of the release under
# embargo must not appear in the Bildarchiv before its moment.
MORE_IMAGES = [
    (
        "betriebsnachbarschaften-abschlussveranstaltung-in-goslar",
        "goslar-demo.jpg",
        "Abschlussveranstaltung im Projektraum Goslar",
        "Blaue Grafik mit dem Schriftzug Projektraum Goslar",
    ),
    (
        "demo-sperrfrist-projektraum-helmstedt-soll-wachsen",
        "sperrfrist-demo.jpg",
        "Der Projektraum Helmstedt soll wachsen (Bild unter Sperrfrist)",
        "Blaue Grafik mit dem Schriftzug Sperrfrist",
    ),
]
DEMO_CREDIT = "Grafik: Allianz für die Region (Demobild)"
DEMO_LICENCE = "Abdruck honorarfrei bei Nennung des Bildnachweises"


def load_material():
    """Images for the Bildarchiv, the funder's emblem, portraits for the page Pressematerial."""
    for slug, name, caption, alt_text in MORE_IMAGES:
        release = PressRelease.objects.get(slug=slug)
        if not release.images.exists():
            ReleaseImage.objects.create(
                release=release,
                image=demo_image(caption.split(" (")[0], name=name),
                caption=caption,
                credit=DEMO_CREDIT,
                alt_text=alt_text,
                licence=DEMO_LICENCE,
            )
    esf = Partner.objects.get(name="Europäischer Sozialfonds")
    if not esf.logo:
        esf.logo = demo_emblem("ESF (Demo)")
        esf.save()
    organisation = Organisation.objects.get(pk=Organisation.SINGLE_ID)
    if not organisation.portraits.exists():
        ManagementPortrait.objects.create(
            organisation=organisation,
            name="Wendelin Göbel",
            position="Geschäftsführer",
            photo=demo_image("Porträt (Demo)", name="portraet-demo.jpg", size=(800, 800)),
            credit=DEMO_CREDIT,
        )
    contact = PressContact.objects.get(slug=CONTACT["slug"])
    if not contact.photo:
        contact.photo = demo_image("Porträt (Demo)", name="kontakt-demo.jpg", size=(600, 600))
        contact.photo_credit = DEMO_CREDIT
        contact.save()


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
            status = data.pop("status", PUBLISHED)
            moment = data.pop(
                "publish_at",
                timezone.make_aware(
                    datetime.datetime.combine(data["release_date"], datetime.time(10))
                ),
            )
            slug = data.pop("slug")
            release = PressRelease.objects.filter(slug=slug).first() or PressRelease(slug=slug)
            for name, value in data.items():
                setattr(release, name, value)
            if status == PUBLISHED:
                release.publish(at=moment)
            else:
                release.unpublish()
            release.save()
            release.topics.set(release_topics)

        helmstedt = PressRelease.objects.get(
            slug="betriebsnachbarschaften-abschluss-im-landkreis-helmstedt"
        )
        if not helmstedt.images.exists():
            ReleaseImage.objects.create(
                release=helmstedt,
                image=demo_image("Betriebsnachbarschaften"),
                caption="Abschlussveranstaltung im Gründer- und Unternehmerzentrum Helmstedt",
                credit=DEMO_CREDIT,
                alt_text="Blaue Grafik mit dem Schriftzug Betriebsnachbarschaften",
                licence=DEMO_LICENCE,
            )
        if not helmstedt.attachments.exists():
            ReleaseAttachment.objects.create(
                release=helmstedt,
                file=demo_pdf("Projektsteckbrief Betriebsnachbarschaften (Demo)"),
                title="Projektsteckbrief Betriebsnachbarschaften",
            )
        contacts, partners, projects = load_directory()
        Organisation.objects.get_or_create(pk=Organisation.SINGLE_ID, defaults=ORGANISATION)
        load_material()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo-Inhalte bereit: {PressRelease.objects.count()} Pressemitteilungen, "
                f"davon {PressRelease.objects.published().count()} öffentlich."
            )
        )
        self.stdout.write(
            f"  {projects} Projekt(e), {partners} Partner "
            f"({Partner.objects.filter(is_shareholder=True).count()} Gesellschafter), "
            f"{contacts} Pressekontakt(e)."
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
