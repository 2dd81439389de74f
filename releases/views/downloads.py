from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from ..models import (
    PressRelease,
    ReleaseAttachment,
    ReleaseImage,
)
from ..presskit import build_press_kit
from .release import public_projects, usable_images


def press_kit_relations():
    """What the press kit holds besides the text (releases/presskit.py): no topics, no partners."""
    return [usable_images(), "attachments", public_projects()]


def attachment_download(request, year, month, day, slug, pk):
    attachment = get_object_or_404(
        ReleaseAttachment, pk=pk, release__slug=slug, release__in=releases_visible_to(request)
    )
    return attachment_response(attachment)


def download_response(field_file, filename):
    """A stored file as a download under `filename`; a German 404 if it has gone missing."""
    try:
        file = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("Die Datei ist nicht mehr vorhanden.") from None
    return FileResponse(file, as_attachment=True, filename=filename)


def attachment_response(attachment):
    return download_response(attachment.file, attachment.filename)


def releases_visible_to(request):
    """Staff may download from any release (preview); everyone else only from public ones."""
    return PressRelease.objects.all() if request.user.is_staff else PressRelease.objects.published()


def image_response(image):
    """The original image as uploaded; the file name carries the credit."""
    return download_response(image.image, image.download_filename)


def press_kit_response(request, release):
    public_url = request.build_absolute_uri(release.get_absolute_url())
    file = build_press_kit(release, public_url)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"pressepaket-{release.slug}.zip",
        content_type="application/zip",
    )


def image_download(request, year, month, day, slug, pk):
    image = get_object_or_404(
        ReleaseImage.objects.usable(),
        pk=pk,
        release__slug=slug,
        release__in=releases_visible_to(request),
    )
    return image_response(image)


def press_kit(request, year, month, day, slug):
    releases = releases_visible_to(request).prefetch_related(*press_kit_relations())
    return press_kit_response(request, get_object_or_404(releases, slug=slug))
