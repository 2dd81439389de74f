import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allianz_site.settings")

application = get_asgi_application()

# Without DJANGO_SECRET_KEY (and with DJANGO_DEBUG off) the server does not start: this raises
# ImproperlyConfigured("The SECRET_KEY setting must not be empty.").
settings.SECRET_KEY  # noqa: B018
