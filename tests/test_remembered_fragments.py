"""What public pages keep besides the archive's counts (releases.cache.remembered): the rendered
release cards, the archive's filter block, year navigation and list by page number, the home page's
content, a release page's head and content and a project page's
(releases/templatetags/remembered.py), what a release page shows besides the release
(ReleaseDetailView.shown) and the boilerplate. Each key must make its entry fresh at an embargo
moment, after an edit and after a withdrawal."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from releases.models import EmbargoLink, Organisation, PressRelease, ProjectPartner, ReleaseImage

from .helpers import count_queries, page, titles


@pytest.fixture(autouse=True)
def kept_as_in_production(settings):
    settings.COUNTS_CACHE_SECONDS = 600


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def topic_option(html, topic):
    """The topic filter's option, with its count: „Fachkräftesicherung (2)“."""
    start = html.index(f'<option value="{topic.slug}"')
    return html[html.index(">", start) + 1 : html.index("</option>", start)]


# --- Queries: independent of rows, once kept ---------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_release_page_costs_one_query_once_kept(
    client, make_release, make_project, make_partner, make_contact, topic, count
):
    release = make_release(topics=[topic], images=1, attachments=1)
    for _ in range(count):
        project = make_project()
        ProjectPartner.objects.create(project=project, partner=make_partner(), role="funder")
        release.projects.add(project)
        release.partners.add(make_partner(is_shareholder=True))
        release.contacts.add(make_contact())
        make_release(topics=[topic])
    assert count_queries(client, release.get_absolute_url()) > 1
    # The release itself (published(): the publishing rule is asked on every visit).
    assert count_queries(client, release.get_absolute_url()) == 1
    html = page(client, release.get_absolute_url())
    assert html.count('class="contact-card"') == count
    assert html.count('class="about-project"') == count
    assert html.count('class="funding-notice"') == count  # the funders, kept with the projects


@pytest.mark.parametrize("count", [3, 30])
def test_archive_page_costs_no_query_once_kept(client, make_release, topic, count):
    for _ in range(count):
        make_release(topics=[topic])
    page(client, "/presse/")
    # The counts, the filter block, the year navigation and the page's list are kept.
    assert count_queries(client, "/presse/") == 0
    assert count_queries(client, "/presse/", {"thema": topic.slug}) > 1
    assert count_queries(client, "/presse/", {"thema": topic.slug}) == 1  # the topic chosen


@pytest.mark.parametrize("count", [3, 30])
def test_search_page_runs_no_search_once_its_list_is_kept(client, make_release, topic, count):
    for number in range(count):
        make_release(title=f"Fachkräfte {number}", topics=[topic])
    search = {"q": "Fachkräfte", "page": 2 if count > 20 else 1}
    assert count_queries(client, "/presse/", search) > 1
    # The counts, the filter block and the page of hits are kept: the hits are not read again.
    assert count_queries(client, "/presse/", search) == 0
    assert count_queries(client, "/presse/", {**search, "thema": topic.slug}) > 1
    assert count_queries(client, "/presse/", {**search, "thema": topic.slug}) == 1  # the topic


def test_each_page_search_and_filter_of_the_archive_keeps_its_own_list(client, make_release):
    for number in range(25):
        make_release(title=f"Mitteilung {number:02}", release_date=datetime.date(2024, 1, 1))
    make_release(title="Fachkräfte im Harz", release_date=datetime.date(2024, 1, 2))
    for _ in range(2):  # built, then kept
        first = titles(page(client, "/presse/"))
        second = titles(page(client, "/presse/", {"page": 2}))
        search = titles(page(client, "/presse/", {"q": "Harz"}))
        year = titles(page(client, "/presse/2024/", {"page": 2}))
    assert len(first) == 20 and len(second) == 6 and not set(first) & set(second)
    assert search == ["Fachkräfte im Harz"]
    assert year == second


# --- The embargo moment -----------------------------------------------------------------------


def test_kept_fragments_show_an_embargoed_release_at_its_moment_not_before(
    client, make_release, topic, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    shown = make_release(title="Schon öffentlich", topics=[topic])
    make_release(
        title="Unter Sperrfrist", topics=[topic], publish_at=now + datetime.timedelta(seconds=90)
    )
    for _ in range(2):  # built, then kept
        archive = page(client, "/presse/")
        detail = page(client, shown.get_absolute_url())
        home = page(client, "/")
    assert "Unter Sperrfrist" not in archive + detail + home
    assert topic_option(archive, topic) == f"{topic.name} (1)"
    time_machine.move_to(now + datetime.timedelta(seconds=89))
    assert "Unter Sperrfrist" not in page(client, shown.get_absolute_url())
    time_machine.move_to(now + datetime.timedelta(seconds=90))
    archive = page(client, "/presse/")
    assert titles(archive) == ["Unter Sperrfrist", "Schon öffentlich"]
    assert topic_option(archive, topic) == f"{topic.name} (2)"  # the filter block, renewed
    assert "Unter Sperrfrist" in page(client, shown.get_absolute_url())  # related releases
    assert "Unter Sperrfrist" in page(client, "/")


def test_release_page_drops_an_image_when_its_rights_end(client, make_release, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    release = make_release(images=1)
    ReleaseImage.objects.update(rights_until=now + datetime.timedelta(seconds=60))
    for _ in range(2):
        assert "Bildunterschrift 0" in page(client, release.get_absolute_url())
    time_machine.move_to(now + datetime.timedelta(seconds=60))
    assert "Bildunterschrift 0" not in page(client, release.get_absolute_url())


# --- An edit ------------------------------------------------------------------------------------


def test_kept_fragments_show_an_edit_at_once(client, make_release, topic, committed):
    edited = make_release(title="Alter Titel", topics=[topic])
    other = make_release(title="Nachbar", topics=[topic])
    for _ in range(2):
        page(client, "/presse/")
        page(client, "/")
        page(client, other.get_absolute_url())
    with committed():
        edited.title = "Neuer Titel"
        edited.save()
    assert "Neuer Titel" in titles(page(client, "/presse/"))  # the card
    assert "Neuer Titel" in page(client, "/")  # the same card on the home page
    assert "Neuer Titel" in page(client, other.get_absolute_url())  # related releases
    with committed():
        topic.name = "Fachkräfte und Ausbildung"
        topic.save()
    archive = page(client, "/presse/")
    assert topic_option(archive, topic) == "Fachkräfte und Ausbildung (2)"  # the filter block
    assert archive.count("<li>Fachkräfte und Ausbildung</li>") == 2  # the cards' topics


def test_release_page_shows_an_added_image_and_a_new_boilerplate_at_once(
    client, make_release, make_partner, committed
):
    release = make_release()
    for _ in range(2):
        html = page(client, release.get_absolute_url())
    assert "Bildunterschrift" not in html
    with committed():
        Organisation.objects.create(about="Der neue Text über die Gesellschaft.")
        make_partner(name="Stadt Salzgitter", is_shareholder=True)
    html = page(client, release.get_absolute_url())
    assert "Der neue Text über die Gesellschaft." in html
    assert "Stadt Salzgitter" in html
    with committed():
        other = make_release(images=1)
        release.images.set(other.images.all())
    assert "Bildunterschrift 0" in page(client, release.get_absolute_url())


# --- The page frame -------------------------------------------------------------------------


def test_kept_navigation_marks_the_section_of_each_page(client, make_release, make_project):
    release, project = make_release(), make_project()
    current = {}
    for _ in range(2):  # built, then kept
        for address in ["/", "/presse/", release.get_absolute_url(), "/projekte/"]:
            current[address] = re.findall(
                r'<a href="([^"]+)" aria-current="page"', page(client, address)
            )
        current["project"] = re.findall(
            r'<a href="([^"]+)" aria-current="page"', page(client, project.get_absolute_url())
        )
    assert current["/"] == []
    assert current["/presse/"] == current[release.get_absolute_url()] == ["/presse/"]
    assert current["/projekte/"] == current["project"] == ["/projekte/"]


# --- Who sees the kept release page ------------------------------------------------------------


def test_release_page_is_kept_apart_for_each_host(client, make_release, settings):
    settings.ALLOWED_HOSTS = ["testserver", "presse.example.de"]
    release = make_release(images=1)
    for _ in range(2):
        page(client, release.get_absolute_url())
    html = page(client, release.get_absolute_url(), HTTP_HOST="presse.example.de")
    assert (
        f'<link rel="canonical" href="http://presse.example.de{release.get_absolute_url()}">'
        in html
    )
    assert "http://testserver" not in html


def test_preview_and_embargo_page_are_not_taken_from_the_kept_public_page(
    client, make_release, time_machine, django_user_model
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    release = make_release(title="Bald öffentlich", publish_at=now + datetime.timedelta(hours=1))
    link = EmbargoLink.objects.create(release=release)
    time_machine.move_to(now + datetime.timedelta(hours=2))
    for _ in range(2):
        public = page(client, release.get_absolute_url())
    assert "Vorschau" not in public and "Sperrfrist" not in public
    staff = Client()
    staff.force_login(django_user_model.objects.create_superuser("chefin"))
    preview = page(staff, f"/presse/vorschau/{release.pk}/")
    assert "Vorschau – Veröffentlicht" in preview
    time_machine.move_to(now)
    embargo = page(client, link.get_absolute_url())
    assert "Sperrfrist: " in embargo
    assert embargo.count(link.token) > 1  # its downloads go through the link, not the public ones


# --- A withdrawal -------------------------------------------------------------------------------


def test_kept_fragments_drop_a_withdrawn_release_at_once(client, make_release, topic, committed):
    withdrawn = make_release(title="Wird zurückgezogen", topics=[topic])
    other = make_release(title="Bleibt", topics=[topic])
    for _ in range(2):
        page(client, "/presse/")
        page(client, other.get_absolute_url())
        page(client, withdrawn.get_absolute_url())
    with committed():
        withdrawn.withdraw()
        withdrawn.save()
    archive = page(client, "/presse/")
    assert titles(archive) == ["Bleibt"]
    assert topic_option(archive, topic) == f"{topic.name} (1)"
    assert "Wird zurückgezogen" not in page(client, other.get_absolute_url())
    assert client.get(withdrawn.get_absolute_url()).status_code == 410
    assert PressRelease.objects.published().count() == 1


# --- The project page -----------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_project_page_costs_one_query_once_kept(
    client, make_project, make_partner, make_release, topic, count
):
    project = make_project(areas=count)
    for number in range(count):
        ProjectPartner.objects.create(
            project=project, partner=make_partner(), role=["sponsor", "funder"][number % 2]
        )
        make_release(topics=[topic]).projects.add(project)
    assert count_queries(client, project.get_absolute_url()) > 1
    # The project with its count of public releases (its page of releases is kept).
    assert count_queries(client, project.get_absolute_url()) == 1
    # Each event: under „Nächste Termine“ and in its area.
    assert page(client, project.get_absolute_url()).count("Treffen im Raum") == 2 * count


def test_project_page_moves_an_event_to_the_past_at_its_moment(client, make_project, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    project = make_project(areas=1, event_at=now + datetime.timedelta(seconds=60))
    for _ in range(2):
        assert "Nächste Termine" in page(client, project.get_absolute_url())
    time_machine.move_to(now + datetime.timedelta(seconds=61))
    assert "Nächste Termine" not in page(client, project.get_absolute_url())


def test_project_page_lists_a_release_at_its_moment_not_before(
    client, make_project, make_release, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    project = make_project()
    for number in range(10):
        make_release(title=f"Frühere Mitteilung {number}").projects.add(project)
    later = make_release(title="Unter Sperrfrist", publish_at=now + datetime.timedelta(seconds=90))
    later.projects.add(project)
    for _ in range(2):
        html = page(client, project.get_absolute_url())
    assert "Unter Sperrfrist" not in html and 'rel="next"' not in html
    time_machine.move_to(now + datetime.timedelta(seconds=90))
    html = page(client, project.get_absolute_url())
    assert "Unter Sperrfrist" in html
    assert 'rel="next"' in html  # eleven releases: the kept count has grown too


def test_project_page_shows_a_new_partner_at_once(client, make_project, make_partner, committed):
    project = make_project()
    for _ in range(2):
        page(client, project.get_absolute_url())
    with committed():
        ProjectPartner.objects.create(
            project=project, partner=make_partner(name="Stadtwerke Wolfenbüttel"), role="sponsor"
        )
    assert "Stadtwerke Wolfenbüttel" in page(client, project.get_absolute_url())


# --- Search: the card with its snippet is kept apart from the plain card ------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="snippets need PostgreSQL")
def test_card_with_a_search_snippet_is_kept_apart_from_the_plain_card(client, make_release):
    make_release(title="Kooperation", lead="Die Kammer aus Lüneburg macht mit.")
    for _ in range(2):
        archive = page(client, "/presse/")
        hits = page(client, "/presse/", {"q": "Lüneburg"})
    assert '<p class="teaser">Die Kammer aus Lüneburg macht mit.</p>' in archive
    assert "<mark>Lüneburg</mark>" in hits and "<mark>" not in archive
