"""Where the files of releases are stored, and how they reach a browser.

Two storages (settings.STORAGES):

- "default": what anyone may open at any time (partner logos, project images, photos of press
  contacts). nginx serves it as /media/.
- "protected": the files of releases: images and their renditions, attachments, images in the
  text (EditorImage), the stored press kits (ReleaseDocument). Nothing serves this storage as it
  lies. Every file goes out through a view that first asks the same rule as the release's page
  (`published()`, an embargo link, or staff allowed to preview), and then `send_file`.

So a release's files follow its state at the moment of each request: a withdrawn or unpublished
release, a deleted image, a revoked embargo link close them at once, and nothing has to be moved
or renamed (docs/security.md, "Files of releases", says why this rather than moving files).

Only Django's storage API is used, never paths on disk: on S3-compatible storage "protected" is a
private bucket and `send_file` streams or redirects (its one place to change).
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpResponse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header

# The address of the images in rich text (EditorImage). Here, not in the models: the sanitizer,
# which the models import, lets <img src> point only here or to MEDIA_URL.
TEXT_IMAGE_URL_PREFIX = "/presse/textbilder/"


class ProtectedStorage(FileSystemStorage):
    """The file system storage in PROTECTED_MEDIA_ROOT (read when used, so tests may move it).

    Its URLs lead to the staff's file view (`admin/dateien/…`, for the admin's "Derzeit: …"
    links); public pages link each file through the address of its release instead."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PROTECTED_MEDIA_ROOT)

    @cached_property
    def base_url(self):
        return self._value_or_setting(self._base_url, "/admin/dateien/")

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PROTECTED_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


# What a browser may do with a file of a release: show it, nothing more (no script, no form, no
# request to anywhere), as nginx says for /media/ (deploy/nginx-site.conf). Django's CSP
# middleware leaves a response's own policy alone.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def sandboxed(response):
    response["Content-Security-Policy"] = FILE_POLICY
    return response


def protected_storage():
    """The storage of release files; a callable, as the models' `storage=` takes it."""
    return storages["protected"]


def send_file(storage, name, *, content_type=None, filename=None):
    """The response with the stored file `name`, once a view has decided that it may be seen.

    `filename`: sent as a download under that name; without it the browser shows the file (an
    image in a page). With PROTECTED_MEDIA_ACCEL set, nginx sends the bytes (X-Accel-Redirect to
    its internal location); otherwise Django streams them. A file that has gone missing is the
    German 404 page either way."""
    if settings.PROTECTED_MEDIA_ACCEL:
        if not storage.exists(name):
            raise Http404("Die Datei ist nicht mehr vorhanden.")
        guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = HttpResponse(content_type=content_type or guessed)
        response["X-Accel-Redirect"] = settings.PROTECTED_MEDIA_ACCEL + quote(name)
        if filename:
            response["Content-Disposition"] = content_disposition_header(True, filename)
        return sandboxed(response)
    try:
        file = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("Die Datei ist nicht mehr vorhanden.") from None
    return sandboxed(
        FileResponse(
            file, as_attachment=bool(filename), filename=filename or "", content_type=content_type
        )
    )
