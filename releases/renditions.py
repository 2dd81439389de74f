"""
Responsive versions (renditions) of a release image, made once with Pillow when the image is saved.

Each image gets up to three widths in AVIF (where this Pillow can write it), WebP and JPEG as the
fallback every browser shows. The list of files is stored on the image row as JSON, so a page
showing any number of images needs no extra query and never touches Pillow or the file system.
The files lie next to the original, in the same unguessable folder (`…/varianten/`).
"""

import io
import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError, features

logger = logging.getLogger(__name__)

WIDTHS = [480, 960, 1600]

# (format key, Pillow format, MIME type, save options), best first: the browser takes the first
# <source> it understands, and the <img> falls back to JPEG.
FORMATS = [
    ("avif", "AVIF", "image/avif", {"quality": 55, "speed": 8}),  # speed 6 is 10× slower, same size
    ("webp", "WEBP", "image/webp", {"quality": 80, "method": 4}),
    ("jpeg", "JPEG", "image/jpeg", {"quality": 82, "optimize": True, "progressive": True}),
]
FORMATS = [entry for entry in FORMATS if entry[0] != "avif" or features.check("avif")]
MIME_TYPES = {key: mime for key, _format, mime, _options in FORMATS}


def widths_for(original_width):
    """The widths to make: the standard ones below the original, plus the original (at most 1600)."""
    return sorted(
        {width for width in WIDTHS if width < original_width} | {min(original_width, WIDTHS[-1])}
    )


def _flatten(image):
    """Photos for print and web: turned upright as the camera meant, transparency on white."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def make_renditions(field_file):
    """Write the renditions of an ImageField's file; return what to store in `renditions`.

    When the file cannot be read, the list stays empty and the page shows the original instead.
    """
    storage = field_file.storage
    source = PurePosixPath(field_file.name)
    try:
        with field_file.open("rb") as file, Image.open(file) as original:
            original.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))  # a large JPEG decodes at ½ or ¼ size
            image = _flatten(original)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("Bildvarianten für %s konnten nicht erzeugt werden.", field_file.name)
        return {"source": field_file.name, "files": {}}

    files = {key: [] for key, *_rest in FORMATS}
    # Largest first, each smaller one from the one before: only one resize of the big original.
    for width in reversed(widths_for(image.width)):
        height = max(1, round(image.height * width / image.width))
        if width != image.width:
            image = image.resize((width, height), Image.LANCZOS)
        for key, pillow_format, _mime, options in FORMATS:
            buffer = io.BytesIO()
            image.save(buffer, pillow_format, **options)
            name = str(source.parent / "varianten" / f"{source.stem}-{width}.{key}")
            name = storage.save(name, ContentFile(buffer.getvalue()))
            files[key].insert(0, [width, height, name])
    return {"source": field_file.name, "files": files}


def delete_renditions(storage, renditions):
    for entries in renditions.get("files", {}).values():
        for _width, _height, name in entries:
            storage.delete(name)
