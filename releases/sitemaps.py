"""/sitemap.xml (django.contrib.sitemaps): the pages search engines should know, with lastmod.

/sitemap.xml is an index of the sections below (/sitemap-<section>.xml); the releases come in
pages of ReleaseSitemap.limit addresses (?p=2, ...), so no single response has to list a whole
ten-year archive (10,000 addresses took over a second to render).

The list pages, every public release, project and partner, and the legal pages.
lastmod is the later of a page's own last change and that of the newest public release it lists
(a release under embargo is saved before it appears, so its publication counts as a change).
The legal pages are flatpages, which keep no time of change: they have no lastmod.
"""

from django.contrib.flatpages.sitemaps import FlatPageSitemap
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.functional import cached_property

from .models import Partner, PressRelease, Project


class RequestSitemap(Sitemap):
    """A sitemap for one request (see allianz_site.views.sitemap_index): its addresses carry the request's
    host, not the sites framework's domain (which serves only the flatpages)."""

    def __init__(self, request):
        self.request = request

    def get_domain(self, site=None):
        return self.request.get_host()


def latest(*moments):
    return max((moment for moment in moments if moment), default=None)


def release_change(prefix=""):
    """The moment a release last changed on the public site: saved, or published if later
    (PressRelease.modified_at in SQL). `prefix` reaches the release through a relation."""
    return Greatest(f"{prefix}updated_at", f"{prefix}publish_at")


def latest_public_release_change():
    """The latest change of any public release: for the archive and the release sitemap."""
    return PressRelease.objects.published().aggregate(latest=Max(release_change()))["latest"]


def latest_release_change():
    """Per project or partner: the latest change of its public releases (an aggregate)."""
    return Max(
        release_change("releases__"), filter=Q(releases__in=PressRelease.objects.published())
    )


class ReleaseSitemap(RequestSitemap):
    limit = 1000

    def items(self):
        return PressRelease.objects.published().only(
            "slug", "release_date", "publish_at", "updated_at"
        )

    def lastmod(self, release):
        return release.modified_at

    def get_latest_lastmod(self):
        # For the index: one aggregate instead of Django's default, a loop over every release.
        return latest_public_release_change()


class ProjectSitemap(RequestSitemap):
    def items(self):
        projects = Project.objects.public().annotate(latest_release=latest_release_change())
        return projects.order_by("name")

    def lastmod(self, project):
        return latest(project.updated_at, project.latest_release)


class PartnerSitemap(RequestSitemap):
    def items(self):
        partners = Partner.objects.public().annotate(latest_release=latest_release_change())
        return partners.order_by("name")

    def lastmod(self, partner):
        return latest(partner.updated_at, partner.latest_release)


class PageSitemap(RequestSitemap):
    """The list pages: they change whenever what they list changes."""

    def items(self):
        return [
            "releases:home",
            "releases:archive",
            "releases:projects",
            "releases:shareholders",
            "contacts:list",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.latest_changes[name]

    @cached_property
    def latest_changes(self):
        # One instance per request, so these three queries run once per request.
        releases = latest_public_release_change()
        projects = Project.objects.public().aggregate(latest=Max("updated_at"))
        shareholders = Partner.objects.public().filter(is_shareholder=True)
        partners = shareholders.aggregate(latest=Max("updated_at"))
        return {
            "releases:home": releases,
            "releases:archive": releases,
            "releases:projects": projects["latest"],
            "releases:shareholders": partners["latest"],
            "contacts:list": None,  # contacts keep no time of change
        }


class LegalPageSitemap(RequestSitemap, FlatPageSitemap):
    """Impressum, Datenschutz, Barrierefreiheit (flatpages of this site)."""


sitemaps = {
    "seiten": PageSitemap,
    "pressemitteilungen": ReleaseSitemap,
    "projekte": ProjectSitemap,
    "partner": PartnerSitemap,
    "rechtliches": LegalPageSitemap,
}
