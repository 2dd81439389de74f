"""The page cache never lies: anonymous visitors get cached pages, and every save, every embargo
that ends and every event that passes shows at once. Staff, admin and preview are never cached."""

import contextlib
import datetime
import re
import time
import uuid

import pytest
import redis
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCacheClient, RedisSerializer
from django.db import models
from django.db.models.signals import post_save
from django.http import HttpResponse
from django.test import Client
from django.test.utils import isolate_apps
from django.utils import timezone

from contacts.models import DistributionList, Journalist, MediaOutlet, Subscription, Suppression
from releases import cache as page_cache_module
from releases.cache import PageCacheMiddleware, check_shared_cache
from releases.models import (
    AlertDelivery,
    EmbargoLink,
    Mailing,
    MailingDelivery,
    PressRelease,
    ProjectEvent,
    ProjectPartner,
    Topic,
)

from .browser.tools import require
from .helpers import closed_port, page, redis_answers, redis_caches


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_MAX_AGE = 10


@pytest.fixture
def visitor():
    """An anonymous reader, apart from `client` (which staff_client logs in)."""
    return Client()


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


# --- Served from the cache -------------------------------------------------------------------


def test_second_visit_is_served_from_the_cache_without_a_query(
    visitor, make_release, make_project, make_partner, make_contact, django_assert_num_queries
):
    release = make_release(title="Gespeicherte Meldung")
    project = make_project()
    partner = make_partner(is_shareholder=True)
    make_contact()
    urls = [
        "/",
        "/presse/",
        "/presse/2022/",
        "/presse/2022/03/",
        release.get_absolute_url(),
        "/projekte/",
        project.get_absolute_url(),
        "/gesellschafter/",
        partner.get_absolute_url(),
        "/pressekontakt/",
        "/impressum/",
    ]
    for url in urls:
        first = visitor.get(url)
        assert first.status_code == 200, url
        with django_assert_num_queries(0):
            second = visitor.get(url)
        assert second.content == first.content, url


def test_public_page_may_be_kept_by_browsers_and_proxies_for_a_few_seconds(visitor, make_release):
    make_release()
    for response in [visitor.get("/presse/"), visitor.get("/presse/")]:  # built, then cached
        assert cache_control(response) == {"public", "max-age=10"}
        assert response["ETag"] and response["Last-Modified"]


def test_each_page_of_the_archive_is_cached_on_its_own(visitor, make_release):
    for day in range(25):
        make_release(title=f"Meldung {day:02d}", release_date=datetime.date(2020, 1, day + 1))
    assert "Meldung 24" in page(visitor, "/presse/")
    second = page(visitor, "/presse/?page=2")
    assert "Meldung 04" in second and "Meldung 24" not in second


def test_page_cache_switched_off_builds_every_page_and_sends_no_public_cache_header(
    settings, visitor, make_release, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    make_release()
    visitor.get("/presse/")
    # Every request builds the page: the archive's seven queries (month counts, the topic, place,
    # project and partner facets, the page, its topics; see tests/test_views.py), each time.
    with django_assert_num_queries(7):
        response = visitor.get("/presse/")
    assert "public" not in cache_control(response)


# --- Every change shows at once ----------------------------------------------------------------


@pytest.fixture
def world(make_release, make_project, make_partner, make_contact, topic):
    """One release with everything a page shows about it, and every page already cached."""
    contact = make_contact(first_name="Sibille")
    project = make_project(name="Betriebsnachbarschaften", areas=1)
    partner = make_partner(name="IHK Braunschweig", is_shareholder=True)
    ProjectPartner.objects.create(project=project, partner=partner, role="funder")
    release = make_release(title="Projekt beendet", topics=[topic], images=1, attachments=1)
    release.projects.add(project)
    release.partners.add(partner)
    release.contacts.add(contact)
    world = {
        "release": release,
        "topic": topic,
        "project": project,
        "partner": partner,
        "contact": contact,
        "event": ProjectEvent.objects.get(area__project=project),
        "image": release.images.get(),
        "attachment": release.attachments.get(),
    }
    return world


def urls_of(world):
    return {
        "detail": world["release"].get_absolute_url(),
        "home": "/",
        "archive": "/presse/",
        "project": world["project"].get_absolute_url(),
        "partner": world["partner"].get_absolute_url(),
        "shareholders": "/gesellschafter/",
        "projects": "/projekte/",
        "contacts": "/pressekontakt/",
    }


def edit(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


CHANGES = [
    pytest.param(
        lambda w: edit(w["release"], title="Projekt erfolgreich beendet"),
        ["detail", "home", "archive", "project", "partner"],
        "Projekt erfolgreich beendet",
        id="release title edited",
    ),
    pytest.param(
        lambda w: edit(w["topic"], name="Gründungsförderung"),
        ["detail", "home", "archive"],
        "Gründungsförderung",
        id="topic renamed",
    ),
    pytest.param(
        lambda w: w["release"].topics.add(Topic.objects.create(name="Wasserstoffwirtschaft")),
        ["detail", "home", "archive"],
        "Wasserstoffwirtschaft",
        id="topic added to the release",
    ),
    pytest.param(
        lambda w: edit(w["image"], caption="Die Projektleiterin im Gespräch"),
        ["detail"],
        "Die Projektleiterin im Gespräch",
        id="image caption edited",
    ),
    pytest.param(
        lambda w: edit(w["attachment"], title="Abschlussbericht"),
        ["detail"],
        "Abschlussbericht",
        id="attachment renamed",
    ),
    pytest.param(
        lambda w: edit(w["project"], about="Gefördert bis 2025."),
        ["detail"],
        "Gefördert bis 2025.",
        id="project box edited",
    ),
    pytest.param(
        lambda w: edit(w["project"], name="Betriebsnachbarschaften II"),
        ["detail", "project", "projects", "partner"],
        "Betriebsnachbarschaften II",
        id="project renamed",
    ),
    pytest.param(
        lambda w: edit(w["event"], title="Abschlussveranstaltung in Helmstedt"),
        ["project"],
        "Abschlussveranstaltung in Helmstedt",
        id="event edited",
    ),
    pytest.param(
        lambda w: edit(w["partner"], name="IHK Braunschweig (Kammer)"),
        ["detail", "project", "partner", "shareholders"],
        "IHK Braunschweig (Kammer)",
        id="partner renamed",
    ),
    pytest.param(
        lambda w: edit(w["contact"], phone="+49 531 999"),
        ["detail", "contacts"],
        "+49 531 999",
        id="press contact edited",
    ),
]


@pytest.mark.parametrize(("change", "pages", "text"), CHANGES)
def test_a_change_shows_at_once_on_every_page_that_shows_it(
    visitor, world, committed, change, pages, text
):
    urls = urls_of(world)
    for name in pages:
        assert text not in page(visitor, urls[name]), name  # now cached
    with committed():
        change(world)
    for name in pages:
        assert text in page(visitor, urls[name]), name


REMOVALS = [
    pytest.param(
        lambda w: edit(w["release"], status=PressRelease.Status.DRAFT),
        "Projekt beendet",
        ["home", "archive", "project", "partner"],
        id="release unpublished",
    ),
    pytest.param(
        lambda w: w["release"].delete(),
        "Projekt beendet",
        ["home", "archive"],
        id="release deleted",
    ),
    pytest.param(
        lambda w: w["release"].projects.clear(),
        "Über das Projekt",
        ["detail"],
        id="project unlinked from the release",
    ),
    pytest.param(
        lambda w: w["image"].delete(), "Bildunterschrift 0", ["detail"], id="image deleted"
    ),
    pytest.param(
        lambda w: edit(w["contact"], is_active=False),
        "Sibille",
        ["contacts"],
        id="press contact deactivated",
    ),
    pytest.param(
        lambda w: edit(w["partner"], is_shareholder=False),
        "IHK Braunschweig",
        ["shareholders"],
        id="no longer a shareholder",
    ),
]


@pytest.mark.parametrize(("change", "text", "pages"), REMOVALS)
def test_what_is_withdrawn_or_deleted_disappears_at_once(
    visitor, world, committed, change, text, pages
):
    urls = urls_of(world)
    for name in pages:
        assert text in page(visitor, urls[name]), name
    with committed():
        change(world)
    for name in pages:
        assert text not in page(visitor, urls[name]), name


def subscribed_and_unsubscribed(world):
    """A journalist asks for alerts (the form counts the request and stores it until confirmed),
    confirms (twice: the second time the link is used up), gets an alert noted, and unsubscribes:
    the subscription, its topics and projects and its alerts go."""
    journalist = Client()
    choice = {"topics": [world["topic"].slug], "projects": [world["project"].slug]}
    email = {"email": "redaktion@zeitung.example", "consent": "on"}
    assert journalist.post("/presse/abonnieren/", {**email, **choice}).status_code == 302
    url = re.search(r"http://testserver(/presse/abonnieren/bestaetigen/\S+)", mail.outbox[-1].body)
    assert [journalist.post(url.group(1)).status_code for _ in range(2)] == [200, 400]
    subscription = Subscription.objects.get()
    assert subscription.topics.exists() and subscription.projects.exists()
    AlertDelivery.objects.create(release=world["release"], subscription=subscription)
    unsubscribe = f"/presse/abbestellen/{subscription.unsubscribe_token}/"
    assert journalist.post(unsubscribe).status_code == 200
    assert not Subscription.objects.exists() and not AlertDelivery.objects.exists()


def embargo_link_made_and_revoked(world):
    link = EmbargoLink.objects.create(release=world["release"], recipient="Tageszeitungen")
    edit(link, revoked=True)
    link.delete()


def staff_logged_in_and_out(world):
    staff = Client()
    staff.force_login(get_user_model().objects.create_user("redakteurin", is_staff=True))
    assert staff.get("/admin/").status_code == 200
    staff.logout()


def failed_logins(world):
    """Anybody can fail to log in: the login log (django-axes) must not empty the cache."""
    stranger = Client()
    for _ in range(6):
        response = stranger.post("/admin/login/", {"username": "redaktion", "password": "falsch"})
        assert response.status_code in (200, 429)
    assert AccessAttempt.objects.exists() and AccessFailureLog.objects.exists()


def press_list_kept_and_mailed(world):
    """The press list and the mailings to it are on no page: importing a list or sending a
    release to thousands of addresses must not empty the cache."""
    outlet = MediaOutlet.objects.create(name="Braunschweiger Zeitung")
    journalist = Journalist.objects.create(
        first_name="Jana", last_name="Beispiel", outlet=outlet, email="jana@example.org"
    )
    press_list = DistributionList.objects.create(name="Regionale Tageszeitungen")
    press_list.members.add(journalist)
    mailing = Mailing.objects.create(release=world["release"])
    mailing.lists.add(press_list)
    MailingDelivery.objects.create(mailing=mailing, email=journalist.email)
    Suppression.opt_out(journalist.email)


@pytest.mark.parametrize(
    "change",
    [
        subscribed_and_unsubscribed,
        embargo_link_made_and_revoked,
        staff_logged_in_and_out,
        failed_logins,
        press_list_kept_and_mailed,
    ],
)
def test_what_no_page_shows_keeps_every_cached_page(
    visitor, world, committed, django_assert_num_queries, change
):
    """Subscriptions, alerts, embargo links and sessions are on no cached page
    (PAGE_CACHE_IGNORED_MODELS): a new subscriber must not empty the cache."""
    urls = urls_of(world).values()
    for url in urls:
        page(visitor, url)
    generation = caches["shared"].get(page_cache_module.GENERATION_KEY)
    with committed():
        change(world)
    assert caches["shared"].get(page_cache_module.GENERATION_KEY) == generation
    for url in urls:
        with django_assert_num_queries(0):
            page(visitor, url)


@isolate_apps("tests")
def test_a_model_of_an_app_added_later_invalidates_unless_it_is_listed(db, committed):
    """Every model empties the cache when saved, deleted or linked, whichever app it belongs to,
    unless PAGE_CACHE_IGNORED_MODELS says no page shows it: a model that is forgotten there
    makes the cache emptier, never staler."""

    class Dossier(models.Model):  # of an app that did not exist when the cache was written
        title = models.CharField(max_length=100)

        class Meta:
            app_label = "tests"

        def __str__(self):
            return self.title

    generation = page_cache_module.current_generation()
    with committed():
        post_save.send(Dossier, instance=Dossier(pk=1, title="Neu"), created=True, using="default")
    assert caches["shared"].get(page_cache_module.GENERATION_KEY) != generation


def test_unpublished_release_page_answers_404_at_once(visitor, make_release, committed):
    release = make_release()
    assert visitor.get(release.get_absolute_url()).status_code == 200
    with committed():
        edit(release, status=PressRelease.Status.DRAFT)
    assert visitor.get(release.get_absolute_url()).status_code == 404


def test_edited_legal_page_shows_at_once(visitor, db, committed):
    assert "Musterstraße 1" not in page(visitor, "/impressum/")
    impressum = FlatPage.objects.get(url="/impressum/")
    with committed():
        edit(impressum, content=impressum.content + "<p>Musterstraße 1</p>")
    assert "Musterstraße 1" in page(visitor, "/impressum/")


def test_release_edited_in_the_admin_shows_at_once(visitor, staff_client, make_release, committed):
    release = make_release(title="Tippfehler im Titel")
    assert "Tippfehler im Titel" in page(visitor, "/presse/")
    with committed():
        response = staff_client.post(
            "/admin/releases/pressrelease/", {"action": "unpublish", "_selected_action": release.pk}
        )
    assert response.status_code == 302
    assert "Tippfehler im Titel" not in page(visitor, "/presse/")


def test_pages_are_invalidated_when_the_transaction_commits_not_before(
    visitor, make_release, django_capture_on_commit_callbacks
):
    """A page built while the transaction is open (from the rows other connections still see)
    must not be stored under the new generation: the generation changes at the commit."""
    release = make_release(title="Alter Titel")
    page(visitor, "/presse/")
    generation = caches["shared"].get(page_cache_module.GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        edit(release, title="Neuer Titel")
        assert caches["shared"].get(page_cache_module.GENERATION_KEY) == generation
    assert caches["shared"].get(page_cache_module.GENERATION_KEY) != generation
    assert "Neuer Titel" in page(visitor, "/presse/")


def test_a_request_reads_the_generation_once_and_afresh_after_its_own_save(rf, db, monkeypatch):
    """The page and every kept fragment of a request share the generation it read first (one
    read of the shared cache, not one per fragment); once the request has saved something,
    what it keeps from then on goes under the new generation."""
    reads = []
    shared_get = caches["shared"].get
    monkeypatch.setattr(
        caches["shared"], "get", lambda key, *args: reads.append(key) or shared_get(key, *args)
    )
    seen, reads_in_view = [], []

    def view(request):
        before = len(reads)
        seen.extend(page_cache_module.current_generation() for _ in range(3))
        reads_in_view.append(len(reads) - before)
        page_cache_module.invalidate_pages()  # as a save's on_commit does
        before = len(reads)
        seen.append(page_cache_module.current_generation())
        reads_in_view.append(len(reads) - before)
        return HttpResponse("Seite")

    PageCacheMiddleware(view)(rf.get("/presse/"))
    assert seen[0] == seen[1] == seen[2] != seen[3]
    assert seen[3] == caches["shared"].get(page_cache_module.GENERATION_KEY)
    # None before the save (the middleware read it for the page's key), one after it.
    assert reads_in_view == [0, 1]
    # Outside a request (a command, a mail) each call reads the shared cache.
    page_cache_module.invalidate_pages()
    assert page_cache_module.current_generation() == caches["shared"].get(
        page_cache_module.GENERATION_KEY
    )


# --- The clock: embargo and events -------------------------------------------------------------


def test_release_under_embargo_appears_at_its_moment_on_cached_pages(
    visitor, make_release, time_machine, django_assert_num_queries
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_release(title="Schon öffentlich")
    release = make_release(
        title="Unter Sperrfrist", publish_at=now + datetime.timedelta(seconds=90)
    )
    urls = ["/", "/presse/", "/presse/2022/"]
    for url in urls:
        assert "Unter Sperrfrist" not in page(visitor, url)
    assert visitor.get(release.get_absolute_url()).status_code == 404

    time_machine.move_to(now + datetime.timedelta(seconds=89))
    for url in urls:
        with django_assert_num_queries(0):  # still the cached page: a second before the moment
            assert "Unter Sperrfrist" not in page(visitor, url)

    time_machine.move_to(now + datetime.timedelta(seconds=90))
    for url in urls:
        assert "Unter Sperrfrist" in page(visitor, url)
    assert visitor.get(release.get_absolute_url()).status_code == 200


def test_max_age_for_browsers_and_proxies_ends_at_the_next_embargo(
    visitor, make_release, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_release(publish_at=now + datetime.timedelta(seconds=4, milliseconds=500))
    assert cache_control(visitor.get("/presse/")) == {"public", "max-age=4"}
    time_machine.move_to(now + datetime.timedelta(seconds=3))
    assert cache_control(visitor.get("/presse/")) == {"public", "max-age=1"}  # from the cache


def test_page_built_less_than_a_second_before_an_embargo_ends_is_not_kept(
    visitor, make_release, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_release(title="Gleich da", publish_at=now + datetime.timedelta(milliseconds=400))
    response = visitor.get("/")
    assert "Gleich da" not in response.content.decode()
    assert cache_control(response) == {"public", "max-age=0"}
    time_machine.move_to(now + datetime.timedelta(milliseconds=400))
    assert "Gleich da" in page(visitor, "/")


def test_a_draft_with_a_future_date_does_not_shorten_the_cache(visitor, make_release, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_release(status=PressRelease.Status.DRAFT, publish_at=now + datetime.timedelta(seconds=3))
    assert cache_control(visitor.get("/presse/")) == {"public", "max-age=10"}


def test_event_moves_from_upcoming_to_past_at_its_end_on_a_cached_project_page(
    visitor, make_project, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    project = make_project(areas=1, event_at=now + datetime.timedelta(minutes=2))
    assert "Nächste Termine" in page(visitor, project.get_absolute_url())
    time_machine.move_to(now + datetime.timedelta(minutes=2, seconds=1))
    assert "Nächste Termine" not in page(visitor, project.get_absolute_url())


def test_a_model_that_declares_when_it_changes_bounds_the_cache_without_being_named(
    visitor, db, monkeypatch, time_machine
):
    """What a later model needs to do for pages that change with the clock (say, image rights
    that end): give its QuerySet `next_change(now)`. The cache asks every model that has one."""
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    moment = now + datetime.timedelta(seconds=4)
    monkeypatch.setattr(
        Subscription._default_manager, "next_change", lambda now: moment, raising=False
    )
    assert cache_control(visitor.get("/presse/")) == {"public", "max-age=4"}


def test_page_is_kept_no_longer_than_page_cache_seconds(
    settings, visitor, make_release, time_machine, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 60
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_release()
    page(visitor, "/presse/")
    time_machine.move_to(now + datetime.timedelta(seconds=59))
    with django_assert_num_queries(0):
        page(visitor, "/presse/")
    time_machine.move_to(now + datetime.timedelta(seconds=60))
    # Built again: the archive's seven queries and the three that bound the new copy's lifetime
    # (the next embargo to end, the next event to pass, the next image whose rights end).
    with django_assert_num_queries(10):
        page(visitor, "/presse/")


# --- Never cached: staff, admin, preview, personal responses -----------------------------------


def test_staff_always_get_a_fresh_private_page(visitor, staff_client, make_release):
    make_release(title="Erste Fassung")
    page(visitor, "/presse/")  # cached for visitors
    PressRelease.objects.update(title="Ohne Signal geändert")  # the cache is not told
    response = staff_client.get("/presse/")
    assert "Ohne Signal geändert" in response.content.decode()
    assert "private" in cache_control(response) and "public" not in cache_control(response)


def test_admin_pages_are_private_and_never_cached(visitor, staff_client, make_release):
    release = make_release()
    for url in [
        "/admin/",
        "/admin/releases/pressrelease/",
        f"/admin/releases/pressrelease/{release.pk}/change/",
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200
        assert "private" in cache_control(response) and "public" not in cache_control(response)
    login = visitor.get("/admin/login/")
    assert "private" in cache_control(login) and "public" not in cache_control(login)


def test_staff_preview_is_private_and_never_cached(staff_client, make_release):
    release = make_release(status=PressRelease.Status.DRAFT)
    response = staff_client.get(f"/presse/vorschau/{release.pk}/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_messages_to_staff_wait_in_the_session_not_in_a_cookie_of_their_own(
    staff_client, make_release
):
    """The session cookie is the only one that makes a page personal (has_session_cookie)."""
    release = make_release()
    response = staff_client.post(
        "/admin/releases/pressrelease/", {"action": "unpublish", "_selected_action": release.pk}
    )
    assert response.status_code == 302
    assert "1 Mitteilung(en) zurückgezogen." in page(staff_client, response["Location"])
    assert "messages" not in staff_client.cookies


@pytest.mark.urls("tests.page_cache_urls")
def test_page_with_a_form_is_built_for_each_visitor_and_private(visitor, db):
    from tests import page_cache_urls

    page_cache_urls.RENDERED.clear()
    first = visitor.get("/formular/")
    second = Client().get("/formular/")
    assert len(page_cache_urls.RENDERED) == 2
    for response in [first, second]:
        assert 'name="csrfmiddlewaretoken"' in response.content.decode()
        assert "private" in cache_control(response) and "public" not in cache_control(response)


def test_a_request_for_another_host_is_a_400_and_the_cache_stays_on(
    visitor, make_release, monkeypatch, caplog, django_assert_num_queries
):
    """A forged Host header is that request's problem: it does not switch the page cache off
    (for RETRY_SECONDS, in this process) as if the cache had failed."""
    monkeypatch.setattr(PageCacheMiddleware, "cache_down_until", 0.0)
    make_release(title="Weiter aus dem Cache")
    page(visitor, "/presse/")
    stranger = Client(raise_request_exception=False)
    assert stranger.get("/presse/", headers={"host": "angreifer.example"}).status_code == 400
    with django_assert_num_queries(0):
        assert "Weiter aus dem Cache" in page(visitor, "/presse/")
    assert PageCacheMiddleware.cache_down_until == 0.0
    assert "Page cache unavailable" not in caplog.text


def test_not_found_is_not_cached(visitor, make_release, committed):
    assert visitor.get("/presse/2022/03/28/bald-da/").status_code == 404
    with committed():
        make_release(title="Bald da")
    assert visitor.get("/presse/2022/03/28/bald-da/").status_code == 200


# --- Conditional requests ---------------------------------------------------------------------


@pytest.mark.parametrize("cached", [True, False], ids=["page cache on", "page cache off"])
def test_repeat_visit_gets_304_not_modified(settings, visitor, make_release, cached):
    if not cached:
        settings.PAGE_CACHE_SECONDS = 0
    release = make_release()
    for url in ["/", "/presse/", release.get_absolute_url()]:
        first = visitor.get(url)
        assert first["ETag"]
        again = visitor.get(url, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        assert again.content == b""


def test_repeat_visit_with_if_modified_since_gets_304(visitor, make_release):
    make_release()
    first = visitor.get("/presse/")
    again = visitor.get("/presse/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304


def test_after_an_edit_the_old_etag_gets_the_new_page(visitor, make_release, committed):
    release = make_release(title="Vorher")
    first = visitor.get("/presse/")
    with committed():
        edit(release, title="Nachher")
    again = visitor.get("/presse/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert "Nachher" in again.content.decode()
    assert again["ETag"] != first["ETag"]


# --- Redis ------------------------------------------------------------------------------------


def test_pages_and_saves_work_while_redis_is_down(
    settings, visitor, make_release, committed, monkeypatch, caplog
):
    monkeypatch.setattr(PageCacheMiddleware, "cache_down_until", 0.0)
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")
    release = make_release(title="Trotzdem lesbar")
    for _ in range(2):
        assert "Trotzdem lesbar" in page(visitor, "/presse/")
        assert visitor.get(release.get_absolute_url()).status_code == 200
    with committed():
        edit(release, title="Trotzdem geändert")  # the invalidation fails, the save does not
    assert "Trotzdem geändert" in page(visitor, "/presse/")
    assert "Page cache unavailable" in caplog.text
    assert "Could not invalidate the page cache" in caplog.text


def test_with_redis_pages_are_cached_and_invalidated(
    settings, visitor, make_release, committed, django_assert_num_queries
):
    url = "redis://127.0.0.1:6379/0"
    require(redis_answers(), "no Redis on 127.0.0.1:6379 (.ci/run starts it)")
    settings.PAGE_CACHE_SECONDS = 30  # the keys expire soon after the test
    prefix = f"test-page-cache-{timezone.now().timestamp()}"
    settings.CACHES = redis_caches(url, prefix=prefix, timeout=5)
    release = make_release(title="Aus Redis")
    try:
        assert "Aus Redis" in page(visitor, "/presse/")
        with django_assert_num_queries(0):
            assert "Aus Redis" in page(visitor, "/presse/")
        with committed():
            edit(release, title="Neu aus Redis")
        assert "Neu aus Redis" in page(visitor, "/presse/")
    finally:
        caches["shared"].delete(page_cache_module.GENERATION_KEY)


@pytest.fixture
def redis_with_outages(settings, monkeypatch):
    """Both caches in the machine's Redis through the site's fail-safe backend (as in
    production), with `outage()` to make Redis unreachable for a while and `heal()` to make it
    answer again, as if the few seconds in which both the backend and the page cache leave it
    alone had passed. `generation()` is what any other process finds in Redis."""
    require(redis_answers(), "no Redis on 127.0.0.1:6379 (.ci/run starts it)")
    settings.PAGE_CACHE_SECONDS = 30  # the keys expire soon after the test
    prefix = f"test-page-cache-outage-{uuid.uuid4().hex}"
    settings.CACHES = {
        alias: {**caches_config, "BACKEND": "allianz_site.cache.FailSafeRedisCache"}
        for alias, caches_config in redis_caches(
            "redis://127.0.0.1:6379/0", prefix=prefix, timeout=5
        ).items()
    }
    monkeypatch.setattr(PageCacheMiddleware, "cache_down_until", 0.0)
    real_client = RedisCacheClient.get_client
    other_process = redis.Redis.from_url("redis://127.0.0.1:6379/0")  # not cut off by outage()
    generation_key = caches["shared"].make_key(page_cache_module.GENERATION_KEY)

    def unreachable(self, key=None, *, write=False):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    class Redis:
        @contextlib.contextmanager
        def outage(self):
            monkeypatch.setattr(RedisCacheClient, "get_client", unreachable)
            yield
            monkeypatch.setattr(RedisCacheClient, "get_client", real_client)

        def heal(self):
            for alias in ["default", "shared"]:
                caches[alias]._unavailable_until = 0.0
            PageCacheMiddleware.cache_down_until = 0.0

        def generation(self):
            value = other_process.get(generation_key)
            return None if value is None else RedisSerializer().loads(value)

    yield Redis()
    other_process.delete(generation_key)
    other_process.close()


def test_after_a_redis_outage_no_page_from_before_a_change_comes_back(
    visitor, make_release, committed, redis_with_outages
):
    """A withdrawal saved while Redis is away cannot replace the generation; once Redis answers
    again, the process that saved it replaces it before it serves anything from the cache."""
    release = make_release(title="Bald zurückgezogen")
    assert "Bald zurückgezogen" in page(visitor, "/presse/")
    assert "Bald zurückgezogen" in page(visitor, "/presse/")  # now from Redis
    before = redis_with_outages.generation()
    with redis_with_outages.outage():
        with committed():
            release.withdraw()
            release.save()
        assert "Bald zurückgezogen" not in page(visitor, "/presse/")  # from the database
    redis_with_outages.heal()
    assert "Bald zurückgezogen" not in page(visitor, "/presse/")
    assert visitor.get(release.get_absolute_url()).status_code == 410
    assert redis_with_outages.generation() not in (before, None)  # for every other process too


def test_after_a_redis_outage_an_idle_process_replaces_the_generation_by_itself(
    make_release, committed, redis_with_outages, monkeypatch, caplog
):
    """The process that saved gets no request after the outage: its thread replaces the
    generation, so that the other processes do not find the old pages either."""
    monkeypatch.setattr(page_cache_module, "RETRY_SECONDS", 0.05)
    monkeypatch.setattr("allianz_site.cache.RETRY_SECONDS", 0.05)
    release = make_release(title="Bald zurückgezogen")
    before = page_cache_module.current_generation()
    with redis_with_outages.outage():
        with committed():
            release.withdraw()
            release.save()
        time.sleep(0.3)  # the thread tries in vain meanwhile
        assert redis_with_outages.generation() == before
    for _ in range(100):  # Redis answers again; nobody asks this process for a page
        if redis_with_outages.generation() != before:
            break
        time.sleep(0.05)
    assert redis_with_outages.generation() not in (before, None)
    assert "Page cache invalidated after the outage" in caplog.text


def test_after_a_redis_outage_a_process_that_only_read_replaces_the_generation_too(
    visitor, make_release, redis_with_outages
):
    """A save during the outage may have come from a process that ended before Redis answered
    again (a manage.py command): every process that saw the cache fail replaces the generation
    once it answers again."""
    make_release(title="Vorher")
    assert "Vorher" in page(visitor, "/presse/")
    before = redis_with_outages.generation()
    with redis_with_outages.outage():
        PressRelease.objects.update(title="Nachher")  # another process's save, which could not
        assert "Nachher" in page(visitor, "/presse/")  # ... invalidate either
    redis_with_outages.heal()
    assert "Nachher" in page(visitor, "/presse/")
    assert redis_with_outages.generation() not in (before, None)


def test_a_process_that_ends_before_the_cache_answers_again_says_what_to_do(settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},  # keeps nothing
    }
    page_cache_module.invalidate_pages()
    assert page_cache_module.owes_invalidation()
    page_cache_module.warn_if_still_owed()  # what atexit calls
    assert "This process ends before it could replace the page cache's generation" in caplog.text
    assert "redis-cli -n <db> flushdb" in caplog.text
    assert page_cache_module._retrying is None


# --- Configuration ----------------------------------------------------------------------------


def test_check_warns_when_the_generation_is_private_to_one_process(settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    assert [warning.id for warning in check_shared_cache(None)] == ["releases.W001"]
    settings.CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": tmp_path,
    }
    assert check_shared_cache(None) == []
