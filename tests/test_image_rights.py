"""Rights that end: an image with "Nutzungsrechte bis" leaves every surface at that moment."""

import datetime
import io
import zipfile

import pypdf
import pytest
import time_machine
from django.utils import timezone

from releases import documents
from releases.cache import next_change
from releases.models import EmbargoLink, PressRelease, ReleaseImage, ReviewLink
from releases.views.documents import pdf_relations

pytestmark = pytest.mark.django_db

SOON = datetime.timedelta(hours=1)


@pytest.fixture
def release_with_ending_rights(make_release):
    release = make_release(images=2, publish_at=timezone.now() - datetime.timedelta(days=1))
    ending, lasting = release.images.all()
    ending.caption, ending.credit = "Das Bild mit Frist", "Foto: Frist Fotografin"
    ending.rights_until = timezone.now() + SOON
    ending.save()
    return release, ending, lasting


def surfaces(client, release, image):
    """What each public surface says about `image`: shown (True) or not."""
    page = client.get(release.get_absolute_url()).content.decode()
    kit = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(release.get_press_kit_url()).streaming_content))
    )
    pdf = pypdf.PdfReader(io.BytesIO(b"".join(client.get(release.get_pdf_url()).streaming_content)))
    feed = client.get("/presse/feed/").content.decode()
    archive = client.get("/presse/bilder/").content.decode()
    return {
        "image archive": image.caption in archive,
        "web size": client.get(f"/presse/bilder/{image.pk}/web.jpg").status_code == 200,
        "page": image.caption in page,
        "download": client.get(image.get_absolute_url()).status_code == 200,
        "press kit": any(image.download_filename in name for name in kit.namelist()),
        "pdf": any(image.credit in page_.extract_text() for page_ in pdf.pages),
        "feed": image.get_absolute_url() in feed,
    }


def test_image_leaves_every_surface_when_its_rights_end(client, release_with_ending_rights):
    release, ending, lasting = release_with_ending_rights
    before = surfaces(client, release, ending)
    assert all(before.values()), before
    with time_machine.travel(timezone.now() + SOON + datetime.timedelta(seconds=1)):
        after = surfaces(client, release, ending)
        assert not any(after.values()), after
        # The other image stays.
        assert client.get(lasting.get_absolute_url()).status_code == 200
        assert list(ReleaseImage.objects.usable()) == [lasting]


def test_image_under_embargo_link_leaves_when_its_rights_end(client, make_release):
    release = make_release(images=1, publish_at=timezone.now() + datetime.timedelta(days=2))
    image = release.images.get()
    image.rights_until = timezone.now() + SOON
    image.save()
    link = EmbargoLink.objects.create(release=release)
    url = f"{link.get_absolute_url()}bild/{image.pk}/"
    assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + SOON + datetime.timedelta(seconds=1)):
        assert client.get(url).status_code == 404


def test_image_under_review_link_leaves_when_its_rights_end(client, make_release):
    """The co-issuer's review page follows the same rights rule as every other surface."""
    draft = make_release(images=1, status=PressRelease.Status.DRAFT, publish_at=None)
    image = draft.images.get()
    image.rights_until = timezone.now() + SOON
    image.save()
    link = ReviewLink.objects.create(
        release=draft, name="Anna Muster", organisation="IHK", email="anna@ihk.example"
    )
    url = f"{link.get_absolute_url()}bild/{image.pk}/"
    assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + SOON + datetime.timedelta(seconds=1)):
        assert client.get(url).status_code == 404


def test_public_images_are_usable_images_of_public_releases(make_release):
    public = make_release(images=1)
    make_release(images=1, publish_at=timezone.now() + datetime.timedelta(days=1))
    ended = make_release(images=1).images.get()
    ended.rights_until = timezone.now() - datetime.timedelta(minutes=1)
    ended.save()
    assert list(ReleaseImage.objects.public()) == [public.images.get()]


def test_page_cache_ends_at_the_moment_rights_end(release_with_ending_rights):
    _release, ending, _lasting = release_with_ending_rights
    assert next_change() == ending.rights_until


def test_staff_see_images_whose_rights_end_within_thirty_days(
    staff_client, release_with_ending_rights, make_release
):
    _release, ending, _lasting = release_with_ending_rights
    later = make_release(images=1).images.get()
    later.rights_until = timezone.now() + datetime.timedelta(days=40)
    later.save()
    assert list(ReleaseImage.objects.rights_ending()) == [ending]
    html = staff_client.get("/admin/releases/releaseimage/?rechte=30").content.decode()
    assert "Das Bild mit Frist" in html
    assert str(later) not in html


def test_a_pdf_built_before_the_rights_end_is_not_served_after(release_with_ending_rights):
    release, ending, _lasting = release_with_ending_rights
    first = documents.stored_pdf(release)
    with time_machine.travel(timezone.now() + SOON + datetime.timedelta(seconds=1)):
        release = PressRelease.objects.prefetch_related(*pdf_relations()).get(pk=release.pk)
        assert documents.stored_pdf(release) != first
