"""Views of the site itself rather than of the news archive: sitemap, robots.txt and the
rich-text editor's image upload."""

from html import escape

from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_POST

from allianz_site.uploads import clean_image
from releases.cache import remembered
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
    only the flatpages; these addresses carry the request's host, as the sections' do. And each
    section says its size and latest lastmod in one query (four in all, Django's asks ten),
    and these figures are kept like the archive's counts (releases.cache.remembered: any save
    renews them, an embargo moment too), so a kept index asks none."""
    entries = []
    for name, pages, lastmod in remembered("sitemap-index", lambda: sections_in_index(request)):
        url = request.build_absolute_uri(reverse("sitemap_section", args=[name]))
        entries.append(sitemap_views.SitemapIndexItem(url, lastmod))
        entries += [
            sitemap_views.SitemapIndexItem(f"{url}?p={page}", lastmod)
            for page in range(2, pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


def sections_in_index(request):
    """(name, number of pages, latest lastmod) of each section: the same for every host."""
    return [
        (name, *section.pages_and_latest()) for name, section in request_sitemaps(request).items()
    ]


@sitemap_views.x_robots_tag
def sitemap_section(request, section):
    """/sitemap-<section>.xml (?p=2 ...): one page of a section; unknown sections and pages 404.

    What Django's sitemap view answers (the same XML, Last-Modified when every address has a
    lastmod), but the XML is written by urlset(): Django's template took over 20 times as long
    for a page of 1,000 releases, the slowest part of the page."""
    if section not in sitemaps:
        raise Http404("Diese Sitemap gibt es nicht.")
    try:
        entries = sitemaps[section](request).entries(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("Diese Seite der Sitemap gibt es nicht.") from None
    response = HttpResponse(urlset(entries), content_type="application/xml")
    lastmods = [lastmod for _, lastmod in entries]
    if lastmods and None not in lastmods:
        response.headers["Last-Modified"] = http_date(max(lastmods).timestamp())
    return response


def urlset(entries):
    """The XML of a sitemap page, as Django's template sitemap.xml writes it: each address, and
    the day (in the site's time zone) of its lastmod."""
    zone = timezone.get_current_timezone()
    urls = []
    for location, lastmod in entries:
        day = f"<lastmod>{lastmod.astimezone(zone).date()}</lastmod>" if lastmod else ""
        urls.append(f"<url><loc>{escape(location)}</loc>{day}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        f"{''.join(urls)}\n</urlset>\n"
    )


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
