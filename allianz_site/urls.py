from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.flatpages import views as flatpages
from django.urls import include, path

from releases.views.downloads import protected_file

from .views import editor_image_upload, robots_txt, sitemap_index, sitemap_section

admin.site.site_header = "Allianz für die Region – Pressebereich"
admin.site.site_title = "Pressebereich"
admin.site.index_title = "Verwaltung"

urlpatterns = [
    # The files of releases for staff (the admin's links to them); before the admin's own URLs.
    path("admin/dateien/<path:name>", protected_file, name="protected_file"),
    path("admin/", admin.site.urls),
    # The editor's image upload is ours (checked, metadata removed); the widget is told its name
    # (CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME). django_ckeditor_5.urls is not included: its only
    # route is its own, unchecked upload.
    path("ckeditor5/image_upload/", editor_image_upload, name="editor_image_upload"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap_section"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("releases.urls")),
    path("", include("contacts.urls")),
    # The legal pages are flatpages, edited in the admin (created by releases/migrations/0003).
    path("impressum/", flatpages.flatpage, {"url": "/impressum/"}, name="impressum"),
    path("datenschutz/", flatpages.flatpage, {"url": "/datenschutz/"}, name="datenschutz"),
    path(
        "barrierefreiheit/",
        flatpages.flatpage,
        {"url": "/barrierefreiheit/"},
        name="barrierefreiheit",
    ),
]

# In development Django serves the public uploads; in production nginx does (deploy/nginx-site.conf, docs/deploy.md). The files
# of releases are in another storage, which only the views of releases/views/downloads.py serve.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "allianz_site.errors.server_error"
