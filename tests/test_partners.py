"""The shareholders page /gesellschafter/ and a partner's page /partner/<slug>/."""

import datetime

import pytest
from django.utils import timezone

from releases.models import Partner, PressRelease, Project, ProjectPartner

from .helpers import assert_german_404, image_upload, page


def test_shareholders_are_grouped_by_kind_with_logos(client, make_partner):
    make_partner(name="Landkreis Peine", kind=Partner.Kind.COUNTY, is_shareholder=True)
    make_partner(
        name="Industrie- und Handelskammer Braunschweig",
        kind=Partner.Kind.CHAMBER,
        is_shareholder=True,
        logo=image_upload("ihk.png"),
    )
    make_partner(name="IG Metall SüdOstNiedersachsen", kind=Partner.Kind.UNION, is_shareholder=True)
    make_partner(name="RKW-Kompetenzzentrum Nord", kind=Partner.Kind.ASSOCIATION)
    html = page(client, "/gesellschafter/")
    assert "von 3 Gesellschaftern" in html
    chambers = html.split(">Kammern</h2>")[1].split("</section>")[0]
    assert "Industrie- und Handelskammer Braunschweig" in chambers and "<img" in chambers
    assert "Landkreis Peine" in html.split(">Landkreise</h2>")[1].split("</section>")[0]
    assert "IG Metall" in html.split(">Gewerkschaften</h2>")[1].split("</section>")[0]
    assert html.index(">Kammern</h2>") < html.index(">Landkreise</h2>")
    assert html.index(">Landkreise</h2>") < html.index(">Gewerkschaften</h2>")
    assert "RKW" not in html  # not a shareholder
    assert 'href="/partner/landkreis-peine/"' in html


def test_partner_page_shows_its_projects_and_roles(client, make_partner, make_project):
    partner = make_partner(
        name="Landkreis Helmstedt", kind=Partner.Kind.COUNTY, is_shareholder=True
    )
    project = make_project(name="Betriebsnachbarschaften")
    ProjectPartner.objects.create(project=project, partner=partner, role="funder")
    ProjectPartner.objects.create(project=project, partner=partner, role="supporter")
    planned = make_project(name="Noch nicht angekündigt", status=Project.Status.PLANNED)
    ProjectPartner.objects.create(project=planned, partner=partner, role="funder")
    html = page(client, partner.get_absolute_url())
    assert "<h1>Landkreis Helmstedt</h1>" in html and "Landkreis · Gesellschafter" in html
    assert 'href="/projekte/betriebsnachbarschaften/">Betriebsnachbarschaften</a>' in html
    assert "Förderer, Unterstützer" in html
    assert "Noch nicht angekündigt" not in html


def test_partner_page_lists_only_published_releases_that_mention_it(
    client, make_partner, make_release
):
    partner = make_partner(name="Handwerkskammer Braunschweig-Lüneburg-Stade")
    other = make_partner(name="Stadt Wolfsburg")
    make_release(title="Werkstatt zum Azubimarketing").partners.add(partner)
    make_release(
        title="Unter Sperrfrist", publish_at=timezone.now() + datetime.timedelta(hours=2)
    ).partners.add(partner)
    make_release(title="Nur ein Entwurf", status=PressRelease.Status.DRAFT).partners.add(partner)
    make_release(title="Über Wolfsburg").partners.add(other)
    html = page(client, partner.get_absolute_url())
    assert "Werkstatt zum Azubimarketing" in html
    for absent in ["Unter Sperrfrist", "Nur ein Entwurf", "Über Wolfsburg"]:
        assert absent not in html


def test_partner_without_releases_says_so(client, make_partner):
    partner = make_partner(name="Wolfsburg AG", short_name="Wolfsburg AG", is_shareholder=True)
    assert "Noch keine Pressemitteilung nennt Wolfsburg AG." in page(
        client, partner.get_absolute_url()
    )


@pytest.mark.parametrize("url", ["/partner/gibt-es-nicht/", "/partner/partner-nummer-1/?page=2"])
def test_bad_partner_addresses_get_a_german_404(client, make_partner, url):
    make_partner(is_shareholder=True)  # public, without releases
    assert_german_404(client.get(url))


@pytest.mark.parametrize("count", [3, 30])
def test_partner_pages_cost_the_same_queries_for_3_or_30_rows(
    client, make_partner, make_project, make_release, topic, count, django_assert_num_queries
):
    partner = make_partner(is_shareholder=True, logo=image_upload())
    for number in range(count):
        make_partner(is_shareholder=True, kind=list(Partner.Kind)[number % len(Partner.Kind)])
        ProjectPartner.objects.create(project=make_project(), partner=partner, role="supporter")
        make_release(topics=[topic]).partners.add(partner)
    with django_assert_num_queries(1):
        page(client, "/gesellschafter/")
    # partner with its count of public releases, its project roles with projects, page of
    # releases, their topics
    with django_assert_num_queries(4):
        page(client, partner.get_absolute_url())
