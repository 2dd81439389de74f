"""A release page with its project box, the partners it mentions, its press contact and related
releases; and how a release gets the default contact when saved without one."""

import datetime

import pytest
from django.utils import timezone

from contacts.models import PressContact
from releases.models import PressRelease, Project

from .helpers import ADD_URL, page, release_form


def test_release_page_shows_the_project_box_with_a_link(client, make_release, make_project):
    project = make_project(
        name="Betriebsnachbarschaften",
        summary="Kurz gesagt.",
        about="Nachbarn helfen einander.\n\nZweiter Absatz.",
    )
    release = make_release()
    release.projects.add(project)
    html = page(client, release.get_absolute_url())
    assert "Über das Projekt Betriebsnachbarschaften</h2>" in html
    assert "<p>Nachbarn helfen einander.</p>\n\n<p>Zweiter Absatz.</p>" in html
    assert 'href="/projekte/betriebsnachbarschaften/">Mehr zum Projekt' in html


def test_project_box_falls_back_to_the_summary_and_skips_planned_projects(
    client, make_release, make_project
):
    running = make_project(name="Zukunftsatlas", summary="Die Kurzbeschreibung.")
    planned = make_project(name="Geheimprojekt", status=Project.Status.PLANNED)
    release = make_release()
    release.projects.add(running, planned)
    html = page(client, release.get_absolute_url())
    assert "Über das Projekt Zukunftsatlas" in html and "Die Kurzbeschreibung." in html
    assert "Geheimprojekt" not in html


def test_release_page_links_the_partners_it_mentions(client, make_release, make_partner):
    release = make_release()
    release.partners.add(
        make_partner(name="Handwerkskammer Braunschweig-Lüneburg-Stade"),
        make_partner(name="RKW-Kompetenzzentrum Nord"),
    )
    html = page(client, release.get_absolute_url())
    assert "Partner in dieser Mitteilung" in html
    assert (
        '<a href="/partner/handwerkskammer-braunschweig-lueneburg-stade/">'
        "Handwerkskammer Braunschweig-Lüneburg-Stade</a>" in html
    )
    assert '<a href="/partner/rkw-kompetenzzentrum-nord/">' in html


def test_release_page_has_the_contact_box_with_tel_mailto_and_vcard(
    client, make_release, make_contact
):
    contact = make_contact(first_name="Sibille", last_name="Rosinski", slug="sibille-rosinski")
    release = make_release()
    release.contacts.add(contact)
    html = page(client, release.get_absolute_url())
    box = html.split('id="pressekontakt"')[1].split("</section>")[0]
    assert "Sibille Rosinski" in box
    assert 'href="tel:+495311218154"' in box and 'href="tel:+491735406110"' in box
    assert f'href="mailto:{contact.email}"' in box
    assert 'href="/pressekontakt/sibille-rosinski.vcf"' in box


def contact_box(client, release):
    return (
        page(client, release.get_absolute_url())
        .split('id="pressekontakt"')[1]
        .split("</section>")[0]
    )


def test_release_page_shows_the_contacts_the_release_names_not_the_default(
    client, make_release, make_contact
):
    make_contact(first_name="Standard", order=1)
    release = make_release()
    release.contacts.add(make_contact(first_name="Gewählte", order=2))
    box = contact_box(client, release)
    assert "Gewählte" in box and "Standard" not in box


def test_release_keeps_its_contact_when_another_becomes_the_default(
    client, staff_client, make_contact, topic
):
    first = make_contact(first_name="Erste", order=1)
    assert staff_client.post(ADD_URL, release_form(topic)).status_code == 302  # no contact chosen
    PressRelease.objects.update(
        status=PressRelease.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(hours=1),
    )
    release = PressRelease.objects.get()
    successor = make_contact(first_name="Nachfolgerin", order=0)
    assert PressContact.objects.default() == successor
    box = contact_box(client, release)
    assert "Erste" in box and "Nachfolgerin" not in box
    assert list(release.contacts.all()) == [first]  # the admin shows what the page shows


def test_release_whose_contacts_have_left_refers_to_the_press_office(
    client, make_release, make_contact
):
    make_contact(first_name="Standard", order=1)
    release = make_release()
    release.contacts.add(make_contact(first_name="Ehemalige", order=2, is_active=False))
    box = contact_box(client, release)
    assert "Ehemalige" not in box and "Standard" not in box
    assert '<a href="/pressekontakt/">Pressestelle</a>' in box


def test_related_releases_share_a_project_or_topic_and_are_public(
    client, make_release, make_project, topic
):
    project = make_project()
    release = make_release(title="Die Mitteilung", topics=[topic])
    release.projects.add(project)
    make_release(title="Gleiches Projekt", release_date=datetime.date(2022, 3, 1)).projects.add(
        project
    )
    make_release(title="Gleiches Thema", release_date=datetime.date(2022, 2, 1), topics=[topic])
    make_release(title="Ganz anderes")
    make_release(
        title="Unter Sperrfrist",
        topics=[topic],
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    make_release(title="Nur ein Entwurf", topics=[topic], status=PressRelease.Status.DRAFT)
    related = page(client, release.get_absolute_url()).split('id="verwandt"')[1]
    related = related.split("</section>")[0]
    assert related.index("Gleiches Projekt") < related.index("Gleiches Thema")
    for absent in ["Die Mitteilung", "Ganz anderes", "Unter Sperrfrist", "Nur ein Entwurf"]:
        assert absent not in related


def test_at_most_three_related_releases_newest_first(client, make_release, topic):
    release = make_release(topics=[topic], release_date=datetime.date(2022, 3, 28))
    for day in range(1, 6):
        make_release(
            title=f"Thema am {day}.", topics=[topic], release_date=datetime.date(2022, 3, day)
        )
    related = page(client, release.get_absolute_url()).split('id="verwandt"')[1]
    related = related.split("</section>")[0]
    assert related.count("<li>") == 3
    assert "Thema am 5." in related and "Thema am 3." in related and "Thema am 2." not in related


def test_release_without_project_or_topic_has_no_related_list(client, make_release):
    release = make_release()
    make_release()
    assert 'id="verwandt"' not in page(client, release.get_absolute_url())


@pytest.mark.parametrize("count", [3, 30])
def test_release_page_costs_the_same_queries_for_3_or_30_links(
    client,
    make_release,
    make_project,
    make_partner,
    make_contact,
    topic,
    count,
    django_assert_num_queries,
):
    release = make_release(topics=[topic], images=1, attachments=1)
    for _ in range(count):
        release.projects.add(make_project())
        release.partners.add(make_partner())
        release.contacts.add(make_contact())
        make_release(topics=[topic])
    # release, topics, images, attachments, projects and their funders (the funding notice),
    # partners, contacts, related releases, the boilerplate and its shareholders line
    with django_assert_num_queries(11):
        html = page(client, release.get_absolute_url())
    assert html.count('class="contact-card"') == count
    assert html.count('class="about-project"') == count


def test_new_release_in_the_admin_starts_with_the_default_contact(staff_client, make_contact):
    make_contact(order=1, is_active=False)
    default = make_contact(order=2)
    form = staff_client.get(ADD_URL).context["adminform"].form
    assert form.initial["contacts"] == [default.pk]


def test_release_saved_without_a_contact_gets_the_default_one(staff_client, make_contact, topic):
    default = make_contact(order=1)
    response = staff_client.post(ADD_URL, release_form(topic), follow=True)
    assert response.status_code == 200
    release = PressRelease.objects.get()
    assert list(release.contacts.all()) == [default]
    assert "Kein Pressekontakt gewählt" in response.content.decode()


def test_release_keeps_the_contact_chosen_in_the_admin(staff_client, make_contact, topic):
    make_contact(order=1)
    chosen = make_contact(order=2)
    response = staff_client.post(ADD_URL, release_form(topic, contacts=[chosen.pk]))
    assert response.status_code == 302
    assert list(PressRelease.objects.get().contacts.all()) == [chosen]
