"""Views of the site itself rather than of the news archive: sitemap, robots.txt and the
rich-text editor's image upload."""

from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from allianz_site.uploads import clean_image
from releases.editor_images import delete_unused
from releases.models import EditorImage
from releases.roles import may_upload
from releases.sitemaps import sitemaps


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


@require_POST
def editor_image_upload(request):
    """CKEditor 5's image upload, with the same checks and clean-up as every other image. The
    image is stored as an EditorImage (protected storage, a random folder) and shown only where a
    text that the visitor may see shows it (releases/editor_images.py)."""
    if not may_upload(request.user):
        return JsonResponse(
            {"error": {"message": "Sie dürfen keine Bilder hochladen."}}, status=403
        )
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": {"message": "Es wurde keine Datei empfangen."}}, status=400)
    try:
        cleaned = clean_image(upload)
    except ValidationError as error:
        return JsonResponse({"error": {"message": " ".join(error.messages)}}, status=400)
    image = EditorImage(unused_since=timezone.now())  # no text shows it until one is saved
    image.file.save(cleaned.name, cleaned)
    delete_unused()
    return JsonResponse({"url": image.get_absolute_url()})
