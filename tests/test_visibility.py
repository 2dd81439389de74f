"""A partner or topic is public only once something public refers to it: a public release, a
public project, or (partners) the shareholder flag. Partner.objects.public() and
Topic.objects.public() carry the rule; every public surface uses them. A partner or topic made
for a release under embargo (the company the news is about) appears at the release's moment,
without any job, like the release itself."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from releases.models import Partner, PressRelease, Project, ProjectPartner, Topic

from .helpers import assert_german_404, page, sitemap

SECRET_PARTNER = "Wasserstoffwerk Salzgitter GmbH"
SECRET_TOPIC = "Wasserstoffwirtschaft"


@pytest.fixture
def embargoed_news(make_release, make_partner):
    """A release under embargo for two hours that mentions a new partner and has a new topic,
    a draft that does the same, and a public release about something else."""
    moment = timezone.now() + datetime.timedelta(hours=2)
    partner = make_partner(name=SECRET_PARTNER)
    topic = Topic.objects.create(name=SECRET_TOPIC)
    release = make_release(title="Großinvestition in Salzgitter", publish_at=moment, topics=[topic])
    release.partners.add(partner)
    draft = make_release(
        title="Entwurf zum Werk", status=PressRelease.Status.DRAFT, publish_at=None, topics=[topic]
    )
    draft.partners.add(partner)
    public_topic = Topic.objects.create(name="Regionalmarketing")
    public_partner = make_partner(name="Stadt Wolfsburg")
    make_release(title="Öffentlich", topics=[public_topic]).partners.add(public_partner)
    return {"moment": moment, "partner": partner, "topic": topic}


def public_surfaces(client, partner, topic):
    """What the public sees of `partner` and `topic` on each surface: True where they show."""
    archive = page(client, "/presse/")
    subscribe = page(client, "/presse/abonnieren/")
    partner_page = client.get(partner.get_absolute_url())
    topic_feed = client.get(f"/presse/feed/thema/{topic.slug}/")
    filtered = page(client, "/presse/", {"partner": partner.slug, "thema": topic.slug})
    return {
        "partner page": partner_page.status_code == 200,
        "partner in the sitemap": f"http://testserver{partner.get_absolute_url()}"
        in sitemap(client),
        "partner in the archive's filter": SECRET_PARTNER in archive,
        "partner accepted as filter": "Diesen Partner gibt es nicht" not in filtered,
        "topic feed": topic_feed.status_code == 200 and SECRET_TOPIC in topic_feed.content.decode(),
        "topic in the archive's filter": SECRET_TOPIC in archive,
        "topic accepted as filter": "Dieses Thema gibt es nicht" not in filtered,
        "topic in the subscription form": SECRET_TOPIC in subscribe,
    }


def test_partner_and_topic_of_an_embargoed_release_stay_hidden_until_its_moment(
    client, embargoed_news
):
    partner, topic = embargoed_news["partner"], embargoed_news["topic"]
    before = public_surfaces(client, partner, topic)
    assert not any(before.values()), before
    assert_german_404(client.get(partner.get_absolute_url()))
    assert_german_404(client.get(f"/presse/feed/thema/{topic.slug}/"))

    with time_machine.travel(embargoed_news["moment"] + datetime.timedelta(seconds=1)):
        after = public_surfaces(client, partner, topic)
    assert all(after.values()), after


def test_hidden_topic_cannot_be_subscribed_to(client, embargoed_news):
    response = client.post(
        "/presse/abonnieren/",
        {"email": "neugierig@example.org", "topics": [embargoed_news["topic"].slug], "consent": 1},
    )
    assert response.status_code == 200
    assert "ist keine gültige Auswahl" in response.content.decode()
    assert mail.outbox == []


def test_what_makes_a_partner_public(make_partner, make_project, make_release):
    make_partner(name="IHK", is_shareholder=True)
    in_release = make_partner(name="In einer Mitteilung")
    make_release().partners.add(in_release)
    in_project = make_partner(name="In einem Projekt")
    ProjectPartner.objects.create(project=make_project(), partner=in_project, role="funder")
    in_both = make_partner(name="In beidem")
    make_release().partners.add(in_both)
    ProjectPartner.objects.create(project=make_project(), partner=in_both, role="supporter")

    in_planned_project = make_partner(name="Nur in einem geplanten Projekt")
    planned = make_project(status=Project.Status.PLANNED)
    ProjectPartner.objects.create(project=planned, partner=in_planned_project, role="funder")
    in_withdrawn = make_partner(name="Nur in einer zurückgezogenen Mitteilung")
    withdrawn = make_release()
    withdrawn.partners.add(in_withdrawn)
    withdrawn.withdraw()
    withdrawn.save()
    make_partner(name="Nur angelegt")

    assert sorted(partner.name for partner in Partner.objects.public()) == [
        "IHK",
        "In beidem",
        "In einem Projekt",
        "In einer Mitteilung",
    ]


def test_what_makes_a_topic_public(make_release):
    public, embargoed, draft, _unused = (
        Topic.objects.create(name=name) for name in ["Öffentlich", "Sperrfrist", "Entwurf", "Leer"]
    )
    make_release(topics=[public])
    make_release(topics=[public])  # counted once
    make_release(topics=[embargoed], publish_at=timezone.now() + datetime.timedelta(minutes=5))
    make_release(topics=[draft], status=PressRelease.Status.DRAFT)
    assert list(Topic.objects.public()) == [public]


def test_partners_on_public_pages_link_to_public_partner_pages(
    client, make_partner, make_project, make_release
):
    """The project page and the release page name partners; each of them has a page."""
    supporter = make_partner(name="Förderverein")
    project = make_project(name="Betriebsnachbarschaften")
    ProjectPartner.objects.create(project=project, partner=supporter, role="supporter")
    mentioned = make_partner(name="Landkreis Goslar")
    release = make_release()
    release.partners.add(mentioned)
    assert supporter.get_absolute_url() in page(client, project.get_absolute_url())
    assert mentioned.get_absolute_url() in page(client, release.get_absolute_url())
    for partner in (supporter, mentioned):
        assert client.get(partner.get_absolute_url()).status_code == 200
