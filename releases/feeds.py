"""
RSS 2.0 feeds of the public releases (Django's syndication framework):

    /presse/feed/                  all releases
    /presse/feed/thema/<slug>/     the releases of one topic
    /presse/feed/projekt/<slug>/   the releases of one project (running or completed)

Items carry title, link, publication time, the lead as description, the topics as categories and
the first image as enclosure (with its size, stored on the image, and MIME type). Like every
public surface they list `published()` releases only.
"""

import mimetypes
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape, linebreaks

from .models import PressRelease, Project, ReleaseImage, Topic

SITE_NAME = "Allianz für die Region"


class ReleaseFeed(Feed):
    title = f"Pressemitteilungen – {SITE_NAME}"
    description = "Die neuesten Pressemitteilungen der Allianz für die Region GmbH."
    language = "de"
    length = 30

    @classmethod
    def as_view(cls):
        """A fresh feed for each request, which knows that request: all its addresses are built
        from the request's host (the sites framework's domain serves only the flatpages)."""

        def view(request, *args, **kwargs):
            feed = cls()
            feed.request = request
            response = feed(request, *args, **kwargs)
            # One piece: the XML writer leaves the body in ~2,000 small pieces, which gunicorn
            # sends one by one (a cached feed took 7 ms to send instead of under 1).
            response.content = response.content
            return response

        return view

    def absolute(self, path):
        return self.request.build_absolute_uri(path)

    def link(self):
        return self.absolute(reverse("releases:archive"))

    def feed_url(self):
        return self.absolute(self.request.path)

    def item_link(self, release):
        return self.absolute(release.get_absolute_url())

    def releases(self, obj):
        return PressRelease.objects.published()

    def items(self, obj):
        # Items carry the lead, not the body: neither it nor the search vector is read.
        releases = self.releases(obj).defer("body", "search_vector")
        images = Prefetch("images", queryset=ReleaseImage.objects.usable())
        return releases.prefetch_related(images, "topics")[: self.length]

    def item_title(self, release):
        return release.title

    def item_description(self, release):
        # RSS descriptions are HTML; the lead is plain text.
        return linebreaks(escape(release.lead))

    def item_pubdate(self, release):
        return timezone.localtime(release.publish_at)

    def item_updateddate(self, release):
        return timezone.localtime(release.updated_at)

    def item_categories(self, release):
        return [topic.name for topic in release.topics.all()]

    def item_enclosures(self, release):
        # The size comes from the database (measured when the image was saved): a feed of 30
        # items asks the media storage nothing, which on shared or S3 storage is a network call.
        images = release.images.all()  # prefetched, ordered
        if not images or images[0].size is None:  # no image, or its file was gone when measured
            return []
        image = images[0]
        mime_type = mimetypes.guess_type(image.image.name)[0] or "application/octet-stream"
        return [Enclosure(self.absolute(image.get_absolute_url()), str(image.size), mime_type)]


class TopicReleaseFeed(ReleaseFeed):
    """The releases of one topic. The feed of a project (or of a partner, should one be wanted)
    is this class with other values for the three attributes and `choices`."""

    release_filter = "topics"  # how a release refers to the object
    archive_parameter = "thema"  # the archive filter that lists the same releases
    kind = "Thema"

    def choices(self):
        """The objects that have a feed; asked at each request, as the rule depends on the time."""
        return Topic.objects.public()

    def get_object(self, request, slug):
        return get_object_or_404(self.choices(), slug=slug)

    def title(self, obj):
        return f"Pressemitteilungen, {self.kind} {obj} – {SITE_NAME}"

    def description(self, obj):
        return (
            f"Die neuesten Pressemitteilungen der Allianz für die Region GmbH, {self.kind} {obj}."
        )

    def link(self, obj):
        archive = reverse("releases:archive")
        return self.absolute(f"{archive}?{urlencode({self.archive_parameter: obj.slug})}")

    def releases(self, obj):
        return super().releases(obj).filter(**{self.release_filter: obj})


class ProjectReleaseFeed(TopicReleaseFeed):
    release_filter = "projects"
    archive_parameter = "projekt"
    kind = "Projekt"

    def choices(self):
        return Project.objects.public()
