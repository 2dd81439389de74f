"""
The press kit of a release (…/pressepaket.zip): everything a newsroom needs in one download.

    pressemitteilung.pdf   the release as tagged PDF (releases/documents.py)
    pressemitteilung.txt   the release as plain text: title, dateline and lead, text, "Über das
                           Projekt …", press contacts, address of the page
    BILDNACHWEIS.txt       per image: file, caption, credit, licence note
    bilder/01-….jpg        the images in full resolution, as uploaded, with caption, credit and
                           copyright notice in their metadata (releases/metadata.py)
    anhaenge/01-….pdf      the attachments

The ZIP is written to a temporary file (not memory): images and attachments may be large.
"""

import logging
import re
import shutil
import tempfile
import zipfile
from html.parser import HTMLParser

from django.template.loader import render_to_string
from django.utils import timezone

from .metadata import stamped_file

logger = logging.getLogger(__name__)

BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "figure", "figcaption", "tr", "table", "hr"}


class _TextExtractor(HTMLParser):
    """Sanitized rich text (releases/sanitize.py) to plain paragraphs; links keep their address."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.current, self.href, self.link_text = [], [], None, []

    def _end_block(self):
        # Line breaks in the HTML source are spaces; only <br> (kept as "\n") breaks a line.
        text = re.sub(r" *\n *", "\n", re.sub(r" {2,}", " ", "".join(self.current))).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in BLOCKS:
            self._end_block()
        if tag == "li":
            self.current.append("– ")
        elif tag == "br":
            self.current.append("\n")
        elif tag in ("td", "th") and self.current:
            self.current.append(" | ")
        elif tag == "a":
            self.href, self.link_text = attrs.get("href"), []
        elif tag == "img" and attrs.get("alt"):
            self.current.append(f"[Bild: {attrs['alt']}]")

    def handle_endtag(self, tag):
        if tag == "a" and self.href:
            text = "".join(self.link_text).strip()
            address = self.href.removeprefix("mailto:").removeprefix("tel:")
            if address not in text:
                self.current.append(f" ({address})")
            self.href = None
        if tag in BLOCKS:
            self._end_block()

    def handle_data(self, data):
        data = re.sub(r"\s+", " ", data)
        self.current.append(data)
        if self.href:
            self.link_text.append(data)

    def close(self):
        super().close()
        self._end_block()


def html_to_text(html):
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    return "\n\n".join(parser.blocks)


def render_text(template_name, context):
    """Plain text from a template: at most one blank line in a row, Windows-friendly line ends."""
    text = render_to_string(template_name, context)
    text = re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"
    return text.replace("\n", "\r\n")


def _member(name, moment, compress=True):
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    # Photos, PDFs and ZIPs are compressed already; only text is worth deflating.
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _copy_into(archive, info, field_file):
    try:
        with field_file.open("rb") as source, archive.open(info, "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        return True
    except FileNotFoundError:
        logger.warning("Pressepaket: Datei %s fehlt und wird ausgelassen.", field_file.name)
        return False


def add_image(archive, info, image, name=None, rights=None):
    """An image file (the original, or `name` from its storage), with caption, credit and
    copyright notice in its metadata (releases/metadata.py)."""
    field_file = image.image if hasattr(image, "image") else image
    try:
        data = stamped_file(field_file.storage, name or field_file.name, rights or image.rights)
    except FileNotFoundError:
        logger.warning("ZIP: Datei %s fehlt und wird ausgelassen.", name or field_file.name)
        return False
    archive.writestr(info, data)
    return True


def build_press_kit(release, release_url):
    """Write the ZIP of `release` to a temporary file. Prefetch images, attachments and public
    projects (views.press_kit_relations) to keep the queries few."""
    moment = timezone.localtime(release.updated_at)
    images = []
    for number, image in enumerate(release.images.all(), start=1):
        images.append({"image": image, "name": f"bilder/{number:02d}-{image.download_filename}"})
    attachments = [
        (f"anhaenge/{number:02d}-{attachment.filename}", attachment)
        for number, attachment in enumerate(release.attachments.all(), start=1)
    ]
    context = {
        "release": release,
        "projects": [project for project in release.projects.all() if project.about_text],
        "funded_projects": [
            project for project in release.projects.all() if project.funding_notice
        ],
        "contacts": release.press_contacts(),
        "body_text": html_to_text(release.body),
        "release_url": release_url,
        "images": images,
    }

    file = tempfile.TemporaryFile()  # noqa: SIM115 (the FileResponse closes it)
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr(
            _member("pressemitteilung.txt", moment),
            render_text("releases/press_kit/pressemitteilung.txt", context),
        )
        _add_pdf(archive, release, moment)
        for entry in images:
            entry["included"] = add_image(
                archive, _member(entry["name"], moment, compress=False), entry["image"]
            )
        for name, attachment in attachments:
            _copy_into(archive, _member(name, moment, compress=False), attachment.file)
        archive.writestr(
            _member("BILDNACHWEIS.txt", moment),
            render_text("releases/press_kit/bildnachweis.txt", context),
        )
    file.seek(0)
    return file


def _add_pdf(archive, release, moment):
    """pressemitteilung.pdf: the stored PDF of this version (releases/documents.py), if it can be
    made here (without Pango the kit holds the rest)."""
    from .documents import PdfUnavailable, stored_pdf

    try:
        storage, name = stored_pdf(release)
    except PdfUnavailable:
        logger.warning("Pressepaket ohne PDF: WeasyPrint findet Pango nicht.")
        return
    with storage.open(name, "rb") as source:
        archive.writestr(_member("pressemitteilung.pdf", moment, compress=False), source.read())


def build_image_zip(images, title):
    """A ZIP of release images (originals, stamped) with BILDNACHWEIS.txt: the Bildarchiv's
    "alle Bilder als ZIP" of a project. `images` have their release selected."""
    moment = timezone.localtime(max(image.release.updated_at for image in images))
    entries = [
        {
            "name": f"bilder/{number:02d}-{image.download_filename}",
            "image": image,
            "rights": image.rights,
            "source": f"{image.release.title} ({image.release.release_date:%d.%m.%Y})",
        }
        for number, image in enumerate(images, start=1)
    ]
    return build_zip(title, moment, entries)


def build_zip(title, moment, entries, extra=()):
    """A ZIP to a temporary file: each entry {"name", "image" (a model with `image` or a
    FieldFile), "rights"} as a stamped image file, the `extra` (name, bytes) members as they are,
    and BILDNACHWEIS.txt listing the images."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the FileResponse closes it)
    with zipfile.ZipFile(file, "w") as archive:
        for name, data in extra:
            archive.writestr(_member(name, moment, compress=name.endswith((".txt", ".svg"))), data)
        for entry in entries:
            entry["included"] = add_image(
                archive,
                _member(entry["name"], moment, compress=False),
                entry["image"],
                rights=entry["rights"],
            )
        archive.writestr(
            _member("BILDNACHWEIS.txt", moment),
            render_text(
                "releases/press_kit/bildnachweis_liste.txt", {"title": title, "images": entries}
            ),
        )
    file.seek(0)
    return file
