from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Pressemitteilungen"

    def ready(self):
        from . import cache

        cache.connect_signals()  # every save, also from management commands, invalidates pages
