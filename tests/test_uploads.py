"""Hostile uploads get a clear form error; accepted images lose their personal metadata."""

import datetime
import io
import re
import struct
import zipfile
import zlib
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone
from PIL import Image

from allianz_site.uploads import MB, MaxFileSize
from releases.models import EditorImage, PressRelease, Project

from .helpers import ADD_URL, png_bytes, release_form

NOT_AN_IMAGE = "Bitte ein gültiges Bild hochladen."
TOO_MANY_PIXELS = "Das Bild hat zu viele Pixel; erlaubt sind höchstens 40 Megapixel"
ARTIST, COPYRIGHT, MAKE, ORIENTATION, GPS_IFD, EXIF_IFD = (
    0x013B,
    0x8298,
    0x010F,
    0x0112,
    0x8825,
    0x8769,
)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def grey_png(width, height, pixel_data=None):
    """A PNG written by hand: it may claim any size, and its pixels may be a compressed bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixel_data if pixel_data is not None else zlib.compress(b""))
        + png_chunk(b"IEND", b"")
    )


def bomb_png():
    """50 megapixels of black: 50 MB when decoded, about 50 KB as a file."""
    width, height = 10_000, 5_000
    return grey_png(width, height, zlib.compress(b"\x00" * ((width + 1) * height), 9))


def photo_with_personal_exif(image_format="JPEG"):
    exif = Image.Exif()
    exif[ARTIST] = "Erika Beispiel"
    exif[COPYRIGHT] = "Allianz fuer die Region GmbH"
    exif[MAKE] = "Kamerahersteller"
    exif[ORIENTATION] = 1
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (52.0, 15.0, 30.0), 3: "E", 4: (10.0, 31.0, 0.0)})
    exif.get_ifd(EXIF_IFD)[0xA431] = "SERIENNUMMER-4711"  # BodySerialNumber
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(
        buffer, image_format, exif=exif, xmp=b"<x:xmpmeta>GPSLatitude 52,15N</x:xmpmeta>"
    )
    return buffer.getvalue()


def post_image(staff_client, topic, upload):
    return staff_client.post(ADD_URL, release_form(topic, **{"images-0-image": upload}))


HOSTILE_IMAGES = {
    "svg named png": (
        SimpleUploadedFile("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        NOT_AN_IMAGE,
    ),
    "svg": (
        SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        NOT_AN_IMAGE,
    ),
    "gif named png": (
        SimpleUploadedFile("bild.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        "Erlaubt sind Fotos und Grafiken als JPEG, PNG oder WebP.",
    ),
    "png header followed by html": (
        SimpleUploadedFile("bild.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"),
        NOT_AN_IMAGE,
    ),
    "valid png with html appended (polyglot)": (
        SimpleUploadedFile("bild.png", png_bytes() + b"<html><script>alert(1)</script></html>"),
        "enthält außer dem Bild auch HTML- oder Skript-Code",
    ),
    "html in a png text chunk": (
        SimpleUploadedFile(
            "bild.png",
            png_bytes()[:33]
            + png_chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>")
            + png_bytes()[33:],
        ),
        "enthält außer dem Bild auch HTML- oder Skript-Code",
    ),
    "decompression bomb": (SimpleUploadedFile("bombe.png", bomb_png()), TOO_MANY_PIXELS),
    "header claiming 100000 x 100000 pixels": (
        SimpleUploadedFile("riesig.png", grey_png(100_000, 100_000)),
        TOO_MANY_PIXELS,
    ),
    "truncated jpeg": (
        SimpleUploadedFile("foto.jpg", photo_with_personal_exif()[:400]),
        "Die Datei ist beschädigt oder unvollständig.",
    ),
    "more than 10 MB": (
        SimpleUploadedFile("gross.png", png_bytes() + b"\x00" * (10 * 1024 * 1024)),
        "Die Datei ist zu groß (10,0\xa0MB); erlaubt sind höchstens 10,0\xa0MB.",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE_IMAGES)
def test_hostile_image_gets_a_form_error_and_nothing_is_saved(staff_client, topic, name):
    upload, message = HOSTILE_IMAGES[name]
    response = post_image(staff_client, topic, upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PressRelease.objects.exists()


def test_size_check_names_the_size_and_the_limit_in_german():
    check = MaxFileSize(2 * MB)
    check(SimpleNamespace(size=2 * MB))  # the limit itself is allowed
    with pytest.raises(ValidationError) as refused:
        check(SimpleNamespace(size=3 * MB))
    assert refused.value.code == "file_too_large"
    assert refused.value.messages == [
        "Die Datei ist zu groß (3,0\xa0MB); erlaubt sind höchstens 2,0\xa0MB."
    ]


def test_size_check_is_recorded_in_migrations_by_its_limit():
    assert MaxFileSize(2 * MB).deconstruct() == ("allianz_site.uploads.MaxFileSize", (2 * MB,), {})
    # Equal limits compare equal, or makemigrations would see a change at every run.
    assert MaxFileSize(2 * MB) == MaxFileSize(2 * MB)
    assert MaxFileSize(2 * MB) != MaxFileSize(5 * MB)


def test_every_file_field_checks_its_size_with_its_limit():
    limits = {
        f"{field.model.__name__}.{field.name}": [
            validator.limit for validator in field.validators if isinstance(validator, MaxFileSize)
        ]
        for app in ["releases", "contacts"]
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.fields
        if isinstance(field, models.FileField) and field.editable  # uploads, not made files
    }
    assert limits == {
        "PressContact.photo": [5 * MB],
        "ReleaseImage.image": [10 * MB],
        "EditorImage.file": [10 * MB],
        "ReleaseAttachment.file": [25 * MB],
        "Partner.logo": [2 * MB],
        "Project.image": [10 * MB],
        "ManagementPortrait.photo": [10 * MB],
    }


def test_gps_and_camera_data_are_removed_and_the_credit_stays(staff_client, topic):
    upload = SimpleUploadedFile("foto.jpg", photo_with_personal_exif(), "image/jpeg")
    assert post_image(staff_client, topic, upload).status_code == 302
    image = PressRelease.objects.get().images.get()
    assert image.credit == "Foto: Erika Beispiel"
    with image.image.open("rb") as stored:
        data = stored.read()
    published = Image.open(io.BytesIO(data))
    exif = published.getexif()
    assert exif[ARTIST] == "Erika Beispiel"
    assert exif[COPYRIGHT] == "Allianz fuer die Region GmbH"
    assert MAKE not in exif and GPS_IFD not in exif and EXIF_IFD not in exif
    assert "xmp" not in published.info
    assert b"SERIENNUMMER" not in data and b"GPSLatitude" not in data
    assert (published.format, published.size, image.width, image.height) == (
        "JPEG",
        (64, 48),
        64,
        48,
    )


def test_webp_and_png_lose_their_metadata_too(make_release):
    from allianz_site.uploads import clean_image

    for image_format, extension in [("WEBP", "webp"), ("PNG", "png")]:
        cleaned = clean_image(
            SimpleUploadedFile(f"foto.{extension}", photo_with_personal_exif(image_format))
        )
        data = cleaned.read()
        assert b"SERIENNUMMER" not in data and b"GPSLatitude" not in data, image_format
        assert Image.open(io.BytesIO(data)).getexif()[ARTIST] == "Erika Beispiel"


def test_a_jpeg_uploaded_with_a_png_name_is_stored_as_jpeg(staff_client, topic):
    upload = SimpleUploadedFile("foto.png", photo_with_personal_exif())
    assert post_image(staff_client, topic, upload).status_code == 302
    assert PressRelease.objects.get().images.get().image.name.endswith("/foto.jpg")


def test_editor_upload_of_a_bomb_is_a_json_error_not_a_crash(staff_client):
    response = staff_client.post(
        "/ckeditor5/image_upload/", {"upload": SimpleUploadedFile("bombe.png", bomb_png())}
    )
    assert response.status_code == 400
    assert TOO_MANY_PIXELS in response.json()["error"]["message"]


def test_editor_upload_removes_the_gps_position(staff_client):
    upload = SimpleUploadedFile("foto.jpg", photo_with_personal_exif())
    response = staff_client.post("/ckeditor5/image_upload/", {"upload": upload})
    assert response.status_code == 200
    stored = staff_client.get(response.json()["url"])
    exif = Image.open(io.BytesIO(b"".join(stored.streaming_content))).getexif()
    assert GPS_IFD not in exif and exif[ARTIST] == "Erika Beispiel"


def office_file(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = office_file({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
ODT = office_file({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})

GOOD_ATTACHMENTS = {
    "pdf": ("steckbrief.pdf", b"%PDF-1.7\n1 0 obj\n"),
    "docx": ("einladung.docx", DOCX),
    "xlsx": (
        "zahlen.xlsx",
        office_file({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}),
    ),
    "odt": ("einladung.odt", ODT),
    "zip": ("fotos.zip", office_file({"bild.txt": "x"})),
    "text in utf-8": ("hinweis.txt", "Grüße aus Braunschweig".encode()),
    "text in windows-1252": ("hinweis.txt", "Grüße aus Schöningen".encode("cp1252")),
}
HOSTILE_ATTACHMENTS = {
    "html named pdf": ("steckbrief.pdf", b"<html><script>alert(1)</script></html>"),
    "executable named pdf": ("steckbrief.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),
    "zip without word folder named docx": ("brief.docx", office_file({"a.txt": "x"})),
    "docx with macros": (
        "brief.docx",
        office_file({**{"[Content_Types].xml": "<T/>"}, "word/vbaProject.bin": "x"}),
    ),
    "odt with a spreadsheet inside": (
        "brief.odt",
        office_file({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
    ),
    "pdf named zip": ("archiv.zip", b"%PDF-1.4\n"),
    "html named txt": ("hinweis.txt", b"<!DOCTYPE html><script>alert(1)</script>"),
    "binary named txt": ("hinweis.txt", b"\x00\x01\x02\x03binary"),
}


def post_attachment(staff_client, topic, name, content):
    upload = SimpleUploadedFile(name, content)
    return staff_client.post(
        ADD_URL,
        release_form(topic, **{"attachments-0-file": upload, "images-TOTAL_FORMS": "0"}),
    )


@pytest.mark.parametrize("kind", HOSTILE_ATTACHMENTS)
def test_attachment_whose_content_is_not_its_type_gets_a_form_error(staff_client, topic, kind):
    name, content = HOSTILE_ATTACHMENTS[kind]
    response = post_attachment(staff_client, topic, name, content)
    assert response.status_code == 200
    assert "Der Inhalt der Datei passt nicht zur Endung" in response.content.decode()
    assert not PressRelease.objects.exists()


@pytest.mark.parametrize("kind", GOOD_ATTACHMENTS)
def test_real_documents_are_accepted_and_downloaded_as_attachments(
    staff_client, client, topic, kind
):
    name, content = GOOD_ATTACHMENTS[kind]
    # The form schedules the release two days ahead, so staff download it (the public cannot yet).
    response = post_attachment(staff_client, topic, name, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = PressRelease.objects.get().attachments.get()
    download = staff_client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content


# Images uploaded inside the editor


def upload_into_editor(client, name="IMG_4711.jpg"):
    upload = SimpleUploadedFile(name, photo_with_personal_exif())
    response = client.post("/ckeditor5/image_upload/", {"upload": upload})
    assert response.status_code == 200
    return response.json()["url"]


def with_text_image(release, url):
    release.body = (
        f'<p>Vor Ort:</p><figure class="image"><img src="{url}" alt="Werkhalle"></figure>'
    )
    release.save()
    return release


def test_editor_image_gets_an_unguessable_address_outside_media(staff_client):
    first = upload_into_editor(staff_client)
    second = upload_into_editor(staff_client)
    key = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert re.fullmatch(rf"/presse/textbilder/{key}/IMG_4711\.jpg", first), first
    assert first != second  # the same name twice: two images, neither overwrites the other
    public_media = storages["default"]
    assert not public_media.exists("editor/IMG_4711.jpg")
    assert not public_media.exists(EditorImage.objects.first().file.name)


def test_editor_image_is_seen_only_while_a_text_that_shows_it_may_be_seen(
    staff_client, client, make_release
):
    url = upload_into_editor(staff_client)
    assert staff_client.get(url).status_code == 200  # in the editor, before the text is saved
    release = with_text_image(make_release(status=PressRelease.Status.DRAFT, publish_at=None), url)
    assert staff_client.get(url).status_code == 200  # the preview shows it
    client.logout()
    assert client.get(url).status_code == 404  # the draft is not public, nor its image

    release.publish()
    release.save()
    html = client.get(release.get_absolute_url()).content.decode()
    assert f'<img src="{url}" alt="Werkhalle">' in html
    response = client.get(url)
    assert response.status_code == 200
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"

    release.withdraw()
    release.save()
    assert client.get(url).status_code == 404


def test_editor_image_in_a_project_description_is_seen_with_the_project(
    staff_client, client, make_project
):
    url = upload_into_editor(staff_client)
    project = make_project(status=Project.Status.PLANNED, description=f'<img src="{url}" alt="">')
    client.logout()
    assert client.get(url).status_code == 404  # a planned project is not shown yet
    project.status = Project.Status.RUNNING
    project.save()
    assert client.get(url).status_code == 200


def test_editor_images_no_text_shows_are_deleted_after_a_day(
    staff_client, django_user_model, make_release, django_capture_on_commit_callbacks
):
    never_used = upload_into_editor(staff_client, "verworfen.jpg")
    kept = upload_into_editor(staff_client, "bleibt.jpg")
    removed = upload_into_editor(staff_client, "entfernt.jpg")
    shared = upload_into_editor(staff_client, "geteilt.jpg")
    release = with_text_image(make_release(), kept)
    release.body += f'<img src="{removed}" alt=""><img src="{shared}" alt="">'
    release.save()
    other = with_text_image(make_release(), shared)
    image = {
        url: EditorImage.objects.get(key=url.split("/")[3])
        for url in [never_used, kept, removed, shared]
    }
    names = {url: image[url].file.name for url in image}

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=23), tick=False) as clock:
        with_text_image(release, kept)  # the text no longer shows `removed` nor `shared`
        other.delete()  # …and `shared` was in this one too
        clock.move_to(timezone.now() + datetime.timedelta(hours=2))  # 25 hours after the uploads
        with django_capture_on_commit_callbacks(execute=True):
            release.save()
        assert set(EditorImage.objects.values_list("file", flat=True)) == {
            names[kept],
            names[removed],
            names[shared],
        }  # only the image no text ever showed is a day old unused
        storage = image[kept].file.storage
        assert not storage.exists(names[never_used])

        clock.move_to(timezone.now() + datetime.timedelta(hours=23))  # a day after letting go
        staff_client.force_login(django_user_model.objects.get())  # a new working day
        with django_capture_on_commit_callbacks(execute=True):
            upload_into_editor(staff_client, "neu.jpg")
        assert {names[kept]} == set(
            EditorImage.objects.filter(file__in=names.values()).values_list("file", flat=True)
        )
        assert not storage.exists(names[removed]) and not storage.exists(names[shared])
        assert storage.exists(names[kept])
