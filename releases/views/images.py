"""The Bildarchiv, /presse/bilder/: every usable image of every public release, newest first,
with search and filters; its web size (JPEG, at most 1600 px wide) and per project all images
as one ZIP. What is shown follows ReleaseImageQuerySet.public(): the publishing rule and the
rights rule."""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from ..forms import ImageFilterForm
from ..models import Project, ReleaseImage, Topic
from ..presskit import build_image_zip
from ..search import sort_key
from .downloads import image_response, releases_visible_to


def archive_images():
    """The public images with what their card shows of the release, newest release first."""
    return (
        ReleaseImage.objects.public()
        .select_related("release")
        .defer("release__body", "release__search_vector")
        .order_by("-release__publish_at", "-release__pk", "order", "pk")
    )


class ImageArchiveView(ListView):
    template_name = "releases/image_archive.html"
    context_object_name = "images"
    paginate_by = 24

    def get_queryset(self):
        self.form = ImageFilterForm(self.request.GET)
        return self.form.narrow(archive_images())

    def get_context_data(self, **kwargs):
        public = ReleaseImage.objects.public()
        topics = (
            Topic.objects.filter(releases__images__in=public)
            .annotate(count=Count("releases__images"))
            .order_by("name")
        )
        projects = (
            Project.objects.public()
            .filter(releases__images__in=public)
            .annotate(count=Count("releases__images"))
        )
        years = (
            public.annotate(year=ExtractYear("release__release_date"))
            .order_by()
            .values("year")
            .annotate(count=Count("pk"))
            .order_by("-year")
        )
        filters = self.form.values()
        return super().get_context_data(
            form=self.form,
            filters=filters,
            topic_facets=list(topics),
            project_facets=sorted(projects, key=lambda project: sort_key(project.name)),
            year_facets=[
                {"slug": str(row["year"]), "name": row["year"], "count": row["count"]}
                for row in years
            ],
            chosen_year=str(filters.get("jahr", "")),
            **kwargs,
        )


def web_size_download(request, pk):
    """The web size of an image (JPEG, at most 1600 px wide), with its credit in the metadata."""
    images = ReleaseImage.objects.usable().filter(release__in=releases_visible_to(request))
    return image_response(get_object_or_404(images, pk=pk), web_size=True)


def project_images_zip(request, slug):
    """All public images of the releases about a public project, originals, as one ZIP."""
    project = get_object_or_404(Project.objects.public(), slug=slug)
    images = list(archive_images().filter(release__projects=project))
    if not images:
        raise Http404("Zu diesem Projekt gibt es keine Bilder.")
    file = build_image_zip(images, f"Bilder zum Projekt {project.name}")
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"bilder-{project.slug}.zip",
        content_type="application/zip",
    )
