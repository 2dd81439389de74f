import datetime

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView
from django_ckeditor_5.permissions import check_upload_permission
from django_ckeditor_5.storage_utils import get_django_storage

from allianz_site.uploads import clean_image

from .models import PressRelease, ReleaseAttachment


def public_releases():
    return PressRelease.objects.published().prefetch_related("topics")


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
        if self.year:
            releases = releases.filter(release_date__year=self.year)
        if self.month:
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
