"""Sessions that know their user (SESSION_ENGINE = "releases.sessions").

Django's database sessions store the user id only inside the encoded data, so "end all sessions of
this user" would mean decoding every row. This is the extension Django documents ("Extending
database-backed session engines"): the same table layout plus an indexed user id.
"""

from django.contrib.auth import user_logged_out
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.dispatch import receiver


class LoginSession(AbstractBaseSession):
    user_id = models.BigIntegerField("Benutzer-ID", null=True, db_index=True)

    class Meta(AbstractBaseSession.Meta):
        verbose_name = "Sitzung"
        verbose_name_plural = "Sitzungen"

    @classmethod
    def get_session_store_class(cls):
        return SessionStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        return LoginSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get("_auth_user_id"))
        except (TypeError, ValueError):
            session.user_id = None
        return session


@receiver(user_logged_out)
def end_all_sessions_of_the_user(sender, request, user, **kwargs):
    """Logging out in one browser logs the user out everywhere."""
    if user is not None:
        LoginSession.objects.filter(user_id=user.pk).delete()
