import datetime

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from django.views.generic.detail import SingleObjectMixin

from .models import (
    Partner,
    PressRelease,
    Project,
    ProjectArea,
    ProjectEvent,
    ProjectPartner,
    ReleaseAttachment,
)


def public_releases():
    # Lists show title, date, place and lead, never the text: leave the long body in the table.
    return PressRelease.objects.published().defer("body").prefetch_related("topics")


class HomeView(ListView):
    template_name = "releases/home.html"
    context_object_name = "releases"

    def get_queryset(self):
        return public_releases()[:7]


class ReleaseArchiveView(ListView):
    """The archive at /presse/, and the same list narrowed to a year or a month.

    One ListView rather than Django's date-based views: those add a query for their date list,
    while here a single aggregate (`month_counts`) gives the year and month navigation with counts
    and tells whether a year or month exists at all. Every archive page costs four queries.
    """

    template_name = "releases/archive.html"
    context_object_name = "releases"
    paginate_by = 20
    allow_empty = True  # an empty archive is a page, not a 404

    def get(self, request, *args, **kwargs):
        self.year = kwargs.get("year")
        self.month = kwargs.get("month")
        self.month_counts = list(PressRelease.objects.published().month_counts())
        if self.year is not None and not any(
            year == self.year and (self.month is None or month == self.month)
            for year, month, _count in self.month_counts
        ):
            raise Http404("Für diesen Zeitraum gibt es keine Pressemitteilungen.")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        releases = public_releases()
        if self.year is not None:
            releases = releases.filter(release_date__year=self.year)
        if self.month is not None:
            releases = releases.filter(release_date__month=self.month)
        return releases

    def get_context_data(self, **kwargs):
        years = {}
        for year, month, count in self.month_counts:
            entry = years.setdefault(year, {"year": year, "count": 0, "months": []})
            entry["count"] += count
            entry["months"].append({"date": datetime.date(year, month, 1), "count": count})
        return super().get_context_data(
            archive_years=list(years.values()),
            year=self.year,
            month=datetime.date(self.year, self.month, 1) if self.month else None,
            **kwargs,
        )


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
    """What a release page shows besides its text: public projects and partners. (The contacts
    come with the default contact in one query: PressRelease.press_contacts.)"""
    return [Prefetch("projects", queryset=Project.objects.public()), "partners"]


def public_release_count(relation):
    """The number of public releases that refer to the outer object through `relation`, as a
    subquery: a page of an object and its releases gets the count with the object, and its
    paginator needs no COUNT query of its own."""
    releases = PressRelease.objects.published().filter(**{relation: OuterRef("pk")}).order_by()
    count = releases.values(relation).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(count), 0)


class ReleasesOfObjectMixin:
    """For the pages of a project or a partner with its public releases (paginated): the object
    is fetched with `public_release_count`, which the paginator takes as its count."""

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.count = self.object.public_release_count
        return paginator


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


class ProjectDetailView(ReleasesOfObjectMixin, SingleObjectMixin, ListView):
    """A project with its areas, events and partners, and its public releases (paginated)."""

    template_name = "releases/project_detail.html"
    paginate_by = 10

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(
            Project.objects.public()
            .annotate(public_release_count=public_release_count("projects"))
            .prefetch_related(
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


class PartnerDetailView(ReleasesOfObjectMixin, SingleObjectMixin, ListView):
    """A partner with the public projects it carries, funds or supports, and the public releases
    that mention it (paginated)."""

    template_name = "releases/partner_detail.html"
    paginate_by = 10

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(
            Partner.objects.annotate(
                public_release_count=public_release_count("partners")
            ).prefetch_related(
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
