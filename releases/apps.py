from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Pressemitteilungen"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from allianz_site.middleware import mark_login_time

        user_logged_in.connect(mark_login_time, dispatch_uid="mark_login_time")
