from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Pressemitteilungen"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from allianz_site.history import create_content_types
        from allianz_site.middleware import mark_login_time

        user_logged_in.connect(mark_login_time, dispatch_uid="mark_login_time")
        post_migrate.connect(create_content_types, dispatch_uid="history-content-types")
        from allianz_site import clients  # noqa: F401 - registers its deployment check

        from . import cache, documents, editor_images

        cache.connect_signals()  # every save, also from management commands, invalidates pages
        documents.connect_signals()  # stored press kits follow every change of their release
        editor_images.connect_signals()  # texts link the images they show
