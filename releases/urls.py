from django.urls import path, register_converter

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
]

urlpatterns += [
    path("projekte/", views.ProjectListView.as_view(), name="projects"),
    path("projekte/<slug:slug>/", views.ProjectDetailView.as_view(), name="project"),
    path("projekte/<slug:slug>/termine/<int:pk>.ics", views.event_ics, name="event_ics"),
    path("gesellschafter/", views.ShareholderListView.as_view(), name="shareholders"),
    path("partner/<slug:slug>/", views.PartnerDetailView.as_view(), name="partner"),
]
