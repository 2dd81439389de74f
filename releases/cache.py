"""
The page cache: anonymous visitors get public pages from Django's cache framework, and the cache
never lies. How to run it (Redis, nginx in front): docs/deploy.md.

Which responses are cached: GET and HEAD without a session cookie, outside the admin, answered
with 200, setting no cookie, without a Vary header and without a Cache-Control that forbids it.
A view that must never be cached says so with Django's own decorator `never_cache` (the staff
preview does); every other anonymous page is cached, whichever app adds it.

Invalidation: every page key contains the site's *generation*, a random token in the "shared"
cache that all processes read. Saving or deleting an object of any model, or changing its
many-to-many links, replaces the token when the transaction commits, and from then on no process
finds a page built before. (Not earlier: a page built from the old rows meanwhile
would be stored under the new token.) `QuerySet.update()` and `bulk_create()` send no signals:
call `invalidate_pages()` after them.

Models that no cached page shows are listed in PAGE_CACHE_IGNORED_MODELS: saving or deleting them,
or linking them to anything, keeps the cached pages (`shown_on_pages()`). They are journalists'
subscriptions and the alerts noted for them (a new subscriber must not empty the cache), embargo
links (their pages are `never_cache`), and what staff logins and the admin write: accounts,
sessions, the login log (a stranger's failed logins must not empty the cache either), the
admin's log and the edit history. A model is only listed there if no public page shows anything
of it; a model that is forgotten there, or that an app added later brings, only empties the cache
more often than needed, never too rarely.

Time: a page is kept at most PAGE_CACHE_SECONDS and never past the next moment at which the site
changes by itself (`next_change()`: a release under embargo becomes public, an event passes).
Browsers and nginx get the same cap as `max-age`, at most PAGE_MAX_AGE seconds: nobody can tell
them of an edit, so they keep a page only briefly.

Private: responses to staff (any request with the session cookie), in the admin, and any that set
a cookie or vary on it (a form with a CSRF token, a page that read the session) are never stored
and are marked `private`. Messages live in the session (settings.MESSAGE_STORAGE): there is no
messages cookie to look for.

Data: `remembered()` keeps what many pages compute alike (the archive's counts, the boilerplate,
what a release or project page shows besides the object itself, rendered fragments such as release
cards: `{% remembered %}`) by the same rules: the generation in the key, the next change as the
cap, COUNTS_CACHE_SECONDS at most.

The cache is an accelerator, not a dependency: when it fails (Redis away), the page is built from
the database, the error is logged, and this process leaves the cache alone for RETRY_SECONDS.

After a failure the old generation must not come back: a save while Redis was away could not
replace it, and once Redis answers again its pages would be found. So a process that saw the
"shared" cache fail, or could not replace the generation, *owes* an invalidation: it uses no
cached page until it has replaced the generation, and a background thread tries every
RETRY_SECONDS, so that the other processes stop finding the old pages within seconds after the
cache heals, even if this one gets no request. (The one that saved may also be a manage.py
command that ends before: then the web processes that saw the outage replace it; a process
that ends still owing logs an error saying what to do.)
"""

import atexit
import contextvars
import datetime
import hashlib
import logging
import threading
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
        scope = _request_scope.set({})
        try:
            return self.respond(request)
        finally:
            _request_scope.reset(scope)

    def respond(self, request):
        if not self.may_use_cache(request):
            return mark_private_if_personal(request, self.get_response(request))
        started = timezone.now()
        # A Host not in ALLOWED_HOSTS raises DisallowedHost here, before the cache is asked:
        # a 400 for this request, not a cache outage.
        address = request.build_absolute_uri()
        try:
            generation = current_generation()
            key = page_key(generation, address)
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
        owe_invalidation()  # a save elsewhere may have missed the generation meanwhile
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


def page_key(generation, address):
    # Scheme and host are part of the address: absolute links (feeds) differ between them.
    return f"page:{generation}:{hashlib.sha256(address.encode()).hexdigest()}"


# What a request has read of the shared cache: its generation, read once for the page and all its
# fragments rather than once per fragment. A save in the request forgets it (invalidate_pages).
_request_scope = contextvars.ContextVar("page_cache_request_scope", default=None)


def current_generation():
    scope = _request_scope.get()
    if scope is None:
        return read_generation()
    if "generation" not in scope:
        scope["generation"] = read_generation()
    return scope["generation"]


def read_generation():
    if owes_invalidation() and not replace_generation():
        raise RuntimeError("the generation could not be replaced since the cache failed")
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
    scope = _request_scope.get()
    if scope is not None:
        scope.pop("generation", None)
    if not replace_generation():
        logger.error(
            "Could not invalidate the page cache (the %r cache does not answer). This process "
            "uses no cached page and tries again every %s s until it has; the others may serve "
            "pages from before this change until then.",
            SHARED,
            RETRY_SECONDS,
        )
        owe_invalidation()


# What this process owes: `failures` counts the failures it saw (cache outages, generations it
# could not replace), `made_good` how many of them a replaced generation has covered since.
_owed = {"failures": 0, "made_good": 0}
_owed_lock = threading.Lock()
_retrying = None  # the thread that replaces the generation once the cache answers again
_wake_retrying = threading.Event()


def owes_invalidation():
    return _owed["made_good"] < _owed["failures"]


def replace_generation():
    """Put a new generation into the shared cache; whether it is there now (Django's Redis
    backend, made fail-safe, drops a write to an unreachable Redis without a word)."""
    with _owed_lock:
        failures = _owed["failures"]  # a replacement covers the failures seen before it
    generation = uuid.uuid4().hex
    try:
        shared = caches[SHARED]
        shared.set(GENERATION_KEY, generation, None)
        replaced = shared.get(GENERATION_KEY) == generation
    except Exception:
        replaced = False
    if replaced:
        with _owed_lock:
            _owed["made_good"] = max(_owed["made_good"], failures)
    return replaced


def owe_invalidation():
    """Note a failure and make sure a thread replaces the generation once the cache answers."""
    global _retrying
    with _owed_lock:
        _owed["failures"] += 1
        if _retrying is None:
            _retrying = threading.Thread(
                target=retry_invalidation, name="page-cache-invalidation", daemon=True
            )
            _retrying.start()


def retry_invalidation():
    """The thread: every RETRY_SECONDS, until nothing is owed, replace the generation."""
    global _retrying
    while True:
        _wake_retrying.wait(RETRY_SECONDS)
        if owes_invalidation() and replace_generation():
            logger.warning(
                "Page cache invalidated after the outage: no page from before is served."
            )
        with _owed_lock:
            if not owes_invalidation():
                _retrying = None
                return


def stop_retrying():
    """Give up what this process owes and end its thread (at exit, and after each test)."""
    with _owed_lock:
        _owed["made_good"] = _owed["failures"]
        thread = _retrying
    if thread is not None:
        _wake_retrying.set()
        thread.join()
        _wake_retrying.clear()


@atexit.register
def warn_if_still_owed():
    if owes_invalidation():
        logger.error(
            "This process ends before it could replace the page cache's generation after the %r "
            "cache failed: a change saved meanwhile may be missing from cached pages for up to "
            "%s s. Once the cache answers again, empty it (Redis: redis-cli -n <db> flushdb).",
            SHARED,
            settings.PAGE_CACHE_SECONDS,
        )
    stop_retrying()


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
    """Whether a cached page may show rows of `model`: every model, of whichever app, except
    those in PAGE_CACHE_IGNORED_MODELS. A many-to-many link is shown only if both its ends are:
    the links between topics and subscriptions are on no page."""
    meta = model._meta
    if meta.auto_created:  # the table of a ManyToManyField: a foreign key to each end
        return all(shown_on_pages(end.related_model) for end in meta.fields if end.many_to_one)
    return meta.label not in settings.PAGE_CACHE_IGNORED_MODELS


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
