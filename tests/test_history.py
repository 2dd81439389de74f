"""Edit history (django-reversion): who changed what, restoring a version or a deleted object."""

import datetime

import pytest
import reversion
import time_machine
from django.db import connection
from django.utils import timezone
from reversion.models import Version

from contacts.models import PressContact, Subscription
from releases.models import Partner, PressRelease, ProjectPartner, ReleaseImage, Topic

from .helpers import (
    LIST_URL,
    change_url,
    create_through_admin,
    image_upload,
    submit_as_shown,
)


def versions(obj):
    return list(Version.objects.get_for_object(obj).order_by("pk"))


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


def test_a_deleted_topic_is_recovered(chief, make_release):
    response = chief.post("/admin/releases/topic/add/", {"name": "Regionalmarketing", "slug": ""})
    assert response.status_code == 302
    topic = Topic.objects.get()
    release = make_release(topics=[topic])
    chief.post(f"/admin/releases/topic/{topic.pk}/delete/", {"post": "yes"})
    assert not Topic.objects.exists()
    deleted = Version.objects.get_deleted(Topic).get()
    submit_as_shown(chief, f"/admin/releases/topic/recover/{deleted.pk}/")
    assert Topic.objects.get().name == "Regionalmarketing"
    assert list(release.topics.all()) == [Topic.objects.get()]


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


def test_redaktion_restores_an_earlier_text_of_a_release_published_at_once(
    chief, editor_client, topic
):
    """Published "sofort", the release's moment has microseconds; its versions keep milliseconds.
    That difference is no change of its publishing state."""
    with time_machine.travel(timezone.now().replace(microsecond=123456), tick=False):
        release = create_through_admin(
            chief, topic, title="Alter Titel", publish_at_0="", publish_at_1=""
        )
    assert release.is_public and release.publish_at.microsecond == 123456
    submit_as_shown(editor_client, change_url(release), title="Neuer Titel")
    first = versions(release)[0]

    response = submit_as_shown(editor_client, f"{LIST_URL}{release.pk}/history/{first.pk}/")
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.title == "Alter Titel" and release.is_public
    assert release.publish_at.microsecond == 123000  # the moment as the version stored it


def post_action(client, action, *releases):
    return client.post(
        LIST_URL, {"action": action, "_selected_action": [release.pk for release in releases]}
    )


def test_a_list_action_records_one_revision_per_release(chief, make_release):
    first, second = (make_release(status="draft", publish_at=None) for _ in range(2))
    post_action(chief, "publish", first, second)
    [of_first], [of_second] = versions(first), versions(second)
    assert of_first.revision != of_second.revision
    assert [version.object_id for version in of_first.revision.version_set.all()] == [str(first.pk)]
    assert of_first.revision.user.username == "chefin"
    assert of_first.revision.get_comment() == "Veröffentlicht."


def saved_together(*releases):
    """One revision for several releases: what a list action stored before it kept them apart,
    and what restoring must still take apart."""
    with reversion.create_revision():
        for release in releases:
            release.save()
    [version] = versions(releases[0])[-1:]
    assert version.revision.version_set.count() >= len(releases)
    return version


def withdrawn_by_chefredaktion(chief, other):
    post_action(chief, "withdraw", other)
    other.refresh_from_db()
    assert other.status == PressRelease.Status.WITHDRAWN
    return {"status": PressRelease.Status.WITHDRAWN}


def embargo_moved_later_by_chefredaktion(chief, other):
    later = timezone.localtime(other.publish_at).replace(microsecond=0)
    later += datetime.timedelta(days=7)
    response = submit_as_shown(
        chief,
        change_url(other),
        publish_at_0=later.strftime("%d.%m.%Y"),
        publish_at_1=later.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.publish_at == later
    return {"publish_at": later}


@pytest.mark.parametrize(
    "later_change",
    [withdrawn_by_chefredaktion, embargo_moved_later_by_chefredaktion],
    ids=["withdrawn release is not published again", "embargo is not pulled earlier"],
)
def test_restoring_one_release_leaves_every_other_release_as_it_is(
    chief, editor_client, make_release, later_change
):
    mine = make_release(title="Alter Titel")
    other = make_release(title="Andere", publish_at=timezone.now() + datetime.timedelta(days=2))
    version = saved_together(mine, other)
    expected = later_change(chief, other)
    ReleaseImage.objects.create(
        release=other, image=image_upload(), credit="Foto: Erika Beispiel", alt_text="Ein Bild"
    )
    submit_as_shown(editor_client, change_url(mine), title="Neuer Titel")

    url = f"{LIST_URL}{mine.pk}/history/{version.pk}/"
    assert submit_as_shown(editor_client, url).status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.title == "Alter Titel"
    assert {name: getattr(other, name) for name in expected} == expected
    assert other.images.count() == 1  # added after that revision, and still there
    # The other release's history still has its version of that moment.
    assert version.revision.date_created in [v.revision.date_created for v in versions(other)]


def test_recovering_a_deleted_release_leaves_the_others_as_they_are(chief, make_release):
    mine, other = make_release(title="Gelöscht"), make_release(title="Andere")
    saved_together(mine, other)
    withdrawn_by_chefredaktion(chief, other)
    chief.post(f"{LIST_URL}{mine.pk}/delete/", {"post": "yes"})

    deleted = Version.objects.get_deleted(PressRelease).get()
    assert submit_as_shown(chief, f"{LIST_URL}recover/{deleted.pk}/").status_code == 302
    assert PressRelease.objects.get(pk=mine.pk).is_public
    other.refresh_from_db()
    assert other.status == PressRelease.Status.WITHDRAWN


def test_redaktion_cannot_publish_again_what_chefredaktion_withdrew_by_restoring_another(
    chief, editor_client, make_release
):
    """The review's way: Chefredaktion publishes two releases with one list action and later
    withdraws one; the Redaktion restores the other's version from that action."""
    mine, other = (make_release(status="draft", publish_at=None) for _ in range(2))
    post_action(chief, "publish", mine, other)
    post_action(chief, "withdraw", other)
    published = versions(mine)[0]

    url = f"{LIST_URL}{mine.pk}/history/{published.pk}/"
    assert submit_as_shown(editor_client, url).status_code == 302
    other.refresh_from_db()
    assert other.status == PressRelease.Status.WITHDRAWN


def test_the_release_pages_restore_only_versions_of_releases(chief, editor_client, make_release):
    """Reversion's pages take any version's number: a topic's, given to the release admin, would
    revert the topic and show a release form for it."""
    topic = Topic.objects.create(name="Alter Name")
    with reversion.create_revision():
        topic.save()
    topic.name = "Neuer Name"
    topic.save()
    [version] = versions(topic)
    release = make_release()
    for client in [chief, editor_client]:
        assert client.get(f"{LIST_URL}recover/{version.pk}/").status_code == 404
        assert client.post(f"{LIST_URL}recover/{version.pk}/", {}).status_code == 404
        assert client.get(f"{LIST_URL}{release.pk}/history/{version.pk}/").status_code == 404
    topic.refresh_from_db()
    assert topic.name == "Neuer Name"


# --- Projects, partners and press contacts -------------------------------------------------------

# Per kind: admin address, the fixture that makes one, a text field and its label in the history.
DIRECTORY = {
    "project": ("/admin/releases/project/", "make_project", "summary", "Kurzbeschreibung"),
    "partner": ("/admin/releases/partner/", "make_partner", "description", "Beschreibung"),
    "contact": ("/admin/contacts/presscontact/", "make_contact", "position", "Funktion"),
}


@pytest.fixture(params=DIRECTORY.keys())
def entry(request):
    """One project, partner or contact (made directly, so without history yet)."""
    base, factory, field, label = DIRECTORY[request.param]
    obj = request.getfixturevalue(factory)()
    return base, obj, field, label


def test_directory_history_shows_who_changed_what(chief, editor_client, entry):
    base, obj, field, label = entry
    change = f"{base}{obj.pk}/change/"
    assert submit_as_shown(chief, change, **{field: "Fassung der Chefin"}).status_code == 302
    assert (
        submit_as_shown(editor_client, change, **{field: "Fassung der Redaktion"}).status_code
        == 302
    )
    page = chief.get(f"{base}{obj.pk}/history/").content.decode()
    history = page.split('id="change-history"')[1].split("</table>")[0]
    assert "chefin" in history and "(Clara)" in history and "redakteur" in history
    assert history.count(f"{label} geändert.") == 2
    assert len(versions(obj)) == 2


def test_redaktion_restores_an_earlier_version_of_a_directory_entry(chief, editor_client, entry):
    base, obj, field, label = entry
    change = f"{base}{obj.pk}/change/"
    submit_as_shown(chief, change, **{field: "Erste Fassung"})
    submit_as_shown(editor_client, change, **{field: "Zweite Fassung"})
    obj.refresh_from_db()
    assert getattr(obj, field) == "Zweite Fassung"

    url = f"{base}{obj.pk}/history/{versions(obj)[0].pk}/"
    assert "Erste Fassung" in editor_client.get(url).content.decode()
    assert submit_as_shown(editor_client, url).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == "Erste Fassung"


def test_an_earlier_project_version_brings_back_its_areas_and_partner_roles(
    chief, make_project, make_partner
):
    project = make_project(areas=1)
    ProjectPartner.objects.create(project=project, partner=make_partner(), role="funder")
    change = f"/admin/releases/project/{project.pk}/change/"
    submit_as_shown(chief, change)
    submit_as_shown(chief, change, **{"areas-0-DELETE": "on", "partner_roles-0-DELETE": "on"})
    assert not project.areas.exists() and not project.partner_roles.exists()

    first = versions(project)[0]
    submit_as_shown(chief, f"/admin/releases/project/{project.pk}/history/{first.pk}/")
    area = project.areas.get()
    assert (area.name, area.events.get().title) == ("Raum 0", "Treffen im Raum 0")
    assert project.partner_roles.get().role == "funder"


@pytest.mark.parametrize("kind", ["project", "topic"])
def test_an_earlier_version_leaves_the_subscriptions_as_they_are(chief, make_project, topic, kind):
    """Who gets alerts about a project or topic is the journalists' choice, not its history."""
    obj = make_project() if kind == "project" else topic
    change = f"/admin/releases/{kind}/{obj.pk}/change/"
    submit_as_shown(chief, change, name="Erste Fassung")
    journalist = Subscription.objects.create(email="neu@example.org", confirmed_at=timezone.now())
    getattr(journalist, f"{kind}s").add(obj)
    submit_as_shown(chief, change, name="Zweite Fassung")

    submit_as_shown(chief, f"/admin/releases/{kind}/{obj.pk}/history/{versions(obj)[0].pk}/")
    obj.refresh_from_db()
    assert obj.name == "Erste Fassung"
    assert list(getattr(journalist, f"{kind}s").all()) == [obj]


def delete_and_recover(admin_client, base, obj):
    """Deletes through the admin's delete page and recovers through its recover page."""
    assert admin_client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    assert str(obj) in admin_client.get(f"{base}recover/").content.decode()
    deleted = Version.objects.get_deleted(type(obj)).get()
    assert submit_as_shown(admin_client, f"{base}recover/{deleted.pk}/").status_code == 302
    return type(obj).objects.get(pk=obj.pk)


def test_a_deleted_project_is_recovered_with_areas_events_partners_and_releases(
    chief, client, make_project, make_partner, make_release
):
    project = make_project(areas=1)
    ProjectPartner.objects.create(project=project, partner=make_partner(), role="funder")
    release = make_release()
    release.projects.add(project)
    url = project.get_absolute_url()

    recovered = delete_and_recover(chief, "/admin/releases/project/", project)
    assert recovered.areas.get().events.get().title == "Treffen im Raum 0"
    assert recovered.partner_roles.get().role == "funder"
    assert list(release.projects.all()) == [recovered]
    page = client.get(url)
    assert page.status_code == 200 and release.title in page.content.decode()


def test_a_deleted_partner_is_recovered_with_its_project_roles_and_releases(
    chief, client, make_partner, make_project, make_release
):
    partner = make_partner(name="Industrie- und Handelskammer Braunschweig")
    project = make_project()
    ProjectPartner.objects.create(project=project, partner=partner, role="supporter")
    release = make_release()
    release.partners.add(partner)

    recovered = delete_and_recover(chief, "/admin/releases/partner/", partner)
    assert list(project.partners.all()) == [recovered]
    assert list(release.partners.all()) == [recovered]
    assert release.title in client.get(recovered.get_absolute_url()).content.decode()


def test_a_deleted_contact_is_back_in_the_releases_that_named_it(
    chief, client, make_contact, make_release
):
    contact = make_contact(first_name="Sibille", last_name="Rosinski")
    release = make_release()
    release.contacts.set([contact])

    recovered = delete_and_recover(chief, "/admin/contacts/presscontact/", contact)
    assert list(release.contacts.all()) == [recovered]
    assert "Sibille Rosinski" in client.get(release.get_absolute_url()).content.decode()


def test_contacts_deleted_together_are_recovered_one_by_one(
    chief, editor_client, make_contact, make_release
):
    """The list's delete action; and the Redaktion, which cannot delete, may bring one back."""
    first, second = make_contact(), make_contact()
    release = make_release()
    release.contacts.set([first, second])
    chief.post(
        "/admin/contacts/presscontact/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert not PressContact.objects.exists()

    deleted = Version.objects.get_deleted(PressContact).get(object_id=str(first.pk))
    url = f"/admin/contacts/presscontact/recover/{deleted.pk}/"
    assert submit_as_shown(editor_client, url).status_code == 302
    assert list(release.contacts.all()) == [PressContact.objects.get()]


def test_a_partner_comes_back_without_the_link_to_a_release_deleted_meanwhile(
    chief, make_partner, make_release
):
    partner = make_partner()
    kept, deleted_later = make_release(), make_release()
    kept.partners.add(partner)
    deleted_later.partners.add(partner)
    chief.post(f"/admin/releases/partner/{partner.pk}/delete/", {"post": "yes"})
    deleted_later.delete()

    deleted = Version.objects.get_deleted(Partner).get()
    assert (
        submit_as_shown(chief, f"/admin/releases/partner/recover/{deleted.pk}/").status_code == 302
    )
    connection.check_constraints()  # no link points at the deleted release
    assert list(Partner.objects.get().releases.all()) == [kept]


def test_looking_at_a_recovery_changes_nothing(chief, make_partner, make_release):
    partner = make_partner()
    release = make_release()
    release.partners.add(partner)
    chief.post(f"/admin/releases/partner/{partner.pk}/delete/", {"post": "yes"})
    release.delete()
    deleted = Version.objects.get_deleted(Partner).get()
    stored = Version.objects.count()

    page = chief.get(f"/admin/releases/partner/recover/{deleted.pk}/")
    assert page.status_code == 200 and partner.name in page.content.decode()
    assert Version.objects.count() == stored
    assert not Partner.objects.exists()
