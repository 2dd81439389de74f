"""App configurations that give third-party apps a German name in the admin."""

from axes.apps import AppConfig as AxesAppConfig


class LoginProtectionConfig(AxesAppConfig):
    """django-axes (login throttling) has no name of its own: the admin would say "Axes"."""

    verbose_name = "Anmeldeschutz"
