"""E-mail alerts: double opt-in subscription, one-click unsubscribe, send_release_alerts."""

import base64
import binascii
import contextlib
import datetime
import re
import smtplib
import threading
import zlib
from urllib.parse import unquote

import pytest
import time_machine
from django.core import mail
from django.core.cache import caches
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from contacts.models import RateLimitCounter, Subscription, SubscriptionRequest
from releases.models import AlertDelivery, PressRelease, Topic

from .helpers import (
    SUBSCRIBE_URL,
    SlowBackend,
    closed_port,
    count_queries,
    link_in,
    subscriber,
    through_proxy,
)


@pytest.fixture(autouse=True)
def _alert_settings(settings):
    """The rate limits count in the cache, which tests/conftest.py empties for every test."""
    settings.SITE_URL = "https://presse.example.de"


@pytest.fixture
def topics(make_release):
    """Three public topics: each has a public release, too old to be announced by mail."""
    topics = {
        name: Topic.objects.create(name=name)
        for name in ["Fachkräftesicherung", "Regionalmarketing", "Berufsorientierung"]
    }
    long_ago = timezone.now() - datetime.timedelta(days=60)
    make_release(title="Aus dem Archiv", topics=topics.values(), publish_at=long_ago)
    return topics


def request_subscription(client, email, topics=(), **extra):
    data = {"email": email, "topics": [topic.slug for topic in topics], "consent": "on"}
    return client.post(SUBSCRIBE_URL, data, **extra)


def subscribe(client, email, topics=()):
    """The whole double opt-in as a journalist does it: form, mail, link, button."""
    request_subscription(client, email, topics)
    url = link_in(mail.outbox[-1], "/presse/abonnieren/bestaetigen/")
    client.post(url)
    return Subscription.objects.get(email=email.lower())


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


# Subscribing: double opt-in


def test_subscribing_stores_nothing_until_the_link_in_the_mail_is_confirmed(client, topics):
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        response = request_subscription(
            client, " Erika.Beispiel@Zeitung.example ", [topics["Fachkräftesicherung"]]
        )
    assert response.status_code == 302
    assert response["Location"] == "/presse/abonnieren/gesendet/"
    assert "E-Mail mit einem Bestätigungslink" in client.get(response["Location"]).content.decode()
    assert not Subscription.objects.exists()

    (message,) = mail.outbox
    assert message.to == ["erika.beispiel@zeitung.example"]
    assert message.subject == "Bitte bestätigen Sie Ihr Abonnement der Pressemitteilungen"
    assert "bestellt (Themen: Fachkräftesicherung)." in message.body
    assert "Ohne Ihre Bestätigung speichern wir Ihre Adresse nicht" in message.body
    url = link_in(message, "/presse/abonnieren/bestaetigen/")
    assert re.search(r"http://testserver/presse/abonnieren/bestaetigen/\S+/", message.body)

    page = client.get(url)  # a mail scanner opening the link gives no consent
    assert page.status_code == 200
    assert "Abonnement bestätigen</button>" in page.content.decode()
    assert "erika.beispiel@zeitung.example" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    # "no-referrer" would make browsers post the button with "Origin: null": CSRF would say 403.
    assert page["Referrer-Policy"] == "same-origin"
    assert not Subscription.objects.exists()

    confirmed_at = moment + datetime.timedelta(minutes=5)
    with time_machine.travel(confirmed_at, tick=False):
        done = client.post(url)
    assert "Ihr Abonnement ist bestätigt" in done.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.email == "erika.beispiel@zeitung.example"
    assert subscription.confirmed_at == confirmed_at  # the moment of consent is kept
    assert list(subscription.topics.all()) == [topics["Fachkräftesicherung"]]


def test_subscribing_without_topics_means_all_releases(client, topics):
    subscription = subscribe(client, "alle@example.org")
    assert not subscription.topics.exists()
    assert "alle Mitteilungen" in mail.outbox[0].body


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "keine-adresse", "consent": "on"}, "Bitte gültige E-Mail-Adresse eingeben."),
        ({"email": "", "consent": "on"}, "Dieses Feld ist zwingend erforderlich."),
        ({"email": "a@example.org"}, "Bitte bestätigen Sie, dass Sie die E-Mails erhalten"),
        (
            {"email": "a@example.org", "consent": "on", "topics": ["gibt-es-nicht"]},
            "ist keine gültige Auswahl",
        ),
        ({"email": "x" * 300 + "@example.org", "consent": "on"}, "höchstens 254 Zeichen"),
    ],
)
def test_bad_input_gets_a_german_form_error_and_no_mail(client, topics, data, message):
    response = client.post(SUBSCRIBE_URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert mail.outbox == []


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(client, topics):
    subscriber("bekannt@example.org")
    known = request_subscription(client, "bekannt@example.org")
    unknown = request_subscription(client, "neu@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message.subject for message in mail.outbox] == [mail.outbox[0].subject] * 2
    assert Subscription.objects.count() == 1


def test_journalists_may_subscribe_to_projects(client, topics, make_project):
    project = make_project(name="Betriebsnachbarschaften")
    make_project(name="Noch geheim", status="planned")
    form = client.get(SUBSCRIBE_URL).content.decode()
    assert "<legend>Projekte</legend>" in form and "Betriebsnachbarschaften" in form
    assert "Noch geheim" not in form  # a planned project is not public yet

    client.post(
        SUBSCRIBE_URL,
        {
            "email": "projekt@example.org",
            "topics": [topics["Regionalmarketing"].slug],
            "projects": [project.slug],
            "consent": "on",
        },
    )
    message = mail.outbox[0]
    assert "(Themen: Regionalmarketing; Projekte: Betriebsnachbarschaften)" in message.body
    page = client.post(link_in(message, "/presse/abonnieren/bestaetigen/")).content.decode()
    assert "(Themen: Regionalmarketing; Projekte: Betriebsnachbarschaften)" in page
    subscription = Subscription.objects.get()
    assert list(subscription.projects.all()) == [project]
    assert list(subscription.topics.all()) == [topics["Regionalmarketing"]]


def test_changed_topics_apply_only_after_the_new_confirmation(client, topics):
    subscription = subscribe(client, "wechsel@example.org", [topics["Regionalmarketing"]])
    request_subscription(client, "wechsel@example.org", [topics["Berufsorientierung"]])
    assert list(subscription.topics.all()) == [topics["Regionalmarketing"]]
    client.post(link_in(mail.outbox[-1], "/presse/abonnieren/bestaetigen/"))
    assert list(subscription.topics.all()) == [topics["Berufsorientierung"]]
    assert Subscription.objects.count() == 1


def test_one_address_gets_at_most_three_confirmation_mails_a_day(client, topics):
    responses = [request_subscription(client, "opfer@example.org") for _ in range(5)]
    assert len(mail.outbox) == 3
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, "/presse/abonnieren/gesendet/")
    }
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=1)):
        request_subscription(client, "opfer@example.org")  # a day later: one more
    assert len(mail.outbox) == 4


def empty_every_cache(settings):
    """What page traffic does to a cache: anonymous GETs with fresh query strings fill the local
    cache (1,000 entries) or Redis (allkeys-lru), which then evict the oldest entries."""
    for alias in settings.CACHES:
        caches[alias].clear()


def test_emptying_the_cache_does_not_reset_the_limits(client, topics, settings):
    for number in range(10):
        request_subscription(client, f"person{number}@example.org")
    empty_every_cache(settings)
    assert request_subscription(client, "person10@example.org").status_code == 429

    for number in range(3):
        request_subscription(client, "opfer@example.org", REMOTE_ADDR=f"198.51.100.{number}")
    empty_every_cache(settings)
    for number in range(3, 6):
        request_subscription(client, "opfer@example.org", REMOTE_ADDR=f"198.51.100.{number}")
    assert recipients() == ["opfer@example.org"] * 3 + [f"person{n}@example.org" for n in range(10)]


def test_the_limits_count_while_redis_is_down(client, topics, settings):
    settings.CACHES = {
        alias: {
            "BACKEND": "allianz_site.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
        for alias in ["default", "shared"]
    }
    for number in range(5):
        request_subscription(client, "opfer@example.org", REMOTE_ADDR=f"198.51.100.{number}")
    assert recipients() == ["opfer@example.org"] * 3
    for number in range(10):
        request_subscription(client, f"person{number}@example.org")
    assert request_subscription(client, "person10@example.org").status_code == 429


def test_the_form_sends_nothing_when_it_cannot_count(client, topics):
    """Fail closed: without its counters the form cannot keep its limits, so it sends nothing."""

    def counters_unreachable(execute, sql, params, many, context):
        if RateLimitCounter._meta.db_table in sql:
            raise OperationalError("could not obtain lock on relation")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counters_unreachable):
        response = request_subscription(client, "erika@example.org")
    assert response.status_code == 503
    assert "Die Anmeldung ist gerade nicht möglich" in response.content.decode()
    assert "Es wurde keine E-Mail versendet" in response.content.decode()
    assert mail.outbox == []
    assert not SubscriptionRequest.objects.exists()
    assert request_subscription(client, "erika@example.org").status_code == 302  # counting again
    assert recipients() == ["erika@example.org"]


def test_one_client_may_ask_ten_times_an_hour(client, topics):
    for number in range(10):
        assert request_subscription(client, f"person{number}@example.org").status_code == 302
    response = request_subscription(client, "person10@example.org")
    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.content.decode()
    assert len(mail.outbox) == 10
    other = request_subscription(client, "person11@example.org", REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_ipv6_clients_are_counted_per_64_block(client, topics):
    for number in range(10):
        request_subscription(client, f"p{number}@example.org", REMOTE_ADDR=f"2001:db8::{number}")
    response = request_subscription(client, "p10@example.org", REMOTE_ADDR="2001:db8::ffff:1")
    assert response.status_code == 429


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(client, topics):
    for number in range(10):
        request_subscription(
            client, f"g{number}@example.org", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"
        )
    response = request_subscription(client, "g10@example.org", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_behind_nginx_the_address_nginx_appended_counts(client, topics, settings):
    """deploy/nginx-site.conf appends the client to X-Forwarded-For (DJANGO_BEHIND_PROXY=1): what
    the client wrote before it is ignored, so a forged first entry does not escape the limit, and
    another client behind the same proxy is counted on its own."""
    settings.BEHIND_PROXY = True
    for number in range(10):
        forwarded = through_proxy(f"198.51.100.{number}, 203.0.113.5")
        response = request_subscription(client, f"n{number}@example.org", **forwarded)
        assert response.status_code == 302
    forged = through_proxy("198.51.100.99, 203.0.113.5")
    response = request_subscription(client, "n10@example.org", **forged)
    assert response.status_code == 429
    other = request_subscription(client, "n11@example.org", **through_proxy("203.0.113.6"))
    assert other.status_code == 302
    assert len(mail.outbox) == 11


def test_mail_server_down_while_subscribing_gets_a_german_page(client, topics, settings):
    settings.EMAIL_BACKEND = "tests.test_alerts.DownBackend"
    response = request_subscription(client, "a@example.org")
    assert response.status_code == 503
    assert "Die Bestätigungs-E-Mail konnte nicht versendet werden" in response.content.decode()


def test_confirmation_link_expires_after_three_days(client, topics):
    request_subscription(client, "spaet@example.org")
    url = link_in(mail.outbox[0], "/presse/abonnieren/bestaetigen/")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3, minutes=1)):
        response = client.post(url)
    assert response.status_code == 400
    assert "ungültig oder abgelaufen" in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_confirmation_link_works_once(client, topics):
    request_subscription(client, "einmal@example.org", [topics["Regionalmarketing"]])
    url = link_in(mail.outbox[0], "/presse/abonnieren/bestaetigen/")
    assert "Ihr Abonnement ist bestätigt" in client.post(url).content.decode()
    subscription = Subscription.objects.get()
    for again in (client.get, client.post):  # a second click, a reload
        response = again(url)
        assert response.status_code == 400
        assert "Dieser Bestätigungslink ist ungültig oder abgelaufen" in response.content.decode()
    client.post(f"/presse/abbestellen/{subscription.unsubscribe_token}/")
    assert not Subscription.objects.exists()

    response = client.post(url)  # within its three days, after unsubscribing
    assert response.status_code == 400
    assert "Jeder Link gilt nur einmal" in response.content.decode()
    assert not Subscription.objects.exists()


def test_confirming_uses_up_the_other_links_to_that_address(client, topics):
    request_subscription(client, "zweimal@example.org", [topics["Regionalmarketing"]])
    request_subscription(client, "zweimal@example.org", [topics["Berufsorientierung"]])
    first, second = (link_in(m, "/presse/abonnieren/bestaetigen/") for m in mail.outbox)
    client.post(second)
    assert client.post(first).status_code == 400
    assert list(Subscription.objects.get().topics.all()) == [topics["Berufsorientierung"]]


def test_unsubscribing_deletes_open_requests_of_the_address(client, topics):
    subscription = subscribe(client, "weg@example.org")
    request_subscription(client, "weg@example.org", [topics["Regionalmarketing"]])
    link = link_in(mail.outbox[-1], "/presse/abonnieren/bestaetigen/")
    client.post(f"/presse/abbestellen/{subscription.unsubscribe_token}/")
    assert not SubscriptionRequest.objects.exists()
    assert client.post(link).status_code == 400
    assert not Subscription.objects.exists()


def decodable_parts(url):
    """Whatever anyone can read out of a link without the secret key: the address as it is,
    and each part of it decoded as (URL-safe) Base64, also when compressed (Django's signing)."""
    texts = [unquote(url)]
    for part in re.split(r"[/:.]", unquote(url)):
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (binascii.Error, ValueError):
            continue
        texts.append(raw.decode("latin-1"))
        with contextlib.suppress(zlib.error):
            texts.append(zlib.decompress(raw).decode("latin-1"))
    return texts


def test_the_confirmation_link_carries_no_address(client, topics):
    request_subscription(client, "erika.beispiel@zeitung.example", [topics["Regionalmarketing"]])
    url = link_in(mail.outbox[0], "/presse/abonnieren/bestaetigen/")
    for text in decodable_parts(url):
        assert "erika" not in text.lower() and "zeitung" not in text.lower(), text
    # The database keeps the request, but not the secret that opens it.
    secret = url.rstrip("/").rsplit("/", 1)[1]
    assert not SubscriptionRequest.objects.filter(token_digest__contains=secret).exists()
    assert secret not in str(list(SubscriptionRequest.objects.values()))


@pytest.mark.parametrize(
    "token", ["kaputt", "eyJlbWFpbCI6ImFAYi5kZSJ9:1t:abc", "x" * 3000, "%C3%28"]
)
def test_altered_confirmation_link_gets_a_german_400(client, db, token):
    response = client.post(f"/presse/abonnieren/bestaetigen/{token}/")
    assert response.status_code == 400
    assert "Dieser Bestätigungslink ist ungültig oder abgelaufen" in response.content.decode()
    assert not Subscription.objects.exists()


def test_confirmation_for_topics_that_no_longer_exist_asks_to_subscribe_again(client, topics):
    request_subscription(client, "a@example.org", [topics["Regionalmarketing"]])
    topics["Regionalmarketing"].delete()
    response = client.get(link_in(mail.outbox[0], "/presse/abonnieren/bestaetigen/"))
    assert response.status_code == 400
    assert "Diese Themen und Projekte gibt es nicht mehr" in response.content.decode()


# Unsubscribing


def test_unsubscribe_asks_first_and_then_deletes_the_address(client, topics, make_release):
    subscription = subscribe(client, "weg@example.org", [topics["Regionalmarketing"]])
    AlertDelivery.objects.create(release=make_release(), subscription=subscription)
    url = f"/presse/abbestellen/{subscription.unsubscribe_token}/"

    assert "weg@example.org" not in url  # no address in URLs, and so none in server logs
    page = client.get(url)  # opening the link alone deletes nothing
    assert "Abbestellen</button>" in page.content.decode()
    assert Subscription.objects.filter(email="weg@example.org").exists()

    done = client.post(url)
    assert "an weg@example.org; sie ist bei uns gelöscht" in done.content.decode()
    assert not Subscription.objects.exists()
    assert not AlertDelivery.objects.exists()
    assert not topics["Regionalmarketing"].subscriptions.exists()
    assert client.post(url).status_code == 200  # a second click changes nothing, tells nothing


def test_mail_programs_unsubscribe_with_one_click_post_without_csrf_token(db):
    token = subscriber("einklick@example.org").unsubscribe_token
    response = Client(enforce_csrf_checks=True).post(
        f"/presse/abbestellen/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("token", ["kaputt", "1:falsch", "x" * 3000, "%C3%28"])
def test_altered_unsubscribe_link_gets_a_german_400(client, db, token):
    subscriber("a@example.org")
    response = client.post(f"/presse/abbestellen/{token}/")
    assert response.status_code == 400
    assert "Dieser Link zum Abbestellen ist ungültig" in response.content.decode()
    assert Subscription.objects.exists()


def test_staff_see_subscriptions_and_may_delete_but_not_add_them(staff_client, topics):
    subscriber("liste@example.org", [topics["Regionalmarketing"]])
    html = staff_client.get("/admin/contacts/subscription/").content.decode()
    assert "liste@example.org" in html and "Regionalmarketing" in html
    assert staff_client.get("/admin/contacts/subscription/add/").status_code == 403


# send_release_alerts


def run():
    call_command("send_release_alerts")


@pytest.fixture
def readers(topics):
    return {
        "alle": subscriber("alle@example.org"),
        "fachkraefte": subscriber("fachkraefte@example.org", [topics["Fachkräftesicherung"]]),
        "marketing": subscriber("marketing@example.org", [topics["Regionalmarketing"]]),
    }


def test_new_release_goes_once_to_the_subscribers_of_its_topics(make_release, topics, readers):
    release = make_release(
        title="Abschluss in Helmstedt",
        place="Helmstedt",
        lead="Zwei Jahre Betriebsnachbarschaften.",
        topics=[topics["Fachkräftesicherung"], topics["Berufsorientierung"]],
    )
    run()
    run()
    assert recipients() == ["alle@example.org", "fachkraefte@example.org"]

    message = next(m for m in mail.outbox if m.to == ["fachkraefte@example.org"])
    assert message.subject == "Pressemitteilung: Abschluss in Helmstedt"
    assert "Helmstedt, 28. März 2022. Zwei Jahre Betriebsnachbarschaften." in message.body
    assert f"https://presse.example.de{release.get_absolute_url()}" in message.body
    assert "abonniert haben (Themen: Fachkräftesicherung)." in message.body
    unsubscribe = link_in(message, "/presse/abbestellen/")
    assert message.extra_headers["List-Unsubscribe"] == f"<https://presse.example.de{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert AlertDelivery.objects.filter(sent_at__isnull=False).count() == 2


def test_release_of_a_project_goes_to_its_subscribers(make_release, make_project, topics, readers):
    project, other = make_project(name="Betriebsnachbarschaften"), make_project()
    follower = subscriber("projekt@example.org")
    follower.projects.set([project])
    readers["marketing"].projects.set([project])  # a topic and a project: either one matches
    release = make_release(title="Neues aus dem Projekt", topics=[topics["Berufsorientierung"]])
    release.projects.set([project])
    elsewhere = make_release(title="Anderes Projekt", topics=[topics["Berufsorientierung"]])
    elsewhere.projects.set([other])
    run()
    to_project = sorted(m.to[0] for m in mail.outbox if m.subject.endswith("aus dem Projekt"))
    assert to_project == ["alle@example.org", "marketing@example.org", "projekt@example.org"]
    to_other = sorted(m.to[0] for m in mail.outbox if m.subject.endswith("Anderes Projekt"))
    assert to_other == ["alle@example.org"]
    message = next(m for m in mail.outbox if m.to == ["projekt@example.org"])
    assert "abonniert haben (Projekte: Betriebsnachbarschaften)." in message.body


def test_unsubscribe_link_in_an_alert_works(client, make_release, readers):
    make_release()
    run()
    message = next(m for m in mail.outbox if m.to == ["alle@example.org"])
    client.post(link_in(message, "/presse/abbestellen/"))
    assert not Subscription.objects.filter(email="alle@example.org").exists()
    make_release()
    mail.outbox.clear()
    run()
    assert "alle@example.org" not in recipients()


def test_embargoed_release_is_not_sent_before_its_time_and_once_after(make_release, readers):
    moment = timezone.now() + datetime.timedelta(hours=5)
    make_release(title="Unter Sperrfrist", publish_at=moment)
    with time_machine.travel(moment - datetime.timedelta(seconds=1), tick=False):
        run()
        assert mail.outbox == []
    with time_machine.travel(moment + datetime.timedelta(seconds=30), tick=False):
        run()
        run()
    assert recipients() == ["alle@example.org"]
    assert mail.outbox[0].subject == "Pressemitteilung: Unter Sperrfrist"


def test_draft_is_never_sent(make_release, readers):
    make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    make_release(status=PressRelease.Status.DRAFT)  # even with a past publish_at
    run()
    assert mail.outbox == []
    assert not AlertDelivery.objects.exists()


@pytest.mark.parametrize("transition", [PressRelease.unpublish, PressRelease.withdraw])
def test_unpublished_or_withdrawn_release_is_not_sent(make_release, readers, transition):
    release = make_release()
    transition(release)
    release.save()
    run()
    assert mail.outbox == []


def test_a_release_published_again_is_announced_again(staff_client, make_release, topics, readers):
    """Published last week (outside the alert window), unpublished and published again: it goes
    out now, so its subscribers hear of it; whoever got it the first time does not again."""
    release = make_release(
        title="Wieder da",
        topics=[topics["Fachkräftesicherung"]],
        publish_at=timezone.now() - datetime.timedelta(days=7),
    )
    AlertDelivery.objects.create(
        release=release, subscription=readers["alle"], sent_at=release.publish_at
    )
    run()
    assert mail.outbox == []  # outside the window
    for action in ["unpublish", "publish"]:
        url = "/admin/releases/pressrelease/"
        staff_client.post(url, {"action": action, "_selected_action": [release.pk]})
    run()
    assert recipients() == ["fachkraefte@example.org"]
    assert mail.outbox[0].subject == "Pressemitteilung: Wieder da"


def test_archive_and_releases_from_before_a_subscription_are_not_sent(make_release, topics):
    make_release(publish_at=timezone.now() - datetime.timedelta(days=4))  # outside the window
    before = make_release(publish_at=timezone.now() - datetime.timedelta(hours=2))
    subscriber("neu@example.org", confirmed_at=before.publish_at + datetime.timedelta(minutes=1))
    run()
    assert mail.outbox == []
    make_release()  # public an hour ago, after the subscription
    run()
    assert recipients() == ["neu@example.org"]


class DownBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.mark.parametrize("server", ["disconnects", "refuses connections"])
def test_failing_mail_server_loses_no_alert(make_release, readers, settings, server):
    make_release(title="Wichtige Meldung")
    if server == "disconnects":
        settings.EMAIL_BACKEND = "tests.test_alerts.DownBackend"
    else:  # Django's real SMTP backend against a port where no server listens
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    with pytest.raises(CommandError, match="Mailserver nicht erreichbar"):
        run()
    pending = AlertDelivery.objects.get()
    assert pending.sent_at is None and pending.claimed_until is None
    assert pending.attempts == 1 and pending.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run()
    run()
    assert recipients() == ["alle@example.org"]
    assert mail.outbox[0].subject == "Pressemitteilung: Wichtige Meldung"


class RefusingBackend(LocmemBackend):
    """Refuses one address, delivers the others."""

    def send_messages(self, messages):
        if messages[0].to == ["fachkraefte@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"fachkraefte@example.org": (550, b"unknown")})
        return super().send_messages(messages)


def test_a_refused_address_does_not_hold_up_the_others(make_release, topics, readers, settings):
    make_release(topics=[topics["Fachkräftesicherung"]])
    settings.EMAIL_BACKEND = "tests.test_alerts.RefusingBackend"
    run()
    assert recipients() == ["alle@example.org"]
    refused = AlertDelivery.objects.get(subscription=readers["fachkraefte"])
    assert refused.sent_at is None and refused.attempts == 1  # tried again next run


class OverlappingBackend(LocmemBackend):
    """While the first run sends its first mail, a second run starts and runs to its end."""

    overlapped = False

    def send_messages(self, messages):
        if not OverlappingBackend.overlapped:
            OverlappingBackend.overlapped = True
            call_command("send_release_alerts")
        return super().send_messages(messages)


def test_overlapping_runs_send_no_mail_twice(make_release, topics, readers, settings):
    make_release(topics=[topics["Fachkräftesicherung"]])
    make_release(topics=[topics["Regionalmarketing"]])
    settings.EMAIL_BACKEND = "tests.test_alerts.OverlappingBackend"
    OverlappingBackend.overlapped = False
    run()
    assert OverlappingBackend.overlapped
    assert recipients() == [
        "alle@example.org",
        "alle@example.org",
        "fachkraefte@example.org",
        "marketing@example.org",
    ]
    assert AlertDelivery.objects.filter(sent_at__isnull=True).count() == 0


def test_a_run_that_died_while_sending_is_taken_over_later(make_release, readers):
    release = make_release()
    run_that_died = AlertDelivery.objects.create(release=release, subscription=readers["alle"])
    assert run_that_died.claim()
    run()
    assert mail.outbox == []  # still claimed: it may be on its way
    with time_machine.travel(timezone.now() + AlertDelivery.CLAIM_FOR + datetime.timedelta(1)):
        run()
    assert recipients() == ["alle@example.org"]


def test_alerts_need_the_site_address(make_release, readers, settings):
    settings.SITE_URL = ""
    make_release()
    with pytest.raises(CommandError, match="DJANGO_SITE_URL"):
        run()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_on_postgresql_send_each_mail_once(make_release, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections; the SQLite test database is in memory")
    settings.EMAIL_BACKEND = "tests.test_alerts.SlowBackend"
    SlowBackend.senders = []
    for number in range(30):
        subscriber(f"leser{number}@example.org")
    make_release()
    make_release()
    errors = []

    def worker():
        try:
            run()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(mail.outbox) == 60
    assert len({(m.subject, m.to[0]) for m in mail.outbox}) == 60  # no pair twice
    assert len(set(SlowBackend.senders)) > 1  # the runs did overlap


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_on_postgresql_lose_no_count():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections; the SQLite test database is in memory")
    errors, start = [], threading.Barrier(4)

    def worker():
        try:
            start.wait()
            for _ in range(10):
                RateLimitCounter.exceeded("client:192.0.2.1", 1000, 60)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert RateLimitCounter.objects.get().count == 40  # the first four opened one window


def test_staff_see_which_alerts_went_out(staff_client, make_release, readers):
    make_release(title="Versandte Meldung")
    run()
    html = staff_client.get("/admin/releases/alertdelivery/").content.decode()
    assert "Versandte Meldung" in html and "alle@example.org" in html
    assert (
        staff_client.get("/admin/releases/alertdelivery/?sent_at__isnull=True").status_code == 200
    )


def test_subscribe_page_query_count_does_not_grow_with_topics_or_projects(
    client, make_project, make_release
):
    make_release(topics=[Topic.objects.create(name="Eins")])  # a topic is public with a release
    make_project()
    few = count_queries(client, SUBSCRIBE_URL)
    for number in range(10):
        make_release(topics=[Topic.objects.create(name=f"Thema {number}")])
        make_project()
    assert "Thema 9" in client.get(SUBSCRIBE_URL).content.decode()
    assert count_queries(client, SUBSCRIBE_URL) == few == 2  # topics, projects


def test_subscribing_still_works_while_redis_is_down(client, topics, settings):
    """The cache is an accelerator (allianz_site/cache.py): with Redis away the rate limits
    cannot count, and the form still answers instead of failing."""
    settings.CACHES = {
        "default": {
            "BACKEND": "allianz_site.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    response = request_subscription(client, "trotzdem@example.org")
    assert response.status_code == 302
    assert mail.outbox[0].to == ["trotzdem@example.org"]
