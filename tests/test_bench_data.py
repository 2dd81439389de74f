"""manage.py generate_bench_data: the benchmark's archive, the same for the same seed."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from contacts.models import PressContact
from releases.models import PressRelease, ReleaseImage

from .helpers import page


def generate(*args):
    out = io.StringIO()
    call_command("generate_bench_data", *args, stdout=out)
    return out.getvalue()


def archive_snapshot():
    return list(PressRelease.objects.order_by("pk").values_list("pk", "slug", "title", "body"))


def test_generates_german_releases_with_everything_a_page_shows(db, client):
    report = generate("--releases", "60", "--seed", "7")
    assert "60 Pressemitteilungen (Seed 7)" in report
    releases = PressRelease.objects.all()
    assert releases.count() == 60
    assert releases.filter(topics__isnull=True).count() == 0
    assert releases.filter(contacts__isnull=True).count() == 0
    assert releases.filter(projects__isnull=False).exists()
    assert releases.filter(partners__isnull=False).exists()
    assert PressContact.objects.count() == 4
    lengths = sorted(len(release.body) for release in releases)
    assert lengths[0] * 3 < lengths[-1]  # short and long ones
    assert any(char in "".join(r.title + r.body for r in releases) for char in "äöüß")
    image = ReleaseImage.objects.first()
    assert image is not None
    storage = image.image.storage  # the protected one, like every release file
    assert storage.exists(image.image.name)
    assert not default_storage.exists(image.image.name)
    assert image.size == storage.size(image.image.name)  # the feed's enclosure length
    # A few are drafts or under embargo, and the public pages leave them out.
    assert releases.filter(status=PressRelease.Status.DRAFT).exists()
    assert releases.scheduled().exists()
    # bulk_create skips save(): the search index is filled afterwards (PostgreSQL full text).
    assert releases.search("Fachkräfte").exists()
    hidden = releases.exclude(pk__in=releases.published()).values_list("slug", flat=True)
    assert page(client, "/presse/?page=1").count('class="release-card"') == 20
    public = releases.published().count()
    pages = range(1, -(-public // 20) + 1)  # 20 to a page
    archive = "".join(page(client, "/presse/", {"page": number}) for number in pages)
    assert archive.count('class="release-card"') == public
    for slug in hidden:
        assert slug not in archive


def test_same_seed_gives_the_same_archive_and_another_seed_another(db):
    generate("--releases", "30", "--seed", "3", "--clear")
    first = archive_snapshot()
    generate("--releases", "30", "--seed", "3", "--clear")
    assert archive_snapshot() == first  # ids too: the same addresses
    generate("--releases", "30", "--seed", "4", "--clear")
    assert archive_snapshot() != first


def test_refuses_to_add_to_an_archive_that_has_releases(db, make_release):
    make_release()
    with pytest.raises(CommandError, match="schon Pressemitteilungen"):
        generate("--releases", "5")
    assert PressRelease.objects.count() == 1
