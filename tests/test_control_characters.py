"""Control characters (U+0002 and kin, common in text copied out of PDFs) are removed wherever
text enters: the admin, the importer, forms, scripts. XML 1.0 forbids them: one in a title made
every feed listing the release answer 500. Multi-line fields keep their line breaks; in a single
line a line break becomes a space (allianz_site/text.py)."""

import datetime

import feedparser
import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone
from django_ckeditor_5.fields import CKEditor5Field

from allianz_site.text import PlainTextMixin, remove_control_characters
from contacts.models import PressContact
from releases.models import Partner, PressRelease, ProjectEvent, ReleaseImage, Topic

from .helpers import ADD_URL, FIXTURES, image_upload, release_form

PASTED = "\x02"  # what a PDF viewer leaves in copied text


def feed_titles(client, url="/presse/feed/"):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return [entry.title for entry in feed.entries]


def test_release_written_in_the_admin_with_a_control_character_keeps_the_feeds_working(
    staff_client, client, topic
):
    data = release_form(
        topic,
        title=f"Abschluss{PASTED} in Helmstedt",
        lead=f"Zwei Jahre{PASTED} Zusammenarbeit.\r\nDer zweite Absatz.",
        **{
            "images-0-caption": f"Auftakt{PASTED} in Schöningen",
            "images-0-credit": f"Foto:{PASTED} Erika Beispiel",
        },
    )
    assert staff_client.post(ADD_URL, data).status_code == 302
    release = PressRelease.objects.get()
    assert release.title == "Abschluss in Helmstedt"
    assert release.lead == "Zwei Jahre Zusammenarbeit.\r\nDer zweite Absatz."
    image = release.images.get()
    assert (image.caption, image.credit) == ("Auftakt in Schöningen", "Foto: Erika Beispiel")

    client.logout()
    with time_machine.travel(release.publish_at + datetime.timedelta(minutes=1)):
        assert feed_titles(client) == ["Abschluss in Helmstedt"]
        assert feed_titles(client, f"/presse/feed/thema/{topic.slug}/") == [
            "Abschluss in Helmstedt"
        ]


def test_imported_release_is_stored_without_control_characters(db, tmp_path, client):
    text = (FIXTURES / "imports" / "kooperation.txt").read_text()
    title = "Hochschulen und Betriebe starten gemeinsames Praktikumsnetz"
    pasted = (
        text.replace(
            title, f"Hochschulen{PASTED} und Betriebe starten{PASTED} gemeinsames Praktikumsnetz"
        )
        .replace("Peine, 4. Juni", f"Peine,{PASTED} 4. Juni")  # in the dateline
        .replace("Hochschulen und mittelständische", f"Hoch{PASTED}schulen und mittelständische")
    )
    assert pasted.count(PASTED) == 4
    (tmp_path / "aus-dem-pdf.txt").write_text(pasted)
    for _ in range(2):  # importing again finds the release by its title, cleaned the same way
        call_command("import_releases", str(tmp_path / "aus-dem-pdf.txt"))
    release = PressRelease.objects.get()
    assert (release.title, release.place, release.release_date) == (
        title,
        "Salzgitter/Peine",
        datetime.date(2019, 6, 4),
    )
    assert PASTED not in release.lead and "Hochschulen und mittelständische" in release.lead
    assert feed_titles(client) == [title]


def test_control_characters_go_whichever_way_text_is_saved(make_release, make_project, topic):
    release = make_release(
        title=f"Titel{PASTED}\nüber zwei Zeilen\t",
        subtitle=f"Unter{PASTED}titel",
        place=f"Helm{PASTED}stedt",
        lead=f"Erste Zeile{PASTED}\nzweite\tZeile\x0cdritte\x7f\x85",
        body=f"<p>Text{PASTED} im Editor</p>",
        correction_note=f"Name{PASTED} korrigiert",
    )
    release.refresh_from_db()
    assert (release.title, release.subtitle, release.place) == (
        "Titel über zwei Zeilen ",
        "Untertitel",
        "Helmstedt",
    )
    assert release.lead == "Erste Zeile\nzweite\tZeile\ndritte"
    assert release.body == "<p>Text im Editor</p>"
    assert release.correction_note == "Name korrigiert"

    image = ReleaseImage.objects.create(
        release=release,
        image=image_upload(),
        caption=f"Bild{PASTED}unterschrift",
        credit=f"Foto:{PASTED} Erika Beispiel",
        alt_text=f"Menschen{PASTED} bei einer Veranstaltung",
    )
    partner = Partner.objects.create(name=f"Stadt{PASTED} Wolfsburg", description=f"A{PASTED}\nB")
    named = Topic.objects.create(name=f"Regional{PASTED}marketing")
    contact = PressContact.objects.create(
        first_name=f"Sibille{PASTED}", last_name="Rosinski", slug="sibille-rosinski"
    )
    area = make_project(areas=1).areas.get()
    event = ProjectEvent.objects.create(
        area=area, title=f"Ab{PASTED}schluss", starts_at=timezone.now(), place="Helmstedt"
    )
    for obj in (image, partner, named, contact, event):
        obj.refresh_from_db()
    assert (image.caption, image.credit, image.alt_text) == (
        "Bildunterschrift",
        "Foto: Erika Beispiel",
        "Menschen bei einer Veranstaltung",
    )
    assert (partner.name, partner.description, partner.slug) == (
        "Stadt Wolfsburg",
        "A\nB",
        "stadt-wolfsburg",
    )
    assert (named.name, contact.first_name, event.title) == (
        "Regionalmarketing",
        "Sibille",
        "Abschluss",
    )

    # A change through QuerySet.update() (no save) and a lookup clean the same way.
    PressRelease.objects.filter(pk=release.pk).update(title=f"Neu{PASTED}er Titel")
    assert PressRelease.objects.filter(title=f"Neuer{PASTED} Titel").get().title == "Neuer Titel"


WRITTEN_BY_THE_SITE = {
    "releases.LoginSession.session_key",
    "releases.LoginSession.session_data",
    "releases.AlertDelivery.last_error",
    "releases.MailingDelivery.last_error",
    "releases.ReleaseDocument.version",
    "releases.DigestDelivery.last_error",
    "contacts.SubscriptionRequest.token_digest",
    "contacts.RateLimitCounter.key",
}


def text_fields():
    """Every field of the project's own models that stores text someone types."""
    for model in [
        *apps.get_app_config("releases").get_models(),
        *apps.get_app_config("contacts").get_models(),
    ]:
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            if field.choices or isinstance(
                field, (models.SlugField, models.EmailField, models.URLField)
            ):
                continue  # validated against a pattern or a list
            if f"{model._meta.label}.{field.name}" in WRITTEN_BY_THE_SITE or not field.editable:
                continue
            yield f"{model._meta.label}.{field.name}", field


@pytest.mark.parametrize(
    "label, field", list(text_fields()), ids=lambda value: value if isinstance(value, str) else ""
)
def test_every_text_field_removes_control_characters(label, field):
    """A text field added later must be a PlainCharField or PlainTextField too (rich text is
    cleaned with the rest of its HTML, releases/sanitize.py)."""
    assert isinstance(field, (PlainTextMixin, CKEditor5Field)), (
        f"{label} is a {type(field).__name__}"
    )


@pytest.mark.parametrize(
    ("text", "multiline", "expected"),
    [
        ("Abschluss\x02 in Helmstedt", False, "Abschluss in Helmstedt"),
        ("Zeile 1\r\nZeile\t2", False, "Zeile 1  Zeile 2"),
        ("Zeile 1\r\nZeile\t2", True, "Zeile 1\r\nZeile\t2"),
        ("\x00\x01\x08\x0e\x1f\x7f\x80\x9f\ufffe\uffff", True, ""),
        ("Seite 1\x0cSeite 2\x0bZeile", True, "Seite 1\nSeite 2\nZeile"),
        ("Seite 1\x0cSeite 2\x0bZeile", False, "Seite 1 Seite 2 Zeile"),
        ("Grüße – „Zitat“ · 5 € \u00ad\u200b", True, "Grüße – „Zitat“ · 5 € \u00ad\u200b"),
        (None, False, None),
    ],
)
def test_what_is_removed_and_what_stays(text, multiline, expected):
    assert remove_control_characters(text, multiline) == expected
