import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone

from allianz_site.text import PlainCharField, PlainTextField

from .. import versions
from .base import SignedLink
from .release import PressRelease


def default_review_expiry():
    return timezone.now() + datetime.timedelta(days=7)


class ReviewLinkQuerySet(models.QuerySet):
    def valid(self):
        """Not revoked and not expired. Whether the release can still be reviewed (not published
        yet) is the page's to decide: a link to a published release leads to its public page."""
        return self.filter(revoked=False, expires_at__gt=timezone.now())


class ReviewLink(SignedLink, models.Model):
    """A secret address at which a named person of a partner organisation (a co-issuer of a joint
    release) reads the draft as it will look and approves it or asks for a change.

    Signed like the embargo links: the token names this link and its release, so it can be neither
    guessed nor bent to another release. It expires, can be revoked, and once the release is
    published it leads to the public page (or to the embargo page, see `embargo_link`)."""

    SALT = "releases.review-link"

    class State(models.TextChoices):
        OPEN = "open", "offen"
        APPROVED = "approved", "freigegeben"
        CHANGES = "changes", "Änderung erbeten"
        OUTDATED = "outdated", "veraltet"

    release = models.ForeignKey(
        PressRelease,
        on_delete=models.CASCADE,
        related_name="review_links",
        verbose_name="Mitteilung",
    )
    name = PlainCharField("Name", max_length=200, help_text="Wer die Mitteilung prüft.")
    organisation = PlainCharField(
        "Organisation",
        max_length=200,
        help_text="Die Partnerorganisation, z. B. „IHK Braunschweig“.",
    )
    email = models.EmailField(
        "E-Mail",
        help_text="Nur zur Übersicht; der Link wird nicht automatisch verschickt. Ein Sperrfrist-"
        "Link mit dieser Adresse unter „Für“ führt nach der Freigabe zur Sperrfrist-Seite.",
    )
    expires_at = models.DateTimeField(
        "Gültig bis",
        default=default_review_expiry,
        help_text="Danach öffnet der Link nichts mehr.",
    )
    revoked = models.BooleanField(
        "Widerrufen", default=False, help_text="Ein widerrufener Link öffnet nichts mehr."
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)

    objects = ReviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "Review-Link"
        verbose_name_plural = "Review-Links"

    def __str__(self):
        return f"{self.name} ({self.organisation})"

    def get_absolute_url(self):
        return reverse("releases:review", kwargs={"token": self.token})

    @property
    def is_valid(self):
        return not self.revoked and self.expires_at > timezone.now()

    @property
    def is_reviewable(self):
        """A release can be reviewed until it is published (or withdrawn)."""
        return self.release.status not in {
            PressRelease.Status.PUBLISHED,
            PressRelease.Status.WITHDRAWN,
        }

    def latest_decision(self):
        """The reviewer's last word, or None. Uses prefetched `decisions` when there are."""
        decisions = list(self.decisions.all())
        return max(decisions, key=lambda d: (d.decided_at, d.pk)) if decisions else None

    def state(self, current=None):
        """offen, freigegeben, Änderung erbeten, or veraltet: approved, but for a version whose
        content differs from the release's now (`current`: its Content, read once by the
        caller for many links)."""
        decision = self.latest_decision()
        if decision is None:
            return self.State.OPEN
        if decision.decision == ReviewDecision.Decision.CHANGES:
            return self.State.CHANGES
        if current is None:
            current = versions.live_content(self.release)
        if decision.version is None or versions.content(decision.version) != current:
            return self.State.OUTDATED
        return self.State.APPROVED

    def embargo_link(self):
        """An embargo link of the same release handed to this reviewer (its "Für" names their
        e-mail address), still valid: where the review link leads during the embargo."""
        return (
            self.release.embargo_links.valid()
            .filter(recipient__iexact=self.email)
            .order_by("-expires_at")
            .first()
        )


class ReviewDecision(models.Model):
    """A reviewer's decision, recorded against the exact version of the release they saw."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Freigegeben"
        CHANGES = "changes", "Änderung erbeten"

    link = models.ForeignKey(
        ReviewLink, on_delete=models.CASCADE, related_name="decisions", verbose_name="Review-Link"
    )
    decision = models.CharField("Entscheidung", max_length=10, choices=Decision.choices)
    comment = PlainTextField("Kommentar", blank=True)
    decided_at = models.DateTimeField("Am", default=timezone.now)
    version = models.ForeignKey(
        "reversion.Version",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="Gesehene Fassung",
        help_text="Die Fassung der Mitteilung, die die Person gesehen hat.",
    )

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = "Rückmeldung"
        verbose_name_plural = "Rückmeldungen"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=["approved", "changes"]),
                name="review_decision_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="changes") | ~models.Q(comment=""),
                name="review_changes_have_comment",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.link})"
