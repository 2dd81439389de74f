"""Staff accounts: login throttling, password length, session limits, logging out everywhere."""

import datetime

import pytest
import time_machine
from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from .helpers import PROXY, through_proxy

LOGIN_URL = "/admin/login/"
PASSWORD = "ein-langes-passwort-1"
OFFICE = "192.0.2.10"
STRANGER = "198.51.100.66"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("redakteurin", password=PASSWORD, is_staff=True)


def log_in(client, password=PASSWORD, address=OFFICE, username="redakteurin"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def is_logged_in(client):
    response = client.get("/admin/")
    return response.status_code == 200


def test_five_wrong_passwords_lock_that_user_at_that_address_for_15_minutes(client, editor):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            response = log_in(client, password="falsch")
            assert response.status_code == 200
            assert "Passwort für einen Staff-Account eingeben" in response.content.decode()
        fifth = log_in(client, password="falsch")
        assert fifth.status_code == 429
        assert "Anmeldung vorübergehend gesperrt" in fifth.content.decode()

        # Even the right password is refused from that address while the lock lasts.
        assert log_in(client).status_code == 429
        clock.shift(datetime.timedelta(minutes=14))
        assert log_in(client).status_code == 429
        clock.shift(datetime.timedelta(minutes=2))
        assert log_in(client).status_code == 302
        assert is_logged_in(client)


def test_a_stranger_elsewhere_cannot_lock_a_colleague_out(client, editor):
    for _ in range(10):
        log_in(client, password="geraten", address=STRANGER)
    assert log_in(client, password="geraten", address=STRANGER).status_code == 429

    response = log_in(client, address=OFFICE)
    assert response.status_code == 302
    assert is_logged_in(client)


def log_in_through_proxy(client, forwarded_for, password=PASSWORD):
    return client.post(
        LOGIN_URL,
        {"username": "redakteurin", "password": password, "next": "/admin/"},
        **through_proxy(forwarded_for),
    )


def test_behind_the_proxy_a_strangers_failures_do_not_lock_out_the_office(client, editor, settings):
    settings.BEHIND_PROXY = True
    for _ in range(5):
        log_in_through_proxy(client, STRANGER, password="geraten")
    assert log_in_through_proxy(client, STRANGER).status_code == 429
    assert log_in_through_proxy(client, OFFICE).status_code == 302
    failures = AccessFailureLog.objects.values_list("ip_address", flat=True)
    assert set(failures) == {STRANGER}


def test_behind_the_proxy_a_forged_first_hop_does_not_lift_the_lock(client, editor, settings):
    settings.BEHIND_PROXY = True
    for number in range(5):
        log_in_through_proxy(client, f"192.0.2.{number}, {STRANGER}", password="geraten")
    forged = f"{OFFICE}, {STRANGER}"  # the stranger pretends to be the office
    assert log_in_through_proxy(client, forged).status_code == 429


@pytest.mark.parametrize(
    "forwarded_for, recorded",
    [
        ("", PROXY),  # not relayed by the proxy after all: the peer is the client
        ("203.0.113.5, ", PROXY),
        ("kaputt", None),
        ("2001:DB8::1%eth0<script>", "2001:db8::1"),
    ],
)
def test_behind_the_proxy_a_garbled_address_is_no_server_error(
    client, editor, settings, forwarded_for, recorded
):
    settings.BEHIND_PROXY = True
    assert log_in_through_proxy(client, forwarded_for, password="falsch").status_code == 200
    assert AccessFailureLog.objects.get().ip_address == recorded


def test_every_failed_and_successful_login_is_recorded(client, editor):
    log_in(client, password="falsch")
    log_in(client, password="auch-falsch")
    log_in(client)
    failures = AccessFailureLog.objects.order_by("attempt_time")
    assert [(f.username, f.ip_address) for f in failures] == [("redakteurin", OFFICE)] * 2
    assert AccessLog.objects.filter(username="redakteurin", ip_address=OFFICE).count() == 1


def test_an_administrator_unlocks_a_user_with_the_axes_command(client, editor):
    for _ in range(5):
        log_in(client, password="falsch")
    assert log_in(client).status_code == 429
    call_command("axes_reset_username", "redakteurin")
    assert log_in(client).status_code == 302


def test_passwords_need_twelve_characters(client, editor):
    log_in(client)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "Elf-Zeichen", "new_password2": "Elf-Zeichen"},
    )
    assert response.status_code == 200
    assert "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten." in (
        response.content.decode()
    )
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


def test_a_session_ends_after_30_idle_minutes(client, editor):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        log_in(client)
        clock.shift(datetime.timedelta(minutes=29))
        assert is_logged_in(client)  # activity renews the idle limit
        clock.shift(datetime.timedelta(minutes=29))
        assert is_logged_in(client)
        clock.shift(datetime.timedelta(minutes=31))
        assert not is_logged_in(client)


def test_a_session_ends_eight_hours_after_login_however_active(client, editor):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        log_in(client)
        for _ in range(19):  # a request every 25 minutes: 7 h 55 min
            clock.shift(datetime.timedelta(minutes=25))
            assert is_logged_in(client)
        clock.shift(datetime.timedelta(minutes=6))
        assert not is_logged_in(client)
        # Logging in again starts a new eight hours.
        assert log_in(client).status_code == 302
        assert is_logged_in(client)


def test_logging_out_ends_the_users_sessions_in_other_browsers(client, editor, django_user_model):
    other_browser = client.__class__()
    colleague = django_user_model.objects.create_user("kollege", password=PASSWORD, is_staff=True)
    colleagues_browser = client.__class__()
    log_in(client)
    log_in(other_browser)
    log_in(colleagues_browser, username="kollege")
    assert is_logged_in(other_browser) and is_logged_in(colleagues_browser)

    client.post("/admin/logout/")
    assert not is_logged_in(client)
    assert not is_logged_in(other_browser)
    assert is_logged_in(colleagues_browser), colleague


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(client, editor):
    other_browser = client.__class__()
    log_in(client)
    log_in(other_browser)
    new = "ein-neues-langes-passwort-2"
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert is_logged_in(client)
    assert not is_logged_in(other_browser)
