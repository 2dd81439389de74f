"""deploy/nginx-site.conf, filled in as for production and run by a real nginx: it is valid, an
upload opened directly can never run script, attachments are downloads, and the files of a
release reach a browser only through the app's check, as long as the release may be seen."""

import urllib.error
import urllib.request

import pytest

from releases.metadata import stamped_file

from .helpers import file_addresses, release_with_every_kind_of_file, stored_names, withdraw

MEDIA_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


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
