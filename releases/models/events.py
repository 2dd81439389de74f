from django.conf import settings
from django.db import models
from django.utils import timezone

from allianz_site.text import PlainTextField

from .release import PressRelease, ReleaseStatus, moment_label


class ReleaseEvent(models.Model):
    """One change of a release's state, with who made it, when, and their comment: the
    workflow's history (Entwurf → Zur Freigabe → veröffentlicht …). Written by the release's
    transitions when it is saved (PressRelease.record_transitions), never edited; shown on the
    release's history page and its change form. Not part of the versions (django-reversion):
    restoring an old version does not rewrite what happened."""

    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="events", verbose_name="Mitteilung"
    )
    at = models.DateTimeField("Am", default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="Von",
    )
    from_status = models.CharField("Vorher", max_length=10, choices=ReleaseStatus.choices)
    to_status = models.CharField("Nachher", max_length=10, choices=ReleaseStatus.choices)
    publish_at = models.DateTimeField(
        "Veröffentlichen ab", null=True, help_text="Der Zeitpunkt, wenn veröffentlicht wurde."
    )
    comment = PlainTextField("Kommentar", blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "Statuswechsel"
        verbose_name_plural = "Statuswechsel"
        indexes = [models.Index(fields=["release", "-at"], name="release_event_idx")]

    def __str__(self):
        return f"{self.description} ({self.release})"

    @property
    def description(self):
        """What happened, in words: „Zur Freigabe eingereicht“, „Geplant für 28. März …“."""
        Status = ReleaseStatus
        if self.to_status == Status.PUBLISHED:
            if self.publish_at and self.publish_at > self.at:
                return f"Geplant für {moment_label(self.publish_at)} Uhr (Sperrfrist)"
            return "Veröffentlicht"
        return {
            Status.DRAFT: "Wieder Entwurf",
            Status.SUBMITTED: "Zur Freigabe eingereicht",
            Status.CHANGES_REQUESTED: "Änderungen erbeten",
            Status.WITHDRAWN: "Zurückgezogen",
        }[self.to_status]

    @property
    def is_publication(self):
        return self.to_status == ReleaseStatus.PUBLISHED
