"""Documents made from a release – its PDF and its press kit – built once per version and stored
(ReleaseDocument, in the protected storage), from then on sent as stored.

The PDF (a tagged PDF/UA-1 made with WeasyPrint from templates/releases/pdf/release.html) is
versioned by the HTML it is made from: rendering that HTML costs a few queries and milliseconds,
building the PDF is the expensive part. Whatever changes what the PDF shows (the text, an image
whose rights ended, the boilerplate, the shareholders, the end of the embargo) changes the HTML
and so the version. The press kit holds the PDF and the files of the release: its version is the
PDF's together with `PressRelease.content_version`, which is renewed whenever a file or a text
that the kit shows changes (the signals below):

The fact sheet of /presse/material/ belongs to no release and is public material: it is stored in
the default storage under `dokumente/steckbrief/<keyed hash of its HTML>.pdf` (`stored_fact_sheet`),
built when its HTML changes, the older file deleted.

- the release itself: every save;
- its images and attachments: saved or deleted;
- the objects behind SHOWN_RELATIONS: which projects and press contacts the release names (links
  added or removed), and their own texts and numbers (saved or deleted).

A stored document of an older version is built anew at its next request, and the old file is
deleted. `QuerySet.update()` sends no signals: code that changes what a release shows with it
calls `renew_content_version()` on the same releases.

WeasyPrint fetches nothing from the network: `StorageFetcher` serves the site's own addresses
(static files, public uploads, the release's protected files) through the storage API and refuses
every other one. WeasyPrint needs Pango from the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0). Without it the site runs on, the PDF addresses answer a German 503 page and
`manage.py check` names the packages to install (`check_pango`).
"""

import functools
import io
import logging
import posixpath
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import checks
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from .models import PressRelease, ReleaseAttachment, ReleaseDocument, ReleaseImage
from .models.media import document_path
from .models.release import new_content_version
from .storage import TEXT_IMAGE_URL_PREFIX, protected_storage

logger = logging.getLogger(__name__)

# Addresses in the PDF's HTML are resolved against this base; only its host is served.
BASE_URL = "https://pdf.invalid/"
PROTECTED_PREFIX = "/protected/"  # a release's own files, in the PDF's HTML only
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
SHOWN_RELATIONS = ["projects", "contacts"]


def renew_content_version(releases):
    """Every stored document of these releases (a QuerySet) is out of date from now on."""
    releases.update(content_version=new_content_version())


def document_version(*parts):
    """The version of a document made from `parts` (strings): a keyed hash, 32 characters."""
    return salted_hmac("releases.documents", "\x00".join(parts), algorithm="sha256").hexdigest()[
        :32
    ]


def stored_document(release, kind, filename, build, version):
    """(storage, name) of the document `kind` of the release in `version`: the stored one, or,
    if it is missing or of another version, the file that `build()` returns (an open file at
    position 0, closed here), stored first under `filename`. A document is the same for every
    request: what it says must not depend on who asks (the press kit names the release's public
    address, also when built for an embargo link)."""
    storage = ReleaseDocument._meta.get_field("file").storage
    stored = ReleaseDocument.objects.filter(release=release, kind=kind).first()
    if stored is not None and stored.version == version and storage.exists(stored.file.name):
        return storage, stored.file.name
    with build() as file:
        name = storage.save(document_path(None, filename), File(file))
    document = ReleaseDocument(release=release, kind=kind, version=version, file=name)
    # One statement, also when another request stores the same document at the same moment
    # (then the row names one of the two files, and the other stays unused in the storage).
    ReleaseDocument.objects.bulk_create(
        [document],
        update_conflicts=True,
        unique_fields=["release", "kind"],
        update_fields=["version", "file", "created_at"],
    )
    if stored is not None and stored.file.name != name:
        transaction.on_commit(lambda: storage.delete(stored.file.name))
    return storage, name


def delete_document_file(sender, instance, **kwargs):
    """post_delete of a ReleaseDocument (its release was deleted): the file goes too."""
    storage, name = instance.file.storage, instance.file.name
    transaction.on_commit(lambda: storage.delete(name))


def release_saved(sender, instance, created, **kwargs):
    """The release saved (a new one has a fresh version already), or the links it has changed."""
    if not created:
        instance.content_version = new_content_version()
        PressRelease.objects.filter(pk=instance.pk).update(content_version=instance.content_version)


def part_changed(sender, instance, **kwargs):
    """An image or attachment saved or deleted."""
    renew_content_version(PressRelease.objects.filter(pk=instance.release_id))


def links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A link between releases and the projects or contacts they name added or removed."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            release_saved(PressRelease, instance, created=False)
        return
    field = next(name for name in SHOWN_RELATIONS if getattr(PressRelease, name).through is sender)
    if action in ("post_add", "post_remove"):
        renew_content_version(PressRelease.objects.filter(pk__in=pk_set))
    elif action == "pre_clear":
        renew_content_version(PressRelease.objects.filter(**{field: instance}))


def shown_object_changed(sender, instance, **kwargs):
    """A project or contact saved, or about to be deleted: the releases that name it."""
    for field in SHOWN_RELATIONS:
        if PressRelease._meta.get_field(field).related_model is sender:
            renew_content_version(PressRelease.objects.filter(**{field: instance}))


def connect_signals():
    """Called by ReleasesConfig.ready(), so that management commands renew versions too."""
    post_save.connect(release_saved, sender=PressRelease, dispatch_uid="documents-release")
    for model in (ReleaseImage, ReleaseAttachment):
        post_save.connect(part_changed, sender=model, dispatch_uid=f"documents-save-{model}")
        post_delete.connect(part_changed, sender=model, dispatch_uid=f"documents-delete-{model}")
    for field in SHOWN_RELATIONS:
        through = getattr(PressRelease, field).through
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"documents-m2m-{field}")
        shown = PressRelease._meta.get_field(field).related_model
        post_save.connect(shown_object_changed, sender=shown, dispatch_uid=f"documents-{field}")
        pre_delete.connect(shown_object_changed, sender=shown, dispatch_uid=f"documents-d-{field}")
    post_delete.connect(delete_document_file, sender=ReleaseDocument, dispatch_uid="documents-file")


# --- The release as PDF ---------------------------------------------------------------------


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
        """Serves the site's own files through the storages; nothing else."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            base = urlsplit(BASE_URL)
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
                raise ValueError(f"Das PDF lädt nichts von anderen Adressen: {url}")
            path = posixpath.normpath(unquote(parts.path))
            if path.startswith(settings.STATIC_URL):
                file = open_static(path.removeprefix(settings.STATIC_URL))
            elif path.startswith(PROTECTED_PREFIX):
                file = protected_storage().open(path.removeprefix(PROTECTED_PREFIX), "rb")
            elif path.startswith(TEXT_IMAGE_URL_PREFIX):  # an image in the text (EditorImage)
                name = "editor/" + path.removeprefix(TEXT_IMAGE_URL_PREFIX)
                file = protected_storage().open(name, "rb")
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


def media_src(name, protected=True):
    """The address of a stored file in the PDF's HTML: a release's own file (protected storage)
    or a public upload such as a partner's logo (default storage). StorageFetcher reads either
    through the storage API."""
    prefix = PROTECTED_PREFIX if protected else settings.MEDIA_URL
    return f"{BASE_URL.rstrip('/')}{prefix}{quote(name)}"


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
                        "logo": (
                            media_src(role.partner.logo.name, protected=False)
                            if role.partner.logo
                            else ""
                        ),
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


def stored_pdf(release):
    """(storage, name) of the PDF of `release` as it is now, built and stored if it is new. The
    caller decides whether the release may be shown. Raises PdfUnavailable without Pango."""
    html = release_html(release)
    weasyprint()  # PdfUnavailable before anything is stored

    def build():
        return io.BytesIO(render_pdf(html))

    return stored_document(
        release, ReleaseDocument.Kind.PDF, pdf_filename(release), build, pdf_version(html)
    )


def pdf_version(html):
    return document_version("pdf", html)


def press_kit_version(release):
    """The press kit holds the PDF, so it changes with it, and with the files of the release."""
    return document_version("pressepaket", release.content_version, release_html(release))


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
    name = f"dokumente/steckbrief/{document_version('steckbrief', html)}.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(render_pdf(html)))
        _dirs, files = default_storage.listdir("dokumente/steckbrief")
        for older in files:
            if f"dokumente/steckbrief/{older}" != name:
                default_storage.delete(f"dokumente/steckbrief/{older}")
    return name


def pdf_filename(release):
    return f"pressemitteilung-{release.slug}.pdf"
