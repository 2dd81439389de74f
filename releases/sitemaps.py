"""/sitemap.xml (django.contrib.sitemaps): the pages search engines should know, with lastmod.

/sitemap.xml is an index of the sections below (/sitemap-<section>.xml); the releases come in
pages of ReleaseSitemap.limit addresses (?p=2, ...), so no single response has to list a whole
ten-year archive (10,000 addresses took over a second to render).

The list pages, every public release, project and partner, and the legal pages.
lastmod is the later of a page's own last change and that of the newest public release it lists
(a release under embargo is saved before it appears, so its publication counts as a change).
The legal pages are flatpages, which keep no time of change: they have no lastmod.

The sections are Django's Sitemap classes (items, location, lastmod, limit); the views in
allianz_site/views.py write their XML. A page of a section is one query (`entries`); each
section tells the index its size and latest lastmod in at most one (`count_and_latest`), so the
index asks four queries whatever the number of rows, and none while these figures are kept
(allianz_site.views.sitemap_index).
"""

import math

from django.contrib.flatpages.sitemaps import FlatPageSitemap
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Count, Max, Q, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.functional import cached_property

from .models import Partner, PressRelease, Project


class RequestSitemap(Sitemap):
    """A section for one request (see allianz_site.views): its addresses carry the request's scheme
    and host, not the sites framework's domain (which serves only the flatpages)."""

    def __init__(self, request):
        self.request = request

    def entries(self, page):
        """(address, lastmod) of each item on page `page` (a string from the query, or 1);
        lastmod None where there is none. Raises PageNotAnInteger or EmptyPage for a page that
        is not there, as Django's paginator does, but without its count: one query."""
        try:
            number = int(page)
        except ValueError:
            raise PageNotAnInteger(page) from None
        if not 1 <= number <= 50_000:  # an index lists at most 50,000 sitemaps (sitemaps.org)
            raise EmptyPage(page)
        items = list(self.items()[(number - 1) * self.limit : number * self.limit])
        if not items and number > 1:
            raise EmptyPage(page)
        site = f"{self.request.scheme}://{self.request.get_host()}"
        lastmod = getattr(self, "lastmod", None)
        return [(site + self.location(item), lastmod(item) if lastmod else None) for item in items]

    def pages_and_latest(self):
        """For the index: how many pages the section has, and its latest lastmod."""
        count, latest = self.count_and_latest()
        return max(1, math.ceil(count / self.limit)), latest

    def count_and_latest(self):
        """How many items, and the latest lastmod (None when an item has none): what Django's
        index asks (paginator.num_pages, get_latest_lastmod()), at most one query."""
        return self.paginator.count, self.get_latest_lastmod()


def latest(*moments):
    return max((moment for moment in moments if moment), default=None)


def release_change(prefix=""):
    """The moment a release last changed on the public site: saved, or published if later
    (PressRelease.modified_at in SQL). `prefix` reaches the release through a relation."""
    return Greatest(f"{prefix}updated_at", f"{prefix}publish_at")


def latest_public_release_change():
    """The latest change of any public release: the lastmod of the list pages that show them."""
    return PressRelease.objects.published().aggregate(latest=Max(release_change()))["latest"]


def latest_release_change():
    """Per project or partner: the latest change of its public releases (an aggregate)."""
    return Max(
        release_change("releases__"), filter=Q(releases__in=PressRelease.objects.published())
    )


def latest_change_of(releases):
    """The latest change of any of `releases`, for aggregate() beside a count: a subquery, newest
    first, that reads a few rows of the index release_change_idx instead of every release."""
    newest_first = releases.annotate(changed=release_change()).order_by("-changed")
    return Max(Subquery(newest_first.values("changed")[:1]))  # aggregate() takes only aggregates


class ReleaseSitemap(RequestSitemap):
    limit = 1000

    def items(self):
        # Rows rather than model instances: a page lists 1,000 of them.
        return PressRelease.objects.published().values_list(
            "release_date", "slug", release_change()
        )

    def location(self, row):
        release_date, slug, _ = row
        return self.address(release_date, slug)

    @cached_property
    def address(self):
        return PressRelease.addresses()

    def lastmod(self, row):
        return row[2]

    def count_and_latest(self):
        releases = PressRelease.objects.published()
        found = releases.aggregate(count=Count("pk"), latest=latest_change_of(releases))
        return found["count"], found["latest"]


class ReleaseListSitemap(RequestSitemap):
    """Projects or partners: a page changes when its object does, or when one of the public
    releases it lists appears or changes."""

    model = None
    relation = None  # how a release refers to such objects

    def items(self):
        objects = self.model.objects.public().annotate(latest_release=latest_release_change())
        return objects.order_by("name")

    def lastmod(self, obj):
        return latest(obj.updated_at, obj.latest_release)

    def count_and_latest(self):
        objects = self.model.objects.public()
        listed = PressRelease.objects.published().filter(**{f"{self.relation}__in": objects})
        found = objects.aggregate(
            count=Count("pk"), changed=Max("updated_at"), listed_changed=latest_change_of(listed)
        )
        return found["count"], latest(found["changed"], found["listed_changed"])


class ProjectSitemap(ReleaseListSitemap):
    model = Project
    relation = "projects"


class PartnerSitemap(ReleaseListSitemap):
    model = Partner
    relation = "partners"


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

    def count_and_latest(self):
        # The contact page keeps no time of change, so the section has no latest lastmod
        # (Django's get_latest_lastmod() says the same after asking the three queries below).
        return len(self.items()), None

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
