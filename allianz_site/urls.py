from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from releases.views import editor_image_upload

admin.site.site_header = "Allianz für die Region – Pressebereich"
admin.site.site_title = "Pressebereich"
admin.site.index_title = "Verwaltung"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Our checked upload first; the widget is told its name (CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME).
    path("ckeditor5/image_upload/", editor_image_upload, name="editor_image_upload"),
    path("ckeditor5/", include("django_ckeditor_5.urls")),
    path("", include("releases.urls")),
]

# In development Django serves uploads; in production the web server in front does (README).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "allianz_site.errors.server_error"
