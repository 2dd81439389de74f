"""Faults in what the site depends on: the database (503 with Retry-After) and Redis (ignored).

bench/soak does the same against gunicorn with PostgreSQL and Redis really stopped.
"""

import pytest
from django.core.cache import caches
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import Client
from django.views.decorators.cache import cache_page

from allianz_site.cache import FailSafeRedisCache

from .browser.tools import require
from .helpers import closed_port, redis_answers


@pytest.fixture
def visitor_seeing_error_pages():
    """A client that gets the page a visitor_seeing_error_pages would get, not the exception."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_outage_gives_a_friendly_503_with_retry_after(
    visitor_seeing_error_pages, monkeypatch, db, error
):
    def unavailable():
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr("releases.views.archive.public_releases", unavailable)
    response = visitor_seeing_error_pages.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Die Seite ist gleich wieder da" in html and '<html lang="de">' in html
    assert "Content-Security-Policy" in response  # the headers are still there


def test_database_outage_while_saving_a_session_is_a_503_too(
    visitor_seeing_error_pages, monkeypatch, db, staff_client
):
    def unavailable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("releases.sessions.SessionStore.save", unavailable)
    visitor_seeing_error_pages.cookies = (
        staff_client.cookies
    )  # a logged-in browser: its session is saved
    response = visitor_seeing_error_pages.get("/admin/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_other_errors_are_still_a_500(visitor_seeing_error_pages, monkeypatch, db):
    def broken():
        raise ValueError("a bug")

    monkeypatch.setattr("releases.views.archive.public_releases", broken)
    response = visitor_seeing_error_pages.get("/")
    assert response.status_code == 500
    assert "Ein technischer Fehler ist aufgetreten" in response.content.decode()


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "allianz_site.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    yield caches["default"]
    caches["default"].close()


def test_with_redis_down_the_cache_misses_instead_of_failing(redis_down):
    assert isinstance(redis_down, FailSafeRedisCache)
    redis_down.set("seite", "inhalt", 60)
    assert redis_down.get("seite") is None
    assert redis_down.get("seite", "ersatz") == "ersatz"
    assert redis_down.get_many(["a", "b"]) == {}
    assert redis_down.add("a", 1) is False
    redis_down.delete("seite")


def test_with_redis_down_a_cached_page_is_built_every_time(redis_down, rf):
    built = []

    @cache_page(60)
    def page(request):
        built.append(1)
        return HttpResponse("Pressemitteilungen")

    for _ in range(3):
        response = page(rf.get("/presse/"))
        assert response.status_code == 200
    assert len(built) == 3


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(redis_down, monkeypatch):
    attempts = []
    original = FailSafeRedisCache._cache.func

    def counting_client(self):
        client = original(self)
        real_get = client.get

        def get(*args, **kwargs):
            attempts.append(1)
            return real_get(*args, **kwargs)

        client.get = get
        return client

    monkeypatch.setattr(FailSafeRedisCache, "_cache", property(counting_client))
    for _ in range(5):
        redis_down.get("seite")
    assert len(attempts) == 1


def test_with_redis_up_the_cache_works(settings):
    require(redis_answers(), "no Redis on 127.0.0.1:6379 (.ci/run starts it)")
    settings.CACHES = {
        "default": {
            "BACKEND": "allianz_site.cache.FailSafeRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "allianz-tests",
        }
    }
    cache = caches["default"]
    cache.set("seite", "inhalt", 10)
    assert cache.get("seite") == "inhalt"
    cache.delete("seite")
    cache.close()
