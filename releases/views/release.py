from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

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


class ReleaseDetailView(DetailView):
    template_name = "releases/detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return PressRelease.objects.published().prefetch_related(*release_page_relations())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contacts=self.object.press_contacts(),
            related_releases=list(self.object.related_releases()),
            **kwargs,
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
        return self.render_to_response(self.get_context_data(object=self.object))

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
        return PressRelease.objects.prefetch_related(*release_page_relations())

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        response = self.render_to_response(self.get_context_data(object=self.object, preview=True))
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
