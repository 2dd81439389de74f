"""The roles Redaktion (writes, cannot publish) and Chefredaktion (publishes), as the admin enforces them."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from releases.models import EditorImage, PressRelease, ReleaseAttachment

from .helpers import (
    ADD_URL,
    LIST_URL,
    image_upload,
    png_bytes,
    release_form_without_files,
    submit_as_shown,
)


def change_url(release):
    return f"{LIST_URL}{release.pk}/change/"


def public(client, release):
    client.logout()
    return client.get(release.get_absolute_url()).status_code == 200


def test_redaktion_writes_a_release_but_it_stays_a_draft(as_role, topic):
    editor = as_role("Redaktion")
    form = editor.get(ADD_URL).content.decode()
    assert 'name="status"' not in form  # the status is shown, not offered
    response = editor.post(ADD_URL, release_form_without_files(topic, status="published"))
    assert response.status_code == 302
    release = PressRelease.objects.get()
    assert release.status == PressRelease.Status.DRAFT
    assert release.publish_at is not None  # the suggested time is kept for Chefredaktion
    assert not public(editor, release)


def test_redaktion_edits_a_published_release_but_cannot_move_or_unpublish_it(
    as_role, make_release, topic
):
    release = make_release()
    publish_at = release.publish_at
    editor = as_role("Redaktion")
    later = timezone.localtime() + datetime.timedelta(days=30)
    response = editor.post(
        change_url(release),
        release_form_without_files(
            topic,
            title="Korrigierter Titel",
            status="draft",
            publish_at_0=later.strftime("%d.%m.%Y"),
            publish_at_1="10:00:00",
        ),
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.title == "Korrigierter Titel"
    assert (release.status, release.publish_at) == (PressRelease.Status.PUBLISHED, publish_at)
    assert public(editor, release)


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_redaktion_cannot_use_the_publishing_actions(as_role, make_release, action):
    draft = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    published = make_release()
    editor = as_role("Redaktion")
    listing = editor.get(LIST_URL).content.decode()
    assert 'value="publish"' not in listing and 'value="unpublish"' not in listing

    editor.post(LIST_URL, {"action": action, "_selected_action": [draft.pk, published.pk]})
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == PressRelease.Status.DRAFT
    assert published.is_public


def test_redaktion_cannot_delete_a_release(as_role, make_release):
    release = make_release()
    editor = as_role("Redaktion")
    assert editor.get(f"{LIST_URL}{release.pk}/delete/").status_code == 403
    assert PressRelease.objects.filter(pk=release.pk).exists()


def test_chefredaktion_schedules_through_the_form(as_role, topic):
    chief = as_role("Chefredaktion")
    response = chief.post(ADD_URL, release_form_without_files(topic))
    assert response.status_code == 302
    release = PressRelease.objects.get()
    assert release.is_embargoed
    assert timezone.localtime(release.publish_at).hour == 10


def test_chefredaktion_publishes_and_unpublishes_with_the_actions(as_role, make_release):
    draft = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    chief = as_role("Chefredaktion")
    listing = chief.get(LIST_URL).content.decode()
    assert 'value="publish"' in listing and 'value="unpublish"' in listing

    chief.post(LIST_URL, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_public
    chief.post(LIST_URL, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == PressRelease.Status.DRAFT


def test_both_roles_edit_topics_images_and_attachments(db):
    for name in ["Redaktion", "Chefredaktion"]:
        granted = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {
            "add_pressrelease",
            "change_pressrelease",
            "add_topic",
            "change_topic",
            "add_releaseimage",
            "delete_releaseimage",
            "add_releaseattachment",
            "delete_releaseattachment",
        } <= granted
        assert ("publish_pressrelease" in granted) == (name == "Chefredaktion")


def test_chefredaktion_hands_out_embargo_links_redaktion_does_not_see_them(as_role, make_release):
    release = make_release(publish_at=timezone.now() + datetime.timedelta(days=2))
    chief = as_role("Chefredaktion")
    assert "Sperrfrist-Links" in chief.get(change_url(release)).content.decode()
    assert chief.get("/admin/contacts/subscription/").status_code == 200
    assert chief.get("/admin/releases/alertdelivery/").status_code == 200
    chief.logout()
    editor = as_role("Redaktion")
    assert "Sperrfrist-Links" not in editor.get(change_url(release)).content.decode()
    assert editor.get("/admin/contacts/subscription/").status_code == 403


# Per kind: admin address, the fixture that makes one, what a new one needs, a field to change.
DIRECTORY = {
    "project": (
        "/admin/releases/project/",
        "make_project",
        {"name": "Betriebsnachbarschaften", "summary": "Betriebe helfen einander."},
        "summary",
    ),
    "partner": (
        "/admin/releases/partner/",
        "make_partner",
        {"name": "Handwerkskammer Braunschweig-Lüneburg-Stade"},
        "description",
    ),
    "contact": (
        "/admin/contacts/presscontact/",
        "make_contact",
        {"first_name": "Sibille", "last_name": "Rosinski", "slug": "sibille-rosinski"},
        "position",
    ),
}


@pytest.mark.parametrize("role", ["Redaktion", "Chefredaktion"])
@pytest.mark.parametrize("kind", DIRECTORY.keys())
def test_both_roles_add_and_edit_projects_partners_and_contacts_chefredaktion_deletes(
    as_role, request, role, kind
):
    base, factory, required, field = DIRECTORY[kind]
    existing = request.getfixturevalue(factory)()
    model = type(existing)
    client = as_role(role)

    assert submit_as_shown(client, f"{base}add/", **required).status_code == 302
    assert model.objects.count() == 2
    change = f"{base}{existing.pk}/change/"
    assert submit_as_shown(client, change, **{field: "Neu gefasst"}).status_code == 302
    existing.refresh_from_db()
    assert getattr(existing, field) == "Neu gefasst"

    may_delete = role == "Chefredaktion"
    assert client.get(f"{base}{existing.pk}/delete/").status_code == (200 if may_delete else 403)
    client.post(f"{base}{existing.pk}/delete/", {"post": "yes"})
    assert model.objects.filter(pk=existing.pk).exists() is not may_delete


def test_redaktion_edits_a_projects_partners_areas_and_events(as_role, make_project, make_partner):
    project = make_project(areas=2)
    partner = make_partner(name="Europäischer Sozialfonds")
    editor = as_role("Redaktion")
    response = submit_as_shown(
        editor,
        f"/admin/releases/project/{project.pk}/change/",
        **{
            "partner_roles-TOTAL_FORMS": "1",
            "partner_roles-0-partner": partner.pk,
            "partner_roles-0-role": "funder",
            "partner_roles-0-order": "0",
            "areas-1-DELETE": "on",
        },
    )
    assert response.status_code == 302
    assert project.partner_roles.get().partner == partner
    area = project.areas.get()
    assert area.name == "Raum 0"

    event = area.events.get()
    response = submit_as_shown(
        editor,
        f"/admin/releases/projectarea/{area.pk}/change/",
        **{"events-0-title": "Abschlussveranstaltung"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Abschlussveranstaltung"


# Reading what is not public yet, and uploading into texts: a permission, not the staff flag.


def hidden_release_addresses(release):
    """Every address at which a release that is not public shows itself or a file of it."""
    image = release.images.get()
    text_image = release.editor_images.get()
    return [
        reverse("releases:preview", kwargs={"pk": release.pk}),
        image.get_absolute_url(),
        f"{image.get_absolute_url()}40.jpeg",  # a rendition
        release.attachments.get().get_absolute_url(),
        release.get_press_kit_url(),
        text_image.get_absolute_url(),
        image.image.url,  # the admin's link to the stored file
    ]


@pytest.fixture
def draft_with_files(make_release):
    release = make_release(status=PressRelease.Status.DRAFT, publish_at=None, images=1)
    ReleaseAttachment.objects.create(
        release=release, file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n"), title="Plan"
    )
    text_image = EditorImage()
    text_image.file.save("skizze.png", ContentFile(png_bytes()))
    release.body = f'<img src="{text_image.get_absolute_url()}" alt="Skizze">'
    release.save()
    return release


def staff_member(client, django_user_model, *permissions):
    user = django_user_model.objects.create_user(
        "praktikant", password="ein-langes-passwort-1", is_staff=True
    )
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client.force_login(user)
    return client


def upload(client):
    return client.post("/ckeditor5/image_upload/", {"upload": image_upload("grafik.png")})


def test_staff_without_permissions_read_no_draft_and_upload_nothing(
    client, django_user_model, draft_with_files
):
    intern = staff_member(client, django_user_model)
    preview, *files = hidden_release_addresses(draft_with_files)
    assert intern.get(preview).status_code == 403
    for url in files:
        assert intern.get(url).status_code == 404, url
    response = upload(intern)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Sie dürfen keine Bilder hochladen."
    assert not EditorImage.objects.exclude(releases=draft_with_files).exists()


def test_the_view_permission_opens_drafts_but_uploading_needs_the_change_permission(
    client, django_user_model, draft_with_files
):
    reader = staff_member(client, django_user_model, "releases.view_pressrelease")
    for url in hidden_release_addresses(draft_with_files):
        assert reader.get(url).status_code == 200, url
    assert upload(reader).status_code == 403


@pytest.mark.parametrize("role", ["Redaktion", "Chefredaktion"])
def test_both_roles_preview_drafts_with_their_files_and_upload_images(
    as_role, draft_with_files, role
):
    member = as_role(role)
    for url in hidden_release_addresses(draft_with_files):
        assert member.get(url).status_code == 200, url
    assert upload(member).status_code == 200
