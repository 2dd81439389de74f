"""The release as PDF (releases/documents.py): at …/<slug>/pressemitteilung.pdf for a public
release (staff: any), and under an embargo link. Not public: 404. Without Pango: a German 503."""

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render

from ..documents import PdfUnavailable, pdf_filename, stored_pdf
from ..storage import send_file
from .downloads import pdf_relations, releases_visible_to
from .embargo import embargo_view
from .review import review_view


def pdf_response(request, release):
    """The stored PDF of the release's current version, built first if it is new."""
    try:
        storage, name = stored_pdf(release)
    except PdfUnavailable:
        response = render(
            request, "releases/pdf_unavailable.html", {"release": release}, status=503
        )
        response["Retry-After"] = "3600"
        return response
    return send_file(storage, name, content_type="application/pdf", filename=pdf_filename(release))


def release_pdf(request, year, month, day, slug):
    releases = releases_visible_to(request).prefetch_related(*pdf_relations())
    return pdf_response(request, get_object_or_404(releases, slug=slug))


@embargo_view
def embargo_pdf(request, link):
    release = link.release
    if release.is_public:  # the embargo is over: the public PDF is the one to share
        return redirect(release.get_pdf_url())
    prefetch_related_objects([release], *pdf_relations())
    return pdf_response(request, release)


@review_view
def review_pdf(request, link):
    """The draft's PDF for the co-issuer (review_view sends a published release's link on)."""
    release = link.release
    prefetch_related_objects([release], *pdf_relations())
    return pdf_response(request, release)
