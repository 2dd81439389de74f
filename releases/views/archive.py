import datetime

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.views.generic import ListView

from .. import search
from ..cache import remembered
from ..forms import ReleaseFilterForm
from ..models import (
    Partner,
    PressRelease,
    Project,
    Topic,
)
from ..search import sort_key


def public_releases():
    # Lists show title, date, place and lead: neither the long body nor the search vector.
    return (
        PressRelease.objects.published().defer("body", "search_vector").prefetch_related("topics")
    )


class HomeView(ListView):
    """The home page, /: the latest releases and the running projects."""

    template_name = "releases/home.html"
    context_object_name = "releases"

    def get_queryset(self):
        return public_releases()[:7]

    def get_context_data(self, **kwargs):
        # Read when the page's content is rendered, not when it is kept (templates/…/home.html).
        running = Project.objects.public().filter(status=Project.Status.RUNNING)
        return super().get_context_data(running_projects=running, **kwargs)


class ArchivePaginator(Paginator):
    """Pages of a list of releases that find their releases by id: the ids of a page come from
    the index alone (release_public_order_idx: an index-only scan however deep the page, where
    OFFSET over whole rows sorted the first 4,000 rows of the table for page 200), then the
    rows of those ids, in one query. A search's hits (search.Hits) are sliced as they are."""

    def page(self, number):
        if isinstance(self.object_list, search.Hits):
            return super().page(number)
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        ids = self.object_list.values("pk")[start : start + self.per_page]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


class ReleaseArchiveView(ListView):
    """The archive at /presse/, and the same list narrowed to a year or a month.

    One ListView rather than Django's date-based views: those add a query for their date list,
    while here a single aggregate (`month_counts`) gives the year and month navigation with counts
    and tells whether a year or month exists at all.

    Search and filters (ReleaseFilterForm) narrow the list; the year is the address itself. The
    month counts also count what matches the search and filters: the year navigation shows those
    counts and the paginator takes its total from them. With the facets (topic, place, project,
    partner) an archive page costs seven queries, plus one to look up each chosen topic, project
    or partner, whatever the number of releases. The counts are the same for every page number:
    they are kept like a page (releases.cache.remembered), so that the other pages of a period,
    search and filters cost two queries (the list, its topics). What the page shows is kept the
    same way (templates/releases/archive.html: the filter block, the year navigation, the list by
    page number), and what a kept fragment shows is not read at all: the facets and the year
    navigation are lazy, the list's queryset is only run when the list is rendered.
    """

    template_name = "releases/archive.html"
    context_object_name = "releases"
    paginate_by = 20
    paginator_class = ArchivePaginator
    allow_empty = True  # an empty archive is a page, not a 404

    def get(self, request, *args, **kwargs):
        self.year = kwargs.get("year")
        self.month = kwargs.get("month")
        self.form = ReleaseFilterForm(request.GET)
        self.form.is_valid()  # a field that does not validate shows its error and is left out
        if "q" not in self.form.values():
            return self.list_page(request, *args, **kwargs)
        # A search page takes its matches from the search index, its counts and its list alike.
        with search.index_scans():
            return self.list_page(request, *args, **kwargs).render()

    def list_page(self, request, *args, **kwargs):
        self.month_counts = remembered(self.counts_key(), self.count)
        if not self.period_exists():
            raise Http404("Für diesen Zeitraum gibt es keine Pressemitteilungen.")
        return super().get(request, *args, **kwargs)

    def period_exists(self):
        return self.year is None or any(
            year == self.year and (self.month is None or month == self.month)
            for year, month, _count, _matching in self.month_counts
        )

    def counts_key(self, what="archive"):
        """The counts depend on the period, the search and the filters, not on the page number."""
        values = {name: getattr(value, "slug", value) for name, value in self.form.values().items()}
        return repr([what, self.year, self.month, sorted(values.items())])

    def count(self):
        """The month counts (year, month, releases, matching releases): one query."""
        published = PressRelease.objects.published()
        matching = self.form.narrow(published) if self.form.values() else None
        return list(published.month_counts_matching(matching))

    def in_period(self, releases):
        if self.year is not None:
            releases = releases.filter(release_date__year=self.year)
        if self.month is not None:
            releases = releases.filter(release_date__month=self.month)
        return releases

    def get_queryset(self):
        releases = self.form.narrow(self.in_period(public_releases()))
        if "q" in self.form.values():
            return search.Hits(releases, self.form.values()["q"], public_releases())
        return releases

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        # The month counts already say how many releases match: no separate COUNT query.
        paginator.count = sum(
            matching
            for year, month, _count, matching in self.month_counts
            if self.year in (None, year) and self.month in (None, month)
        )
        return paginator

    def archive_years(self):
        """The year navigation: each year with its count and, for the year shown, its months."""
        years = {}
        for year, month, _count, matching in self.month_counts:
            if not matching and year != self.year:
                continue
            entry = years.setdefault(year, {"year": year, "count": 0, "months": []})
            entry["count"] += matching
            if matching or month == self.month:
                entry["months"].append({"date": datetime.date(year, month, 1), "count": matching})
        return list(years.values())

    def get_context_data(self, **kwargs):
        # Links to another year or month keep the search and filters (but not the page number).
        filters = self.request.GET.copy()
        filters.pop("page", None)
        return super().get_context_data(
            # Read when the year navigation is rendered, not when it is kept (fragment_key).
            archive_years=SimpleLazyObject(self.archive_years),
            year=self.year,
            month=datetime.date(self.year, self.month, 1) if self.month is not None else None,
            filter_query=f"?{filters.urlencode()}" if filters else "",
            ranked_matches=search.RANKED_MATCHES if search.is_available() else None,
            form=self.form,
            filters=self.form.values(),
            query=self.form.values().get("q", ""),
            # The filter block and the year navigation show the counts: kept with the same key
            # (releases/templatetags/remembered.py); not kept when a field shows an error.
            fragment_key=None if self.form.errors else self.counts_key(),
            facets=SimpleLazyObject(lambda: remembered(self.counts_key("facets"), self.facets)),
            **kwargs,
        )

    def facets(self):
        """The filters' choices, each with its count: what the list would hold with that choice
        (within the year or month shown, with the other filters and the search). One query each.
        Read by the filter block when it is rendered (`facets` is lazy)."""
        in_period = self.in_period(PressRelease.objects.published())
        values = self.form.values()
        places = self.form.narrow(in_period, skip="ort").place_counts()
        if "ort" in values and values["ort"] not in dict(places):
            places = sorted([*places, (values["ort"], 0)], key=lambda place: sort_key(place[0]))
        return {
            "topic_facets": self.counted(Topic.objects.public(), "thema", in_period),
            "place_facets": [{"slug": place, "name": place, "count": n} for place, n in places],
            "project_facets": self.counted(Project.objects.public(), "projekt", in_period),
            "partner_facets": self.counted(Partner.objects.public(), "partner", in_period),
        }

    def counted(self, choices, name, in_period):
        """Topics, projects or partners (related to releases as `releases`), each with `count`:
        how many of `in_period` the filter `name` would list, with every other filter applied."""
        counted = list(
            choices.filter(releases__in=self.form.narrow(in_period, skip=name))
            .annotate(count=Count("releases"))
            .order_by("name")
        )
        chosen = self.form.values().get(name)
        # A choice that nothing matches together with the rest stays visible, counted 0.
        if chosen and chosen not in counted:
            chosen.count = 0
            counted = sorted([*counted, chosen], key=lambda choice: sort_key(choice.name))
        return counted
