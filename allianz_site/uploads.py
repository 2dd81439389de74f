"""Checks for every upload, shared by all apps (contacts may use it too: it is not in releases).

Images: at most 10 MB and 40 megapixels, JPEG/PNG/WebP only (Pillow opens them with exactly
that allow-list, so an SVG, a GIF or HTML is no image), no HTML or script anywhere in the file
(a "polyglot"), completely decodable. On save they are re-encoded by Pillow: what the public
downloads holds only the pixels, the colour profile and the credit (EXIF Artist/Copyright) and
orientation; GPS position, camera serial numbers, XMP, comments and trailing bytes are gone.

Attachments: the content must be what the file name says (PDF, Office Open XML, OpenDocument,
ZIP, plain text), checked by its signature and structure, not by the name.

Sizes: every file field checks its size with `MaxFileSize`, and the limits are the ones below.

Models use `CleanImageField` instead of `models.ImageField` and add `validate_attachment_content`
to a FileField's validators.
"""

import codecs
import contextlib
import io
import re
import warnings
import zipfile
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

# The size limits of all uploads. The help texts of the fields state them in MB.
MB = 1024 * 1024
MAX_IMAGE_BYTES = 10 * MB  # press and project images, editor uploads: every image at most
MAX_PHOTO_BYTES = 5 * MB  # photos of press contacts
MAX_LOGO_BYTES = 2 * MB  # logos of partners
MAX_ATTACHMENT_BYTES = 25 * MB  # attachments (PDF, Office, …)
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# EXIF tags that stay: who made the picture, its rights, how to turn it.
KEPT_EXIF_TAGS = {0x013B: "Artist", 0x8298: "Copyright", 0x0112: "Orientation"}

# Pillow refuses larger images everywhere in the project (twice this raises, above it warns).
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

# Markup a browser would run if it ever took the file for HTML or SVG. Long enough to be
# practically impossible as chance bytes in compressed image data.
MARKUP = re.compile(
    rb"<(?:script|html|!doctype|iframe|object|embed|body|svg[\s/>]|img[\s/])|javascript:",
    re.IGNORECASE,
)

NOT_AN_IMAGE = (
    "Bitte ein gültiges Bild hochladen. Erlaubt sind Fotos und Grafiken als JPEG, PNG oder WebP."
)


def is_stored(file):
    """Whether `file` is one stored before (a saved FieldFile), not a new upload. It was checked
    when it came; checking it again on every save of its object would read it, and a file gone
    from disk since would make saving fail with a 500."""
    return getattr(file, "_committed", False) is True


@deconstructible
class MaxFileSize:
    """A file field's validator: the file is at most `limit` bytes. Deconstructible and
    comparable, so that migrations record the limit and see when it changes."""

    message = "Die Datei ist zu groß (%(size)s); erlaubt sind höchstens %(limit)s."
    code = "file_too_large"

    def __init__(self, limit):
        self.limit = limit

    def __call__(self, file):
        if is_stored(file):
            return
        if file.size > self.limit:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"size": filesizeformat(file.size), "limit": filesizeformat(self.limit)},
            )

    def __eq__(self, other):
        return isinstance(other, MaxFileSize) and self.limit == other.limit


def _read(file):
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def open_image(file):
    """The checked, fully decoded image; a ValidationError with a German message otherwise.
    No image is read into memory beyond the limit of all images (a field may allow less)."""
    MaxFileSize(MAX_IMAGE_BYTES)(file)
    data = _read(file)
    too_many_pixels = ValidationError(
        "Das Bild hat zu viele Pixel; erlaubt sind höchstens 40 Megapixel "
        "(z. B. 7.700 × 5.200). Bitte verkleinert hochladen.",
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise too_many_pixels
            if MARKUP.search(data):
                raise ValidationError(
                    "Bitte ein gültiges Bild hochladen. Diese Datei enthält außer dem Bild auch "
                    "HTML- oder Skript-Code und wird deshalb nicht angenommen.",
                    code="markup_in_image",
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except UnidentifiedImageError:
        raise ValidationError(NOT_AN_IMAGE, code="invalid_image") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            "Bitte ein gültiges Bild hochladen. Die Datei ist beschädigt oder unvollständig.",
            code="invalid_image",
        ) from None
    return image


def clean_image(file):
    """The image re-encoded without personal metadata, as a ContentFile named after its format."""
    image = open_image(file)
    source_format = image.format
    exif = image.getexif()
    kept = Image.Exif()
    for tag in KEPT_EXIF_TAGS:
        if tag in exif:
            kept[tag] = exif[tag]
    options = {"exif": kept, "icc_profile": image.info.get("icc_profile")}
    if source_format in {"JPEG", "MPO"}:
        # The original quantisation tables: no visible loss from the re-encoding.
        options.update(quality="keep", subsampling="keep", comment=b"")
        target = "JPEG"
    elif source_format == "WEBP":
        options.update(quality=92)
        target = "WEBP"
    else:
        target = "PNG"
    buffer = io.BytesIO()
    image.save(buffer, target, **options)
    name = PurePath(PurePath(file.name).name).with_suffix("." + IMAGE_FORMATS[target]).name
    return ContentFile(buffer.getvalue(), name=name)


class ImageUploadField(forms.ImageField):
    """The form field: our checks (with clear messages) before Django's own."""

    def to_python(self, data):
        if data:
            open_image(data)
        return super().to_python(data)


class CleanImageField(models.ImageField):
    """An ImageField whose uploads are checked in forms and stripped of metadata on save."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadField, **kwargs})

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        # A stored file gone from disk keeps the dimensions measured when it came: the form of
        # its object still saves (a 500 otherwise).
        with contextlib.suppress(OSError):
            super().update_dimension_fields(instance, force, *args, **kwargs)

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            setattr(model_instance, self.attname, clean_image(file))
        return super().pre_save(model_instance, add)


OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}


def _zip_members(file):
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError):
        return None, b""
    finally:
        file.seek(0)
    return names, mimetype


def _content_matches(file, extension):
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "txt":
        if b"\x00" in head or MARKUP.search(head):
            return False
        # UTF-8 (a character cut at the end of the sample is fine) or else Windows-1252.
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
        return True
    if extension in OOXML_FOLDERS or extension in ODF_TYPES or extension == "zip":
        if not head.startswith(b"PK\x03\x04"):
            return False
        names, mimetype = _zip_members(file)
        if names is None:
            return False
        if extension in OOXML_FOLDERS:
            return (
                "[Content_Types].xml" in names
                and any(name.startswith(OOXML_FOLDERS[extension]) for name in names)
                and not any(name.lower().endswith("vbaproject.bin") for name in names)
            )
        if extension in ODF_TYPES:
            return mimetype == ODF_TYPES[extension]
        return True
    return True  # other extensions are refused by the FileExtensionValidator


def validate_attachment_content(file):
    if is_stored(file):
        return
    extension = PurePath(file.name).suffix.lower().lstrip(".")
    if not _content_matches(file, extension):
        raise ValidationError(
            "Der Inhalt der Datei passt nicht zur Endung „%(extension)s“ (oder die Datei ist "
            "beschädigt). Bitte die Originaldatei hochladen.",
            params={"extension": extension},
            code="content_mismatch",
        )
