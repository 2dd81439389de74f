import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from releases.models import PressRelease


def test_demo_content_loads_twice_without_duplicates(db, client):
    call_command("load_demo")
    counts = (PressRelease.objects.count(), PressRelease.objects.published().count())
    images = sum(release.images.count() for release in PressRelease.objects.all())
    call_command("load_demo")
    assert (PressRelease.objects.count(), PressRelease.objects.published().count()) == counts
    assert sum(release.images.count() for release in PressRelease.objects.all()) == images == 1
    assert counts == (8, 6)  # six public, one under embargo, one draft
    assert PressRelease.objects.scheduled().count() == 1
    for release in PressRelease.objects.published():
        assert client.get(release.get_absolute_url()).status_code == 200


def test_demo_account_only_in_local_debug_mode(db, settings, capsys):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="nur lokal"):
        call_command("load_demo", "--admin")
    assert not get_user_model().objects.filter(username="redaktion").exists()

    settings.DEBUG = True
    call_command("load_demo", "--admin")
    password = capsys.readouterr().out.split("Passwort: ")[1].split()[0]
    assert get_user_model().objects.get(username="redaktion").check_password(password)
