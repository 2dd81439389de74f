"""The review page: a co-issuer reads the draft through a review link (releases/models/review.py)
and approves it or asks for a change. Never cached, never indexed, no referrer to other sites."""

from functools import wraps

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from .. import versions
from ..forms import ReviewDecisionForm
from ..models import ReviewDecision, ReviewLink
from ..storage import TEXT_IMAGE_URL_PREFIX
from .downloads import (
    attachment_response,
    image_response,
    press_kit_response,
    rendition_response,
    text_image_response,
)
from .release import release_page_relations

REVIEW_TEXT_IMAGES = "textbilder/"  # below the review link's address, as in releases/urls.py


def review_view(view):
    """Pages and files behind a review link: the token must name a valid link of a release that
    is still being reviewed. Once the release is published the link leads to its public page (or
    to the reviewer's embargo link while a Sperrfrist runs); otherwise it opens nothing."""

    @never_cache
    @wraps(view)
    def wrapper(request, token, **kwargs):
        link = ReviewLink.from_token(token)
        if link is None:
            response = render(request, "releases/review_invalid.html", status=404)
        elif not link.is_reviewable:
            response = after_review(request, link)
        else:
            response = view(request, link, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # The secret address never goes to another site; but not "no-referrer": with it,
        # browsers send "Origin: null" with the decision form's POST and Django's CSRF check
        # refuses the co-issuer's answer (as on the subscription confirmation).
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def after_review(request, link):
    release = link.release
    if release.is_public:
        return redirect(release)
    if release.is_embargoed:
        embargo = link.embargo_link()
        if embargo is not None:
            return redirect(embargo)
    return render(request, "releases/review_closed.html", {"release": release}, status=404)


@review_view
def review_detail(request, link):
    release = link.release
    seen = versions.current_version(release)
    form = ReviewDecisionForm(initial={"version": seen.pk})
    if request.method == "POST":
        form = ReviewDecisionForm(request.POST)
        if form.is_valid():
            version = get_object_or_404(
                versions.versions_of(release), pk=form.cleaned_data["version"]
            )
            ReviewDecision.objects.create(
                link=link,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"].strip(),
                version=version,
            )
            return redirect(link)
    prefetch_related_objects([release], *release_page_relations())
    prefetch_related_objects([link], "decisions__version__revision")
    # The images in the text are opened through this link too, as on the embargo page.
    review_prefix = f"{link.get_absolute_url()}{REVIEW_TEXT_IMAGES}"
    release.body = release.body.replace(f'src="{TEXT_IMAGE_URL_PREFIX}', f'src="{review_prefix}')
    decision = link.latest_decision()
    since = None
    if decision is not None and decision.version is not None and decision.version != seen:
        since = versions.changes(versions.content(decision.version), versions.content(seen))
    context = {
        "release": release,
        "review_token": link.token,
        "link": link,
        "decision": decision,
        "changes_since": since,
        "form": form,
        "contacts": release.press_contacts(),
        "related_releases": [],
    }
    return render(request, "releases/review.html", context)


@review_view
def review_image(request, link, pk):
    return image_response(get_object_or_404(link.release.images.usable(), pk=pk))


@review_view
def review_image_rendition(request, link, pk, width, kind):
    return rendition_response(get_object_or_404(link.release.images.usable(), pk=pk), width, kind)


@review_view
def review_text_image(request, link, key, name):
    return text_image_response(get_object_or_404(link.release.editor_images, key=key), name)


@review_view
def review_attachment(request, link, pk):
    return attachment_response(get_object_or_404(link.release.attachments, pk=pk))


@review_view
def review_press_kit(request, link):
    return press_kit_response(request, link.release)
