from django.urls import path, register_converter
from django.views.generic import TemplateView

from . import feeds
from .converters import FourDigitYearConverter, TwoDigitConverter
from .storage import TEXT_IMAGE_URL_PREFIX
from .views import (
    archive,
    directory,
    documents,
    downloads,
    embargo,
    images,
    mailing,
    material,
    release,
    review,
    subscriptions,
)

register_converter(FourDigitYearConverter, "yyyy")
register_converter(TwoDigitConverter, "mm")

app_name = "releases"

release_path = "presse/<yyyy:year>/<mm:month>/<mm:day>/<slug:slug>/"

urlpatterns = [
    path("", archive.HomeView.as_view(), name="home"),
    path("presse/", archive.ReleaseArchiveView.as_view(), name="archive"),
    path("presse/<yyyy:year>/", archive.ReleaseArchiveView.as_view(), name="archive_year"),
    path(
        "presse/<yyyy:year>/<mm:month>/",
        archive.ReleaseArchiveView.as_view(),
        name="archive_month",
    ),
    path("presse/bilder/", images.ImageArchiveView.as_view(), name="images"),
    path("presse/bilder/<int:pk>/web.jpg", images.web_size_download, name="image_web"),
    path(
        "presse/bilder/projekt/<slug:slug>.zip",
        images.project_images_zip,
        name="project_images_zip",
    ),
    path("presse/material/", material.MaterialView.as_view(), name="material"),
    path("presse/material/steckbrief.pdf", material.fact_sheet_pdf, name="fact_sheet_pdf"),
    path("presse/material/pressematerial.zip", material.material_zip, name="material_zip"),
    path(
        "presse/material/geschaeftsfuehrung/<int:pk>/foto/",
        material.management_photo,
        name="management_photo",
    ),
    path(
        "presse/material/pressekontakt/<slug:slug>/foto/",
        material.contact_photo,
        name="contact_photo",
    ),
    path(release_path, release.ReleaseDetailView.as_view(), name="detail"),
    path(f"{release_path}anhang/<int:pk>/", downloads.attachment_download, name="attachment"),
    path("presse/vorschau/<int:pk>/", release.ReleasePreviewView.as_view(), name="preview"),
    path("presse/feed/", feeds.ReleaseFeed.as_view(), name="feed"),
    path("presse/feed/thema/<slug:slug>/", feeds.TopicReleaseFeed.as_view(), name="topic_feed"),
    path(
        "presse/feed/projekt/<slug:slug>/", feeds.ProjectReleaseFeed.as_view(), name="project_feed"
    ),
    path(f"{release_path}bild/<int:pk>/", downloads.image_download, name="image"),
    path(
        f"{release_path}bild/<int:pk>/<int:width>.<slug:kind>",
        downloads.image_rendition,
        name="image_rendition",
    ),
    path(
        f"{TEXT_IMAGE_URL_PREFIX.lstrip('/')}<uuid:key>/<str:name>",
        downloads.text_image,
        name="text_image",
    ),
    path(f"{release_path}pressepaket.zip", downloads.press_kit, name="press_kit"),
    path(f"{release_path}pressemitteilung.pdf", documents.release_pdf, name="pdf"),
    path("presse/sperrfrist/<str:token>/", embargo.embargo_detail, name="embargo"),
    path(
        "presse/sperrfrist/<str:token>/bild/<int:pk>/", embargo.embargo_image, name="embargo_image"
    ),
    path(
        "presse/sperrfrist/<str:token>/bild/<int:pk>/<int:width>.<slug:kind>",
        embargo.embargo_image_rendition,
        name="embargo_image_rendition",
    ),
    path(
        f"presse/sperrfrist/<str:token>/{embargo.EMBARGO_TEXT_IMAGES}<uuid:key>/<str:name>",
        embargo.embargo_text_image,
        name="embargo_text_image",
    ),
    path(
        "presse/sperrfrist/<str:token>/anhang/<int:pk>/",
        embargo.embargo_attachment,
        name="embargo_attachment",
    ),
    path(
        "presse/sperrfrist/<str:token>/pressemitteilung.pdf",
        documents.embargo_pdf,
        name="embargo_pdf",
    ),
    path(
        "presse/sperrfrist/<str:token>/pressepaket.zip",
        embargo.embargo_press_kit,
        name="embargo_press_kit",
    ),
    path("presse/freigabe/<str:token>/", review.review_detail, name="review"),
    path("presse/freigabe/<str:token>/bild/<int:pk>/", review.review_image, name="review_image"),
    path(
        "presse/freigabe/<str:token>/bild/<int:pk>/<int:width>.<slug:kind>",
        review.review_image_rendition,
        name="review_image_rendition",
    ),
    path(
        f"presse/freigabe/<str:token>/{review.REVIEW_TEXT_IMAGES}<uuid:key>/<str:name>",
        review.review_text_image,
        name="review_text_image",
    ),
    path(
        "presse/freigabe/<str:token>/pressemitteilung.pdf",
        documents.review_pdf,
        name="review_pdf",
    ),
    path(
        "presse/freigabe/<str:token>/anhang/<int:pk>/",
        review.review_attachment,
        name="review_attachment",
    ),
    path(
        "presse/freigabe/<str:token>/pressepaket.zip",
        review.review_press_kit,
        name="review_press_kit",
    ),
    path("presse/abonnieren/", subscriptions.SubscribeView.as_view(), name="subscribe"),
    path(
        "presse/abonnieren/gesendet/",
        TemplateView.as_view(template_name="releases/subscribe_sent.html"),
        name="subscribe_sent",
    ),
    path(
        "presse/abonnieren/bestaetigen/<str:token>/",
        subscriptions.ConfirmSubscriptionView.as_view(),
        name="subscribe_confirm",
    ),
    path(
        "presse/abbestellen/<str:token>/",
        subscriptions.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
    path(
        "presse/abmelden/<str:token>/",
        mailing.MailingUnsubscribeView.as_view(),
        name="mailing_unsubscribe",
    ),
]

urlpatterns += [
    path("projekte/", directory.ProjectListView.as_view(), name="projects"),
    path("projekte/<slug:slug>/", directory.ProjectDetailView.as_view(), name="project"),
    path("projekte/<slug:slug>/termine/<int:pk>.ics", directory.event_ics, name="event_ics"),
    path("gesellschafter/", directory.ShareholderListView.as_view(), name="shareholders"),
    path("partner/<slug:slug>/", directory.PartnerDetailView.as_view(), name="partner"),
]
