"""
The release as a paper press release: a tagged PDF (PDF/UA-1) made with WeasyPrint from
templates/releases/pdf/release.html.

Built once per version and stored: the version is the HTML the PDF is made from. `stored_pdf`
renders that HTML (a few queries, milliseconds), names the file after a keyed hash of it and
builds the PDF (WeasyPrint, the expensive part) only when no file of that name is stored yet.
Whatever changes what the PDF shows (the text, an image whose rights ended, the boilerplate, the
shareholders, the end of the embargo) changes the HTML and so gives a new file; the older files
of the release are deleted then. The fact sheet of /presse/material/ (`stored_fact_sheet`) is
built and stored the same way, under `dokumente/steckbrief/`. Files go through Django's storage
API only, under `dokumente/<release id>/<hash>.pdf`; the hash is keyed with the SECRET_KEY, so the name of a
release's file cannot be guessed.

WeasyPrint fetches nothing from the network: `StorageFetcher` serves the addresses under
STATIC_URL and MEDIA_URL from the static files and the storage, and refuses every other one.

WeasyPrint needs Pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0). Without it
the site runs on, the PDF addresses answer a German 503 page and `manage.py check` names the
packages to install (`check_pango`).
"""

import functools
import logging
import posixpath
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

FOLDER = "dokumente"
# Addresses in the PDF's HTML are resolved against this base; only its host is served.
BASE_URL = "https://pdf.invalid/"
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class PdfUnavailable(Exception):
    """WeasyPrint cannot run here (Pango is missing)."""


@functools.cache
def weasyprint():
    """The weasyprint module, or PdfUnavailable if it cannot load its system libraries."""
    try:
        import weasyprint as module
    except OSError as error:  # cffi could not open Pango
        raise PdfUnavailable(str(error)) from error
    return module


def pdf_available():
    try:
        weasyprint()
    except PdfUnavailable:
        return False
    return True


@checks.register()
def check_pango(app_configs, **kwargs):
    if pdf_available():
        return []
    return [
        checks.Warning(
            "WeasyPrint findet Pango nicht: Die Pressemitteilungen als PDF sind nicht verfügbar.",
            hint=f"Installieren Sie die Systempakete: apt-get install -y {PANGO_PACKAGES}",
            id="releases.W010",
        )
    ]


def _url_fetcher_class():
    """StorageFetcher, made when first needed (its base class comes with weasyprint)."""
    urls = weasyprint().urls

    class StorageFetcher(urls.URLFetcher):
        """Serves /static/… and /media/… from the static files and the storage; nothing else."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            base = urlsplit(BASE_URL)
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
                raise ValueError(f"Das PDF lädt nichts von anderen Adressen: {url}")
            path = posixpath.normpath(unquote(parts.path))
            if path.startswith(settings.STATIC_URL):
                file = open_static(path.removeprefix(settings.STATIC_URL))
            elif path.startswith(settings.MEDIA_URL):
                file = default_storage.open(path.removeprefix(settings.MEDIA_URL), "rb")
            else:
                raise ValueError(f"Keine Datei der Website: {url}")
            with file:
                return urls.URLFetcherResponse(url, file.read())

    return StorageFetcher


def open_static(name):
    """A static file, from the collected files (production) or the app folders (development)."""
    found = finders.find(name)
    if found:
        return open(found, "rb")  # noqa: SIM115 (the caller closes it)
    return staticfiles_storage.open(name, "rb")


def media_src(name):
    """The address of a stored file in the PDF's HTML, whatever storage holds it (StorageFetcher
    reads it through the storage API)."""
    return f"{BASE_URL.rstrip('/')}{settings.MEDIA_URL}{quote(name)}"


def pdf_image(image):
    """An image of the release as the PDF prints it: the JPEG rendition about 960 px wide (print
    at 300 dpi over half a page), or the original if it has no renditions."""
    entries = image.renditions.get("files", {}).get("jpeg")
    name = image.image.name
    if entries:
        name = next((entry for entry in entries if entry[0] >= 960), entries[-1])[2]
    return {"image": image, "src": media_src(name)}


def pdf_context(release):
    """What the PDF shows besides the release's own fields. Prefetch `images` and the public
    `projects` (views.press_kit_relations) to keep the queries few."""
    return {
        "images": [pdf_image(image) for image in release.images.all()],
        "projects": [project for project in release.projects.all() if project.about_text],
        "funding": [
            {
                "project": project,
                "funders": [
                    {
                        "role": role,
                        "logo": media_src(role.partner.logo.name) if role.partner.logo else "",
                    }
                    for role in project.funding_notice
                ],
            }
            for project in release.projects.all()
            if project.funding_notice
        ],
        "contacts": release.press_contacts(),
        "site_url": settings.SITE_URL,
        "release_url": f"{settings.SITE_URL}{release.get_absolute_url()}",
        "embargoed": release.is_embargoed,
    }


def release_html(release):
    """The HTML the PDF is made from."""
    context = {"release": release, **pdf_context(release)}
    return render_to_string("releases/pdf/release.html", context)


def render_pdf(html):
    """The PDF/UA-1 made from `html`: bytes."""
    module = weasyprint()
    document = module.HTML(string=html, base_url=BASE_URL, url_fetcher=_url_fetcher_class()())
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"allianz-presse")


def version_name(folder, html):
    """Where the PDF made from `html` is stored: one name per version, not guessable."""
    key = salted_hmac("releases.documents.pdf", html, algorithm="sha256").hexdigest()[:32]
    return f"{FOLDER}/{folder}/{key}.pdf"


def stored_pdf(release):
    """The storage name of the PDF of `release` as it is now, built and stored if it is new.
    The caller decides whether the release may be shown. Raises PdfUnavailable without Pango."""
    return stored_document(str(release.pk), release_html(release))


def stored_document(folder, html):
    """The storage name of the PDF made from `html`, built and stored under dokumente/<folder>/
    if it is new (and the older versions in that folder deleted)."""
    name = version_name(folder, html)
    if default_storage.exists(name):
        return name
    pdf = render_pdf(html)
    saved = default_storage.save(name, ContentFile(pdf))
    delete_other_versions(folder, keep=saved)
    return saved


def delete_other_versions(folder, keep=None):
    """Delete the stored PDFs in dokumente/<folder>/ (a release's id, or "steckbrief") except
    `keep` (all of them if None). A release may be given for its folder."""
    folder = f"{FOLDER}/{getattr(folder, 'pk', folder)}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for file_name in files:
        name = f"{folder}/{file_name}"
        if name != keep:
            default_storage.delete(name)


FACT_SHEET_FOLDER = "steckbrief"


def fact_sheet_context():
    """What the fact sheet shows (page and PDF): the organisation's facts, its shareholders line
    and its management's portraits. Three queries."""
    from .models import Organisation

    organisation = Organisation.objects.current()
    portraits = list(organisation.portraits.all()) if organisation.pk else []
    return {
        "organisation": organisation,
        "shareholders": organisation.shareholders_line(),
        "portraits": portraits,
    }


def stored_fact_sheet():
    """The storage name of the fact sheet PDF as it is now (built once per version)."""
    html = render_to_string(
        "releases/pdf/fact_sheet.html", {**fact_sheet_context(), "site_url": settings.SITE_URL}
    )
    return stored_document(FACT_SHEET_FOLDER, html)


def pdf_filename(release):
    return f"pressemitteilung-{release.slug}.pdf"
