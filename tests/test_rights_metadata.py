"""Rights that travel: caption, credit and copyright notice are in the metadata (XMP, and IPTC
in JPEGs) of every downloaded image, read back with Pillow; the pixels are not re-encoded."""

import datetime
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, IptcImagePlugin

from releases.metadata import Rights, stamped
from releases.models import EmbargoLink, ReleaseImage

pytestmark = pytest.mark.django_db

NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
RIGHTS = Rights(
    caption="Auftakt in Schöningen & Heeseberg",
    credit="Foto: Erika Beispiel",
    licence="Abdruck honorarfrei bei Nennung des Bildnachweises",
)


def encoded(kind, mode="RGB", size=(64, 48), **options):
    buffer = io.BytesIO()
    Image.new(mode, size, (11, 90, 122)).save(buffer, kind, **options)
    return buffer.getvalue()


def xmp_of(data):
    """The XMP that Pillow finds in the file, as {property: text}."""
    image = Image.open(io.BytesIO(data))
    packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    assert packet, f"no XMP in the {image.format}"
    if isinstance(packet, str):
        packet = packet.encode()
    root = ET.fromstring(packet[packet.index(b"<x:xmpmeta") : packet.index(b"</x:xmpmeta>") + 12])
    description = root.find(".//rdf:Description", NS)

    def text(path):
        found = description.find(path, NS)
        return None if found is None else found.text

    return {
        "caption": text("dc:description//rdf:li"),
        "creator": text("dc:creator//rdf:li"),
        "copyright": text("dc:rights//rdf:li"),
        "credit": text("photoshop:Credit"),
        "licence": text("xmpRights:UsageTerms//rdf:li"),
    }


EXPECTED = {
    "caption": "Auftakt in Schöningen & Heeseberg",
    "creator": "Erika Beispiel",
    "copyright": "© Erika Beispiel",
    "credit": "Foto: Erika Beispiel",
    "licence": "Abdruck honorarfrei bei Nennung des Bildnachweises",
}


def iptc_of(data):
    info = IptcImagePlugin.getiptcinfo(Image.open(io.BytesIO(data)))
    return {key: value.decode() for key, value in info.items() if key[0] == 2 and key[1]}


@pytest.mark.parametrize(
    ("kind", "mode", "options"),
    [
        ("JPEG", "RGB", {}),
        ("PNG", "RGB", {}),
        ("PNG", "RGBA", {}),
        ("WEBP", "RGB", {}),  # a simple WebP: gets a VP8X header
        ("WEBP", "RGBA", {"lossless": True, "exact": True}),
    ],
)
def test_stamped_file_carries_the_rights_and_keeps_its_pixels(kind, mode, options):
    original = encoded(kind, mode, **options)
    data = stamped(original, RIGHTS)
    assert xmp_of(data) == EXPECTED
    image = Image.open(io.BytesIO(data))
    reference = Image.open(io.BytesIO(original))
    assert (image.format, image.size) == (kind, (64, 48))
    assert image.tobytes() == reference.tobytes()


def test_stamping_twice_replaces_the_rights_instead_of_adding_them():
    once = stamped(encoded("JPEG"), RIGHTS)
    other = Rights(caption="Neu", credit="Foto: Max Muster")
    twice = stamped(once, other)
    assert twice.count(b"http://ns.adobe.com/xap/1.0/\x00") == 1
    assert b"Erika" not in twice
    assert xmp_of(twice)["credit"] == "Foto: Max Muster"


def test_jpeg_gets_iptc_and_keeps_its_compressed_data_byte_for_byte():
    original = encoded("JPEG", exif=Image.Exif())
    data = stamped(original, RIGHTS)
    assert data.endswith(original[original.index(b"\xff\xdb") :])  # no re-encoding
    assert iptc_of(data) == {
        (2, 120): "Auftakt in Schöningen & Heeseberg",
        (2, 80): "Erika Beispiel",
        (2, 110): "Foto: Erika Beispiel",
        (2, 116): "© Erika Beispiel",
        (2, 40): "Abdruck honorarfrei bei Nennung des Bildnachweises",
    }


def test_a_file_that_is_no_image_comes_back_unchanged():
    assert stamped(b"%PDF-1.4 nothing", RIGHTS) == b"%PDF-1.4 nothing"
    assert stamped(b"\xff\xd8\xff\xe0\x00", RIGHTS) == b"\xff\xd8\xff\xe0\x00"  # truncated


@pytest.fixture
def credited_image(make_release):
    release = make_release()
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1000), (200, 120, 40)).save(buffer, "JPEG")
    return ReleaseImage.objects.create(
        release=release,
        image=SimpleUploadedFile("auftakt.jpg", buffer.getvalue(), content_type="image/jpeg"),
        caption=RIGHTS.caption,
        credit=RIGHTS.credit,
        licence=RIGHTS.licence,
        alt_text="Menschen vor einer Halle",
    )


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_downloaded_original_carries_the_credit_in_its_metadata(client, credited_image):
    data = body(client.get(credited_image.get_absolute_url()))
    assert xmp_of(data) == EXPECTED
    assert iptc_of(data)[(2, 110)] == "Foto: Erika Beispiel"
    stored = credited_image.image.open("rb").read()
    assert data.endswith(stored[stored.index(b"\xff\xdb") :])


def test_downloaded_web_size_carries_the_credit_in_its_metadata(client, credited_image):
    data = body(client.get(f"/presse/bilder/{credited_image.pk}/web.jpg"))
    assert Image.open(io.BytesIO(data)).size == (1600, 800)
    assert xmp_of(data) == EXPECTED


def test_image_under_embargo_link_carries_the_credit_in_its_metadata(client, make_release):
    release = make_release(images=1, publish_at=timezone.now() + datetime.timedelta(days=1))
    image = release.images.get()
    link = EmbargoLink.objects.create(release=release)
    data = body(client.get(f"{link.get_absolute_url()}bild/{image.pk}/"))
    assert xmp_of(data)["credit"] == "Foto: Erika Beispiel"


def test_press_kit_images_carry_the_credit_in_their_metadata(client, credited_image):
    release = credited_image.release
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(release.get_press_kit_url()))))
    name = next(name for name in archive.namelist() if name.startswith("bilder/"))
    assert xmp_of(archive.read(name)) == EXPECTED
