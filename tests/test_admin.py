"""What the press office does in the admin: write, schedule, publish, preview, unpublish."""

import datetime
import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.signals import pre_init
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_ckeditor_5.views import upload_file as ckeditor_upload_file

from allianz_site.uploads import MaxFileSize
from releases import versions
from releases.admin.release import PressReleaseAdmin
from releases.models import (
    EmbargoLink,
    PressRelease,
    Project,
    ReleaseImage,
    ReviewDecision,
    ReviewLink,
    Topic,
)

from .helpers import (
    ADD_URL,
    LIST_URL,
    image_upload,
    png_bytes,
    release_form,
)


def test_staff_schedules_a_release_with_image_and_attachment(staff_client, client, topic):
    response = staff_client.post(ADD_URL, release_form(topic))
    assert response.status_code == 302, response.content.decode()[:3000]
    release = PressRelease.objects.get()
    assert release.slug == "neue-foerderung-fuer-betriebsnachbarschaften"
    assert release.is_embargoed
    assert timezone.localtime(release.publish_at).hour == 10
    assert "<script>" not in release.body and "<strong>Fett</strong>" in release.body
    image = release.images.get()
    assert (image.credit, image.width, image.height) == ("Foto: Erika Beispiel", 40, 30)
    assert release.attachments.get().size == 9
    assert list(release.topics.all()) == [topic]

    listing = staff_client.get(LIST_URL).content.decode()
    moment = date_format(timezone.localtime(release.publish_at), "j. F Y, 10:00")
    assert f"Sperrfrist bis {moment} Uhr" in listing

    client.logout()
    assert client.get(release.get_absolute_url()).status_code == 404


def test_image_without_alt_text_is_refused(staff_client, topic):
    response = staff_client.post(ADD_URL, release_form(topic, **{"images-0-alt_text": ""}))
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not PressRelease.objects.exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            SimpleUploadedFile("bild.png", b"<html><script>alert(1)</script></html>"),
            "Bitte ein gültiges Bild hochladen.",
        ),
        (SimpleUploadedFile("bild.gif", png_bytes()), "Dateiendung „gif“ ist nicht erlaubt"),
    ],
)
def test_upload_that_is_not_an_allowed_image_gets_a_form_error(
    staff_client, topic, upload, message
):
    response = staff_client.post(ADD_URL, release_form(topic, **{"images-0-image": upload}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PressRelease.objects.exists()


def test_too_large_image_gets_a_form_error(staff_client, topic, monkeypatch):
    validators = ReleaseImage._meta.get_field("image").validators
    [size_check] = [validator for validator in validators if isinstance(validator, MaxFileSize)]
    monkeypatch.setattr(size_check, "limit", 100)
    response = staff_client.post(ADD_URL, release_form(topic))
    assert response.status_code == 200
    assert "erlaubt sind höchstens 100" in response.content.decode()
    assert not PressRelease.objects.exists()


def test_attachment_of_a_forbidden_type_gets_a_form_error(staff_client, topic):
    upload = SimpleUploadedFile("skript.html", b"<script>alert(1)</script>")
    response = staff_client.post(ADD_URL, release_form(topic, **{"attachments-0-file": upload}))
    assert response.status_code == 200
    assert "Dateiendung „html“ ist nicht erlaubt" in response.content.decode()


def test_save_as_draft_then_publish_now_then_unpublish(staff_client, client, make_release):
    draft = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    response = staff_client.post(
        LIST_URL, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "1 Mitteilung(en) veröffentlicht." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_public
    assert client.get(draft.get_absolute_url()).status_code == 200

    staff_client.post(LIST_URL, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == PressRelease.Status.DRAFT
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_publishing_keeps_a_scheduled_embargo(staff_client, make_release):
    moment = timezone.now() + datetime.timedelta(days=1)
    release = make_release(status=PressRelease.Status.DRAFT, publish_at=moment)
    staff_client.post(LIST_URL, {"action": "publish", "_selected_action": [release.pk]})
    release.refresh_from_db()
    assert release.publish_at == moment and release.is_embargoed


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status__exact=draft",
        "?jahr=2022",
        "?jahr=abc",
        "?q=Mitteilung",
        "?topics__id__exact=1",
    ],
)
def test_changelist_filters_and_search(staff_client, make_release, topic, query):
    make_release(topics=[topic])
    assert staff_client.get(LIST_URL + query).status_code == 200


def make_listed_releases(count, make_release, topics, contact, project, partner):
    """Releases as the list meets them: with topics, images, attachments, contact, project and
    partner; some drafts and some under embargo, whose status column reads differently."""
    later = timezone.now() + datetime.timedelta(days=3)
    kinds = [{}, {"status": PressRelease.Status.DRAFT, "publish_at": None}, {"publish_at": later}]
    for number in range(count):
        release = make_release(topics=topics, images=1, attachments=1, **kinds[number % 3])
        release.contacts.add(contact)
        release.projects.add(project)
        release.partners.add(partner)


def changelist_queries(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL + query)
    assert response.status_code == 200
    return response.context["cl"].result_count, [entry["sql"] for entry in queries]


@pytest.mark.parametrize(
    "query",
    ["", "?q=Mitteilung", "?topics__id__exact={topic}", "?q=Mitteilung&status__exact=published"],
)
def test_release_list_needs_the_same_queries_for_3_and_for_30_releases(
    staff_client, make_release, make_contact, make_project, make_partner, query
):
    topics = [Topic.objects.create(name="Mobilität"), Topic.objects.create(name="Bildung")]
    query = query.format(topic=topics[0].pk)
    related = [make_contact(), make_project(), make_partner()]
    make_listed_releases(3, make_release, topics, *related)
    few, few_queries = changelist_queries(staff_client, query)
    make_listed_releases(27, make_release, topics, *related)
    many, many_queries = changelist_queries(staff_client, query)

    assert (few, many) == ((2, 20) if "status" in query else (3, 30))
    assert len(many_queries) == len(few_queries), "\n".join(many_queries)


def test_release_list_keeps_its_years_until_a_save(
    staff_client, make_release, settings, django_capture_on_commit_callbacks
):
    settings.COUNTS_CACHE_SECONDS = 600  # kept as in production
    make_release(release_date=datetime.date(2022, 5, 1))
    make_release(release_date=datetime.date(2024, 5, 1))
    staff_client.get(LIST_URL)
    _count, queries = changelist_queries(staff_client, "")
    assert not [sql for sql in queries if "DISTINCT" in sql], "the years are read again"
    # Both counts stay (the list's and all releases'): without the second, Django writes
    # „8 Ergebnisse (Zeige alle)“ beside the search box of the unfiltered list too.
    assert len([sql for sql in queries if "COUNT(" in sql]) == 2
    assert "Zeige alle" not in staff_client.get(LIST_URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # a save renews what is kept
        make_release(release_date=datetime.date(2019, 5, 1))
    html = staff_client.get(LIST_URL).content.decode()
    assert [year for year in ["2024", "2022", "2019"] if f"?jahr={year}" in html] == [
        "2024",
        "2022",
        "2019",
    ]


def test_the_lists_checkbox_is_the_html_django_renders(make_release):
    """PressReleaseAdmin writes the action checkbox itself (it is quicker); the HTML stays Django's,
    with its German label, and a title is escaped."""
    release = make_release(title='Kita "Sonnenschein" & Co. <neu>')
    ours = PressReleaseAdmin(PressRelease, admin.site)
    djangos = admin.ModelAdmin(PressRelease, admin.site)
    assert ours.action_checkbox(release) == djangos.action_checkbox(release)
    assert "Dieses Objekt für eine Aktion auswählen" in ours.action_checkbox(release)


def change_form_queries(client, release):
    """The queries of a release's change form, asked for the second time: the first also reads
    the content types, which Django then keeps."""
    client.get(f"{LIST_URL}{release.pk}/change/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{LIST_URL}{release.pk}/change/")
    assert response.status_code == 200
    return [entry["sql"] for entry in queries]


def test_release_change_form_needs_the_same_queries_for_3_and_for_30_releases(
    staff_client, make_release, make_contact, make_project, make_partner
):
    """No widget of the form lists the other releases, however many there are."""
    topics = [Topic.objects.create(name="Mobilität"), Topic.objects.create(name="Bildung")]
    related = [make_contact(), make_project(), make_partner()]
    make_listed_releases(3, make_release, topics, *related)
    release = PressRelease.objects.order_by("pk").first()
    few = change_form_queries(staff_client, release)
    make_listed_releases(27, make_release, topics, *related)
    many = change_form_queries(staff_client, release)
    assert len(many) == len(few), "\n".join(many)


def add_links(release, count):
    """`count` embargo links and `count` review links, each review link approved."""
    version = versions.current_version(release)
    for number in range(count):
        EmbargoLink.objects.create(release=release, recipient=f"Verteiler {number}")
        link = ReviewLink.objects.create(
            release=release, name=f"Person {number}", organisation="IHK", email="a@ihk.example"
        )
        ReviewDecision.objects.create(
            link=link, decision=ReviewDecision.Decision.APPROVED, version=version
        )


def test_release_change_form_needs_the_same_queries_for_1_and_for_4_of_each_inline(
    staff_client, make_release, topic
):
    """Images, attachments, embargo and review links (with their decisions): one query each,
    however many rows."""
    future = timezone.now() + datetime.timedelta(days=3)
    one = make_release(topics=[topic], images=1, attachments=1, publish_at=future)
    four = make_release(topics=[topic], images=4, attachments=4, publish_at=future)
    add_links(one, 1)
    add_links(four, 4)

    few = change_form_queries(staff_client, one)
    many = change_form_queries(staff_client, four)
    assert len(many) == len(few), "\n".join(many)


def test_change_form_offers_every_topic_and_project_by_name_from_a_light_query(
    staff_client, make_release, make_project, topic
):
    """The topics and projects to choose from are read as keys and names, a query each, not as
    model instances (only the chosen ones are): as many queries for 21 of each as for one."""
    project = make_project()
    release = make_release(topics=[topic])
    release.projects.add(project)
    few = change_form_queries(staff_client, release)
    for number in range(20):
        Topic.objects.create(name=f"Thema {number:02}")
        make_project(name=f"Projekt {number:02}")
    made = []

    def count(sender, **kwargs):
        made.append(sender.__name__)

    for model in (Topic, Project):
        pre_init.connect(count, sender=model, weak=False)
    try:
        many = change_form_queries(staff_client, release)
    finally:
        for model in (Topic, Project):
            pre_init.disconnect(count, sender=model)
    assert len(few) == len(many) == 20, "\n".join(many)
    assert sorted(made) == ["Project", "Project", "Topic", "Topic"]  # the chosen ones, twice

    html = staff_client.get(f"{LIST_URL}{release.pk}/change/").content.decode()
    for field, chosen in [("topics", topic), ("projects", project)]:
        select = re.search(f'<select name="{field}".*?</select>', html, re.DOTALL).group()
        options = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', select)
        assert len(options) == 21
        assert options == [
            (str(pk), " selected" if pk == chosen.pk else "", name)
            for pk, name in type(chosen).objects.values_list("pk", "name")
        ]


def test_topic_filter_lists_each_release_once(staff_client, make_release):
    topics = [Topic.objects.create(name="Mobilität"), Topic.objects.create(name="Bildung")]
    both, other = make_release(topics=topics), make_release(topics=topics[1:])
    response = staff_client.get(f"{LIST_URL}?topics__id__exact={topics[0].pk}")
    assert list(response.context["cl"].result_list) == [both]
    response = staff_client.get(f"{LIST_URL}?topics__id__exact={topics[1].pk}")
    assert sorted(response.context["cl"].result_list, key=lambda r: r.pk) == [both, other]


def test_release_search_in_the_admin_finds_words_of_the_text(staff_client, make_release):
    """Staff search like the public archive: the text counts too, not only title and lead."""
    wanted = make_release(body="<p>Die Quantensensorik kommt nach Salzgitter.</p>")
    make_release()
    response = staff_client.get(f"{LIST_URL}?q=Quantensensorik")
    assert list(response.context["cl"].result_list) == [wanted]


def test_change_form_offers_the_preview(staff_client, make_release):
    release = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    html = staff_client.get(f"{LIST_URL}{release.pk}/change/").content.decode()
    assert f"/presse/vorschau/{release.pk}/" in html
    assert "django_ckeditor_5" in html  # the body is edited in CKEditor 5


def test_preview_shows_a_draft_to_staff_only_never_cached_nor_indexed(
    staff_client, client, make_release
):
    draft = make_release(title="Noch geheim", status=PressRelease.Status.DRAFT, publish_at=None)
    url = f"/presse/vorschau/{draft.pk}/"
    response = staff_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Noch geheim" in html and "Entwurf, nicht öffentlich" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]

    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")


def test_preview_of_an_embargoed_release_names_the_embargo(staff_client, make_release):
    moment = timezone.make_aware(datetime.datetime(2031, 3, 28, 10, 0))
    release = make_release(publish_at=moment)
    html = staff_client.get(f"/presse/vorschau/{release.pk}/").content.decode()
    assert "Sperrfrist bis 28. März 2031, 10:00 Uhr" in html


def test_editor_image_upload_is_for_staff_and_images_only(staff_client, client, settings):
    url = "/ckeditor5/image_upload/"
    response = staff_client.post(url, {"upload": image_upload("grafik.png")})
    assert response.status_code == 200
    assert re.fullmatch(r"/presse/textbilder/[0-9a-f-]{36}/grafik\.png", response.json()["url"])

    fake = SimpleUploadedFile("grafik.png", b"<svg onload=alert(1)>")
    assert staff_client.post(url, {"upload": fake}).status_code == 400

    client.logout()
    assert client.post(url, {"upload": image_upload()}).status_code == 403


def test_the_editor_packages_own_unchecked_upload_is_not_routed():
    """Only our checked view takes the editor's uploads; django_ckeditor_5's own view (no
    polyglot check, metadata kept) has no address at all, whatever the order of the patterns."""
    with pytest.raises(NoReverseMatch):
        reverse("ck_editor_5_upload_file")
    assert ckeditor_upload_file not in get_resolver().reverse_dict
