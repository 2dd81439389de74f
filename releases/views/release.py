from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

from ..cache import remembered
from ..models import (
    PressRelease,
    Project,
    ReleaseImage,
)
from ..models.projects import funder_roles
from ..roles import PREVIEW_PERMISSION


def public_projects():
    """The projects of a release that its page, PDF and press kit show ("Über das Projekt …"),
    each with its funders for the funding notice (Project.funding_notice; one more query, and
    only if the release has a public project). A new Prefetch each time: prefetching writes
    hints into its queryset, so none is shared."""
    funders = Prefetch("partner_roles", queryset=funder_roles(), to_attr="funder_roles")
    return Prefetch("projects", queryset=Project.objects.public().prefetch_related(funders))


def usable_images():
    """The images of a release that may be shown (ReleaseImageQuerySet.usable: rights not ended).
    A new Prefetch each time, as public_projects."""
    return Prefetch("images", queryset=ReleaseImage.objects.usable())


def release_page_relations():
    """What a release page shows besides its text, one query each. (The active contacts come in
    one query of their own: PressRelease.press_contacts.)"""
    return ["topics", usable_images(), "attachments", public_projects(), "partners"]


def what_the_page_shows(release):
    """What a release page shows besides the release's own fields: its relations
    (release_page_relations, prefetched onto `release`), its active contacts and the related
    releases. Eight queries; a dict that can be kept (releases.cache.remembered)."""
    prefetch_related_objects([release], *release_page_relations())
    return {
        "relations": release._prefetched_objects_cache,
        "contacts": release.press_contacts(),
        "related_releases": list(release.related_releases()),
    }


class ReleaseDetailView(DetailView):
    """A public release. The release itself is read on every visit (published(): the publishing
    rule); what else its page shows is kept like the archive's counts, by release: any save
    renews it, and it lives no longer than the next embargo moment or end of image rights."""

    template_name = "releases/detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return PressRelease.objects.published()

    def shown(self):
        return remembered(
            f"release-page:{self.object.pk}", lambda: what_the_page_shows(self.object)
        )

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            return self.gone_or_not_found()
        # The slug identifies a release; should its date have been corrected after publication,
        # the old address still leads to it.
        if request.path != self.object.get_absolute_url():
            return redirect(self.object, permanent=True)
        shown = self.shown()
        # The kept relations become the release's prefetched ones: release.images.all etc.
        self.object._prefetched_objects_cache = shown["relations"]
        return self.render_to_response(
            self.get_context_data(
                object=self.object,
                contacts=shown["contacts"],
                related_releases=shown["related_releases"],
                # Its head and content are kept by release and host (absolute links in them).
                fragment_key=f"release:{self.object.pk}:{request.scheme}://{request.get_host()}",
            )
        )

    def gone_or_not_found(self):
        """A release withdrawn after it had been public answers 410 Gone with a short notice."""
        withdrawn = PressRelease.objects.withdrawn().filter(slug=self.kwargs["slug"]).first()
        if withdrawn is None:
            raise Http404("Diese Pressemitteilung gibt es nicht.")
        return render(self.request, "releases/gone.html", {"release": withdrawn}, status=410)


@method_decorator(
    [
        staff_member_required,  # anybody else is sent to the login
        permission_required(PREVIEW_PERMISSION, raise_exception=True),  # 403 for other staff
        never_cache,
    ],
    name="dispatch",
)
class ReleasePreviewView(ReleaseDetailView):
    """Staff who may see releases see any of them, draft or under embargo, as it will look.
    Never indexed or cached."""

    def get_queryset(self):
        return PressRelease.objects.all()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        shown = what_the_page_shows(self.object)  # read afresh for staff, never kept
        context = self.get_context_data(
            object=self.object,
            preview=True,
            contacts=shown["contacts"],
            related_releases=shown["related_releases"],
        )
        response = self.render_to_response(context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
