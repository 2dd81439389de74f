"""Project-wide middleware: every page, including those added later, inherits these measures."""

import contextlib
import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.http.multipartparser import MultiPartParserError

from .clients import report_untrusted_proxy

LOGIN_STARTED = "_login_started"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy (settings.ADMIN_CONTENT_SECURITY_POLICY)
    for the paths in settings.ADMIN_URL_PREFIXES. A view may still set its own with csp_override."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(settings.ADMIN_URL_PREFIXES))
        ):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
        return parts


class UntrustedProxyMiddleware:
    """Reports a proxy in front without DJANGO_BEHIND_PROXY (clients.report_untrusted_proxy).
    First in MIDDLEWARE: it sees every request, also those answered from the page cache or
    redirected to HTTPS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        report_untrusted_proxy(request)
        return self.get_response(request)


class MalformedBodyMiddleware:
    """Reads a POST body first thing, so that one that cannot be parsed (a multipart request
    without a boundary, say) becomes an empty form, as Django itself leaves it after the error.

    Otherwise the exception escapes from whatever reads the form first: the CSRF check, or the
    400/404 handler when the host name was already refused, and the answer is a 500. With an empty
    form the CSRF check refuses the request (403), with all the usual headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            with contextlib.suppress(MultiPartParserError):
                request.POST  # noqa: B018 - parse now; a failure leaves an empty form
        return self.get_response(request)


class StaffSessionLimitMiddleware:
    """Ends a login session SESSION_MAX_LIFETIME seconds after the login, however active it is.

    The idle limit is the cookie age (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST). A
    request without a session cookie is not looked at, so public pages do not touch the session
    (and do not get `Vary: Cookie` from it).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            started = request.session.get(LOGIN_STARTED, 0)
            if time.time() - started > settings.SESSION_MAX_LIFETIME:
                logout(request)
        return self.get_response(request)


def mark_login_time(sender, request, user, **kwargs):
    """Receiver of user_logged_in (connected in releases/apps.py)."""
    request.session[LOGIN_STARTED] = time.time()
