from django.db.models import Count, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import ListView
from django.views.generic.detail import SingleObjectMixin

from ..cache import remembered
from ..models import (
    Partner,
    PressRelease,
    Project,
    ProjectArea,
    ProjectEvent,
    ProjectPartner,
)
from .archive import public_releases


def public_release_count(relation):
    """The number of public releases that refer to the outer object through `relation`, as a
    subquery: a page of an object and its releases gets the count with the object, and its
    paginator needs no COUNT query of its own."""
    releases = PressRelease.objects.published().filter(**{relation: OuterRef("pk")}).order_by()
    count = releases.values(relation).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(count), 0)


class ReleasesOfObjectMixin:
    """For the pages of a project or a partner with its public releases (paginated): the object
    carries `public_release_count` (fetched with it, or kept), which the paginator takes as its
    count."""

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


def project_page_data(project):
    """What a project page shows besides the project's own fields: its partners (with their
    roles), areas and events, prefetched onto `project`, and the number of its public releases
    (the paginator's count). Four queries; what it returns can be kept
    (releases.cache.remembered)."""
    prefetch_related_objects(
        [project],
        Prefetch("partner_roles", ProjectPartner.objects.select_related("partner")),
        Prefetch("areas", ProjectArea.objects.prefetch_related("events")),
    )
    return {
        "relations": project._prefetched_objects_cache,
        "release_count": PressRelease.objects.published().filter(projects=project).count(),
    }


class ProjectDetailView(ReleasesOfObjectMixin, SingleObjectMixin, ListView):
    """A project with its areas, events and partners, and its public releases (paginated).
    The project is read on every visit (Project.objects.public()); its partners, areas, events
    and the number of its releases are kept like the archive's counts, by project: any save
    renews them, and they live no longer than the next event to pass or embargo to end
    (releases.cache.next_change). Its page of releases is kept by the template."""

    template_name = "releases/project_detail.html"
    paginate_by = 10

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(Project.objects.public())
        kept = remembered(f"project-page:{self.object.pk}", lambda: project_page_data(self.object))
        # The kept relations become the project's prefetched ones: project.areas.all etc.
        self.object._prefetched_objects_cache = kept["relations"]
        self.object.public_release_count = kept["release_count"]
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
        return Partner.objects.public().filter(is_shareholder=True)

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
            Partner.objects.public()
            .annotate(public_release_count=public_release_count("partners"))
            .prefetch_related(
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
