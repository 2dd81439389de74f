import datetime

from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from allianz_site.text import PlainCharField

from .base import SignedLink
from .release import PressRelease


def default_link_expiry():
    return timezone.now() + datetime.timedelta(days=14)


class EmbargoLinkQuerySet(models.QuerySet):
    def valid(self):
        """Not revoked, not expired, and the release is still meant to be published."""
        return self.filter(
            revoked=False,
            expires_at__gt=timezone.now(),
            release__status=PressRelease.Status.PUBLISHED,
        )


class EmbargoLink(SignedLink, models.Model):
    """A secret address at which journalists read a release before its embargo ends.

    The address carries a token signed with the SECRET_KEY (django.core.signing) that names this
    link and its release: it cannot be guessed or altered, and it opens only this release. Ticking
    "Widerrufen", passing "Gültig bis" or setting the release back to draft closes it again.
    """

    SALT = "releases.embargo-link"

    release = models.ForeignKey(
        PressRelease,
        on_delete=models.CASCADE,
        related_name="embargo_links",
        verbose_name="Mitteilung",
    )
    recipient = PlainCharField(
        "Für",
        max_length=200,
        blank=True,
        help_text="Wer den Link bekommt, z. B. „Verteiler Tageszeitungen“; nur zur Übersicht.",
    )
    expires_at = models.DateTimeField(
        "Gültig bis",
        default=default_link_expiry,
        help_text="Danach öffnet der Link nichts mehr. Nach dem Ende der Sperrfrist führt er "
        "ohnehin zur öffentlichen Seite.",
    )
    revoked = models.BooleanField(
        "Widerrufen", default=False, help_text="Ein widerrufener Link öffnet nichts mehr."
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    # Counted on our server when the page is opened (no pixel, nothing in the mail).
    open_count = models.PositiveIntegerField("Aufrufe", default=0, editable=False)
    first_opened_at = models.DateTimeField("Erster Aufruf", null=True, editable=False)
    last_opened_at = models.DateTimeField("Letzter Aufruf", null=True, editable=False)

    objects = EmbargoLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "Sperrfrist-Link"
        verbose_name_plural = "Sperrfrist-Links"

    def __str__(self):
        return f"Sperrfrist-Link {self.recipient}".strip()

    def get_absolute_url(self):
        return reverse("releases:embargo", kwargs={"token": self.token})

    def record_open(self):
        """One more opening of the page, counted in a single UPDATE (two at once both count)."""
        now = timezone.now()
        EmbargoLink.objects.filter(pk=self.pk).update(
            open_count=models.F("open_count") + 1,
            first_opened_at=Coalesce("first_opened_at", models.Value(now)),
            last_opened_at=now,
        )
