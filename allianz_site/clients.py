"""Who is asking: the client's address, for the login throttle and the alert form's rate limit.

One rule for both, so that behind the reverse proxy neither counts the proxy as the client.
"""

import ipaddress
import logging
import time

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.utils import timezone

logger = logging.getLogger(__name__)

# Where the evidence of a proxy without DJANGO_BEHIND_PROXY is kept for `check --deploy`: the
# cache every process of the site shares (releases/cache.py), for a week after the last sighting.
UNTRUSTED_PROXY_KEY = "clients:forwarded-for-without-behind-proxy"
UNTRUSTED_PROXY_KEPT_SECONDS = 7 * 24 * 60 * 60
REPORT_EVERY_SECONDS = 60  # at most one log line (and one cache write) a minute per process
_reported_at = None  # time.monotonic() of this process's last report


def client_ip(request):
    """The client's IP address as text, or "" when there is none that parses.

    Behind the reverse proxy (DJANGO_BEHIND_PROXY=1) every request comes from the proxy; the
    client is the address the proxy appended last to X-Forwarded-For (nginx:
    `$proxy_add_x_forwarded_for`). Entries before it were sent by the client and prove nothing.
    Without the proxy setting X-Forwarded-For is not looked at.

    django-axes asks this function too (AXES_CLIENT_IP_CALLABLE) and stores the answer in an IP
    address column: hence only a valid address, or "" (stored as empty).
    """
    value = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        value = hops[-1] or value
    try:
        return str(ipaddress.ip_address(value.partition("%")[0]))  # without a zone ("%eth0")
    except ValueError:
        return ""


def client_address(request):
    """The client as a rate limit counts it: its IPv4 address, or its IPv6 /64 block (the block
    one customer usually gets, so that hopping between its addresses does not help)."""
    value = client_ip(request)
    if not value:
        return "unbekannt"
    address = ipaddress.ip_address(value)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return value


def report_untrusted_proxy(request):
    """Behind a proxy without DJANGO_BEHIND_PROXY every request comes from the proxy's address:
    all clients are one for the login throttle and the alert form's rate limit, and one
    stranger's five wrong passwords lock a user out for everybody. A request with
    X-Forwarded-For while the setting is off is the sign: log an error (at most once a minute per
    process) and note it where `manage.py check --deploy` looks (check_untrusted_proxy)."""
    global _reported_at
    if settings.BEHIND_PROXY or "HTTP_X_FORWARDED_FOR" not in request.META:
        return
    now = time.monotonic()
    if _reported_at is not None and now - _reported_at < REPORT_EVERY_SECONDS:
        return
    _reported_at = now
    peer = request.META.get("REMOTE_ADDR", "")
    logger.error(
        "Requests from %s carry X-Forwarded-For, but DJANGO_BEHIND_PROXY is off: every client of "
        "that proxy counts as %s, so the login throttle and the alert form's rate limit treat them "
        "all as one (one stranger's failed logins lock a user out for everybody). Behind "
        "deploy/nginx-site.conf set DJANGO_BEHIND_PROXY=1 (docs/security.md).",
        peer,
        peer,
    )
    seen = {"peer": peer, "at": timezone.now().isoformat(timespec="seconds")}
    try:
        caches["shared"].set(UNTRUSTED_PROXY_KEY, seen, UNTRUSTED_PROXY_KEPT_SECONDS)
    except Exception:  # the cache is an accelerator; the log line above is said already
        logger.exception("Could not note the proxy warning for `check --deploy`.")


@checks.register(checks.Tags.security, deploy=True)
def check_untrusted_proxy(app_configs, **kwargs):
    """`check --deploy` repeats report_untrusted_proxy()'s warning while DJANGO_BEHIND_PROXY is
    off and a request with X-Forwarded-For arrived during the last week."""
    if settings.BEHIND_PROXY:
        return []
    try:
        seen = caches["shared"].get(UNTRUSTED_PROXY_KEY)
    except Exception:
        return []
    if not seen:
        return []
    return [
        checks.Warning(
            f"Requests from {seen['peer']} carried X-Forwarded-For (last at {seen['at']}), but "
            "DJANGO_BEHIND_PROXY is off: every client of that proxy counts as one address for "
            "the login throttle and the alert form's rate limit.",
            hint="Behind deploy/nginx-site.conf set DJANGO_BEHIND_PROXY=1 (docs/security.md).",
            id="allianz_site.W001",
        )
    ]
