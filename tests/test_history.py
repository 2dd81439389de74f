"""Edit history (django-reversion): who changed what, restoring a version or a deleted object."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from reversion.models import Version

from releases.models import PressRelease, Topic

from .test_admin import ADD_URL, LIST_URL, release_form


class FormReader(HTMLParser):
    """Reads the admin's main form the way a browser submits it (files left out)."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self.in_form = False
        self.textarea = None
        self.select = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form or "name" not in attributes and tag != "option":
            return
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self.add(attributes["name"], attributes.get("value") or "")
        elif tag == "textarea":
            self.textarea = attributes["name"]
            self.add(self.textarea, "")
        elif tag == "select":
            self.select = attributes["name"]
        elif tag == "option" and self.select and "selected" in attributes:
            self.add(self.select, attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data.removeprefix("\n")


def submit_as_shown(client, url, **changes):
    page = client.get(url)
    assert page.status_code == 200, url
    reader = FormReader()
    reader.feed(page.content.decode())
    data = {**reader.data, **changes, "_save": "Sichern"}
    return client.post(url, data)


@pytest.fixture
def chief(client, django_user_model):
    user = django_user_model.objects.create_user(
        "chefin", password="ein-langes-passwort-1", is_staff=True, first_name="Clara"
    )
    user.groups.add(Group.objects.get(name="Chefredaktion"))
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(client, django_user_model):
    """A second browser: someone of the Redaktion."""
    user = django_user_model.objects.create_user(
        "redakteur", password="ein-langes-passwort-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Redaktion"))
    browser = client.__class__()
    browser.force_login(user)
    return browser


def change_url(release):
    return f"{LIST_URL}{release.pk}/change/"


def versions(obj):
    return list(Version.objects.get_for_object(obj).order_by("pk"))


def create_through_admin(client, topic, **overrides):
    response = client.post(ADD_URL, release_form(topic, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return PressRelease.objects.get()


def test_history_shows_who_changed_what(chief, editor_client, topic):
    release = create_through_admin(chief, topic, status="draft")
    response = submit_as_shown(editor_client, change_url(release), title="Neuer Titel")
    assert response.status_code == 302
    page = chief.get(f"{LIST_URL}{release.pk}/history/").content.decode()
    history = page.split('id="change-history"')[1].split("</table>")[0]
    assert "chefin" in history and "(Clara)" in history and "redakteur" in history
    assert "Titel geändert." in history
    assert len(versions(release)) == 2


def test_an_earlier_version_is_restored_with_its_image(chief, topic):
    release = create_through_admin(chief, topic, title="Erste Fassung")
    image = release.images.get()
    submit_as_shown(chief, change_url(release), title="Zweite Fassung", **{"images-0-DELETE": "on"})
    release.refresh_from_db()
    assert release.title == "Zweite Fassung" and not release.images.exists()

    first = versions(release)[0]
    url = f"{LIST_URL}{release.pk}/history/{first.pk}/"
    assert "Erste Fassung" in chief.get(url).content.decode()
    assert submit_as_shown(chief, url).status_code == 302
    release.refresh_from_db()
    assert release.title == "Erste Fassung"
    restored = release.images.get()
    assert (restored.pk, restored.image.name, restored.credit) == (
        image.pk,
        image.image.name,
        "Foto: Erika Beispiel",
    )


def test_a_deleted_release_is_recovered_with_images_and_attachments(chief, client, topic):
    release = create_through_admin(chief, topic, status="published", publish_at_0="01.03.2022")
    url = release.get_absolute_url()
    assert chief.post(f"{LIST_URL}{release.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not PressRelease.objects.exists()
    assert chief.get(url).status_code == 404

    recover_list = chief.get(f"{LIST_URL}recover/").content.decode()
    assert release.title in recover_list
    deleted = Version.objects.get_deleted(PressRelease).get()
    assert submit_as_shown(chief, f"{LIST_URL}recover/{deleted.pk}/").status_code == 302

    recovered = PressRelease.objects.get()
    assert recovered.pk == release.pk and recovered.images.count() == 1
    assert recovered.attachments.count() == 1 and list(recovered.topics.all()) == [topic]
    assert chief.get(url).status_code == 200


def test_a_deleted_topic_is_recovered(chief):
    response = chief.post("/admin/releases/topic/add/", {"name": "Regionalmarketing", "slug": ""})
    assert response.status_code == 302
    topic = Topic.objects.get()
    chief.post(f"/admin/releases/topic/{topic.pk}/delete/", {"post": "yes"})
    assert not Topic.objects.exists()
    deleted = Version.objects.get_deleted(Topic).get()
    submit_as_shown(chief, f"/admin/releases/topic/recover/{deleted.pk}/")
    assert Topic.objects.get().name == "Regionalmarketing"


def test_redaktion_cannot_republish_by_restoring_a_published_version(
    chief, editor_client, client, topic
):
    release = create_through_admin(chief, topic, status="published", publish_at_0="01.03.2022")
    chief.post(LIST_URL, {"action": "unpublish", "_selected_action": [release.pk]})
    published_version = versions(release)[0]
    url = f"{LIST_URL}{release.pk}/history/{published_version.pk}/"

    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"_save": "Sichern"}).status_code == 403
    release.refresh_from_db()
    assert release.status == PressRelease.Status.DRAFT
    # Chefredaktion may.
    assert submit_as_shown(chief, url).status_code == 302
    release.refresh_from_db()
    assert release.is_public


def test_redaktion_restores_an_earlier_text_of_a_draft(chief, editor_client, topic):
    release = create_through_admin(chief, topic, status="draft", title="Alter Titel")
    submit_as_shown(editor_client, change_url(release), title="Neuer Titel")
    first = versions(release)[0]
    response = submit_as_shown(editor_client, f"{LIST_URL}{release.pk}/history/{first.pk}/")
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.title == "Alter Titel"


def test_redaktion_cannot_bring_back_a_deleted_published_release(chief, editor_client, topic):
    release = create_through_admin(chief, topic, status="published", publish_at_0="01.03.2022")
    chief.post(f"{LIST_URL}{release.pk}/delete/", {"post": "yes"})
    deleted = Version.objects.get_deleted(PressRelease).get()
    assert editor_client.get(f"{LIST_URL}recover/{deleted.pk}/").status_code == 403
    assert not PressRelease.objects.exists()
