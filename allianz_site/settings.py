"""
Settings for the Allianz für die Region press site.

One file, driven by environment variables (all listed in docs/deploy.md). Without any variable set and
with DJANGO_DEBUG=1 it runs locally on SQLite; production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS
and DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

# Required for serving (sessions, CSRF tokens, signed links): wsgi.py and asgi.py refuse to start
# without it. Commands that sign nothing (check, makemigrations, migrate, collectstatic) run
# without it; `check --deploy` reports it missing.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-local-development-only"
# Changing the key (docs/security.md): the previous keys, comma-separated, still verify what was
# signed with them (unsubscribe, embargo and confirmation links, sessions); nothing new is signed
# with them. Remove an old key once the links signed with it may be broken.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_ckeditor_5",
    "allianz_site.apps.LoginProtectionConfig",  # django-axes, with a German name
    "reversion",
    "contacts",
    "releases",
]

MIDDLEWARE = [
    # X-Forwarded-For while DJANGO_BEHIND_PROXY is off: an error in the log, a warning in
    # `check --deploy` (allianz_site/clients.py).
    "allianz_site.middleware.UntrustedProxyMiddleware",
    "allianz_site.middleware.MalformedBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Security headers on every response, static files and error pages included (docs/security.md).
    "allianz_site.middleware.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag and 304 Not Modified for every page, cached or not.
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous pages from the cache (releases/cache.py). Above the session, CSRF, auth and
    # messages middleware, so that it sees the cookies and Vary headers they add.
    "releases.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allianz_site.middleware.StaffSessionLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "allianz_site.urls"
WSGI_APPLICATION = "allianz_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Django's form renderer, with the plain inputs and the labels written in Python (the same HTML).
FORM_RENDERER = "allianz_site.form_renderer.FormRenderer"

# SQLite file by default; DATABASE_URL=postgres://user@host:5432/name in production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django.contrib.sites, for the legal pages (flatpages): one site.
SITE_ID = 1

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
# German texts Django's own catalogue lacks (admin JavaScript, the legal pages' app name):
# locale/de/LC_MESSAGES/*.po, compiled .mo files committed beside them.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads anyone may open (logos, project images, contact photos): served by nginx as /media/.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# The files of releases (images with their renditions, attachments, images in the text, the
# stored press kits): never served as they lie, only through views that check that the release
# is visible to the request (releases/storage.py, docs/security.md). With nginx in front, the app
# answers with `X-Accel-Redirect: <PROTECTED_MEDIA_ACCEL><name>` and nginx sends the file from
# its `internal` location of that name (deploy/nginx-site.conf); empty: the app sends the file.
PROTECTED_MEDIA_ROOT = Path(
    os.environ.get("DJANGO_PROTECTED_MEDIA_ROOT", BASE_DIR / "protected-media")
)
PROTECTED_MEDIA_ACCEL = os.environ.get("DJANGO_PROTECTED_MEDIA_ACCEL", "")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # S3-compatible storage later: a private bucket here, a public one as "default".
    "protected": {"BACKEND": "releases.storage.ProtectedStorage"},
    # Hashed, compressed files in production (after collectstatic); plain files while developing.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads larger than this (in bytes) are streamed to a temporary file, not kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "presse@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
# Mailings to the press list (send_mailings): at most this many mails a second, so the mail
# server does not take us for a spammer; a refused address is retried after 1, 2, 4 … minutes.
MAILING_RATE_PER_SECOND = float(os.environ.get("DJANGO_MAILING_RATE", "5"))
MAILING_RETRY_SECONDS = 60
MAILING_MAX_REFUSALS = 3  # answers with 5xx before an address counts as undeliverable
MAILING_MAX_ATTEMPTS = 8
EMAIL_TIMEOUT = 20  # seconds: a hanging mail server must not hold a request or an alert run

# The public address of the site, for links that leave a request behind: in alert mails and in
# the embargo links the admin shows to copy.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# Rich text: CKEditor 5 (django-ckeditor-5). Whatever it sends is sanitized with nh3 on save
# (releases/sanitize.py); this toolbar only offers what the sanitizer keeps.
CKEDITOR_5_CONFIGS = {
    "default": {
        "language": "de",
        "toolbar": [
            "heading",
            "|",
            "bold",
            "italic",
            "link",
            "bulletedList",
            "numberedList",
            "blockQuote",
            "|",
            "imageUpload",
            "insertTable",
            "|",
            "undo",
            "redo",
        ],
        "heading": {
            "options": [
                {"model": "paragraph", "title": "Absatz", "class": "ck-heading_paragraph"},
                {
                    "model": "heading2",
                    "view": "h2",
                    "title": "Zwischenüberschrift",
                    "class": "ck-heading_heading2",
                },
                {
                    "model": "heading3",
                    "view": "h3",
                    "title": "Unterüberschrift",
                    "class": "ck-heading_heading3",
                },
            ]
        },
        "image": {"toolbar": ["imageTextAlternative"]},
        "table": {"contentToolbar": ["tableColumn", "tableRow", "mergeTableCells"]},
    }
}
# Uploads from the editor go through allianz_site.views.editor_image_upload (checked, metadata
# removed, stored as releases.EditorImage, for staff who may change releases or projects). The
# package's own upload view is not routed; were it ever, it would store into the protected storage.
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "editor_image_upload"
CKEDITOR_5_FILE_STORAGE = "releases.storage.ProtectedStorage"
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "jpg", "png", "webp"]
# The size limit is allianz_site/uploads.py's (MAX_IMAGE_BYTES), as for every image.

# Everything to the console (stderr), once. Django's own "django" logger would print with DEBUG
# on and pass the same record on to the root: it writes to ours alone, and runserver's request
# lines keep Django's format.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # WeasyPrint reports each step of every PDF at INFO; its warnings are what matters.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Security (docs/security.md explains each measure and how to operate it) -------------------

# HTTPS: on by default in production. It redirects plain HTTP, marks cookies Secure and gives them
# the __Host- prefix (the browser then refuses them from a sub-domain or over HTTP).
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
# Behind a reverse proxy (nginx) that terminates TLS: trust its X-Forwarded-Proto (so absolute
# addresses in feeds, sitemap and canonical links say https), and take the client address for the
# login throttle and the alert form's rate limit from the last hop of X-Forwarded-For
# (allianz_site/clients.py). Only switch this on when the proxy sets X-Forwarded-Proto itself
# (overwriting what the client sent) and appends the client's address to X-Forwarded-For.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_SSL_REDIRECT = HTTPS
# HSTS ramp (docs/security.md): 300 → 86400 → 604800 → 2592000 → 63072000 (two years, the default).
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "63072000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
# CKEditor 5 falls back to the form's csrfmiddlewaretoken when it cannot read the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Messages live in the session: no extra, unprefixed cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Content-Security-Policy (django-csp 4). Public pages: only our own files, no inline script or
# style; a script that must be inline gets the per-request nonce ({{ request.csp_nonce }}).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "upgrade-insecure-requests": HTTPS,
    }
}
# The admin (and CKEditor 5's upload endpoint) get their own, looser but explicit policy:
# CKEditor 5 injects <style> elements and style attributes while editing, and previews uploads
# as blob:/data: images. Still no inline script, no eval, no other host.
ADMIN_URL_PREFIXES = ["/admin/", "/ckeditor5/"]
ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# Staff sessions: 30 minutes idle (the cookie age, renewed by every request), 8 hours at most
# from the login (StaffSessionLimitMiddleware). Logging out ends all of the user's sessions; a new
# password ends the others (Django's session auth hash). Sessions are stored with their user
# (releases/sessions.py) so that they can be found.
SESSION_ENGINE = "releases.sessions"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_MAX_LIFETIME = 8 * 60 * 60

# Login throttling (django-axes): five failures for the same user name from the same address lock
# that combination for 15 minutes; a stranger elsewhere cannot lock a colleague out. Every failure
# is stored (admin: Anmeldeschutz → Zugriffsfehlschläge), every login too. Unlock: docs/security.md.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
# The lock ends 15 minutes after the fifth failure, as the lockout page says; tries meanwhile do not
# extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_CLIENT_IP_CALLABLE = "allianz_site.clients.client_ip"

# --- Caching (releases/cache.py explains the rules, docs/deploy.md how to run it) ---------------
# "default" holds the pages for anonymous visitors; "shared" holds the page-cache generation that
# every save replaces, and must be the same for every process of the site. Without
# DJANGO_REDIS_URL: pages in each process's memory, the generation in a folder on this machine
# (one app server). With it (e.g. redis://127.0.0.1:6379/1), both in Redis through Django's own
# RedisCache (any number of app servers). When Redis fails, pages come from the database.
REDIS_URL = os.environ.get("DJANGO_REDIS_URL", "")
if REDIS_URL:
    _redis = {
        "BACKEND": "allianz_site.cache.FailSafeRedisCache",  # Django's RedisCache, fail-safe
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "presse"),
        # Give up quickly when Redis is away; the page is then built from the database.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    CACHES = {"default": _redis, "shared": _redis}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": Path(os.environ.get("DJANGO_CACHE_DIR", BASE_DIR / ".cache")),
        },
    }
# How long the app keeps a page at most (a save invalidates it at once anyway); 0 = no caching.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
# How long the archive keeps its counts (months, facets) at most, kept like pages: one set for
# every page number of a period, search and filters (releases.cache.remembered); 0 = not kept.
COUNTS_CACHE_SECONDS = int(os.environ.get("DJANGO_COUNTS_CACHE_SECONDS", "600"))
# The max-age browsers and nginx get. Nobody can tell them of an edit: keep it short.
PAGE_MAX_AGE = int(os.environ.get("DJANGO_PAGE_MAX_AGE", "10"))
# Saving or deleting anything, of any app, invalidates every cached page, except the models that
# no cached page shows (nor their many-to-many links). A model added later invalidates until it is
# listed here; list it only if no public page shows anything of it.
PAGE_CACHE_IGNORED_MODELS = [
    # Journalists' subscriptions and the alerts noted for them: a new subscriber keeps the cache.
    "contacts.Subscription",
    "contacts.SubscriptionRequest",
    "contacts.RateLimitCounter",
    "releases.AlertDelivery",
    # Embargo links: their pages are never cached.
    "releases.EmbargoLink",
    # The press list and the mailings to it: no public page shows them, and a mailing to
    # thousands of addresses must not empty the page cache with every delivery.
    "contacts.MediaOutlet",
    "contacts.Journalist",
    "contacts.DistributionList",
    "contacts.Suppression",
    "releases.Mailing",
    "releases.MailingDelivery",
    # Staff accounts and their sessions, the login log (anybody can fail to log in), the admin's
    # log and the edit history (the change itself invalidates).
    "auth.User",
    "auth.Group",
    "auth.Permission",
    "contenttypes.ContentType",
    "releases.LoginSession",
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "admin.LogEntry",
    "reversion.Revision",
    "reversion.Version",
    "releases.ReleaseDocument",  # a stored press kit: a copy of what the release shows
    "releases.ReviewLink",
    "releases.ReviewDecision",
]
# Never cached, always private: ADMIN_URL_PREFIXES (above).
