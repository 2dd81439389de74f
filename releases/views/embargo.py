from functools import wraps

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from ..models import (
    EmbargoLink,
)
from ..storage import TEXT_IMAGE_URL_PREFIX
from .downloads import (
    attachment_response,
    image_response,
    press_kit_response,
    rendition_response,
    text_image_response,
)
from .release import release_page_relations

EMBARGO_TEXT_IMAGES = "textbilder/"  # below the embargo link's address, as in releases/urls.py


def embargo_view(view):
    """Pages and files behind an embargo link: the token must name a valid link, or nothing of
    the release is shown. Never cached, never indexed, and the secret address is not passed on
    as a referrer to any site the text links to."""

    @never_cache
    @wraps(view)
    def wrapper(request, token, **kwargs):
        link = EmbargoLink.from_token(token)
        if link is None:
            response = render(request, "releases/embargo_invalid.html", status=404)
        else:
            response = view(request, link, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


@embargo_view
def embargo_detail(request, link):
    release = link.release
    link.record_open()
    if release.is_public:
        return redirect(release)  # the embargo is over: the public page is the one to share
    prefetch_related_objects([release], *release_page_relations())
    # The images in the text are opened through this link too, while the release is not public.
    embargo_prefix = f"{link.get_absolute_url()}{EMBARGO_TEXT_IMAGES}"
    release.body = release.body.replace(f'src="{TEXT_IMAGE_URL_PREFIX}', f'src="{embargo_prefix}')
    context = {
        "release": release,
        "embargo_token": link.token,
        "contacts": release.press_contacts(),
        "related_releases": list(release.related_releases()),
    }
    return render(request, "releases/embargo.html", context)


@embargo_view
def embargo_image(request, link, pk):
    return image_response(get_object_or_404(link.release.images.usable(), pk=pk))


@embargo_view
def embargo_image_rendition(request, link, pk, width, kind):
    return rendition_response(get_object_or_404(link.release.images.usable(), pk=pk), width, kind)


@embargo_view
def embargo_text_image(request, link, key, name):
    return text_image_response(get_object_or_404(link.release.editor_images, key=key), name)


@embargo_view
def embargo_attachment(request, link, pk):
    return attachment_response(get_object_or_404(link.release.attachments, pk=pk))


@embargo_view
def embargo_press_kit(request, link):
    return press_kit_response(request, link.release)
