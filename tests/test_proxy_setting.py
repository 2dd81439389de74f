"""A proxy in front without DJANGO_BEHIND_PROXY makes every client the proxy's address (one
stranger's failed logins lock a user out for everybody): the site says so, loudly, in the log
and in `manage.py check --deploy`."""

import pytest
from django.core.cache import caches

from allianz_site import clients

from .helpers import PROXY, run_with_production_env, through_proxy


@pytest.fixture(autouse=True)
def not_reported_yet(monkeypatch):
    monkeypatch.setattr(clients, "_reported_at", None)


def proxy_errors(caplog):
    return [
        record
        for record in caplog.records
        if record.levelname == "ERROR" and "DJANGO_BEHIND_PROXY is off" in record.getMessage()
    ]


def test_a_proxy_without_the_setting_is_an_error_in_the_log(client, db, settings, caplog):
    settings.BEHIND_PROXY = False
    assert client.get("/presse/", **through_proxy("198.51.100.7")).status_code == 200
    [error] = proxy_errors(caplog)
    assert f"Requests from {PROXY} carry X-Forwarded-For" in error.getMessage()
    assert "set DJANGO_BEHIND_PROXY=1" in error.getMessage()


def test_the_error_is_logged_once_a_minute_not_for_every_request(client, db, settings, caplog):
    settings.BEHIND_PROXY = False
    for _ in range(5):
        client.get("/presse/", **through_proxy("198.51.100.7"))
    assert len(proxy_errors(caplog)) == 1
    clients._reported_at -= clients.REPORT_EVERY_SECONDS  # a minute later
    client.get("/presse/", **through_proxy("198.51.100.7"))
    assert len(proxy_errors(caplog)) == 2


@pytest.mark.parametrize(
    ("behind_proxy", "headers"),
    [(True, through_proxy("198.51.100.7")), (False, {"REMOTE_ADDR": "198.51.100.7"})],
    ids=["setting on", "no proxy"],
)
def test_nothing_is_reported_with_the_setting_on_or_without_a_proxy(
    client, db, settings, caplog, behind_proxy, headers
):
    settings.BEHIND_PROXY = behind_proxy
    assert client.get("/presse/", **headers).status_code == 200
    assert proxy_errors(caplog) == []
    assert caches["shared"].get(clients.UNTRUSTED_PROXY_KEY) is None
    assert clients.check_untrusted_proxy(None) == []


def test_check_deploy_warns_after_such_a_request(client, db, settings, tmp_path):
    """The request is served by one process (gunicorn), the check runs in another: the note is
    kept in the cache they share (here the folder of DJANGO_CACHE_DIR, as without Redis)."""
    settings.BEHIND_PROXY = False
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tmp_path,
        },
    }
    check = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    before = run_with_production_env(*check, DJANGO_BEHIND_PROXY="0", DJANGO_CACHE_DIR=tmp_path)
    assert before.returncode == 0, before.stdout + before.stderr

    client.get("/presse/", **through_proxy("198.51.100.7"))

    after = run_with_production_env(*check, DJANGO_BEHIND_PROXY="0", DJANGO_CACHE_DIR=tmp_path)
    assert after.returncode != 0
    assert "allianz_site.W001" in after.stderr
    assert f"Requests from {PROXY} carried X-Forwarded-For" in after.stderr
    switched_on = run_with_production_env(*check, DJANGO_CACHE_DIR=tmp_path)  # BEHIND_PROXY=1
    assert switched_on.returncode == 0, switched_on.stdout + switched_on.stderr
