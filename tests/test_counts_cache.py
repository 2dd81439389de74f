"""The archive's counts (months, facets) are kept like pages (releases.cache.remembered): shared
by every page number of a period, search and filters, and never staler than a cached page."""

import datetime
import re

import pytest
from django.utils import timezone

from releases.cache import PageCacheMiddleware
from releases.models import PressRelease, Topic

from .helpers import closed_port, count_queries, page, redis_caches


@pytest.fixture(autouse=True)
def counts_cache(settings):
    settings.COUNTS_CACHE_SECONDS = 600


@pytest.fixture
def topic_with_25_releases(make_release):
    topic = Topic.objects.create(name="Fachkräfte")
    for _ in range(25):
        make_release(topics=[topic])
    return topic


def result_count(html):
    return int(re.search(r'class="result-count" role="status">(\d+) ', html)[1])


def test_every_page_number_shares_the_counts_of_its_period(client, topic_with_25_releases):
    assert count_queries(client, "/presse/") > 2  # counted, and kept
    # The list and its topics; month counts and facets come from the cache.
    assert count_queries(client, "/presse/", {"page": 2}) == 2
    assert result_count(page(client, "/presse/", {"page": 2})) == 25
    # Another period, search or filter has counts of its own.
    assert count_queries(client, "/presse/2022/") > 2
    assert count_queries(client, "/presse/", {"thema": topic_with_25_releases.slug}) > 3
    assert (
        count_queries(client, "/presse/", {"thema": topic_with_25_releases.slug, "page": 2}) == 3
    )  # + topic


def test_a_save_makes_the_counts_fresh(client, topic_with_25_releases, make_release, committed):
    assert result_count(page(client, "/presse/")) == 25
    with committed():
        make_release(title="Neu dazu")
    assert result_count(page(client, "/presse/", {"page": 2})) == 26
    with committed():
        PressRelease.objects.get(title="Neu dazu").delete()
    assert result_count(page(client, "/presse/")) == 25


def test_counts_include_an_embargoed_release_at_its_moment(
    client, topic_with_25_releases, make_release, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_release(title="Unter Sperrfrist", publish_at=now + datetime.timedelta(seconds=90))
    assert result_count(page(client, "/presse/")) == 25
    time_machine.move_to(now + datetime.timedelta(seconds=89))
    assert result_count(page(client, "/presse/", {"page": 2})) == 25
    time_machine.move_to(now + datetime.timedelta(seconds=90))
    assert result_count(page(client, "/presse/", {"page": 2})) == 26


def test_counts_are_kept_no_longer_than_counts_cache_seconds(
    settings, client, topic_with_25_releases, make_release, time_machine
):
    settings.COUNTS_CACHE_SECONDS = 60
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    page(client, "/presse/")
    time_machine.move_to(now + datetime.timedelta(seconds=59))
    assert count_queries(client, "/presse/", {"page": 2}) == 2
    time_machine.move_to(now + datetime.timedelta(seconds=60))
    assert count_queries(client, "/presse/", {"page": 2}) > 2


def test_counts_are_counted_while_the_cache_is_down(
    settings, client, topic_with_25_releases, monkeypatch, caplog
):
    monkeypatch.setattr(PageCacheMiddleware, "cache_down_until", 0.0)
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")
    assert result_count(page(client, "/presse/")) == 25
    assert result_count(page(client, "/presse/", {"page": 2})) == 25
    assert "Page cache unavailable" in caplog.text
