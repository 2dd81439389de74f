"""/sitemap.xml (django.contrib.sitemaps): the pages search engines should know, with lastmod.

Projects, partners and the legal pages join with one entry each in `sitemaps` once they exist
(e.g. "rechtliches": django.contrib.flatpages.sitemaps.FlatPageSitemap).
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.functional import cached_property

from .models import PressRelease


class RequestSitemap(Sitemap):
    """A sitemap for one request (see releases.views.sitemap): its addresses carry the request's
    host, not the sites framework's domain (which serves only the flatpages)."""

    def __init__(self, request):
        self.request = request

    def get_domain(self, site=None):
        return self.request.get_host()


class ReleaseSitemap(RequestSitemap):
    def items(self):
        return PressRelease.objects.published().only(
            "slug", "release_date", "publish_at", "updated_at"
        )

    def lastmod(self, release):
        return release.modified_at


class PageSitemap(RequestSitemap):
    """The pages that list releases: they change whenever a public release appears or changes."""

    def items(self):
        return ["releases:home", "releases:archive"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.latest_change

    @cached_property
    def latest_change(self):
        # One instance per request, so one query per request.
        return PressRelease.objects.published().aggregate(
            latest=Max(Greatest("updated_at", "publish_at"))
        )["latest"]


sitemaps = {
    "seiten": PageSitemap,
    "pressemitteilungen": ReleaseSitemap,
}
