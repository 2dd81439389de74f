"""What several test modules use: plain helpers and constants (fixtures live in conftest.py).
No test module imports another; they all import from here."""

import contextlib
import datetime
import email
import email.policy
import getpass
import io
import json
import os
import re
import shutil
import socket
import string
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from contacts.models import (
    Subscription,
)
from releases.models import (
    EditorImage,
    PressRelease,
)

from .browser.tools import require

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


FIXTURES = Path(__file__).resolve().parent / "fixtures"


PROXY = "10.0.0.2"  # nginx in front, as the app sees it


def png_bytes(size=(40, 30), color=(11, 90, 122)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def image_upload(name="bild.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def page(client, url, params=None, **headers):
    """The HTML of a page that must answer 200."""
    response = client.get(url, params, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_german_404(response):
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.content.decode()


def count_queries(client, url, params=None):
    """The database queries of one request for a page that must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200, url
    return len(queries)


def titles(html):
    """The titles of the release cards of a list page, in their order."""
    return re.findall(r'class="release-card__title"><a href="[^"]*">([^<]*)</a>', html)


def through_proxy(forwarded_for):
    """What a request relayed by nginx looks like to the app: it comes from the proxy, which
    appended the client to X-Forwarded-For (deploy/nginx-site.conf)."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


def closed_port():
    """A local port where nothing listens: free again once the probe is closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_answers():
    """Whether Redis listens on 127.0.0.1:6379 (the machine's; .ci/run starts it if it is down)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


ADD_URL = "/admin/releases/pressrelease/add/"


LIST_URL = "/admin/releases/pressrelease/"


def release_form(topic, **overrides):
    moment = timezone.localtime() + datetime.timedelta(days=2)
    data = {
        "title": "Neue Förderung für Betriebsnachbarschaften",
        "subtitle": "",
        "place": "Helmstedt",
        "release_date": moment.strftime("%d.%m.%Y"),
        "lead": "Der Vorspann.",
        "body": "<h2>Zwischentitel</h2><p><strong>Fett</strong> und "
        '<a href="https://example.org">Link</a></p><script>alert(1)</script>',
        "status": "published",
        "publish_at_0": moment.strftime("%d.%m.%Y"),
        "publish_at_1": "10:00:00",
        "correction_note": "",
        "topics": [topic.pk],
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "images-0-image": image_upload(),
        "images-0-order": "0",
        "images-0-alt_text": "Zwei Menschen vor einer Werkhalle",
        "images-0-caption": "Auftakt in Schöningen",
        "images-0-credit": "Foto: Erika Beispiel",
        "images-0-licence": "",
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "attachments-0-file": SimpleUploadedFile("steckbrief.pdf", b"%PDF-1.4\n"),
        "attachments-0-title": "Steckbrief",
        "attachments-0-order": "0",
        # the review links of a saved release (an empty inline; the add form has none)
        "review_links-TOTAL_FORMS": "0",
        "review_links-INITIAL_FORMS": "0",
        "review_links-MIN_NUM_FORMS": "0",
        "review_links-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def release_form_without_files(topic, **overrides):
    return release_form(
        topic, **{"images-TOTAL_FORMS": "0", "attachments-TOTAL_FORMS": "0", **overrides}
    )


SUBSCRIBE_URL = "/presse/abonnieren/"


def link_in(message, path):
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", message.body).group(1)


def subscriber(email, topics=(), confirmed_at=None):
    """A confirmed subscription made directly, for the tests of send_release_alerts."""
    subscription = Subscription.objects.create(
        email=email, confirmed_at=confirmed_at or timezone.now() - datetime.timedelta(days=30)
    )
    subscription.topics.set(topics)
    return subscription


class SlowBackend(LocmemBackend):
    """Takes a moment per mail and notes which run (thread) sent it."""

    senders = []

    def send_messages(self, messages):
        time.sleep(0.01)
        SlowBackend.senders.append(threading.current_thread().name)
        return super().send_messages(messages)


class FormReader(HTMLParser):
    """Reads the admin's main form the way a browser submits it (files left out)."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self.in_form = False
        self.textarea = None
        self.select = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form or "name" not in attributes and tag != "option":
            return
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self.add(attributes["name"], attributes.get("value") or "on")
                return
            self.add(attributes["name"], attributes.get("value") or "")
        elif tag == "textarea":
            self.textarea = attributes["name"]
            self.add(self.textarea, "")
        elif tag == "select":
            self.select = attributes["name"]
        elif tag == "option" and self.select and "selected" in attributes:
            self.add(self.select, attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data.removeprefix("\n")


def submit_as_shown(client, url, **changes):
    page = client.get(url)
    assert page.status_code == 200, url
    reader = FormReader()
    reader.feed(page.content.decode())
    data = {**reader.data, **changes, "_save": "Sichern"}
    return client.post(url, data)


def change_url(release):
    return f"{LIST_URL}{release.pk}/change/"


def create_through_admin(client, topic, **overrides):
    response = client.post(ADD_URL, release_form(topic, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return PressRelease.objects.get()


class Recorder:
    """An SMTP server's handler: keeps every message; refuses the addresses in `refuse` with
    the code given; after `drop_after` messages it closes the connection of the next one."""

    def __init__(self):
        self.messages, self.refuse, self.drop_after = [], {}, None
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.drop_after is not None and len(self.messages) >= self.drop_after:
                server.transport.close()  # the connection breaks mid-mailing
                return "421 closing"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def recipients(self):
        return sorted(address for rcpts, _message in self.messages for address in rcpts)


def body_text(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()


ROOT = Path(__file__).resolve().parent.parent


NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


@contextlib.contextmanager
def running_nginx(tmp_path, app="127.0.0.1:9"):
    """nginx with the site on a free port in front of `app` (by default none: nginx answers
    /media/ itself), uploads in tmp_path/media and tmp_path/protected-media, where the tests'
    settings put them (conftest.py); yields the site's address."""
    require(NGINX, "nginx is not installed (.ci/run installs it)")
    port = closed_port()  # free: nginx listens there next
    for folder in ["media/presse/4f1c", "protected-media", "static", "cache", "temp"]:
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    site = string.Template((ROOT / "deploy/nginx-site.conf").read_text()).safe_substitute(
        PRESSE_LISTEN=f"127.0.0.1:{port}",
        PRESSE_SERVER_NAME="127.0.0.1 localhost",  # other host names are dropped
        PRESSE_APP=app,
        PRESSE_STATIC_ROOT=tmp_path / "static",
        PRESSE_MEDIA_ROOT=tmp_path / "media",
        PRESSE_PROTECTED_MEDIA_ROOT=tmp_path / "protected-media",
        PRESSE_CACHE_DIR=tmp_path / "cache",
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"""user {getpass.getuser()};
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp_path}/temp/body;
    proxy_temp_path {tmp_path}/temp/proxy;
    fastcgi_temp_path {tmp_path}/temp/fastcgi;
    uwsgi_temp_path {tmp_path}/temp/uwsgi;
    scgi_temp_path {tmp_path}/temp/scgi;
    include {tmp_path}/site.conf;
}}
"""
    )
    command = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def redis_caches(url, prefix="presse", timeout=0.5):
    return {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
        for alias in ["default", "shared"]
    }


# What production looks like: DEBUG off, a real key, a host name, TLS ended by nginx in front.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7!pQ2-production-like-secret-key-for-the-deploy-check-9f3kLm0Zr",
    "DJANGO_ALLOWED_HOSTS": "presse.example.de",
    "DJANGO_BEHIND_PROXY": "1",
}


def run_with_production_env(*args, **extra_env):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "DATABASE_URL"))
    }
    env.update(PRODUCTION_ENV, **extra_env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


class InlineCode(HTMLParser):
    """Finds what a CSP without 'unsafe-inline' would block: inline scripts, styles, handlers.
    A JSON data block (the release page's schema.org JSON-LD) is never executed, so it is no
    inline script."""

    DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        is_data_block = attributes.get("type", "").strip().lower() in self.DATA_BLOCK_TYPES
        if tag == "script" and not is_data_block and not {"src", "nonce"} & attributes.keys():
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name} on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def sitemap_pages(client):
    """The addresses of the sitemap's pages, as the index /sitemap.xml lists them."""
    index = xml(client, "/sitemap.xml")
    return [entry.findtext("s:loc", namespaces=SITEMAP_NS) for entry in index]


def sitemap(client):
    """Every address the sitemap lists (following its index), with its lastmod."""
    urls = {}
    for page in sitemap_pages(client):
        for url in xml(client, page.removeprefix("http://testserver")).findall("s:url", SITEMAP_NS):
            loc, lastmod = (
                url.findtext(f"s:{tag}", namespaces=SITEMAP_NS) for tag in ("loc", "lastmod")
            )
            assert loc not in urls, f"{loc} is listed twice"
            urls[loc] = lastmod
    return urls


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[: html.index("</head>")]


def json_ld(head_html):
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head_html, re.S)
    return json.loads(script)


def withdraw(release):
    release.withdraw()
    release.save()
    return release


def release_with_every_kind_of_file(make_release):
    """A public release with an image (and its renditions), an attachment and an image in its
    text."""
    release = make_release(images=1, attachments=1)
    text_image = EditorImage()
    text_image.file.save("skizze.png", ContentFile(png_bytes()))
    release.body = f'<p>Skizze:</p><img src="{text_image.get_absolute_url()}" alt="Skizze">'
    release.save()
    return release


def file_addresses(html):
    """Every address of a file that a release page links or embeds."""
    embedded = re.findall(r'(?:src|srcset)="([^"]+)"', html)
    urls = {url.split(" ")[0] for value in embedded for url in value.split(", ")}
    urls |= set(re.findall(r'href="([^"]*/(?:bild|anhang)/[^"]+|[^"]+\.zip)"', html))
    return sorted(url for url in urls if not url.startswith(settings.STATIC_URL))


def stored_names(release):
    image = release.images.get()
    renditions = [name for entries in image.renditions["files"].values() for *_, name in entries]
    return [
        image.image.name,
        *renditions,
        release.attachments.get().file.name,
        release.editor_images.get().file.name,
    ]


def step_url(release, step):
    return f"{LIST_URL}{release.pk}/status/{step}/"
