"""deploy/nginx-site.conf, filled in as for production and run by a real nginx: it is valid, an
upload opened directly can never run script, attachments are downloads, and the files of a
release reach a browser only through the app's check, as long as the release may be seen."""

import contextlib
import getpass
import shutil
import socket
import string
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from releases.metadata import stamped_file

from .browser.tools import require
from .conftest import closed_port
from .test_withdrawal import (
    file_addresses,
    release_with_every_kind_of_file,
    stored_names,
    withdraw,
)

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
MEDIA_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


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


@pytest.fixture
def nginx_app():
    """The address nginx passes pages to (`upstream presse_app`). Nothing listens there: nginx
    answers /media/ itself. tests/test_nginx_proxy_cache.py puts a stand-in app there."""
    return "127.0.0.1:9"


@pytest.fixture
def nginx(tmp_path, nginx_app):
    """nginx alone; yields its address and a folder of uploads under /media/presse/4f1c/."""
    with running_nginx(tmp_path, app=nginx_app) as address:
        yield address, tmp_path / "media/presse/4f1c"


@pytest.fixture
def site(tmp_path, live_server, settings):
    """nginx in front of the app (pytest-django's live server), set up as in production: the
    app hands the sending of release files to nginx (X-Accel-Redirect)."""
    settings.PROTECTED_MEDIA_ACCEL = "/_protected-media/"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]  # nginx passes the host it was asked for
    with running_nginx(tmp_path, app=live_server.url.removeprefix("http://")) as address:
        yield address


def fetch(url, body=False):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            answer = response.status, response.headers
            content = response.read()
    except urllib.error.HTTPError as error:
        answer = error.code, error.headers
        content = error.read()
    return (*answer, content) if body else answer


def test_an_uploaded_image_is_shown_but_can_run_nothing(nginx):
    address, folder = nginx
    (folder / "bild.JPG").write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    status, headers = fetch(f"{address}/media/presse/4f1c/bild.JPG")
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Content-Security-Policy"] == MEDIA_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Disposition" not in headers  # shown in the browser, not downloaded


@pytest.mark.parametrize("name", ["steckbrief.pdf", "tabelle.xlsx", "liesmich.txt", "seite.html"])
def test_any_other_upload_is_a_download_and_sandboxed(nginx, name):
    address, folder = nginx
    (folder / name).write_bytes(b"<script>alert(document.cookie)</script>")
    status, headers = fetch(f"{address}/media/presse/4f1c/{name}")
    assert status == 200
    assert headers["Content-Disposition"] == "attachment"
    assert headers["Content-Security-Policy"] == MEDIA_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_missing_upload_gets_the_policy_too(nginx):
    address, _folder = nginx
    status, headers = fetch(f"{address}/media/presse/4f1c/gibt-es-nicht.png")
    assert status == 404
    assert headers["Content-Security-Policy"] == MEDIA_POLICY


@pytest.mark.django_db(transaction=True)
def test_release_files_reach_the_browser_through_the_check_and_only_while_public(
    site, make_release
):
    release = release_with_every_kind_of_file(make_release)
    status, _headers, html = fetch(f"{site}{release.get_absolute_url()}", body=True)
    assert status == 200
    urls = file_addresses(html.decode())
    assert len(urls) >= 6, urls
    for url in urls:
        status, headers, content = fetch(f"{site}{url}", body=True)
        assert status == 200, url
        assert content, url  # nginx sent the file: the app's answer had no body
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Content-Security-Policy"] == MEDIA_POLICY, url
    image = release.images.get()
    status, headers, content = fetch(f"{site}{image.get_absolute_url()}", body=True)
    # The original with its rights written in (releases/metadata.py): the app sends these bytes.
    assert content == stamped_file(image.image.storage, image.image.name, image.rights)
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"] == 'attachment; filename="bild_foto-erika-beispiel.png"'
    webp = next(url for url in urls if url.endswith(".webp"))
    assert fetch(f"{site}{webp}")[1]["Content-Type"] == "image/webp"
    assert "Content-Disposition" not in fetch(f"{site}{webp}")[1]  # shown in the page

    # Where the files lie, nobody reaches them: not under /media/, not at nginx's internal
    # location.
    for name in stored_names(release):
        for prefix in ["/media/", "/_protected-media/"]:
            assert fetch(f"{site}{prefix}{name}")[0] == 404, f"{prefix}{name}"

    withdraw(release)
    for url in urls:
        assert fetch(f"{site}{url}")[0] == 404, url
