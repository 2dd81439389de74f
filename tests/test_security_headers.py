"""Production settings and the security headers every page type sends."""

import json

import pytest
from django.utils import timezone

from releases.storage import FILE_POLICY

from .helpers import InlineCode, run_with_production_env

PRODUCTION_COOKIES = {
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "CSRF_COOKIE_NAME": "__Host-csrftoken",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "CSRF_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "CSRF_COOKIE_SAMESITE": "Lax",
}


def production_settings(**extra_env):
    names = [
        *PRODUCTION_COOKIES,
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    ]
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = run_with_production_env(
        "-c", code, DJANGO_SETTINGS_MODULE="allianz_site.settings", **extra_env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_reports_nothing_with_production_variables():
    result = run_with_production_env("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "command", [["check"], ["makemigrations", "--check", "--dry-run"]], ids=["check", "migrations"]
)
def test_commands_that_sign_nothing_run_without_a_secret_key(command):
    result = run_with_production_env("manage.py", *command, DJANGO_SECRET_KEY="")
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_a_secret_key_the_deploy_check_fails_and_the_server_does_not_start():
    check = run_with_production_env(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=""
    )
    assert check.returncode != 0
    assert "security.W009" in check.stderr + check.stdout
    for server in ("allianz_site.wsgi", "allianz_site.asgi"):
        started = run_with_production_env(
            "-c",
            f"import {server}",
            DJANGO_SETTINGS_MODULE="allianz_site.settings",
            DJANGO_SECRET_KEY="",
        )
        assert started.returncode != 0
        assert "The SECRET_KEY setting must not be empty." in started.stderr


def test_production_cookies_are_secure_with_host_prefix_and_hsts_is_two_years():
    values = production_settings()
    assert values["DEBUG"] is False
    assert {name: values[name] for name in PRODUCTION_COOKIES} == PRODUCTION_COOKIES
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] == 63_072_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]


def test_hsts_ramp_is_set_by_environment_and_proxy_header_is_off_unless_switched_on():
    values = production_settings(DJANGO_HSTS_SECONDS="300", DJANGO_BEHIND_PROXY="0")
    assert values["SECURE_HSTS_SECONDS"] == 300
    assert values["SECURE_PROXY_SSL_HEADER"] is None


@pytest.fixture
def production_cookies(settings):
    for name, value in PRODUCTION_COOKIES.items():
        setattr(settings, name, value)


def directives(response):
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"] == ("max-age=63072000; includeSubDomains; preload")
    permissions = response["Permissions-Policy"]
    for feature in ["geolocation=()", "camera=()", "microphone=()", "payment=()"]:
        assert feature in permissions
    policy = directives(response)
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy["script-src"]
    return policy


def public_pages(make_release):
    release = make_release(images=1, attachments=1)
    withdrawn = make_release(status="withdrawn", withdrawn_at=timezone.now())
    return {
        "home": ("/", 200),
        "archive": ("/presse/", 200),
        "year archive": ("/presse/2022/", 200),
        "detail": (release.get_absolute_url(), 200),
        "404": ("/gibt-es-nicht/", 404),
        "410": (withdrawn.get_absolute_url(), 410),
    }


def test_public_pages_send_the_strict_policy_and_need_no_inline_code(client, make_release):
    for name, (url, status) in public_pages(make_release).items():
        response = client.get(url, secure=True)
        assert response.status_code == status, name
        policy = assert_common_headers(response)
        assert policy["default-src"] == ["'none'"], name
        assert policy["style-src"] == ["'self'"], name
        assert policy["img-src"] == ["'self'"], name
        assert policy["script-src"] == ["'self'"], name  # the nonce only when a page uses one
        parser = InlineCode()
        parser.feed(response.content.decode())
        assert parser.found == [], f"{name}: {parser.found}"


def test_attachment_download_is_an_attachment_with_nosniff(client, make_release):
    attachment = make_release(attachments=1).attachments.get()
    response = client.get(attachment.get_absolute_url(), secure=True)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    # A file may be shown, nothing more: no script, no form, no request elsewhere (sandbox).
    policy = directives(response)
    assert policy["default-src"] == ["'none'"] and "sandbox" in policy
    assert response["Content-Security-Policy"] == FILE_POLICY


def test_admin_login_has_its_own_explicit_policy_and_secure_cookies(
    client, django_user_model, production_cookies
):
    response = client.get("/admin/login/", secure=True)
    assert response.status_code == 200
    policy = assert_common_headers(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]  # CKEditor 5 styles its editor
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    csrf = response.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    assert csrf["path"] == "/" and not csrf["domain"]

    django_user_model.objects.create_user("chefin", password="ein-langes-passwort-1", is_staff=True)
    login = client.post(
        "/admin/login/",
        {"username": "chefin", "password": "ein-langes-passwort-1", "next": "/admin/"},
        secure=True,
    )
    assert login.status_code == 302
    session = login.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]


def test_a_view_that_needs_an_inline_script_gets_a_nonce(rf):
    from django.http import HttpResponse

    from allianz_site.middleware import ContentSecurityPolicyMiddleware

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">start()</script>')

    request = rf.get("/")
    middleware = ContentSecurityPolicyMiddleware(view)
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert directives(response)["script-src"] == ["'self'", f"'nonce-{nonce}'"]
