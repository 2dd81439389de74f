"""Rotating DJANGO_SECRET_KEY: while the old key is listed in DJANGO_SECRET_KEY_FALLBACKS, the
links already sent (unsubscribe, embargo, subscription confirmation) keep working; new ones are
signed with the new key (docs/security.md, "Changing the secret key")."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from contacts.models import Subscription, SubscriptionRequest
from releases.models import EmbargoLink

from .helpers import run_with_production_env

OLD_KEY = "alter-schluessel-Qm4!vR8-bis-zum-wechsel-genutzt-7xWk2-pL9sT0-zY3nB6"
NEW_KEY = "neuer-schluessel-Hc5#jN1-ab-dem-wechsel-genutzt-4dFg8-rU2eK7-wA0mS9"


def fallbacks_from_the_environment(value):
    """settings.SECRET_KEY_FALLBACKS as allianz_site/settings.py reads it from the variable."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.SECRET_KEY_FALLBACKS))"
    )
    result = run_with_production_env(
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="allianz_site.settings",
        DJANGO_SECRET_KEY=NEW_KEY,
        DJANGO_SECRET_KEY_FALLBACKS=value,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_old_keys_are_read_from_the_environment():
    assert fallbacks_from_the_environment(f" {OLD_KEY} ,zweiter-alter-schluessel") == [
        OLD_KEY,
        "zweiter-alter-schluessel",
    ]
    assert fallbacks_from_the_environment("") == []


@pytest.fixture
def links_sent_with_the_old_key(settings, make_release):
    """An unsubscribe link, an embargo link and a subscription confirmation, as mailed before
    the key was changed."""
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    subscription = Subscription.objects.create(
        email="redaktion@zeitung.example", confirmed_at=timezone.now()
    )
    scheduled = make_release(
        title="Noch unter Sperrfrist", publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    embargo = EmbargoLink.objects.create(release=scheduled, recipient="Tageszeitungen")
    confirmation = SubscriptionRequest.make("neu@zeitung.example")
    return {
        "unsubscribe": f"/presse/abbestellen/{subscription.unsubscribe_token}/",
        "embargo": embargo.get_absolute_url(),
        "confirm": f"/presse/abonnieren/bestaetigen/{confirmation}/",
    }


def test_links_sent_before_the_key_was_changed_still_work(settings, links_sent_with_the_old_key):
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = fallbacks_from_the_environment(OLD_KEY)
    journalist = Client()
    embargo = journalist.get(links_sent_with_the_old_key["embargo"])
    assert embargo.status_code == 200
    assert "Noch unter Sperrfrist" in embargo.content.decode()
    confirm = journalist.get(links_sent_with_the_old_key["confirm"])
    assert "Abonnement bestätigen</button>" in confirm.content.decode()
    assert journalist.post(links_sent_with_the_old_key["unsubscribe"]).status_code == 200
    assert not Subscription.objects.exists()


def test_without_the_old_key_the_links_sent_before_are_refused(
    settings, links_sent_with_the_old_key
):
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = fallbacks_from_the_environment("")
    journalist = Client()
    assert journalist.get(links_sent_with_the_old_key["embargo"]).status_code == 404
    # A confirmation link is a random secret stored as a hash, not signed: no key opens it.
    assert (
        "Abonnement bestätigen</button>"
        in journalist.get(links_sent_with_the_old_key["confirm"]).content.decode()
    )
    assert journalist.post(links_sent_with_the_old_key["unsubscribe"]).status_code == 400
    assert Subscription.objects.exists()


def test_deploy_check_accepts_a_strong_old_key_and_warns_of_a_weak_one():
    strong = run_with_production_env(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=NEW_KEY,
        DJANGO_SECRET_KEY_FALLBACKS=OLD_KEY,
    )
    assert strong.returncode == 0, strong.stdout + strong.stderr
    weak = run_with_production_env(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=NEW_KEY,
        DJANGO_SECRET_KEY_FALLBACKS="kurz",
    )
    assert weak.returncode != 0
    assert "security.W025" in weak.stdout + weak.stderr
