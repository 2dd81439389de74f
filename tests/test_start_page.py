"""The admin's start page: what the press office works from, above the list of all areas."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases.models import PressRelease

DRAFT = PressRelease.Status.DRAFT


def section(html, kind):
    match = re.search(rf'id="start-{kind}">(.*?)</div>', html, re.S)
    assert match, kind
    return match.group(1)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def office(make_release):
    now = timezone.now()
    return {
        "draft": make_release(title="Entwurf zur Messe", status=DRAFT, publish_at=None),
        "scheduled": make_release(
            title="Unter Sperrfrist", publish_at=now + datetime.timedelta(days=2, hours=3)
        ),
        "public": make_release(
            title="Schon öffentlich", publish_at=now - datetime.timedelta(hours=2)
        ),
    }


def test_start_page_shows_drafts_scheduled_and_recent_releases(as_role, office):
    html = as_role("Redaktion").get("/admin/").content.decode()
    assert (
        '<a class="button" href="/admin/releases/pressrelease/add/">Neue Pressemitteilung</a>'
        in html
    )
    assert "Entwurf zur Messe" in section(html, "drafts")
    scheduled = section(html, "scheduled")
    assert "Unter Sperrfrist" in scheduled and "noch 2\xa0Tage, 3\xa0Stunden" in scheduled
    assert "Schon öffentlich" in section(html, "recent")
    assert "Unter Sperrfrist" not in section(html, "recent")
    # the other areas stay reachable below
    assert (
        'href="/admin/releases/project/"' in html and 'href="/admin/contacts/presscontact/"' in html
    )


def test_start_page_queries_do_not_grow_with_the_releases(as_role, make_release, office):
    client = as_role("Chefredaktion")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
        return len(queries)

    few = count()
    for number in range(6):
        make_release(title=f"Weiterer Entwurf {number}", status=DRAFT, publish_at=None)
        make_release(title=f"Weitere Mitteilung {number}")
    assert count() == few


def test_staff_without_releases_see_no_release_lists(client, django_user_model, db):
    user = django_user_model.objects.create_user(
        "nur-anmeldung", password="ein-langes-passwort-1", is_staff=True
    )
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert "Neue Pressemitteilung" not in html and 'id="start-drafts"' not in html
