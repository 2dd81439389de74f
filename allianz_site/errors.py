"""The 500 handler: a database outage is a 503 with Retry-After, not a "technical error".

Django calls handler500 for any unhandled exception, in a view or in a middleware (a session
saved while PostgreSQL restarts), while the exception is still being handled. Nothing here
touches the database.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as default_server_error

RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request):
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return default_server_error(request)
