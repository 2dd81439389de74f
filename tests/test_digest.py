"""The daily digest: chosen in the subscribe form, carried through the double opt-in, sent by
send_release_digests at most once a day per subscriber, with every release made public since the
last digest in full."""

import datetime
import re
import threading

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from contacts.models import DistributionList, Journalist, Subscription
from releases.models import DigestDelivery, Mailing

from .helpers import SUBSCRIBE_URL, SlowBackend, closed_port, link_in, subscriber

# A Wednesday morning; the digest job runs at 17:00.
MORNING = timezone.make_aware(datetime.datetime(2025, 3, 26, 9, 0))
EVENING = MORNING.replace(hour=17)
NEXT_EVENING = EVENING + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://presse.example.de"


@pytest.fixture
def topics(db):
    from releases.models import Topic

    return {name: Topic.objects.create(name=name) for name in ["Fachkräfte", "Marketing"]}


def digest_reader(email="taeglich@example.org", topics=()):
    reader = subscriber(email, topics, confirmed_at=MORNING - datetime.timedelta(days=30))
    Subscription.objects.filter(pk=reader.pk).update(daily_digest=True)
    reader.refresh_from_db()
    return reader


def digests():
    call_command("send_release_digests")


def released(make_release, title, moment, **fields):
    """A release made public at `moment` (created then, as the office would)."""
    with time_machine.travel(moment, tick=False):
        return make_release(title=title, publish_at=moment, **fields)


# Subscribing


def test_the_form_offers_the_digest_and_the_double_opt_in_carries_it(client, topics):
    form = client.get(SUBSCRIBE_URL).content.decode()
    assert "<legend>Wie oft?</legend>" in form
    assert re.search(r'<input type="radio" name="frequency" value="daily"[^>]*id="(\S+)"', form)
    daily = re.search(r'value="daily"[^>]*id="([^"]+)"', form).group(1)
    assert f'<label for="{daily}">Eine Zusammenfassung am Tag' in form

    client.post(
        SUBSCRIBE_URL, {"email": "erika@example.org", "frequency": "daily", "consent": "on"}
    )
    assert not Subscription.objects.exists()
    (message,) = mail.outbox
    assert "(alle Mitteilungen; einmal am Tag zusammengefasst)" in message.body
    url = link_in(message, "/presse/abonnieren/bestaetigen/")
    assert "einmal am Tag zusammengefasst" in client.get(url).content.decode()
    client.post(url)
    assert Subscription.objects.get(email="erika@example.org").daily_digest is True


def test_without_the_choice_one_mail_per_release_stays_the_default(client, topics):
    client.post(SUBSCRIBE_URL, {"email": "erika@example.org", "consent": "on"})
    client.post(link_in(mail.outbox[0], "/presse/abonnieren/bestaetigen/"))
    assert Subscription.objects.get().daily_digest is False
    assert "zusammengefasst" not in mail.outbox[0].body


def test_an_unknown_frequency_gets_a_german_form_error(client, topics):
    response = client.post(
        SUBSCRIBE_URL, {"email": "erika@example.org", "frequency": "hourly", "consent": "on"}
    )
    assert response.status_code == 200
    assert "keine gültige Auswahl" in response.content.decode()
    assert mail.outbox == []


# Sending


def test_one_digest_a_day_with_every_release_since_the_last_one_in_full(make_release, topics):
    reader = digest_reader()
    first = released(
        make_release,
        "Fachkräfte-Tag in Peine",
        MORNING,
        body="<h2>Das Programm</h2><ul><li>Vorträge</li></ul>",
        images=1,
    )
    second = released(make_release, "Neue Broschüre", MORNING + datetime.timedelta(hours=3))

    with time_machine.travel(EVENING, tick=False):
        digests()
        digests()  # the same day again: nothing more
    (message,) = mail.outbox
    assert message.to == ["taeglich@example.org"]
    assert message.subject == "Pressemitteilungen vom 26.03.2025: 2 neue Mitteilungen"
    html = message.alternatives[0].content
    for part in [message.body, html]:
        assert "Fachkräfte-Tag in Peine" in part and "Neue Broschüre" in part
        assert "Das Programm" in part and "Vorträge" in part  # the full text
        assert first.get_absolute_url() in part and second.get_absolute_url() in part
    assert message.body.index("Fachkräfte-Tag") < message.body.index("Neue Broschüre")
    assert "<h2" in html and "<style" not in html and "<img" not in html
    assert set(re.findall(r'href="(https?://[^/"]+)', html)) == {"https://presse.example.de"}
    assert "einmal am Tag zusammengefasst" in message.body
    unsubscribe = link_in(message, "/presse/abbestellen/")
    assert message.extra_headers["List-Unsubscribe"] == f"<https://presse.example.de{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = DigestDelivery.objects.get()
    assert (delivery.subscription, delivery.day) == (reader, EVENING.date())
    assert set(delivery.releases.all()) == {first, second}

    # The next day: only what is new since.
    third = released(make_release, "Bilanz des Jahres", EVENING + datetime.timedelta(hours=2))
    mail.outbox.clear()
    with time_machine.travel(NEXT_EVENING, tick=False):
        digests()
    (message,) = mail.outbox
    assert message.subject == "Pressemitteilungen vom 27.03.2025: Bilanz des Jahres"
    assert "Neue Broschüre" not in message.body
    assert set(DigestDelivery.objects.get(day=NEXT_EVENING.date()).releases.all()) == {third}

    # A day without anything new: no mail.
    mail.outbox.clear()
    with time_machine.travel(NEXT_EVENING + datetime.timedelta(days=1), tick=False):
        digests()
    assert mail.outbox == []


def test_digest_readers_get_no_alert_per_release_and_the_others_no_digest(make_release, topics):
    digest_reader("taeglich@example.org")
    subscriber("sofort@example.org", confirmed_at=MORNING - datetime.timedelta(days=30))
    released(make_release, "Eine Meldung", MORNING)
    with time_machine.travel(MORNING + datetime.timedelta(minutes=1), tick=False):
        call_command("send_release_alerts")
    assert [m.to for m in mail.outbox] == [["sofort@example.org"]]
    with time_machine.travel(EVENING, tick=False):
        digests()
    assert [m.to for m in mail.outbox] == [["sofort@example.org"], ["taeglich@example.org"]]


def test_a_digest_holds_only_the_chosen_topics(make_release, topics):
    digest_reader(topics=[topics["Fachkräfte"]])
    released(make_release, "Zu Fachkräften", MORNING, topics=[topics["Fachkräfte"]])
    released(make_release, "Zum Marketing", MORNING, topics=[topics["Marketing"]])
    with time_machine.travel(EVENING, tick=False):
        digests()
    (message,) = mail.outbox
    assert "Zu Fachkräften" in message.body and "Zum Marketing" not in message.body
    assert "(Themen: Fachkräfte; einmal am Tag zusammengefasst)" in message.body


def test_an_embargoed_release_is_not_in_the_digest_before_its_moment(make_release, topics):
    digest_reader()
    released(make_release, "Schon öffentlich", MORNING)
    moment = EVENING + datetime.timedelta(hours=1)  # the embargo ends after today's digest
    with time_machine.travel(MORNING, tick=False):
        make_release(title="Unter Sperrfrist", publish_at=moment)

    with time_machine.travel(EVENING, tick=False):
        digests()
    (today,) = mail.outbox
    assert "Schon öffentlich" in today.body and "Unter Sperrfrist" not in today.body
    assert "SPERRFRIST" not in today.body

    mail.outbox.clear()
    with time_machine.travel(NEXT_EVENING, tick=False):
        digests()
    (tomorrow,) = mail.outbox
    assert "Unter Sperrfrist" in tomorrow.body and "Schon öffentlich" not in tomorrow.body


def test_a_release_withdrawn_before_the_digest_is_left_out(make_release, topics):
    digest_reader()
    released(make_release, "Bleibt", MORNING)
    gone = released(make_release, "Zurückgezogen", MORNING)
    gone.status = gone.Status.WITHDRAWN
    gone.withdrawn_at = MORNING + datetime.timedelta(hours=1)
    gone.save()
    with time_machine.travel(EVENING, tick=False):
        digests()
    (message,) = mail.outbox
    assert "Bleibt" in message.body and "Zurückgezogen" not in message.body


def test_a_mailing_to_the_press_list_leaves_digest_readers_to_their_digest(make_release, topics):
    digest_reader("taeglich@example.org")
    release = released(make_release, "Für alle", MORNING)
    radio = DistributionList.objects.create(name="Hörfunk")
    radio.members.add(Journalist.objects.create(email="studio@radio.example", basis_source="T"))
    mailing = Mailing.objects.create(release=release, include_subscribers=True)
    mailing.lists.set([radio])
    assert list(mailing.recipients()) == ["studio@radio.example"]


def test_a_failing_mail_server_loses_no_digest_and_sends_none_twice(make_release, settings):
    digest_reader()
    released(make_release, "Wichtig", MORNING)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    with (
        time_machine.travel(EVENING, tick=False),
        pytest.raises(CommandError, match="Mailserver nicht erreichbar"),
    ):
        digests()
    pending = DigestDelivery.objects.get()
    assert pending.sent_at is None and pending.claimed_until is None and pending.last_error

    # Repaired the next morning; what became public meanwhile comes in the same digest.
    released(make_release, "Später", EVENING + datetime.timedelta(hours=1))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NEXT_EVENING - datetime.timedelta(hours=8), tick=False):
        digests()
        digests()
    (message,) = mail.outbox
    assert "Wichtig" in message.body and "Später" in message.body
    assert DigestDelivery.objects.count() == 1


class OverlappingBackend(LocmemBackend):
    """While the first run sends its first digest, a second run starts and runs to its end."""

    overlapped = False

    def send_messages(self, messages):
        if not OverlappingBackend.overlapped:
            OverlappingBackend.overlapped = True
            call_command("send_release_digests")
        return super().send_messages(messages)


def test_two_overlapping_runs_send_each_digest_once(make_release, settings):
    for name in ["anna", "ben", "cem"]:
        digest_reader(f"{name}@example.org")
    released(make_release, "Eins", MORNING)
    released(make_release, "Zwei", MORNING)
    settings.EMAIL_BACKEND = "tests.test_digest.OverlappingBackend"
    OverlappingBackend.overlapped = False
    with time_machine.travel(EVENING, tick=False):
        digests()
    assert OverlappingBackend.overlapped
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@example.org",
        "ben@example.org",
        "cem@example.org",
    ]
    assert DigestDelivery.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_three_runs_at_the_same_time_on_postgresql_send_each_digest_once(make_release, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections; the SQLite test database is in memory")
    settings.EMAIL_BACKEND = "tests.test_alerts.SlowBackend"
    SlowBackend.senders = []
    for number in range(20):
        digest_reader(f"leser{number}@example.org")
    released(make_release, "Eins", MORNING)
    errors = []

    def worker():
        try:
            digests()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    with time_machine.travel(EVENING, tick=False):  # the clock of the whole process
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"leser{number}@example.org" for number in range(20)
    )
    assert len(set(SlowBackend.senders)) > 1  # the runs did overlap


def test_unsubscribing_from_the_digest_deletes_its_rows(client, make_release):
    digest_reader()
    released(make_release, "Eins", MORNING)
    with time_machine.travel(EVENING, tick=False):
        digests()
    client.post(link_in(mail.outbox[0], "/presse/abbestellen/"))
    assert not Subscription.objects.exists() and not DigestDelivery.objects.exists()


def test_staff_see_the_digests(staff_client, make_release):
    digest_reader()
    released(make_release, "Eins", MORNING)
    with time_machine.travel(EVENING, tick=False):
        digests()
    html = staff_client.get("/admin/releases/digestdelivery/").content.decode()
    assert "taeglich@example.org" in html
    delivery = DigestDelivery.objects.get()
    detail = staff_client.get(f"/admin/releases/digestdelivery/{delivery.pk}/change/")
    assert "Eins" in detail.content.decode()
