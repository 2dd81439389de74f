"""
The page cache: anonymous visitors get public pages from Django's cache framework, and the cache
never lies. How to run it (Redis, nginx in front): docs/deploy.md.

Which responses are cached: GET and HEAD without a session cookie, outside the admin, answered
with 200, setting no cookie, without a Vary header and without a Cache-Control that forbids it.
A view that must never be cached says so with Django's own decorator `never_cache` (the staff
preview does); every other anonymous page is cached, whichever app adds it.

Invalidation: every page key contains the site's *generation*, a random token in the "shared"
cache that all processes read. Saving or deleting an object of an app in PAGE_CACHE_APPS, or
changing its many-to-many links, replaces the token when the transaction commits, and from then
on no process finds a page built before. (Not earlier: a page built from the old rows meanwhile
would be stored under the new token.) `QuerySet.update()` and `bulk_create()` send no signals:
call `invalidate_pages()` after them.

Models that no cached page shows are listed in PAGE_CACHE_IGNORED_MODELS: saving or deleting them,
or linking them to anything, keeps the cached pages (`shown_on_pages()`). They are journalists'
subscriptions and the alerts noted for them (a new subscriber must not empty the cache), embargo
links (their pages are `never_cache`) and staff sessions (a login changes no public page). A model
is only listed there if no public page shows anything of it; a model that is forgotten there only
empties the cache more often than needed, never too rarely.

Time: a page is kept at most PAGE_CACHE_SECONDS and never past the next moment at which the site
changes by itself (`next_change()`: a release under embargo becomes public, an event passes).
Browsers and nginx get the same cap as `max-age`, at most PAGE_MAX_AGE seconds: nobody can tell
them of an edit, so they keep a page only briefly.

Private: responses to staff (any request with the session cookie), in the admin, and any that set
a cookie or vary on it (a form with a CSRF token, a page that read the session) are never stored
and are marked `private`. Messages live in the session (settings.MESSAGE_STORAGE): there is no
messages cookie to look for.

Data: `remembered()` keeps what many pages compute alike (the archive's counts) by the same
rules: the generation in the key, the next change as the cap, COUNTS_CACHE_SECONDS at most.

The cache is an accelerator, not a dependency: when it fails (Redis away), the page is built from
the database, the error is logged, and this process leaves the cache alone for RETRY_SECONDS.
"""

import datetime
import hashlib
import logging
import time
import uuid

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils import timezone
from django.utils.cache import (
    cc_delim_re,
    get_max_age,
    has_vary_header,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date

logger = logging.getLogger(__name__)

PAGES = "default"  # the cache alias that holds the pages
SHARED = "shared"  # the cache alias that holds the generation; one for all processes
GENERATION_KEY = "pages:generation"
RETRY_SECONDS = 5
FORBIDDING_DIRECTIVES = {"private", "no-cache", "no-store"}


class PageCacheMiddleware:
    """Serves and stores anonymous public pages; marks personal responses `private`.

    Sits above the session, CSRF, authentication and messages middleware, so that it sees the
    cookies and Vary headers they add (settings.MIDDLEWARE)."""

    cache_down_until = 0.0  # time.monotonic() before which this process does not try the cache

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.may_use_cache(request):
            return mark_private_if_personal(request, self.get_response(request))
        started = timezone.now()
        try:
            generation = current_generation()
            key = page_key(generation, request)
            cached = caches[PAGES].get(key)
            changes_at = next_change_after(started, generation) if cached is None else None
        except Exception as error:
            self.cache_failed(error)
            return mark_private_if_personal(request, self.get_response(request))

        if cached is not None:
            response, expires = cached
            return with_public_headers(response, expires)

        response = self.get_response(request)
        if not storable(response):
            return mark_private_if_personal(request, response)
        expires = started + datetime.timedelta(seconds=settings.PAGE_CACHE_SECONDS)
        if changes_at is not None:
            expires = min(expires, changes_at)
        own_max_age = get_max_age(response)  # a view's own, shorter limit counts too
        if own_max_age is not None:
            expires = min(expires, started + datetime.timedelta(seconds=own_max_age))
        set_response_etag(response)
        if not response.has_header("Last-Modified"):
            response.headers["Last-Modified"] = http_date(started.timestamp())
        store(key, (response, expires), expires)
        return with_public_headers(response, expires)

    def may_use_cache(self, request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not is_admin(request)
            and not has_session_cookie(request)
            and time.monotonic() >= self.cache_down_until
        )

    @classmethod
    def cache_failed(cls, error):
        cls.cache_down_until = time.monotonic() + RETRY_SECONDS
        logger.error(
            "Page cache unavailable (%s: %s); pages are built from the database, next try in %s s.",
            type(error).__name__,
            error,
            RETRY_SECONDS,
        )


def is_admin(request):
    return request.path.startswith(tuple(settings.ADMIN_URL_PREFIXES))


def has_session_cookie(request):
    """Staff are logged in (or have a message waiting, which lives in the session too): the page
    may be meant for this visitor alone."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def mark_private_if_personal(request, response):
    if (
        is_admin(request)
        or has_session_cookie(request)
        or response.cookies
        or has_vary_header(response, "Cookie")
    ):
        patch_cache_control(response, private=True)
    return response


def storable(response):
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or response.has_header("Vary")
    ):
        return False
    directives = {
        directive.split("=")[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if directives & FORBIDDING_DIRECTIVES:
        return False
    own_max_age = get_max_age(response)
    return own_max_age is None or own_max_age > 0


def with_public_headers(response, expires):
    """`Cache-Control: public, max-age=…`: what is left of the page's time, at most PAGE_MAX_AGE."""
    left = int((expires - timezone.now()).total_seconds())
    patch_cache_control(response, public=True, max_age=max(0, min(settings.PAGE_MAX_AGE, left)))
    return response


def store(key, value, expires):
    """Keep `value` in the pages' cache until `expires`, in whole seconds rounded down: Redis
    does not keep fractions, and an entry may end early but never late."""
    timeout = int((expires - timezone.now()).total_seconds())
    if timeout >= 1:
        try:
            caches[PAGES].set(key, value, timeout)
        except Exception as error:
            PageCacheMiddleware.cache_failed(error)


def remembered(name, build):
    """What `build()` returns, kept like a page: until anything is saved (the generation is part
    of the key), at most COUNTS_CACHE_SECONDS and never past next_change(). For what many pages
    compute alike, such as the archive's counts: a page that misses the page cache (page 137 of
    the archive) still finds them. Built afresh when the cache fails or is switched off."""
    if (
        settings.COUNTS_CACHE_SECONDS <= 0
        or time.monotonic() < PageCacheMiddleware.cache_down_until
    ):
        return build()
    started = timezone.now()
    try:
        generation = current_generation()
        key = f"page:{generation}:data:{hashlib.sha256(name.encode()).hexdigest()}"
        cached = caches[PAGES].get(key)
        if cached is not None:
            return cached[0]
        changes_at = next_change_after(started, generation)
    except Exception as error:
        PageCacheMiddleware.cache_failed(error)
        return build()
    value = build()
    expires = started + datetime.timedelta(seconds=settings.COUNTS_CACHE_SECONDS)
    store(key, (value,), min(expires, changes_at) if changes_at else expires)
    return value


def page_key(generation, request):
    # Scheme and host are part of the address: absolute links (feeds) differ between them.
    address = request.build_absolute_uri().encode()
    return f"page:{generation}:{hashlib.sha256(address).hexdigest()}"


def current_generation():
    shared = caches[SHARED]
    generation = shared.get(GENERATION_KEY)
    if generation is None:  # first request ever, or the cache was emptied
        shared.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = shared.get(GENERATION_KEY)
        if generation is None:
            raise RuntimeError(f"the {SHARED!r} cache keeps nothing")
    return generation


def invalidate_pages():
    """Every cached page is stale from now on, in every process."""
    try:
        caches[SHARED].set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:
        logger.exception(
            "Could not invalidate the page cache; pages cached before may be served until they "
            "expire (PAGE_CACHE_SECONDS)."
        )


def next_change():
    """The next moment at which public pages change without anybody saving anything.

    Every model whose public rows change with the clock says when, in a `next_change(now)`
    method of its QuerySet: a release under embargo becomes public, an event passes. A model
    added later joins by giving its QuerySet that method; nothing here names it."""
    now = timezone.now()
    moments = (
        model._default_manager.next_change(now)
        for model in apps.get_models()
        if hasattr(model._default_manager, "next_change")
    )
    return min((moment for moment in moments if moment), default=None)


def next_change_after(now, generation):
    """next_change(), asked once per generation and after each such moment, not per page."""
    key = f"page:{generation}:next-change"
    entry = caches[PAGES].get(key)
    if entry is None or (entry[0] is not None and entry[0] <= now):
        entry = (next_change(),)
        lifetime = max(settings.PAGE_CACHE_SECONDS, settings.COUNTS_CACHE_SECONDS)
        caches[PAGES].set(key, entry, lifetime)
    return entry[0]


def shown_on_pages(model):
    """Whether a cached page may show rows of `model`: the models of PAGE_CACHE_APPS except
    PAGE_CACHE_IGNORED_MODELS. A many-to-many link is shown only if both its ends are: the links
    between topics and subscriptions are on no page."""
    meta = model._meta
    if meta.auto_created:  # the table of a ManyToManyField: a foreign key to each end
        return all(shown_on_pages(end.related_model) for end in meta.fields if end.many_to_one)
    return (
        meta.app_label in settings.PAGE_CACHE_APPS
        and meta.label not in settings.PAGE_CACHE_IGNORED_MODELS
    )


def content_changed(sender, using=None, **kwargs):
    """Receiver of post_save, post_delete and m2m_changed of every model."""
    if not shown_on_pages(sender):
        return
    if kwargs.get("action", "post_").startswith("post_"):  # m2m_changed: after the change
        transaction.on_commit(invalidate_pages, using=using)


def connect_signals():
    """Called by ReleasesConfig.ready(), so that management commands invalidate too."""
    post_save.connect(content_changed, dispatch_uid="page-cache-save")
    post_delete.connect(content_changed, dispatch_uid="page-cache-delete")
    m2m_changed.connect(content_changed, dispatch_uid="page-cache-m2m")
    # Data migrations change rows without signals.
    post_migrate.connect(lambda **kwargs: invalidate_pages(), weak=False, dispatch_uid="page-cache")


@checks.register(checks.Tags.caches)
def check_shared_cache(app_configs, **kwargs):
    """The generation must be seen by every process; a per-process cache would let the other
    gunicorn workers serve pages that a save has made stale."""
    backend = settings.CACHES.get(SHARED, {}).get("BACKEND", "")
    if settings.PAGE_CACHE_SECONDS > 0 and backend.rsplit(".", 1)[-1] in {
        "LocMemCache",
        "DummyCache",
        "",
    }:
        return [
            checks.Warning(
                f"The {SHARED!r} cache is missing or private to one process ({backend}).",
                hint="Use a FileBasedCache (one server) or Redis (DJANGO_REDIS_URL); "
                "see docs/deploy.md.",
                id="releases.W001",
            )
        ]
    return []
