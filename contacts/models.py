# The press contacts and journalists' subscriptions live here (see DESIGN.md).
# This app imports nothing from `releases`.
import datetime

from django.core import signing
from django.db import models


class Subscription(models.Model):
    """A journalist who wants new press releases by e-mail, with confirmed consent.

    A row exists only once the address is confirmed (double opt-in): the confirmation link carries
    the address and the chosen topics, signed, so nothing is stored before consent is given.
    Unsubscribing deletes the row. What a subscription covers (topics, later projects) is a
    relation owned by `releases` (Topic.subscriptions), so that this app needs nothing from there.
    """

    CONFIRM_SALT = "contacts.subscription.confirm"
    CONFIRM_MAX_AGE = datetime.timedelta(days=3)
    UNSUBSCRIBE_SALT = "contacts.subscription.unsubscribe"

    email = models.EmailField("E-Mail-Adresse", max_length=254, unique=True)
    confirmed_at = models.DateTimeField(
        "Einwilligung am",
        help_text="Wann der Bestätigungslink aufgerufen wurde: der Nachweis der Einwilligung.",
    )

    class Meta:
        ordering = ["email"]
        verbose_name = "E-Mail-Abonnement"
        verbose_name_plural = "E-Mail-Abonnements"

    def __str__(self):
        return self.email

    @staticmethod
    def normalize(email):
        return email.strip().lower()

    @classmethod
    def confirmation_token(cls, email, **selection):
        """Signed, time-stamped request to subscribe `email` with `selection` (e.g. topics=[…])."""
        return signing.dumps(
            {"email": cls.normalize(email), **selection}, salt=cls.CONFIRM_SALT, compress=True
        )

    @classmethod
    def read_confirmation_token(cls, token):
        """The request a confirmation token carries, or None if altered or older than 3 days."""
        try:
            request = signing.loads(token, salt=cls.CONFIRM_SALT, max_age=cls.CONFIRM_MAX_AGE)
        except (signing.BadSignature, ValueError):
            return None
        return request if isinstance(request, dict) and "email" in request else None

    @classmethod
    def unsubscribe_token(cls, email):
        """Never expires: every alert ever sent must still unsubscribe its reader."""
        return signing.Signer(salt=cls.UNSUBSCRIBE_SALT).sign(cls.normalize(email))

    @classmethod
    def email_from_unsubscribe_token(cls, token):
        try:
            return signing.Signer(salt=cls.UNSUBSCRIBE_SALT).unsign(token)
        except signing.BadSignature:
            return None
