import datetime

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from django.views.generic.detail import SingleObjectMixin

from contacts.models import PressContact

from .forms import ReleaseFilterForm
from .models import (
    Partner,
    PressRelease,
    Project,
    ProjectArea,
    ProjectEvent,
    ProjectPartner,
    ReleaseAttachment,
    Topic,
)
from .search import sort_key
from .sitemaps import sitemaps


def public_releases():
    # The search vector is for the database only: lists do not fetch it.
    return PressRelease.objects.published().defer("search_vector").prefetch_related("topics")


class HomeView(ListView):
    template_name = "releases/home.html"
    context_object_name = "releases"

    def get_queryset(self):
        return public_releases()[:7]


class ReleaseArchiveView(ListView):
    """The archive at /presse/, and the same list narrowed to a year or a month.

    One ListView rather than Django's date-based views: those add a query for their date list,
    while here a single aggregate (`month_counts`) gives the year and month navigation with counts
    and tells whether a year or month exists at all.

    Search and filters (ReleaseFilterForm) narrow the list; the year is the address itself. The
    month counts also count what matches the search and filters: the year navigation shows those
    counts and the paginator takes its total from them. With the topic and place facets an archive
    page costs six queries, seven with a topic chosen, whatever the number of releases.
    """

    template_name = "releases/archive.html"
    context_object_name = "releases"
    paginate_by = 20
    allow_empty = True  # an empty archive is a page, not a 404

    def get(self, request, *args, **kwargs):
        self.year = kwargs.get("year")
        self.month = kwargs.get("month")
        self.form = ReleaseFilterForm(request.GET)
        self.form.is_valid()  # a field that does not validate shows its error and is left out
        published = PressRelease.objects.published()
        matching = self.form.narrow(published) if self.form.values() else None
        self.month_counts = list(published.month_counts_matching(matching))
        if self.year is not None and not any(
            year == self.year and (self.month is None or month == self.month)
            for year, month, _count, _matching in self.month_counts
        ):
            raise Http404("Für diesen Zeitraum gibt es keine Pressemitteilungen.")
        return super().get(request, *args, **kwargs)

    def in_period(self, releases):
        if self.year is not None:
            releases = releases.filter(release_date__year=self.year)
        if self.month is not None:
            releases = releases.filter(release_date__month=self.month)
        return releases

    def get_queryset(self):
        releases = self.form.narrow(self.in_period(public_releases()))
        if "q" in self.form.values():
            releases = releases.ranked(self.form.values()["q"])
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

    def get_context_data(self, **kwargs):
        years = {}
        for year, month, _count, matching in self.month_counts:
            if not matching and year != self.year:
                continue
            entry = years.setdefault(year, {"year": year, "count": 0, "months": []})
            entry["count"] += matching
            if matching or month == self.month:
                entry["months"].append({"date": datetime.date(year, month, 1), "count": matching})
        return super().get_context_data(
            archive_years=list(years.values()),
            year=self.year,
            month=datetime.date(self.year, self.month, 1) if self.month is not None else None,
            **self.facets(),
            **kwargs,
        )

    def facets(self):
        """The filters' choices, each with its count: what the list would hold with that choice
        (within the year or month shown, with the other filters and the search). One query each."""
        in_period = self.in_period(PressRelease.objects.published())
        values = self.form.values()
        topics = list(
            Topic.objects.filter(releases__in=self.form.narrow(in_period, skip="thema"))
            .annotate(count=Count("releases"))
            .order_by("name")
        )
        # A choice that nothing matches together with the rest stays visible, counted 0.
        if "thema" in values and values["thema"] not in topics:
            values["thema"].count = 0
            topics = sorted([*topics, values["thema"]], key=lambda topic: sort_key(topic.name))
        places = self.form.narrow(in_period, skip="ort").place_counts()
        if "ort" in values and values["ort"] not in dict(places):
            places = sorted([*places, (values["ort"], 0)], key=lambda place: sort_key(place[0]))
        return {
            "form": self.form,
            "filters": values,
            "query": values.get("q", ""),
            "topic_facets": topics,
            "place_facets": places,
        }


class ReleaseDetailView(DetailView):
    template_name = "releases/detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return PressRelease.objects.published().prefetch_related("topics", "images", "attachments")

    def get_object(self, queryset=None):
        if queryset is None:
            queryset = self.get_queryset()
        return super().get_object(queryset.prefetch_related(*release_page_relations()))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contacts=self.object.press_contacts(),
            related_releases=list(self.object.related_releases()),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # The slug identifies a release; should its date have been corrected after publication,
        # the old address still leads to it.
        if request.path != self.object.get_absolute_url():
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


@method_decorator([staff_member_required, never_cache], name="dispatch")
class ReleasePreviewView(ReleaseDetailView):
    """Staff see any release, draft or under embargo, as it will look. Never indexed or cached."""

    def get_queryset(self):
        return PressRelease.objects.prefetch_related("topics", "images", "attachments")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        response = self.render_to_response(self.get_context_data(object=self.object, preview=True))
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


def attachment_download(request, year, month, day, slug, pk):
    releases = (
        PressRelease.objects.all() if request.user.is_staff else PressRelease.objects.published()
    )
    attachment = get_object_or_404(
        ReleaseAttachment, pk=pk, release__slug=slug, release__in=releases
    )
    try:
        file = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("Die Datei ist nicht mehr vorhanden.") from None
    return FileResponse(file, as_attachment=True, filename=attachment.filename)


def release_page_relations():
    """What a release page shows besides its text: public projects, partners, active contacts."""
    return [
        Prefetch("projects", queryset=Project.objects.public()),
        "partners",
        Prefetch("contacts", queryset=PressContact.objects.active()),
    ]


class ProjectListView(ListView):
    template_name = "releases/project_list.html"
    context_object_name = "projects"

    def get_queryset(self):
        return Project.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        projects = context["projects"]
        context["running"] = [p for p in projects if p.status == Project.Status.RUNNING]
        context["completed"] = [p for p in projects if p.status == Project.Status.COMPLETED]
        return context


class ProjectDetailView(SingleObjectMixin, ListView):
    """A project with its areas, events and partners, and its public releases (paginated)."""

    template_name = "releases/project_detail.html"
    paginate_by = 10

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(
            Project.objects.public().prefetch_related(
                Prefetch("partner_roles", ProjectPartner.objects.select_related("partner")),
                Prefetch("areas", ProjectArea.objects.prefetch_related("events")),
            )
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return public_releases().filter(projects=self.object)

    def get_context_data(self, **kwargs):
        project = self.object
        roles = project.partner_roles.all()
        events = [event for area in project.areas.all() for event in area.events.all()]
        context = super().get_context_data(
            project=project,
            upcoming_events=[event for event in events if not event.is_past],
            sponsors=[role for role in roles if role.role == ProjectPartner.Role.SPONSOR],
            funders=[role for role in roles if role.role == ProjectPartner.Role.FUNDER],
            supporters=[role for role in roles if role.role == ProjectPartner.Role.SUPPORTER],
            **kwargs,
        )
        context["releases"] = context["object_list"]  # the current page
        return context


def event_ics(request, slug, pk):
    """One event of a public project as an iCalendar file to import into a calendar."""
    event = get_object_or_404(
        ProjectEvent.objects.select_related("area__project"),
        pk=pk,
        area__project__slug=slug,
        area__project__in=Project.objects.public(),
    )
    site_url = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(event.to_ical(site_url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{event.pk}.ics"'
    return response


class ShareholderListView(ListView):
    """/gesellschafter/: the shareholders, grouped by kind in the order of Partner.Kind."""

    template_name = "releases/shareholders.html"
    context_object_name = "shareholders"

    def get_queryset(self):
        return Partner.objects.filter(is_shareholder=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = []
        for kind, title in Partner.KIND_GROUP_TITLES.items():
            members = [partner for partner in context["shareholders"] if partner.kind == kind]
            if members:
                groups.append({"title": title, "partners": members})
        context["groups"] = groups
        return context


class PartnerDetailView(SingleObjectMixin, ListView):
    """A partner with the public projects it carries, funds or supports, and the public releases
    that mention it (paginated)."""

    template_name = "releases/partner_detail.html"
    paginate_by = 10

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(
            Partner.objects.prefetch_related(
                Prefetch(
                    "project_roles",
                    ProjectPartner.objects.filter(project__in=Project.objects.public())
                    .select_related("project")
                    .order_by("project__name", "role"),
                )
            )
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return public_releases().filter(partners=self.object)

    def get_context_data(self, **kwargs):
        projects = {}
        for role in self.object.project_roles.all():
            entry = projects.setdefault(role.project.pk, {"project": role.project, "roles": []})
            entry["roles"].append(role.get_role_display())
        context = super().get_context_data(
            partner=self.object, projects=list(projects.values()), **kwargs
        )
        context["releases"] = context["object_list"]  # the current page
        return context


def sitemap(request):
    """/sitemap.xml: Django's sitemap view, with sitemaps that know this request's host."""
    return sitemap_views.sitemap(
        request, {name: sitemap_class(request) for name, sitemap_class in sitemaps.items()}
    )


def robots_txt(request):
    """/robots.txt: crawlers keep out of the admin and the staff preview, and find the sitemap."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(
        request,
        "robots.txt",
        {"sitemap_url": sitemap_url},
        content_type="text/plain; charset=utf-8",
    )
