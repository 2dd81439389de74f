"""Media for journalists: responsive images with credits, original downloads, the press kit."""

import datetime
import io
import re
import zipfile

import pypdf
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from releases.models import (
    EmbargoLink,
    Partner,
    PressRelease,
    ReleaseAttachment,
    ReleaseDocument,
    ReleaseImage,
)
from releases.renditions import FORMATS
from releases.views import downloads

from .helpers import assert_german_404


def jpeg_bytes(size=(2000, 1125), exif=None):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG", **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def add_photo(release, size=(640, 360), name="auftakt.jpg", **fields):
    values = {
        "caption": "Auftakt in Schöningen",
        "credit": "Foto: Erika Beispiel",
        "alt_text": "Zwei Menschen vor einer Werkhalle",
        "licence": "Abdruck honorarfrei bei Nennung des Bildnachweises",
        **fields,
    }
    return ReleaseImage.objects.create(
        release=release, image=SimpleUploadedFile(name, jpeg_bytes(size)), **values
    )


def fetched_image(client, url):
    """The image at `url`, as the site answers it."""
    response = client.get(url)
    assert response.status_code == 200, url
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def zip_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


HIDDEN = {
    "embargoed": {"publish_at": timezone.now() + datetime.timedelta(days=1)},
    "draft": {"status": PressRelease.Status.DRAFT, "publish_at": None},
}


# Responsive images


def test_release_page_offers_each_image_in_modern_formats_with_a_jpeg_fallback(
    client, make_release
):
    release = make_release()
    image = add_photo(release, size=(2000, 1125))
    html = client.get(release.get_absolute_url()).content.decode()

    picture = re.search(r"<picture>.*?</picture>", html, re.S).group()
    types = re.findall(r'<source type="([^"]+)"', picture)
    assert types == [mime for key, _f, mime, _o in FORMATS if key != "jpeg"]
    assert "image/webp" in types
    for mime in types:
        srcset = re.search(rf'type="{mime}" srcset="([^"]+)"', picture).group(1)
        assert [int(w) for w in re.findall(r" (\d+)w", srcset)] == [480, 960, 1600]
    img = re.search(r"<img [^>]+>", picture).group()
    assert 'sizes="(min-width: 45rem) 42rem, calc(100vw - 2.5rem)"' in img
    assert 'width="1600" height="900"' in img  # the aspect ratio is known: nothing shifts
    assert 'alt="Zwei Menschen vor einer Werkhalle"' in img
    fallback_urls = re.findall(r"(\S+) \d+w", re.search(r'srcset="([^"]+)"', img).group(1))
    assert [fetched_image(client, url).format for url in fallback_urls] == ["JPEG"] * 3
    assert [fetched_image(client, url).size for url in fallback_urls] == [
        (480, 270),
        (960, 540),
        (1600, 900),
    ]
    webp = re.search(r'type="image/webp" srcset="(\S+) 480w', picture).group(1)
    assert fetched_image(client, webp).format == "WEBP"
    # the renditions come through the image's own address (and its check), never from /media/
    assert all(url.startswith(image.get_absolute_url()) for url in fallback_urls)


def test_credit_line_stands_under_every_image(client, make_release):
    release = make_release()
    add_photo(release, credit="Foto: Erika Beispiel")
    add_photo(release, credit="Foto: Max Muster", caption="Zweites Bild")
    html = client.get(release.get_absolute_url()).content.decode()
    figures = re.findall(r"<figure>.*?</figure>", html, re.S)
    assert len(figures) == 2
    assert '<span class="credit">Foto: Erika Beispiel</span>' in figures[0]
    assert '<span class="credit">Foto: Max Muster</span>' in figures[1]


def test_a_small_image_is_never_enlarged(make_release):
    image = add_photo(make_release(), size=(300, 200))
    assert [entry[:2] for entry in image.renditions["files"]["jpeg"]] == [[300, 200]]
    assert image.fallback["width"] == 300


def test_a_photo_taken_upright_is_turned_as_the_camera_meant(make_release):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    upload = SimpleUploadedFile("hochkant.jpg", jpeg_bytes((600, 400), exif=exif.tobytes()))
    image = ReleaseImage.objects.create(
        release=make_release(), image=upload, credit="Foto: X", alt_text="Hochformat"
    )
    assert (image.fallback["width"], image.fallback["height"]) == (400, 600)


def test_renditions_are_made_once_not_on_every_request_or_edit(client, make_release, monkeypatch):
    release = make_release()
    image = add_photo(release)
    made = dict(image.renditions)

    def fail(field_file):
        raise AssertionError("renditions made again")

    monkeypatch.setattr("releases.models.media.make_renditions", fail)
    assert client.get(release.get_absolute_url()).status_code == 200
    image.caption = "Neue Bildunterschrift"
    image.save()
    image.refresh_from_db()
    assert image.renditions == made


def test_replacing_the_file_makes_new_renditions(make_release):
    image = add_photo(make_release(), size=(1000, 500))
    old_files = [name for _w, _h, name in image.renditions["files"]["jpeg"]]
    assert all(image.image.storage.exists(name) for name in old_files)
    image.image = SimpleUploadedFile("neu.jpg", jpeg_bytes((800, 800)))
    image.save()
    assert image.renditions["source"] == image.image.name
    assert [entry[:2] for entry in image.renditions["files"]["jpeg"]] == [[480, 480], [800, 800]]
    assert not any(image.image.storage.exists(name) for name in old_files)


def test_an_unreadable_image_falls_back_to_the_original(client, make_release, settings):
    release = make_release()
    image = add_photo(release)
    ReleaseImage.objects.filter(pk=image.pk).update(renditions={})
    (settings.PROTECTED_MEDIA_ROOT / image.image.name).write_bytes(b"kein Bild")
    image.refresh_from_db()
    image.save()
    assert image.renditions == {"source": image.image.name, "files": {}}
    html = client.get(release.get_absolute_url()).content.decode()
    assert f'<img src="{image.get_absolute_url()}" alt="Zwei Menschen vor einer Werkhalle"' in html


def test_make_renditions_command_fills_in_what_is_missing(make_release):
    image = add_photo(make_release(), size=(1000, 500))
    ReleaseImage.objects.filter(pk=image.pk).update(renditions={})
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    image.refresh_from_db()
    assert [entry[0] for entry in image.renditions["files"]["jpeg"]] == [480, 960, 1000]
    assert "1 Bild(er)" in out.getvalue()


# Download of the original


def test_original_image_downloads_with_the_credit_in_its_name(client, make_release):
    release = make_release()
    image = add_photo(release)
    html = client.get(release.get_absolute_url()).content.decode()
    url = image.get_absolute_url()
    assert url == f"{release.get_absolute_url()}bild/{image.pk}/"
    assert (
        f'<a href="{url}">Original herunterladen</a> <span class="filemeta">'
        "(JPEG, 640 × 360 Pixel; Bildnachweis: Foto: Erika Beispiel)</span>" in html
    )
    response = client.get(url)
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="auftakt_foto-erika-beispiel.jpg"'
    )
    original = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(original)).size == (640, 360)


@pytest.mark.parametrize("state", HIDDEN)
def test_original_image_of_a_hidden_release_is_404(client, staff_client, make_release, state):
    release = make_release(**HIDDEN[state])
    url = add_photo(release).get_absolute_url()
    assert staff_client.get(url).status_code == 200  # staff preview links work
    client.logout()
    assert_german_404(client.get(url))


def test_image_of_another_release_is_404(client, make_release):
    image = add_photo(make_release())
    other = make_release()
    url = f"{other.get_absolute_url()}bild/{image.pk}/"
    assert client.get(url).status_code == 404


def test_missing_original_file_is_a_german_404(client, make_release):
    image = add_photo(make_release())
    image.image.storage.delete(image.image.name)
    assert_german_404(client.get(image.get_absolute_url()))


# Press kit


@pytest.fixture
def release_with_media(make_release, make_project, make_contact, topic):
    release = make_release(
        title="Betriebsnachbarschaften: Abschluss im Landkreis Helmstedt",
        subtitle="Handwerksbetriebe setzten auf Azubimarketing",
        place="Helmstedt",
        lead="Zwei Jahre lang suchten Unternehmen gemeinsam nach Fachkräften.",
        body="<p>Erster Absatz mit <strong>Betonung</strong> &amp; Zeichen.</p>"
        "<h2>Neue Wege</h2><ul><li>Werkstatt</li><li>Treffen</li></ul>"
        '<p>Mehr beim <a href="https://example.org/rkw">RKW</a>.<br>Zweite Zeile.</p>',
        correction_note="Name korrigiert",
        topics=[topic],
        attachments=1,
    )
    add_photo(release)
    add_photo(release, name="zweites.jpg", caption="", credit="Foto: Max Muster", licence="")
    release.projects.set([make_project(name="Betriebsnachbarschaften", about="Ein Projekt.")])
    release.contacts.set([make_contact(first_name="Sibille", last_name="Beispiel")])
    return release


def test_press_kit_holds_text_images_attachments_and_credits(client, release_with_media):
    release = release_with_media
    html = client.get(release.get_absolute_url()).content.decode()
    kit_url = f"{release.get_absolute_url()}pressepaket.zip"
    assert f'<a href="{kit_url}">Pressepaket (ZIP)</a>' in html

    response = client.get(kit_url)
    assert (
        response["Content-Disposition"] == f'attachment; filename="pressepaket-{release.slug}.zip"'
    )
    archive = zip_of(response)
    assert archive.testzip() is None
    assert archive.namelist() == [
        "pressemitteilung.txt",
        "pressemitteilung.pdf",
        "bilder/01-auftakt_foto-erika-beispiel.jpg",
        "bilder/02-zweites_foto-max-muster.jpg",
        "anhaenge/01-steckbrief.pdf",
        "BILDNACHWEIS.txt",
    ]

    text = archive.read("pressemitteilung.txt").decode()
    assert text.split("\r\n")[:7] == [
        "PRESSEMITTEILUNG",
        "Allianz für die Region GmbH",
        "",
        "Betriebsnachbarschaften: Abschluss im Landkreis Helmstedt",
        "Handwerksbetriebe setzten auf Azubimarketing",
        "",
        "Helmstedt, 28. März 2022. Zwei Jahre lang suchten Unternehmen gemeinsam nach Fachkräften.",
    ]
    assert (
        "Erster Absatz mit Betonung & Zeichen.\r\n\r\nNeue Wege\r\n\r\n– Werkstatt\r\n\r\n"
        "– Treffen\r\n\r\nMehr beim RKW (https://example.org/rkw).\r\nZweite Zeile." in text
    )
    assert "Name korrigiert" in text
    assert "Über das Projekt Betriebsnachbarschaften\r\nEin Projekt." in text
    assert (
        "Pressekontakt\r\nSibille Beispiel, Pressesprecherin\r\n"
        "Allianz für die Region GmbH, Kommunikation\r\nTelefon: +49 (0)531/1218-154\r\n"
        "Mobil: +49 (0)173/5406110\r\nTelefax: +49 (0)531/1218-124\r\n"
        "E-Mail: erika1@example.org\r\n" in text
    )
    assert f"http://testserver{release.get_absolute_url()}" in text
    assert "<" not in text and "&amp;" not in text

    for number, image in enumerate(release.images.all(), start=1):
        name = f"bilder/{number:02d}-{image.download_filename}"
        # The file as uploaded, byte for byte from its quantisation tables on (no re-encoding),
        # with caption and credit added to its metadata (tests/test_rights_metadata.py).
        original, packed = image.image.open("rb").read(), archive.read(name)
        assert packed.endswith(original[original.index(b"\xff\xdb") :])
        assert image.credit.encode() in packed and image.caption.encode() in packed
    assert archive.read("anhaenge/01-steckbrief.pdf").startswith(b"%PDF")

    credits = archive.read("BILDNACHWEIS.txt").decode()
    first, second = credits.split("\r\n\r\n")[2:4]
    assert "bilder/01-auftakt_foto-erika-beispiel.jpg" in first
    assert "Bildunterschrift: Auftakt in Schöningen" in first
    assert "Bildnachweis: Foto: Erika Beispiel" in first
    assert "Lizenzhinweis: Abdruck honorarfrei bei Nennung des Bildnachweises" in first
    assert "Größe: 640 × 360 Pixel" in first
    assert "Bildunterschrift: Zwei Menschen vor einer Werkhalle" in second  # alt text if no caption
    assert "Bildnachweis: Foto: Max Muster" in second
    assert "Lizenzhinweis: keiner angegeben" in second


def test_press_kit_costs_the_same_queries_for_any_number_of_files(
    client, release_with_media, make_partner, django_assert_num_queries
):
    release = release_with_media
    release.partners.set([make_partner(), make_partner()])
    for images, name in [(3, "drittes.jpg"), (4, "viertes.jpg")]:
        add_photo(release, name=name)
        # Built: the release; its images and public projects, its press contacts and the
        # boilerplate with its shareholders line, for the version (the PDF's HTML); its stored
        # kit (none of this version); its attachments; contacts and boilerplate again for the
        # kit's text, and again for the PDF inside, whose stored row is looked up and written;
        # the stored kit written; the funders of its projects (the funding notice) for the PDF's
        # HTML. The partners it
        # mentions are not in the kit: not fetched.
        with django_assert_num_queries(18):
            archive = zip_of(client.get(release.get_press_kit_url()))
        assert len([name for name in archive.namelist() if name.startswith("bilder/")]) == images
        # Stored: the release, what its version is made of (with the funders), its stored kit.
        with django_assert_num_queries(8):
            assert zip_of(client.get(release.get_press_kit_url())).namelist() == (
                archive.namelist()
            )


def test_press_kit_of_a_release_without_media_holds_its_text(client, make_release):
    release = make_release(title="Nur Text")
    archive = zip_of(client.get(release.get_press_kit_url()))
    assert archive.namelist() == [
        "pressemitteilung.txt",
        "pressemitteilung.pdf",
        "BILDNACHWEIS.txt",
    ]
    assert "Zu dieser Mitteilung gibt es keine Bilder." in archive.read("BILDNACHWEIS.txt").decode()


def test_press_kit_leaves_out_a_missing_file_and_says_so(client, release_with_media):
    image = release_with_media.images.first()
    image.image.storage.delete(image.image.name)
    archive = zip_of(client.get(release_with_media.get_press_kit_url()))
    assert "bilder/01-auftakt_foto-erika-beispiel.jpg" not in archive.namelist()
    assert "bilder/02-zweites_foto-max-muster.jpg" in archive.namelist()
    assert "(Datei fehlt" in archive.read("BILDNACHWEIS.txt").decode()


@pytest.mark.parametrize("state", HIDDEN)
def test_press_kit_of_a_hidden_release_is_404(client, staff_client, make_release, state):
    release = make_release(images=1, **HIDDEN[state])
    url = release.get_press_kit_url()
    assert zip_of(staff_client.get(url)).namelist()[0] == "pressemitteilung.txt"
    client.logout()
    assert_german_404(client.get(url))


def test_printed_release_carries_its_web_address(client, make_release):
    release = make_release()
    html = client.get(release.get_absolute_url()).content.decode()
    assert (
        f'<p class="print-only">Bilder und Downloads: http://testserver'
        f"{release.get_absolute_url()}</p>" in html
    )


# The press kit is stored once per version of its release


@pytest.fixture
def builds(monkeypatch):
    """How often a press kit was built."""
    made = []
    build = downloads.build_press_kit

    def counted(*args, **kwargs):
        made.append(args[0].pk)
        return build(*args, **kwargs)

    monkeypatch.setattr(downloads, "build_press_kit", counted)
    return made


def kit_text(client, release):
    return zip_of(client.get(release.get_press_kit_url())).read("pressemitteilung.txt").decode()


def test_press_kit_is_built_once_and_then_sent_as_stored(client, release_with_media, builds):
    url = release_with_media.get_press_kit_url()
    first = b"".join(client.get(url).streaming_content)
    second = b"".join(client.get(url).streaming_content)
    assert builds == [release_with_media.pk]
    assert first == second
    stored = ReleaseDocument.objects.get(release=release_with_media, kind="pressepaket")
    assert stored.file.read() == first


# What changes a press kit: (description, change to make, text the new kit holds)
CHANGES = {
    "title": (lambda r: setattr_and_save(r, title="Neuer Titel"), "Neuer Titel"),
    "image caption": (
        lambda r: setattr_and_save(r.images.first(), caption="Neue Unterschrift"),
        "Neue Unterschrift",
    ),
    "image added": (lambda r: add_photo(r, name="drittes.jpg"), "bilder/03-drittes_"),
    "image deleted": (lambda r: r.images.last().delete(), None),
    "attachment title": (
        lambda r: ReleaseAttachment.objects.create(
            release=r, file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n"), title="Plan"
        ),
        "anhaenge/02-plan.pdf",
    ),
    "project text": (
        lambda r: setattr_and_save(r.projects.get(), about="Ein neuer Kasten."),
        "Ein neuer Kasten.",
    ),
    "contact's number": (
        lambda r: setattr_and_save(r.contacts.get(), phone="+49 531 000000"),
        "+49 531 000000",
    ),
    "contact named": (
        lambda r: r.contacts.add(
            r.contacts.get().__class__.objects.create(
                first_name="Max", last_name="Neu", slug="max-neu", email="max@example.org"
            )
        ),
        "Max Neu",
    ),
}


def setattr_and_save(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


def kit_names(client, release):
    return zip_of(client.get(release.get_press_kit_url())).namelist()


@pytest.mark.parametrize("change", CHANGES)
def test_a_stored_press_kit_follows_every_change_of_what_it_shows(
    client, release_with_media, builds, change, django_capture_on_commit_callbacks
):
    release = release_with_media
    before = kit_names(client, release)
    old = ReleaseDocument.objects.get(release=release, kind="pressepaket").file.name
    make_change, expected = CHANGES[change]
    make_change(release)
    with django_capture_on_commit_callbacks(execute=True):
        archive = zip_of(client.get(release.get_press_kit_url()))
    assert builds == [release.pk, release.pk]
    everything = " ".join(archive.namelist()) + "".join(
        archive.read(name).decode() for name in archive.namelist() if name.endswith(".txt")
    )
    if expected:
        assert expected in everything
    else:
        assert len(archive.namelist()) == len(before) - 1
    # the kit of the older version is deleted from the storage
    assert not ReleaseDocument._meta.get_field("file").storage.exists(old)
    kit_names(client, release)
    assert len(builds) == 2  # and the new one is stored in turn


def test_a_change_elsewhere_keeps_the_stored_press_kit(
    client, release_with_media, make_release, builds
):
    client.get(release_with_media.get_press_kit_url())
    make_release(title="Eine andere Mitteilung", images=1)
    release_with_media.partners.add(Partner.objects.create(name="Nicht im Pressepaket"))
    client.get(release_with_media.get_press_kit_url())
    assert builds == [release_with_media.pk]


def test_press_kit_built_under_embargo_is_built_again_when_the_embargo_ends(
    client, make_release, builds
):
    """Under an embargo link the kit is the public one, but its PDF carries the Sperrfrist line:
    once the embargo is over, the kit is built again, without it, and then kept."""
    release = make_release(images=1, publish_at=timezone.now() + datetime.timedelta(hours=1))
    link = EmbargoLink.objects.create(release=release)
    early = zip_of(client.get(f"{link.get_absolute_url()}pressepaket.zip"))
    assert "Sperrfrist" in pdf_text_of(early.read("pressemitteilung.pdf"))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        later = zip_of(client.get(release.get_press_kit_url()))
        assert zip_of(client.get(release.get_press_kit_url())).namelist() == later.namelist()
    assert later.namelist() == early.namelist()
    assert "Sperrfrist" not in pdf_text_of(later.read("pressemitteilung.pdf"))
    assert builds == [release.pk, release.pk]


def pdf_text_of(data):
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
