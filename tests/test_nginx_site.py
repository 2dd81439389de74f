"""deploy/nginx-site.conf, filled in as for production and run by a real nginx: it is valid, and
an upload opened directly can never run script; attachments are downloads."""

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

from .browser.tools import require
from .conftest import closed_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
MEDIA_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@pytest.fixture
def nginx_app():
    """The address nginx passes pages to (`upstream presse_app`). Nothing listens there: nginx
    answers /media/ itself. tests/test_nginx_proxy_cache.py puts a stand-in app there."""
    return "127.0.0.1:9"


@pytest.fixture
def nginx(tmp_path, nginx_app):
    """nginx with the site on a free port, uploads in tmp_path/media; yields the site's address."""
    require(NGINX, "nginx is not installed (.ci/run installs it)")
    port = closed_port()  # free: nginx listens there next
    for folder in ["media/presse/4f1c", "static", "cache", "temp"]:
        (tmp_path / folder).mkdir(parents=True)
    site = string.Template((ROOT / "deploy/nginx-site.conf").read_text()).safe_substitute(
        PRESSE_LISTEN=f"127.0.0.1:{port}",
        PRESSE_SERVER_NAME="127.0.0.1 localhost",  # other host names are dropped
        PRESSE_APP=nginx_app,
        PRESSE_STATIC_ROOT=tmp_path / "static",
        PRESSE_MEDIA_ROOT=tmp_path / "media",
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
        yield f"http://127.0.0.1:{port}", tmp_path / "media/presse/4f1c"
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


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
