"""Sending a release to the press list through a real SMTP server (aiosmtpd on loopback)."""

import datetime
import re

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import CharField, TextField
from django.utils import timezone

from contacts.models import DistributionList, Journalist, Subscription, Suppression
from releases.models import EmbargoLink, Mailing, MailingDelivery, PressRelease

from .helpers import Recorder, body_text, closed_port, html_of

NOW = timezone.make_aware(datetime.datetime(2025, 3, 26, 9, 0))
EMBARGO_ENDS = timezone.make_aware(datetime.datetime(2025, 3, 28, 10, 0))


@pytest.fixture
def smtp(settings):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=closed_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.SITE_URL = "https://presse.example.de"
    settings.MAILING_RATE_PER_SECOND = 1000
    settings.MAILING_RETRY_SECONDS = 60
    yield recorder
    controller.stop()


@pytest.fixture
def press_list(db):
    regional = DistributionList.objects.create(name="Regionale Tageszeitungen")
    radio = DistributionList.objects.create(name="Hörfunk")
    for number in range(3):
        regional.members.add(
            Journalist.objects.create(
                email=f"redaktion{number}@zeitung.example",
                first_name="Erika",
                last_name=f"Nummer{number}",
                basis_source="Test",
            )
        )
    both = Journalist.objects.get(email="redaktion0@zeitung.example")
    radio.members.add(both)  # on two lists: mailed once
    radio.members.add(Journalist.objects.create(email="studio@radio.example", basis_source="T"))
    return regional, radio


@pytest.fixture
def scheduled(make_release):
    with time_machine.travel(NOW, tick=False):
        return make_release(
            title="Betriebsnachbarschaften ziehen Bilanz",
            lead="Fünf Projekträume, zwei Jahre Arbeit.",
            body="<h2>Was erreicht wurde</h2><p>Viel.</p><ul><li>Goslar</li><li>Peine</li></ul>",
            publish_at=EMBARGO_ENDS,
            images=1,
        )


def start_mailing(release, lists, **fields):
    mailing = Mailing.objects.create(release=release, **fields)
    mailing.lists.set(lists)
    mailing.start()
    return mailing


@pytest.fixture
def before_the_embargo_ends():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_each_address_gets_one_mail_with_the_full_text_and_its_own_embargo_link(
    smtp, press_list, scheduled, before_the_embargo_ends, client
):
    mailing = start_mailing(scheduled, press_list)
    call_command("send_mailings")

    assert smtp.recipients() == [
        "redaktion0@zeitung.example",
        "redaktion1@zeitung.example",
        "redaktion2@zeitung.example",
        "studio@radio.example",
    ]
    _rcpts, message = smtp.messages[0]
    # (Python folds a long encoded Subject after "Subject:"; the parser keeps that space.)
    assert message["Subject"].strip() == (
        "SPERRFRIST 28.03.2025, 10:00 Uhr – Betriebsnachbarschaften ziehen Bilanz"
    )
    assert message["To"] == "Erika Nummer0 <redaktion0@zeitung.example>"
    text, html = body_text(message), html_of(message)
    for part in [text, html]:
        assert "Sperrfrist: 28.03.2025, 10:00 Uhr" in part.replace("SPERRFRIST", "Sperrfrist")
        assert "Fünf Projekträume, zwei Jahre Arbeit." in part
        assert "Was erreicht wurde" in part and "Peine" in part
    assert "<h2" in html and "<li" in html
    # Inlined CSS, nothing from another host, no script, no pixel.
    assert "<style" not in html and "<link" not in html and "<script" not in html
    assert "<img" not in html
    assert re.search(r'style="[^"]*max-width: ?600px', html)
    assert set(re.findall(r'href="(https?://[^/"]+)', html)) == {"https://presse.example.de"}
    # RFC 8058 headers.
    unsubscribe = re.search(
        r"<(https://presse.example.de/presse/abmelden/[^>]+)>", message["List-Unsubscribe"]
    ).group(1)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text

    # Four personal links, one per delivery; the journalist's opens it before the time.
    links = [
        re.search(r"/presse/sperrfrist/[^\s/]+/", body_text(m)).group(0) for _r, m in smtp.messages
    ]
    assert len(set(links)) == 4 == EmbargoLink.objects.filter(release=scheduled).count()
    # The release as PDF, offered through the same personal link (the PDF carries the Sperrfrist).
    assert f"https://presse.example.de{links[0]}pressemitteilung.pdf" in body_text(
        smtp.messages[0][1]
    )
    assert client.get(links[0]).status_code == 200
    client.get(links[0])
    delivery = MailingDelivery.objects.get(embargo_link__isnull=False, email=smtp.messages[0][0][0])
    assert delivery.embargo_link.open_count == 2
    assert delivery.embargo_link.first_opened_at == NOW
    assert mailing.progress() == {"pending": 0, "sent": 4, "failed": 0, "cancelled": 0}
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DONE

    # A second run sends nothing again.
    call_command("send_mailings")
    assert len(smtp.messages) == 4


def test_after_the_embargo_the_mail_has_the_public_links(smtp, press_list, scheduled):
    start_mailing(scheduled, press_list[1:])
    call_command("send_mailings")  # now is after EMBARGO_ENDS (the real clock)
    _rcpts, message = smtp.messages[0]
    assert message["Subject"].strip() == "Pressemitteilung: Betriebsnachbarschaften ziehen Bilanz"
    assert scheduled.get_absolute_url() in body_text(message)
    assert "SPERRFRIST" not in body_text(message)
    assert not EmbargoLink.objects.exists()


def test_opted_out_and_undeliverable_addresses_are_not_counted_or_mailed(
    smtp, press_list, scheduled
):
    Suppression.opt_out("redaktion1@zeitung.example")
    Suppression.undeliverable("redaktion2@zeitung.example", "550")
    mailing = Mailing.objects.create(release=scheduled)
    mailing.lists.set(press_list)

    assert sorted(mailing.recipients()) == ["redaktion0@zeitung.example", "studio@radio.example"]
    mailing.start()
    call_command("send_mailings")
    assert smtp.recipients() == ["redaktion0@zeitung.example", "studio@radio.example"]


def test_refused_addresses_are_retried_and_5xx_ends_undeliverable(
    smtp, press_list, scheduled, settings
):
    smtp.refuse = {
        "redaktion1@zeitung.example": "450 mailbox busy",
        "redaktion2@zeitung.example": "550 no such user",
    }
    start = timezone.now()
    mailing = start_mailing(scheduled, press_list[:1])
    call_command("send_mailings")

    assert smtp.recipients() == ["redaktion0@zeitung.example"]  # the others did not stop it
    busy = mailing.deliveries.get(email="redaktion1@zeitung.example")
    assert busy.state == "pending" and busy.last_error == "450 mailbox busy"
    assert busy.next_attempt_at >= start + datetime.timedelta(seconds=60)

    for minutes in [2, 5, 10]:  # back-off: 1, 2, 4 minutes
        with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
            call_command("send_mailings")
    unknown = mailing.deliveries.get(email="redaktion2@zeitung.example")
    assert (unknown.state, unknown.refusals) == ("failed", 3)
    assert Suppression.objects.get(email="redaktion2@zeitung.example").reason == "bounced"

    smtp.refuse = {}
    with time_machine.travel(start + datetime.timedelta(minutes=30)):
        call_command("send_mailings")
    assert smtp.recipients() == ["redaktion0@zeitung.example", "redaktion1@zeitung.example"]
    mailing.refresh_from_db()
    assert mailing.status == "done"
    assert mailing.progress() == {"pending": 0, "sent": 2, "failed": 1, "cancelled": 0}


def test_a_dropped_connection_stops_the_run_and_the_next_run_sends_the_rest_once(
    smtp, press_list, scheduled
):
    smtp.drop_after = 2
    mailing = start_mailing(scheduled, press_list)
    with pytest.raises(CommandError, match="Mailserver nicht erreichbar"):
        call_command("send_mailings")
    assert len(smtp.messages) == 2
    assert mailing.progress()["pending"] == 2

    smtp.drop_after = None
    call_command("send_mailings")
    assert smtp.recipients() == [
        "redaktion0@zeitung.example",
        "redaktion1@zeitung.example",
        "redaktion2@zeitung.example",
        "studio@radio.example",
    ]


def test_a_mail_server_that_is_down_leaves_every_mail_for_the_next_run(
    smtp, settings, press_list, scheduled
):
    settings.EMAIL_PORT = closed_port()
    mailing = start_mailing(scheduled, press_list)
    with pytest.raises(CommandError):
        call_command("send_mailings")
    assert mailing.progress()["pending"] == 4
    assert set(mailing.deliveries.values_list("attempts", flat=True)) == {0}


def test_a_release_withdrawn_while_its_mailing_runs_is_not_sent_further(
    smtp, press_list, scheduled
):
    mailing = start_mailing(scheduled, press_list)
    first = mailing.deliveries.order_by("pk").first()
    first.claim()
    first.mark_sent()  # one went out before the withdrawal
    PressRelease.objects.filter(pk=scheduled.pk).update(
        status=PressRelease.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    call_command("send_mailings")

    assert smtp.messages == []
    mailing.refresh_from_db()
    assert mailing.status == "stopped" and "zurückgezogen" in mailing.note
    assert mailing.progress() == {"pending": 0, "sent": 1, "failed": 0, "cancelled": 3}


def test_a_list_deleted_while_the_mailing_runs_changes_nothing(smtp, press_list, scheduled):
    mailing = start_mailing(scheduled, press_list)
    press_list[0].delete()
    call_command("send_mailings")
    assert len(smtp.recipients()) == 4
    assert mailing.progress()["sent"] == 4


def test_a_name_with_a_line_break_never_becomes_a_header(smtp, press_list, scheduled):
    journalist = Journalist.objects.get(email="studio@radio.example")
    Journalist.objects.filter(pk=journalist.pk).update(first_name="Max\r\nBcc: x@evil.example")
    start_mailing(scheduled, press_list[1:])
    call_command("send_mailings")
    assert smtp.recipients() == ["redaktion0@zeitung.example", "studio@radio.example"]
    for _rcpts, message in smtp.messages:
        assert message["Bcc"] is None


def test_unsubscribing_by_link_or_one_click_post_puts_the_address_on_the_sperrliste(
    smtp, press_list, scheduled, client
):
    start_mailing(scheduled, press_list[1:])
    call_command("send_mailings")
    rcpts, message = next(m for m in smtp.messages if m[0] == ["studio@radio.example"])
    url = re.search(r"<https://presse.example.de([^>]+)>", message["List-Unsubscribe"]).group(1)

    assert "Abmelden" in client.get(url).content.decode()
    assert not Suppression.objects.exists()  # GET only asks
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Suppression.objects.get().email == "studio@radio.example"
    assert not Journalist.objects.filter(email="studio@radio.example").exists()

    # The next mailing of the same lists leaves the address out.
    start_mailing(scheduled, press_list[1:])
    smtp.messages.clear()
    call_command("send_mailings")
    assert smtp.recipients() == ["redaktion0@zeitung.example"]


def test_an_altered_unsubscribe_link_gets_a_german_400(client, db):
    response = client.get("/presse/abmelden/123:verfälscht/")
    assert response.status_code == 400


def test_subscribers_are_included_once_and_not_alerted_again(smtp, press_list, make_release):
    release = make_release(title="Öffentlich")
    Subscription.objects.create(
        email="redaktion0@zeitung.example", confirmed_at=timezone.now() - datetime.timedelta(1)
    )
    Subscription.objects.create(
        email="leser@example.de", confirmed_at=timezone.now() - datetime.timedelta(1)
    )
    start_mailing(release, press_list[1:], include_subscribers=True)
    call_command("send_mailings")
    call_command("send_release_alerts")

    assert smtp.recipients() == [
        "leser@example.de",
        "redaktion0@zeitung.example",
        "studio@radio.example",
    ]


# The admin flow


@pytest.fixture
def chief(as_role, django_user_model):
    client = as_role("Chefredaktion")
    django_user_model.objects.filter(username="chefredaktion").update(email="chefin@example.de")
    return client


def test_only_chefredaktion_may_open_the_mailings(as_role, db):
    assert as_role("Redaktion").get("/admin/releases/mailing/add/").status_code == 403


def test_admin_counts_previews_test_mails_and_sends(
    chief, press_list, scheduled, settings, before_the_embargo_ends
):
    settings.SITE_URL = "https://presse.example.de"
    response = chief.post(
        "/admin/releases/mailing/add/",
        {"release": scheduled.pk, "lists": [press_list[0].pk, press_list[1].pk]},
    )
    mailing = Mailing.objects.get()
    assert response.status_code == 302
    page = chief.get(f"/admin/releases/mailing/{mailing.pk}/change/").content.decode()
    assert '<strong id="recipient-count">4</strong>' in page

    html = chief.get(f"/admin/releases/mailing/{mailing.pk}/vorschau/html/").content.decode()
    text = chief.get(f"/admin/releases/mailing/{mailing.pk}/vorschau/text/").content.decode()
    assert "Was erreicht wurde" in html and "Was erreicht wurde" in text

    chief.post(f"/admin/releases/mailing/{mailing.pk}/testmail/")
    assert [m.to for m in mail.outbox] == [["chefin@example.de"]]
    assert mail.outbox[0].subject.startswith("[Test] SPERRFRIST 28.03.2025, 10:00 Uhr –")
    assert not mailing.deliveries.exists()

    chief.post(f"/admin/releases/mailing/{mailing.pk}/senden/")
    mailing.refresh_from_db()
    assert mailing.status == "sending" and mailing.deliveries.count() == 4


def test_sending_the_release_again_needs_a_confirmation(chief, press_list, scheduled):
    first = start_mailing(scheduled, press_list)
    delivery = first.deliveries.first()
    delivery.claim()
    delivery.mark_sent()
    again = Mailing.objects.create(release=scheduled)
    again.lists.set(press_list)

    response = chief.post(f"/admin/releases/mailing/{again.pk}/senden/", follow=True)
    assert "noch einmal senden" in response.content.decode()
    assert not again.deliveries.exists()

    chief.post(f"/admin/releases/mailing/{again.pk}/senden/", {"confirm_again": "1"})
    assert again.deliveries.count() == 4


def test_subscribers_alert_is_the_same_full_text_mail_with_html(settings, make_release):
    settings.SITE_URL = "https://presse.example.de"
    release = make_release(title="Für Abonnenten", body="<h2>Zwischentitel</h2><p>Der Text.</p>")
    Subscription.objects.create(
        email="leser@example.de", confirmed_at=timezone.now() - datetime.timedelta(days=1)
    )
    call_command("send_release_alerts")

    (message,) = mail.outbox
    html = message.alternatives[0].content
    assert "Zwischentitel" in message.body and "<h2" in html and "<style" not in html
    assert "abonniert haben (alle Mitteilungen)" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert release.get_absolute_url() in message.body


def rows_holding(text):
    """Every (model, field) whose stored text contains `text`, across all tables."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, CharField | TextField) and (
                model._default_manager.filter(**{f"{field.name}__icontains": text}).exists()
            ):
                found.append(f"{model._meta.label}.{field.name}")
    return found


def test_an_opt_out_forgets_the_address_everywhere_but_the_sperrliste_and_keeps_the_counts(
    smtp, press_list, scheduled, before_the_embargo_ends, client, django_user_model
):
    studio = Journalist.objects.get(email="studio@radio.example")
    LogEntry.objects.create(  # what the admin notes when someone edits the journalist
        user=django_user_model.objects.create_user("chefin"),
        content_type=ContentType.objects.get_for_model(Journalist),
        object_id=str(studio.pk),
        object_repr=str(studio),
        action_flag=CHANGE,
    )
    sent = start_mailing(scheduled, press_list[1:])
    call_command("send_mailings")  # with a personal embargo link each
    waiting = start_mailing(scheduled, press_list[1:])  # not sent yet
    assert "releases.MailingDelivery.email" in rows_holding("studio@radio.example")
    assert "releases.EmbargoLink.recipient" in rows_holding("studio@radio.example")

    _rcpts, message = next(m for m in smtp.messages if m[0] == ["studio@radio.example"])
    url = re.search(r"<https://presse.example.de([^>]+)>", message["List-Unsubscribe"]).group(1)
    done = client.post(url).content.decode()
    assert "Wir schicken keine Pressemitteilungen mehr an studio@radio.example" in done

    assert rows_holding("studio@radio.example") == ["contacts.Suppression.email"]
    assert rows_holding("radio.example") == ["contacts.Suppression.email"]
    # The mailings' reports still count the mail that went out and the one that now will not.
    assert sent.progress() == {"pending": 0, "sent": 2, "failed": 0, "cancelled": 0}
    assert waiting.progress() == {"pending": 1, "sent": 0, "failed": 0, "cancelled": 1}
    forgotten = sent.deliveries.get(email__isnull=True)
    assert (forgotten.name, forgotten.journalist, str(forgotten)) == ("", None, "(abgemeldet)")
    assert forgotten.embargo_link.recipient == "(abgemeldet)"
    call_command("send_mailings")
    assert smtp.recipients().count("studio@radio.example") == 1

    # The link in the old mail still answers, without an address to show.
    again = client.get(url)
    assert again.status_code == 200
    assert "Wir schicken keine Pressemitteilungen mehr an diese Adresse" in again.content.decode()
    assert client.post(url).status_code == 200


def test_an_opt_out_in_the_admin_forgets_the_address_too(smtp, press_list, scheduled):
    start_mailing(scheduled, press_list[1:])
    call_command("send_mailings")
    Suppression.objects.create(email="Studio@Radio.example", reason="opted_out")
    assert not MailingDelivery.objects.filter(email="studio@radio.example").exists()


def test_an_undeliverable_address_keeps_its_deliveries_for_the_office(smtp, press_list, scheduled):
    start_mailing(scheduled, press_list[1:])
    call_command("send_mailings")
    Suppression.undeliverable("studio@radio.example", "550 no such user")
    assert MailingDelivery.objects.filter(email="studio@radio.example").exists()


def test_the_release_page_offers_sending_to_the_press_with_the_release_chosen(
    chief, scheduled, make_release
):
    page = chief.get(f"/admin/releases/pressrelease/{scheduled.pk}/change/").content.decode()
    link = re.search(r'<a href="([^"]+)">An die Presse versenden</a>', page)
    assert link.group(1) == f"/admin/releases/mailing/add/?release={scheduled.pk}"
    form = chief.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert re.search(rf'<option value="{scheduled.pk}" selected>', form)

    public = make_release(title="Schon öffentlich")
    draft = make_release(title="Entwurf", status=PressRelease.Status.DRAFT, publish_at=None)
    withdrawn = make_release(
        title="Zurückgezogen", status=PressRelease.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    for release, offered in [(public, True), (draft, False), (withdrawn, False)]:
        page = chief.get(f"/admin/releases/pressrelease/{release.pk}/change/").content.decode()
        assert ("An die Presse versenden" in page) is offered, release.title


def test_redaktion_is_not_offered_sending_to_the_press(as_role, scheduled):
    page = as_role("Redaktion").get(f"/admin/releases/pressrelease/{scheduled.pk}/change/")
    assert page.status_code == 200
    assert "An die Presse versenden" not in page.content.decode()
