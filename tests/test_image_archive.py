"""The Bildarchiv at /presse/bilder/: every image journalists may use, both sizes, per project
as ZIP; only what the publishing rule and the rights rule allow."""

import datetime
import io
import re
import zipfile

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from releases.models import PressRelease, ReleaseImage, Topic

from .helpers import count_queries, page

pytestmark = pytest.mark.django_db

URL = "/presse/bilder/"


def image_ids(html):
    return [int(pk) for pk in re.findall(r'id="bild-(\d+)"', html)]


def big_jpeg(width=2400, height=1200):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("gross.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_archive_lists_images_of_public_releases_newest_first(client, make_release):
    older = make_release(images=1, publish_at=timezone.now() - datetime.timedelta(days=3))
    newer = make_release(images=2, publish_at=timezone.now() - datetime.timedelta(days=1))
    make_release(images=1, status=PressRelease.Status.DRAFT)
    html = page(client, URL)
    expected = [image.pk for image in newer.images.all()] + [older.images.get().pk]
    assert image_ids(html) == expected
    assert "Foto: Erika Beispiel" in html
    assert "3 Bilder" in html


def test_image_of_embargoed_release_appears_at_its_moment(client, make_release):
    moment = timezone.now() + datetime.timedelta(hours=2)
    release = make_release(images=1, publish_at=moment)
    image = release.images.get()
    assert image_ids(page(client, URL)) == []
    assert client.get(f"/presse/bilder/{image.pk}/web.jpg").status_code == 404
    with time_machine.travel(moment + datetime.timedelta(seconds=1)):
        assert image_ids(page(client, URL)) == [image.pk]
        assert client.get(f"/presse/bilder/{image.pk}/web.jpg").status_code == 200


def test_each_image_offers_web_size_and_original_with_credit_and_licence(client, make_release):
    release = make_release()
    image = ReleaseImage.objects.create(
        release=release,
        image=big_jpeg(),
        caption="Auftakt in Schöningen",
        credit="Foto: Max Muster",
        alt_text="Menschen vor einer Halle",
        licence="Abdruck honorarfrei bei Nennung des Bildnachweises",
    )
    html = page(client, URL)
    assert f'href="/presse/bilder/{image.pk}/web.jpg"' in html
    assert "(JPEG, 1600 × 800 Pixel)" in html
    assert f'href="{image.get_absolute_url()}"' in html
    assert "(JPEG, 2400 × 1200 Pixel)" in html
    assert "Bildnachweis: Foto: Max Muster" in html
    assert "Lizenz: Abdruck honorarfrei bei Nennung des Bildnachweises" in html

    response = client.get(f"/presse/bilder/{image.pk}/web.jpg")
    assert response["Content-Disposition"].startswith("attachment")
    web = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert (web.format, web.size) == ("JPEG", (1600, 800))


def test_archive_filters_by_topic_project_and_year_and_searches_caption_and_credit(
    client, make_release, make_project, topic
):
    project = make_project(name="Betriebsnachbarschaften")
    in_topic = make_release(images=1, topics=[topic])
    in_project = make_release(images=1)
    in_project.projects.set([project])
    old = make_release(images=1, release_date=datetime.date(2016, 1, 29))
    credited = old.images.get()
    credited.credit, credited.caption = "Foto: Hanna Sonderbar", "Festakt im Planetarium"
    credited.save()

    assert image_ids(page(client, URL, {"thema": topic.slug})) == [in_topic.images.get().pk]
    assert image_ids(page(client, URL, {"projekt": project.slug})) == [in_project.images.get().pk]
    assert image_ids(page(client, URL, {"jahr": "2016"})) == [credited.pk]
    assert image_ids(page(client, URL, {"q": "sonderbar"})) == [credited.pk]
    assert image_ids(page(client, URL, {"q": "planetarium"})) == [credited.pk]
    html = page(client, URL, {"thema": "gibt-es-nicht"})
    assert "Dieses Thema gibt es nicht (mehr)." in html
    assert len(image_ids(html)) == 3  # a bad filter is left out


def test_archive_is_paginated(client, make_release):
    make_release(images=25)
    first, second = page(client, URL), page(client, URL, {"page": 2})
    assert len(image_ids(first)) == 24 and len(image_ids(second)) == 1
    assert "Seite 1 von 2" in first
    assert client.get(URL, {"page": 9}).status_code == 404


def test_archive_costs_the_same_queries_for_any_number_of_images(
    client, make_release, make_project, topic
):
    project = make_project()
    release = make_release(images=1, topics=[topic])
    release.projects.set([project])
    few = count_queries(client, URL)
    for _ in range(3):
        more = make_release(images=3, topics=[topic, Topic.objects.create(name=f"T{_}")])
        more.projects.set([project])
    many = count_queries(client, URL)
    # The topic, project and year facets, the count, the page of images with their releases.
    assert few == many == 5


def test_project_zip_holds_all_public_images_with_credits(client, make_release, make_project):
    project = make_project(name="Betriebsnachbarschaften")
    first = make_release(images=2)
    hidden = make_release(images=1, publish_at=timezone.now() + datetime.timedelta(days=1))
    for release in (first, hidden):
        release.projects.set([project])
    html = page(client, URL)
    url = f"/presse/bilder/projekt/{project.slug}.zip"
    assert f'href="{url}"' in html
    response = client.get(url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len([name for name in names if name.startswith("bilder/")]) == 2
    credits = archive.read("BILDNACHWEIS.txt").decode()
    assert "Bildnachweis: Foto: Erika Beispiel" in credits
    assert first.title in credits and hidden.title not in credits
    picture = next(name for name in names if name.startswith("bilder/"))
    assert b"Foto: Erika Beispiel" in archive.read(picture)
    assert client.get("/presse/bilder/projekt/gibt-es-nicht.zip").status_code == 404


def test_navigation_links_the_archive(client, make_release):
    html = page(client, "/")
    assert '<a href="/presse/bilder/">Bildarchiv</a>' in html
    assert 'href="/presse/bilder/" aria-current="page"' in page(client, URL)


def test_demo_archive_shows_demo_images_in_both_sizes_and_none_under_embargo(client):
    call_command("load_demo")
    html = page(client, URL)
    public = ReleaseImage.objects.public()
    embargoed = ReleaseImage.objects.filter(release__in=PressRelease.objects.scheduled())
    assert public.count() == 2 and embargoed.count() == 1
    assert sorted(image_ids(html)) == sorted(image.pk for image in public)
    assert embargoed.get().caption not in html
    for image in public:
        assert f'href="/presse/bilder/{image.pk}/web.jpg"' in html
        assert f'href="{image.get_absolute_url()}"' in html
