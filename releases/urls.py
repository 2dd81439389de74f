from django.urls import path, register_converter
from django.views.generic import TemplateView

from . import feeds, views
from .converters import FourDigitYearConverter, TwoDigitConverter

register_converter(FourDigitYearConverter, "yyyy")
register_converter(TwoDigitConverter, "mm")

app_name = "releases"

release = "presse/<yyyy:year>/<mm:month>/<mm:day>/<slug:slug>/"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("presse/", views.ReleaseArchiveView.as_view(), name="archive"),
    path("presse/<yyyy:year>/", views.ReleaseArchiveView.as_view(), name="archive_year"),
    path(
        "presse/<yyyy:year>/<mm:month>/",
        views.ReleaseArchiveView.as_view(),
        name="archive_month",
    ),
    path(release, views.ReleaseDetailView.as_view(), name="detail"),
    path(f"{release}anhang/<int:pk>/", views.attachment_download, name="attachment"),
    path("presse/vorschau/<int:pk>/", views.ReleasePreviewView.as_view(), name="preview"),
    path("presse/feed/", feeds.ReleaseFeed.as_view(), name="feed"),
    path("presse/feed/thema/<slug:slug>/", feeds.TopicReleaseFeed.as_view(), name="topic_feed"),
    path(f"{release}bild/<int:pk>/", views.image_download, name="image"),
    path(f"{release}pressepaket.zip", views.press_kit, name="press_kit"),
    path("presse/sperrfrist/<str:token>/", views.embargo_detail, name="embargo"),
    path("presse/sperrfrist/<str:token>/bild/<int:pk>/", views.embargo_image, name="embargo_image"),
    path(
        "presse/sperrfrist/<str:token>/anhang/<int:pk>/",
        views.embargo_attachment,
        name="embargo_attachment",
    ),
    path(
        "presse/sperrfrist/<str:token>/pressepaket.zip",
        views.embargo_press_kit,
        name="embargo_press_kit",
    ),
    path("presse/abonnieren/", views.SubscribeView.as_view(), name="subscribe"),
    path(
        "presse/abonnieren/gesendet/",
        TemplateView.as_view(template_name="releases/subscribe_sent.html"),
        name="subscribe_sent",
    ),
    path(
        "presse/abonnieren/bestaetigen/<str:token>/",
        views.ConfirmSubscriptionView.as_view(),
        name="subscribe_confirm",
    ),
    path("presse/abbestellen/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]

urlpatterns += [
    path("projekte/", views.ProjectListView.as_view(), name="projects"),
    path("projekte/<slug:slug>/", views.ProjectDetailView.as_view(), name="project"),
    path("projekte/<slug:slug>/termine/<int:pk>.ics", views.event_ics, name="event_ics"),
    path("gesellschafter/", views.ShareholderListView.as_view(), name="shareholders"),
    path("partner/<slug:slug>/", views.PartnerDetailView.as_view(), name="partner"),
]
