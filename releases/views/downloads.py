"""The files of a release, each behind the same check as the release's page: public releases for
everyone, any release for staff who may preview it (releases.roles.may_preview). The files lie in
the protected storage, which nothing serves as it is (releases/storage.py); the embargo link's
views (embargo.py) answer the same files for a release under embargo."""

import io

from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from ..documents import press_kit_version, stored_document
from ..metadata import stamped_file
from ..models import (
    EditorImage,
    PressRelease,
    ReleaseAttachment,
    ReleaseDocument,
    ReleaseImage,
)
from ..presskit import build_press_kit
from ..renditions import MIME_TYPES
from ..roles import may_preview
from ..storage import protected_storage, sandboxed, send_file
from .release import public_projects, usable_images


def pdf_relations():
    """What the PDF shows besides the text (templates/releases/pdf/release.html)."""
    return [usable_images(), public_projects()]


def press_kit_relations():
    """What the press kit holds besides the text (releases/presskit.py): no topics, no partners."""
    return [*pdf_relations(), "attachments"]


def releases_visible_to(request):
    """Staff who may preview download from any release; everyone else only from public ones."""
    if may_preview(request.user):
        return PressRelease.objects.all()
    return PressRelease.objects.published()


def attachment_download(request, year, month, day, slug, pk):
    attachment = get_object_or_404(
        ReleaseAttachment, pk=pk, release__slug=slug, release__in=releases_visible_to(request)
    )
    return attachment_response(attachment)


def attachment_response(attachment):
    return send_file(attachment.file.storage, attachment.file.name, filename=attachment.filename)


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
    return sandboxed(FileResponse(io.BytesIO(data), as_attachment=True, filename=filename))


def rendition_response(image, width, kind):
    """A smaller version of the image, shown in the page (ReleaseImage.picture)."""
    name = image.rendition_name(width, kind)
    if name is None or kind not in MIME_TYPES:
        raise Http404("Diese Bildgröße gibt es nicht.")
    return send_file(image.image.storage, name, content_type=MIME_TYPES[kind])


def text_image_response(image, name):
    if name != image.filename:
        raise Http404("Dieses Bild gibt es nicht.")
    return send_file(image.file.storage, image.file.name)


def press_kit_response(request, release):
    """The press kit as stored for the release's current version; built and stored first if
    there is none yet (releases/documents.py)."""
    filename = f"pressepaket-{release.slug}.zip"

    def build():
        prefetch_related_objects([release], *press_kit_relations())
        return build_press_kit(release, request.build_absolute_uri(release.get_absolute_url()))

    prefetch_related_objects([release], *pdf_relations())
    storage, name = stored_document(
        release, ReleaseDocument.Kind.PRESS_KIT, filename, build, press_kit_version(release)
    )
    return send_file(storage, name, content_type="application/zip", filename=filename)


def visible_image(request, slug, pk):
    """An image the visitor may see: of a release visible to them, and while its rights last."""
    return get_object_or_404(
        ReleaseImage.objects.usable(),
        pk=pk,
        release__slug=slug,
        release__in=releases_visible_to(request),
    )


def image_download(request, year, month, day, slug, pk):
    return image_response(visible_image(request, slug, pk))


def image_rendition(request, year, month, day, slug, pk, width, kind):
    return rendition_response(visible_image(request, slug, pk), width, kind)


def press_kit(request, year, month, day, slug):
    return press_kit_response(request, get_object_or_404(releases_visible_to(request), slug=slug))


def text_image(request, key, name):
    """An image in the text of a release or project, while a text the request may see shows it."""
    images = (
        EditorImage.objects.all() if may_preview(request.user) else EditorImage.objects.public()
    )
    return text_image_response(get_object_or_404(images, key=key), name)


def protected_file(request, name):
    """Any stored file of a release, for staff who may preview (the admin's links to files);
    for everyone else there is nothing here."""
    if not may_preview(request.user) or ".." in name.split("/"):
        raise Http404("Diese Datei gibt es nicht.")
    return send_file(protected_storage(), name)
