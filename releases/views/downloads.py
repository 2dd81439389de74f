import io

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from ..metadata import stamped_file
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


def image_response(image, web_size=False):
    """The original image as uploaded (or its web size, JPEG at most 1600 px wide), with caption,
    credit and copyright notice in its metadata (releases/metadata.py); the file name carries
    the credit too. The one place every image download passes through."""
    name, filename = image.image.name, image.download_filename
    if web_size:
        if image.web_size is None:
            raise Http404("Dieses Bild gibt es nicht in Webgröße.")
        name, filename = image.web_size[2], image.web_size_filename
    return stamped_download(image.image.storage, name, image.rights, filename)


def stamped_download(storage, name, rights, filename):
    """A stored image file as a download with `rights` in its metadata; German 404 if missing."""
    try:
        data = stamped_file(storage, name, rights)
    except FileNotFoundError:
        raise Http404("Die Datei ist nicht mehr vorhanden.") from None
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename)


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
