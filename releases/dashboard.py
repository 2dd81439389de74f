"""The admin's start page for the press office (templates/admin/index.html): the releases a
press office works from, each list short and newest or most urgent first."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from . import versions
from .models import Mailing, MailingDelivery, PressRelease

LIMIT = 8  # rows per list; the full lists are one click away


@dataclass
class Section:
    title: str
    releases: list
    empty: str
    more_url: str = ""
    kind: str = ""
    extra: dict = field(default_factory=dict)


def review_summary(release):
    """The co-issuers' state of a release, as (link, state) pairs; one query for the release's
    current content when it has links."""
    links = list(release.review_links.all())
    if not links:
        return []
    current = versions.live_content(release)
    return [(link, link.state(current)) for link in links]


def missing_approvals(release):
    """The review links of `release` whose co-issuer has not approved its current version:
    offen (no decision yet), Änderung erbeten, or veraltet (approved an older version), as
    (link, state) pairs. Revoked links are left out: that co-issuer is no longer asked.
    Publishing such a release asks for a confirmation first (PressReleaseAdmin)."""
    from .models import ReviewLink

    return [
        (link, state)
        for link, state in review_summary(release)
        if not link.revoked and state != ReviewLink.State.APPROVED
    ]


def sections(user):
    """The lists of the start page for `user`; none without the right to see releases."""
    if not user.has_perm("releases.view_pressrelease"):
        return []
    Status = PressRelease.Status
    columns = ["title", "status", "publish_at", "release_date", "updated_at", "withdrawn_at"]
    releases = PressRelease.objects.only(*columns)
    unfinished = [Status.DRAFT, Status.CHANGES_REQUESTED]
    mine = list(
        releases.filter(status__in=unfinished, created_by=user).order_by("-updated_at")[:LIMIT]
    )
    submitted = list(
        releases.filter(status=Status.SUBMITTED)
        .prefetch_related("review_links__decisions__version__revision")
        .order_by("updated_at")[:LIMIT]
    )
    drafts = list(releases.filter(status__in=unfinished).order_by("-updated_at")[:LIMIT])
    scheduled = list(releases.scheduled().order_by("publish_at")[:LIMIT])
    recent = list(releases.published().order_by("-publish_at")[:LIMIT])
    for release in scheduled:
        release.time_left = release.publish_at - timezone.now()
    for release in submitted:
        # the co-issuers' state, as the review links' inline shows it
        release.review_states = review_summary(release)
    result = [
        Section(
            "Meine Entwürfe",
            mine,
            "Sie haben keine offenen Entwürfe.",
            kind="mine",
        ),
        Section(
            "Zur Freigabe",
            submitted,
            "Nichts wartet auf Freigabe.",
            more_url=f"?status__exact={Status.SUBMITTED}",
            kind="submitted",
        ),
        Section(
            "Alle Entwürfe",
            drafts,
            "Keine Entwürfe.",
            more_url=f"?status__exact={Status.DRAFT}",
            kind="drafts",
        ),
        Section(
            "Geplant",
            scheduled,
            "Keine Mitteilung unter Sperrfrist.",
            kind="scheduled",
        ),
        Section(
            "Zuletzt veröffentlicht",
            recent,
            "Noch nichts veröffentlicht.",
            more_url=f"?status__exact={Status.PUBLISHED}",
            kind="recent",
        ),
    ]
    return result


def recent_mailings(user, limit=5):
    """The latest mailings to the press list, with how many mails went out, wait or failed, in
    one query; none for those who may not see mailings."""
    if not user.has_perm("releases.view_mailing"):
        return []
    State = MailingDelivery.State

    def deliveries(state):
        return Count("deliveries", filter=Q(deliveries__state=state))

    return list(
        Mailing.objects.select_related("release")
        .only("status", "created_at", "release__title")
        .annotate(
            sent=deliveries(State.SENT),
            waiting=deliveries(State.PENDING),
            failed=deliveries(State.FAILED),
        )
        .order_by("-created_at", "-pk")[:limit]
    )
