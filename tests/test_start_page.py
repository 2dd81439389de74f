"""The admin's start page: what the press office works from, above the list of all areas."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases.models import Mailing, MailingDelivery, PressRelease

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


def test_my_drafts_are_those_i_created_and_those_sent_back_to_me(as_role, make_release):
    client = as_role("Redaktion")
    me = client.session["_auth_user_id"]
    other = make_release(title="Entwurf von jemand anderem", status=DRAFT, publish_at=None)
    mine = make_release(title="Mein Entwurf", status=DRAFT, publish_at=None, created_by_id=me)
    sent_back = make_release(
        title="Zurückgegeben",
        status=PressRelease.Status.CHANGES_REQUESTED,
        publish_at=None,
        created_by_id=me,
    )
    html = client.get("/admin/").content.decode()
    my_drafts = section(html, "mine")
    assert "Meine Entwürfe" in my_drafts
    assert mine.title in my_drafts and sent_back.title in my_drafts
    assert "Änderungen erbeten" in my_drafts
    assert other.title not in my_drafts and other.title in section(html, "drafts")


def test_submitted_releases_show_the_co_issuers_state(as_role, make_release):
    from releases.models import ReviewDecision, ReviewLink

    submitted = make_release(
        title="Wartet auf Freigabe", status=PressRelease.Status.SUBMITTED, publish_at=None
    )
    open_link = ReviewLink.objects.create(
        release=submitted, name="Anna Muster", organisation="IHK", email="a@ihk.example"
    )
    ReviewDecision.objects.create(
        link=ReviewLink.objects.create(
            release=submitted, name="Ben Beispiel", organisation="HWK", email="b@hwk.example"
        ),
        decision=ReviewDecision.Decision.CHANGES,
        comment="Bitte Logo tauschen",
    )
    assert open_link.state() == ReviewLink.State.OPEN
    make_release(title="Ohne Mitherausgeber", status=PressRelease.Status.SUBMITTED, publish_at=None)
    html = as_role("Chefredaktion").get("/admin/").content.decode()
    waiting = section(html, "submitted")
    assert "Wartet auf Freigabe" in waiting
    assert "Anna Muster (IHK): <strong>offen</strong>" in waiting
    assert "Ben Beispiel (HWK): <strong>Änderung erbeten</strong>" in waiting
    assert "Ohne Mitherausgeber" in waiting and "Keine Review-Links" in waiting
    assert "Wartet auf Freigabe" not in section(html, "drafts")


def test_chefredaktion_sees_the_latest_mailings_with_their_counts(as_role, office):
    mailing = Mailing.objects.create(release=office["scheduled"])
    State = MailingDelivery.State
    for number, state in enumerate([State.SENT, State.SENT, State.PENDING, State.FAILED]):
        MailingDelivery.objects.create(
            mailing=mailing, email=f"r{number}@zeitung.example", state=state
        )
    html = as_role("Chefredaktion").get("/admin/").content.decode()
    mailings = section(html, "mailings")
    assert f'href="/admin/releases/mailing/{mailing.pk}/change/">Unter Sperrfrist</a>' in mailings
    assert "2 versendet, 1 wartend, 1 fehlgeschlagen" in mailings


def test_the_latest_mailings_cost_one_query_however_many_there_are(as_role, office):
    client = as_role("Chefredaktion")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
        return len(queries)

    Mailing.objects.create(release=office["public"])
    one = count()
    for _ in range(4):
        mailing = Mailing.objects.create(release=office["scheduled"])
        MailingDelivery.objects.create(mailing=mailing, email="a@zeitung.example")
    assert count() == one
