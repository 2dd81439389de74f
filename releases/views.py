import datetime
import hashlib
import logging
import smtplib
from functools import wraps

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin
from django_ckeditor_5.permissions import check_upload_permission
from django_ckeditor_5.storage_utils import get_django_storage

from allianz_site.clients import client_address
from allianz_site.uploads import clean_image
from contacts.models import Subscription

from . import search
from .cache import remembered
from .forms import ReleaseFilterForm, SubscriptionForm
from .models import (
    EmbargoLink,
    Partner,
    PressRelease,
    Project,
    ProjectArea,
    ProjectEvent,
    ProjectPartner,
    ReleaseAttachment,
    ReleaseImage,
    Topic,
)
from .presskit import build_press_kit
from .search import sort_key
from .sitemaps import sitemaps

logger = logging.getLogger(__name__)


def public_releases():
    # Lists show title, date, place and lead: neither the long body nor the search vector.
    return (
        PressRelease.objects.published().defer("body", "search_vector").prefetch_related("topics")
    )


def public_projects():
    """The projects of a release that its page and press kit show ("Über das Projekt …"). A new
    Prefetch each time: prefetching writes hints into its queryset, so none is shared."""
    return Prefetch("projects", queryset=Project.objects.public())


def release_page_relations():
    """What a release page shows besides its text, one query each. (The active contacts come in
    one query of their own: PressRelease.press_contacts.)"""
    return ["topics", "images", "attachments", public_projects(), "partners"]


def press_kit_relations():
    """What the press kit holds besides the text (releases/presskit.py): no topics, no partners."""
    return ["images", "attachments", public_projects()]


class HomeView(ListView):
    """The latest releases and the running projects (DESIGN.md's URL map)."""

    template_name = "releases/home.html"
    context_object_name = "releases"

    def get_queryset(self):
        return public_releases()[:7]

    def get_context_data(self, **kwargs):
        running = Project.objects.public().filter(status=Project.Status.RUNNING)
        return super().get_context_data(running_projects=list(running), **kwargs)


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
    search and filters cost two queries (the list, its topics).
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
        self.counts = remembered(self.counts_key(), self.count)
        self.month_counts = self.counts["month_counts"]
        if not self.period_exists():
            raise Http404("Für diesen Zeitraum gibt es keine Pressemitteilungen.")
        return super().get(request, *args, **kwargs)

    def period_exists(self):
        return self.year is None or any(
            year == self.year and (self.month is None or month == self.month)
            for year, month, _count, _matching in self.month_counts
        )

    def counts_key(self):
        """The counts depend on the period, the search and the filters, not on the page number."""
        values = {name: getattr(value, "slug", value) for name, value in self.form.values().items()}
        return repr(["archive", self.year, self.month, sorted(values.items())])

    def count(self):
        """The month counts and the facets: five queries."""
        published = PressRelease.objects.published()
        matching = self.form.narrow(published) if self.form.values() else None
        self.month_counts = list(published.month_counts_matching(matching))
        if not self.period_exists():  # a 404: no facets to count
            return {"month_counts": self.month_counts}
        return {"month_counts": self.month_counts, **self.facets()}

    def in_period(self, releases):
        if self.year is not None:
            releases = releases.filter(release_date__year=self.year)
        if self.month is not None:
            releases = releases.filter(release_date__month=self.month)
        return releases

    def get_queryset(self):
        releases = self.form.narrow(self.in_period(public_releases()))
        if "q" in self.form.values():
            return search.Hits(releases, self.form.values()["q"])
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
        # Links to another year or month keep the search and filters (but not the page number).
        filters = self.request.GET.copy()
        filters.pop("page", None)
        return super().get_context_data(
            archive_years=list(years.values()),
            year=self.year,
            month=datetime.date(self.year, self.month, 1) if self.month is not None else None,
            filter_query=f"?{filters.urlencode()}" if filters else "",
            ranked_matches=search.RANKED_MATCHES if search.is_available() else None,
            form=self.form,
            filters=self.form.values(),
            query=self.form.values().get("q", ""),
            **self.counts,
            **kwargs,
        )

    def facets(self):
        """The filters' choices, each with its count: what the list would hold with that choice
        (within the year or month shown, with the other filters and the search). One query each."""
        in_period = self.in_period(PressRelease.objects.published())
        values = self.form.values()
        places = self.form.narrow(in_period, skip="ort").place_counts()
        if "ort" in values and values["ort"] not in dict(places):
            places = sorted([*places, (values["ort"], 0)], key=lambda place: sort_key(place[0]))
        return {
            "topic_facets": self.counted(Topic.objects.all(), "thema", in_period),
            "place_facets": [{"slug": place, "name": place, "count": n} for place, n in places],
            "project_facets": self.counted(Project.objects.public(), "projekt", in_period),
            "partner_facets": self.counted(Partner.objects.all(), "partner", in_period),
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


@method_decorator([staff_member_required, never_cache], name="dispatch")
class ReleasePreviewView(ReleaseDetailView):
    """Staff see any release, draft or under embargo, as it will look. Never indexed or cached."""

    def get_queryset(self):
        return PressRelease.objects.prefetch_related(*release_page_relations())

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        response = self.render_to_response(self.get_context_data(object=self.object, preview=True))
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


def attachment_download(request, year, month, day, slug, pk):
    attachment = get_object_or_404(
        ReleaseAttachment, pk=pk, release__slug=slug, release__in=releases_visible_to(request)
    )
    return attachment_response(attachment)


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


def request_sitemaps(request):
    """The sections of the sitemap, for this request's host."""
    return {name: sitemap_class(request) for name, sitemap_class in sitemaps.items()}


@sitemap_views.x_robots_tag
def sitemap_index(request):
    """/sitemap.xml: the index of the sections, a link to each page of each section.

    Not Django's index view: that takes the host from the sites framework, which here serves
    only the flatpages; these addresses carry the request's host, as the sections' do."""
    entries = []
    for name, section in request_sitemaps(request).items():
        url = request.build_absolute_uri(reverse("sitemap_section", args=[name]))
        lastmod = section.get_latest_lastmod()
        entries.append(sitemap_views.SitemapIndexItem(url, lastmod))
        entries += [
            sitemap_views.SitemapIndexItem(f"{url}?p={page}", lastmod)
            for page in range(2, section.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


def sitemap_section(request, section):
    """/sitemap-<section>.xml (?p=2 ...): Django's sitemap view; unknown sections and pages 404."""
    return sitemap_views.sitemap(request, request_sitemaps(request), section=section)


def robots_txt(request):
    """/robots.txt: crawlers keep out of the admin, the staff preview and the embargo links, and
    find the sitemap."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(
        request,
        "robots.txt",
        {"sitemap_url": sitemap_url},
        content_type="text/plain; charset=utf-8",
    )


def download_response(field_file, filename):
    """A stored file as a download under `filename`; a German 404 if it has gone missing."""
    try:
        file = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("Die Datei ist nicht mehr vorhanden.") from None
    return FileResponse(file, as_attachment=True, filename=filename)


def attachment_response(attachment):
    return download_response(attachment.file, attachment.filename)


def releases_visible_to(request):
    """Staff may download from any release (preview); everyone else only from public ones."""
    return PressRelease.objects.all() if request.user.is_staff else PressRelease.objects.published()


def image_response(image):
    """The original image as uploaded; the file name carries the credit."""
    return download_response(image.image, image.download_filename)


def press_kit_response(request, release):
    public_url = request.build_absolute_uri(release.get_absolute_url())
    file = build_press_kit(release, public_url)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"pressepaket-{release.slug}.zip",
        content_type="application/zip",
    )


def image_download(request, year, month, day, slug, pk):
    image = get_object_or_404(
        ReleaseImage,
        pk=pk,
        release__slug=slug,
        release__in=releases_visible_to(request),
    )
    return image_response(image)


def press_kit(request, year, month, day, slug):
    releases = releases_visible_to(request).prefetch_related(*press_kit_relations())
    return press_kit_response(request, get_object_or_404(releases, slug=slug))


def embargo_view(view):
    """Pages and files behind an embargo link: the token must name a valid link, or nothing of
    the release is shown. Never cached, never indexed, and the secret address is not passed on
    as a referrer to any site the text links to."""

    @never_cache
    @wraps(view)
    def wrapper(request, token, **kwargs):
        link = EmbargoLink.from_token(token)
        if link is None:
            response = render(request, "releases/embargo_invalid.html", status=404)
        else:
            response = view(request, link, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


@embargo_view
def embargo_detail(request, link):
    release = link.release
    if release.is_public:
        return redirect(release)  # the embargo is over: the public page is the one to share
    prefetch_related_objects([release], *release_page_relations())
    context = {
        "release": release,
        "embargo_token": link.token,
        "contacts": release.press_contacts(),
        "related_releases": list(release.related_releases()),
    }
    return render(request, "releases/embargo.html", context)


@embargo_view
def embargo_image(request, link, pk):
    return image_response(get_object_or_404(link.release.images, pk=pk))


@embargo_view
def embargo_attachment(request, link, pk):
    return attachment_response(get_object_or_404(link.release.attachments, pk=pk))


@embargo_view
def embargo_press_kit(request, link):
    release = link.release
    prefetch_related_objects([release], *press_kit_relations())
    return press_kit_response(request, release)


# E-mail alerts: subscribe (double opt-in), confirm, unsubscribe. The subscription itself lives in
# the contacts app; these pages are here because a subscription is about topics and projects.

SUBSCRIBE_LIMIT_PER_CLIENT = (10, 60 * 60)  # requests per hour from one address or IPv6 /64
SUBSCRIBE_LIMIT_PER_ADDRESS = (3, 24 * 60 * 60)  # confirmation mails per day to one address


def over_limit(key, limit, seconds):
    """Count a request under `key` (Django's cache: Redis in production) and tell whether it
    goes beyond `limit` within a window of `seconds`."""
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count > limit


def subscription_problem(request, problem, status):
    response = render(
        request, "releases/subscription_problem.html", {"problem": problem}, status=status
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class SubscribeView(FormView):
    template_name = "releases/subscribe.html"
    form_class = SubscriptionForm

    def form_valid(self, form):
        if over_limit(f"alerts:client:{client_address(self.request)}", *SUBSCRIBE_LIMIT_PER_CLIENT):
            return subscription_problem(self.request, "too_many", status=429)
        email = Subscription.normalize(form.cleaned_data["email"])
        topics, projects = form.cleaned_data["topics"], form.cleaned_data["projects"]
        # Whether the address is new, already subscribed or was asked too often: the answer is
        # the same, so nobody learns through this form who subscribes.
        address_key = "alerts:address:" + hashlib.sha256(email.encode()).hexdigest()
        if not over_limit(address_key, *SUBSCRIBE_LIMIT_PER_ADDRESS):
            token = Subscription.confirmation_token(
                email, topics=[t.slug for t in topics], projects=[p.slug for p in projects]
            )
            context = {
                "confirm_url": self.request.build_absolute_uri(
                    reverse("releases:subscribe_confirm", args=[token])
                ),
                "topics": [topic.name for topic in topics],
                "projects": [project.name for project in projects],
            }
            try:
                send_mail(
                    render_to_string("releases/mail/confirm_subject.txt").strip(),
                    render_to_string("releases/mail/confirm.txt", context),
                    None,
                    [email],
                )
            except (smtplib.SMTPException, OSError):
                logger.exception("Bestätigungsmail konnte nicht versendet werden.")
                return subscription_problem(self.request, "mail", status=503)
        return redirect("releases:subscribe_sent")


@method_decorator(never_cache, name="dispatch")
class ConfirmSubscriptionView(TemplateView):
    """GET shows what will be subscribed; only the button (POST) subscribes, so that a mail
    scanner opening the link does not give consent on the reader's behalf."""

    template_name = "releases/subscribe_confirm.html"

    def dispatch(self, request, token):
        self.wish = Subscription.read_confirmation_token(token)
        if self.wish is None:
            return subscription_problem(request, "confirm_link", status=400)
        self.topics = list(Topic.objects.filter(slug__in=self.wish.get("topics", [])))
        self.projects = list(
            Project.objects.public().filter(slug__in=self.wish.get("projects", []))
        )
        chosen = self.wish.get("topics") or self.wish.get("projects")
        if chosen and not (self.topics or self.projects):
            return subscription_problem(request, "topics_gone", status=400)
        response = super().dispatch(request, token=token)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # The token never goes to another site; but not "no-referrer": with it, browsers send
        # "Origin: null" with the form's POST and Django's CSRF check refuses the confirmation.
        response["Referrer-Policy"] = "same-origin"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            email=self.wish["email"],
            topics=[topic.name for topic in self.topics],
            projects=[project.name for project in self.projects],
            **kwargs,
        )

    def post(self, request, token):
        subscription, _created = Subscription.objects.update_or_create(
            email=self.wish["email"], defaults={"confirmed_at": timezone.now()}
        )
        subscription.topics.set(self.topics)
        subscription.projects.set(self.projects)
        return self.render_to_response(
            self.get_context_data(done=True, unsubscribe_token=subscription.unsubscribe_token)
        )


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(TemplateView):
    """GET asks, POST deletes the address with everything about it. The POST needs no CSRF
    token: the signed token in the address is the proof, and mail programs send the RFC 8058
    one-click POST (List-Unsubscribe-Post) without one."""

    template_name = "releases/unsubscribe.html"

    def dispatch(self, request, token):
        pk = Subscription.pk_from_unsubscribe_token(token)
        if pk is None:
            return subscription_problem(request, "unsubscribe_link", status=400)
        # Gone already (a second click): the same "unsubscribed" answer, nothing to delete.
        self.subscription = Subscription.objects.filter(pk=pk).first()
        response = super().dispatch(request, token=token)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(subscription=self.subscription, **kwargs)

    def post(self, request, token):
        email = self.subscription.email if self.subscription else ""
        if self.subscription:
            self.subscription.delete()
        return self.render_to_response(self.get_context_data(done=True, email=email))


@require_POST
@check_upload_permission
def editor_image_upload(request):
    """CKEditor 5's image upload, with the same checks and clean-up as every other image."""
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": {"message": "Es wurde keine Datei empfangen."}}, status=400)
    try:
        cleaned = clean_image(upload)
    except ValidationError as error:
        return JsonResponse({"error": {"message": " ".join(error.messages)}}, status=400)
    storage = get_django_storage()
    return JsonResponse({"url": storage.url(storage.save(cleaned.name, cleaned))})
