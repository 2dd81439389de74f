"""
RSS 2.0 feeds of the public releases:

    /presse/feed/                  all releases
    /presse/feed/thema/<slug>/     the releases of one topic
    /presse/feed/projekt/<slug>/   the releases of one project (running or completed)

Items carry title, link, publication time, the lead as description, the topics as categories and
the first image as enclosure (with its size, stored on the image, and MIME type). Like every
public surface they list `published()` releases only.

Django's feed generator writes the XML. Not its syndication view (django.contrib.syndication's
Feed): that asks each item some twenty attributes by introspection (`item_title`, `item_link`,
…), which took longer than the feed's queries; ReleaseFeed.get_feed() says what an item has.
The XML is kept by the feed's address until any save or the next embargo moment (response()).
"""

import mimetypes
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.html import escape, linebreaks
from django.utils.http import http_date

from .cache import remembered
from .models import PressRelease, Project, ReleaseImage, Topic

SITE_NAME = "Allianz für die Region"


class ReleaseFeed:
    length = 30

    @classmethod
    def as_view(cls):
        """A fresh feed for each request, which knows that request: all its addresses are built
        from the request's host (the sites framework's domain serves only the flatpages)."""

        def view(request, *args, **kwargs):
            return cls(request).response(*args, **kwargs)

        return view

    def __init__(self, request):
        self.request = request

    def response(self, *args, **kwargs):
        """The feed, with Last-Modified (its newest item's change) for conditional requests.

        Its XML is kept like a release page's content (releases.cache.remembered), by its
        address, which carries the request's host: any save renews it, and it lives no longer
        than the next embargo moment or end of image rights. Building it (three queries, the
        XML) took 4 ms. The body in one piece: the XML writer writes ~2,000 small pieces, which
        gunicorn would send one by one (a cached feed took 7 ms to send instead of under 1)."""
        obj = self.get_object(*args, **kwargs)
        xml, last_modified = remembered(
            f"feed:{self.absolute(self.request.path)}", lambda: self.written(obj)
        )
        response = HttpResponse(xml, content_type=Rss201rev2Feed.content_type)
        response.headers["Last-Modified"] = http_date(last_modified)
        return response

    def written(self, obj):
        """The feed's XML and its newest item's change (a timestamp)."""
        feed = self.get_feed(obj)
        return feed.writeString("utf-8"), feed.latest_post_date().timestamp()

    def get_feed(self, obj):
        feed = Rss201rev2Feed(
            title=self.title(obj),
            link=self.link(obj),
            description=self.description(obj),
            language="de",
            feed_url=self.absolute(self.request.path),
        )
        address = PressRelease.addresses()
        for release in self.items(obj):
            link = self.absolute(address(release.release_date, release.slug))
            feed.add_item(
                title=release.title,
                link=link,
                unique_id=link,
                description=linebreaks(escape(release.lead)),  # RSS wants HTML; the lead is text
                pubdate=timezone.localtime(release.publish_at),
                updateddate=timezone.localtime(release.updated_at),
                categories=release.topic_names,
                enclosures=self.enclosures(release.image),
            )
        return feed

    def absolute(self, path):
        return self.request.build_absolute_uri(path)

    def get_object(self):
        return None

    def title(self, obj):
        return f"Pressemitteilungen – {SITE_NAME}"

    def description(self, obj):
        return "Die neuesten Pressemitteilungen der Allianz für die Region GmbH."

    def link(self, obj):
        return self.absolute(reverse("releases:archive"))

    def releases(self, obj):
        return PressRelease.objects.published()

    def items(self, obj):
        """The newest releases, each with its first usable image and its topics' names, in three
        queries and with model instances only for what an item shows (prefetch_related() of all
        their images and topics took longer than the queries themselves)."""
        first_image = ReleaseImage.objects.usable().filter(release=OuterRef("pk")).values("pk")
        releases = list(
            self.releases(obj)
            .only("title", "lead", "slug", "release_date", "publish_at", "updated_at")
            .annotate(first_image_pk=Subquery(first_image[:1]))[: self.length]
        )
        images = ReleaseImage.objects.in_bulk(
            [release.first_image_pk for release in releases if release.first_image_pk]
        )
        topic_names = defaultdict(list)
        topics = PressRelease.topics.through.objects.filter(pressrelease__in=releases)
        for release_pk, name in topics.order_by("topic__name").values_list(
            "pressrelease", "topic__name"
        ):
            topic_names[release_pk].append(name)
        for release in releases:
            release.image = images.get(release.first_image_pk)
            if release.image:
                release.image.release = release  # its address is under the release's
            release.topic_names = topic_names[release.pk]
        return releases

    def enclosures(self, image):
        # The size comes from the database (measured when the image was saved): a feed of 30
        # items asks the media storage nothing, which on shared or S3 storage is a network call.
        if image is None or image.size is None:  # no image, or its file was gone when measured
            return []
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

    def get_object(self, slug):
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
