"""Pressematerial, /presse/material/: the logos with their usage rules, the fact sheet (also as
PDF, releases/documents.py), portrait photos of the management and the press contacts with
credits, and all of it as one ZIP. Every photo leaves with its credit in its metadata."""

import dataclasses
from pathlib import PurePath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from contacts.models import PressContact

from ..documents import PdfUnavailable, fact_sheet_context, open_static, stored_fact_sheet
from ..metadata import Rights
from ..models import ManagementPortrait
from ..presskit import build_zip, render_text
from ..slugs import slugify_de
from .downloads import stamped_download

# The logo: the site's mark, a vector drawing (static/favicon.svg), and PNGs rendered from it
# with Chromium at these widths (static/presse/logo-<width>.png). There is no wordmark yet.
LOGO_SVG = "favicon.svg"
LOGO_PNG_WIDTHS = [256, 512, 1024, 2048]
LOGO_NAME = "allianz-fuer-die-region-logo"


def logos():
    """[{"label", "url", "static", "filename", "format"}]: SVG first, then the PNGs by size."""
    entries = [
        {
            "label": "SVG (Vektor, für Druck und Web, beliebig skalierbar)",
            "static": LOGO_SVG,
            "filename": f"{LOGO_NAME}.svg",
            "format": "SVG",
        }
    ]
    for width in LOGO_PNG_WIDTHS:
        entries.append(
            {
                "label": f"PNG, {width} × {width} Pixel, transparenter Hintergrund",
                "static": f"presse/logo-{width}.png",
                "filename": f"{LOGO_NAME}-{width}.png",
                "format": "PNG",
            }
        )
    for entry in entries:
        entry["url"] = static(entry["static"])
    return entries


@dataclasses.dataclass
class Portrait:
    """A portrait photo on the page and in the ZIP: management or press contact."""

    name: str
    position: str
    image: object  # the FieldFile
    rights: Rights
    download_url: str

    @property
    def filename(self):
        suffix = PurePath(self.image.name).suffix.lower()
        credit = slugify_de(self.rights.credit)[:60].strip("-")
        stem = slugify_de(self.name)[:60].strip("-") or "portraet"
        return f"{stem}_{credit}{suffix}" if credit else f"{stem}{suffix}"


def management_portrait(portrait):
    return Portrait(
        portrait.name,
        portrait.position,
        portrait.photo,
        portrait.rights,
        reverse("releases:management_photo", kwargs={"pk": portrait.pk}),
    )


def contact_portrait(contact):
    return Portrait(
        contact.name,
        contact.position,
        contact.photo,
        Rights(
            caption=f"{contact.name}, {contact.position}".strip(", "),
            credit=contact.photo_credit,
        ),
        reverse("releases:contact_photo", kwargs={"slug": contact.slug}),
    )


def material_context():
    """Four queries: the organisation, its shareholders, its portraits, the active contacts."""
    context = fact_sheet_context()
    contacts = PressContact.objects.active().exclude(photo="")
    return {
        **context,
        "logos": logos(),
        "management": [management_portrait(portrait) for portrait in context["portraits"]],
        "contacts": [contact_portrait(contact) for contact in contacts],
    }


class MaterialView(TemplateView):
    template_name = "releases/material.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**material_context(), **kwargs)


def unavailable(request):
    response = render(request, "releases/pdf_unavailable.html", {}, status=503)
    response["Retry-After"] = "3600"
    return response


def fact_sheet_pdf(request):
    """The fact sheet as a tagged PDF, built once per version and stored."""
    try:
        name = stored_fact_sheet()
    except PdfUnavailable:
        return unavailable(request)
    try:
        file = default_storage.open(name, "rb")
    except FileNotFoundError:  # replaced by a newer version meanwhile
        raise Http404("Die Datei ist nicht mehr vorhanden.") from None
    return FileResponse(file, filename="steckbrief-allianz-fuer-die-region.pdf")


def management_photo(request, pk):
    portrait = management_portrait(get_object_or_404(ManagementPortrait, pk=pk))
    return stamped_download(
        portrait.image.storage, portrait.image.name, portrait.rights, portrait.filename
    )


def contact_photo(request, slug):
    contact = get_object_or_404(PressContact.objects.active().exclude(photo=""), slug=slug)
    portrait = contact_portrait(contact)
    return stamped_download(
        portrait.image.storage, portrait.image.name, portrait.rights, portrait.filename
    )


def material_zip(request):
    """Everything on the page as one ZIP: logos, usage rules, fact sheet PDF (if WeasyPrint
    runs here), portraits with BILDNACHWEIS.txt."""
    context = material_context()
    organisation = context["organisation"]
    extra = []
    for logo in context["logos"]:
        with open_static(logo["static"]) as file:
            extra.append((f"logo/{logo['filename']}", file.read()))
    extra.append(
        (
            "logo/NUTZUNGSREGELN.txt",
            render_text("releases/press_kit/nutzungsregeln.txt", {"organisation": organisation}),
        )
    )
    try:
        with default_storage.open(stored_fact_sheet(), "rb") as file:
            extra.append(("steckbrief-allianz-fuer-die-region.pdf", file.read()))
    except PdfUnavailable:
        pass
    extra.append(("steckbrief.txt", render_text("releases/press_kit/steckbrief.txt", context)))
    portraits = [*context["management"], *context["contacts"]]
    entries = [
        {
            "name": f"portraets/{portrait.filename}",
            "image": portrait.image,
            "rights": portrait.rights,
        }
        for portrait in portraits
    ]
    moment = timezone.localtime(organisation.updated_at or timezone.now())
    file = build_zip(f"Pressematerial der {organisation.name}", moment, entries, extra)
    return FileResponse(
        file,
        as_attachment=True,
        filename="pressematerial-allianz-fuer-die-region.zip",
        content_type="application/zip",
    )
