from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from releases.sitemaps import sitemaps
from releases.views import robots_txt

admin.site.site_header = "Allianz für die Region – Pressebereich"
admin.site.site_title = "Pressebereich"
admin.site.index_title = "Verwaltung"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("ckeditor5/", include("django_ckeditor_5.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("releases.urls")),
]

# In development Django serves uploads; in production the web server in front does (README).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
