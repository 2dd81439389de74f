"""deploy/nginx-site.conf's proxy cache and server blocks, run by a real nginx in front of a
stand-in app that answers what each test tells it: a page nginx kept is never served past its
max-age, whatever the app answers next, and a request for another host never reaches the app."""

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from .helpers import closed_port


class StandInApp(BaseHTTPRequestHandler):
    """Answers every request with the server's `answer` (status, headers, body) and notes it."""

    def do_GET(self):
        self.server.requests.append({"path": self.path, "host": self.headers["Host"]})
        status, headers, body = self.server.answer
        content = body.encode()
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args):
        pass


@pytest.fixture
def app():
    server = ThreadingHTTPServer(("127.0.0.1", closed_port()), StandInApp)
    server.requests = []
    server.answer = (200, {}, "")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def nginx_app(app):
    return f"127.0.0.1:{app.server_port}"


def get(address, path, host=None):
    """(status, body) of a GET through nginx, with the address's host unless `host` is given."""
    parts = urlsplit(address)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host or parts.netloc})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


PUBLIC_PAGE = (200, {"Cache-Control": "public, max-age=1", "ETag": '"fassung-1"'}, "Fassung 1")

NEXT_ANSWERS = [
    pytest.param((410, {}, "Zurückgezogen"), id="release withdrawn: 410"),
    pytest.param((404, {}, "Diese Seite gibt es nicht"), id="set back to draft or planned: 404"),
    pytest.param((500, {}, "Technischer Fehler"), id="app error: 500"),
    pytest.param((503, {"Retry-After": "30"}, "Gleich wieder da"), id="database away: 503"),
    pytest.param((200, {"Cache-Control": "private"}, "Fassung 2"), id="private page"),
    pytest.param((200, {}, "Fassung 2"), id="page without Cache-Control (app cache down)"),
]


@pytest.mark.parametrize("answer", NEXT_ANSWERS)
def test_a_kept_page_is_never_served_past_its_max_age_whatever_the_app_answers(
    nginx,  # noqa: F811 - the fixture imported above
    app,
    answer,
):
    address, _media = nginx
    app.answer = PUBLIC_PAGE
    assert get(address, "/presse/2022/03/28/meldung/") == (200, "Fassung 1")
    assert get(address, "/presse/2022/03/28/meldung/") == (200, "Fassung 1")
    assert len(app.requests) == 1  # the second came from nginx's cache

    app.answer = answer
    time.sleep(2.2)  # max-age=1 has passed (nginx counts in whole seconds)
    status, _headers, body = answer
    for _ in range(3):  # not once stale while nginx asks the app in the background, nor after
        assert get(address, "/presse/2022/03/28/meldung/") == (status, body)


def test_a_request_for_another_host_is_dropped_without_asking_the_app(
    nginx,  # noqa: F811 - the fixture imported above
    app,
):
    address, _media = nginx
    app.answer = PUBLIC_PAGE
    for host in ["angreifer.example", "presse.example.de.angreifer.example"]:
        with pytest.raises(http.client.RemoteDisconnected):  # 444: closed without an answer
            get(address, "/presse/", host=host)
    assert app.requests == []
    assert get(address, "/presse/") == (200, "Fassung 1")  # the site's own name still works
    assert app.requests == [{"path": "/presse/", "host": "127.0.0.1"}]
