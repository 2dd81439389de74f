"""The editorial roles, shipped as groups by data migrations.

- Redaktion: writes and edits releases, topics, images and attachments; cannot publish.
- Chefredaktion: the same, and may publish, schedule, unpublish, withdraw and delete
  (`releases.publish_pressrelease`, enforced in PressReleaseAdmin).

A model added later gets its permissions with a data migration of its own that calls
`grant_permissions` (docs/security.md shows one); the lists below are what migration
0004_roles granted and stay as they are.
"""

from django.contrib.auth.management import create_permissions

REDAKTION = "Redaktion"
CHEFREDAKTION = "Chefredaktion"


def editing(app_label, *models, delete=False):
    """The codenames to add, change and view (and, if asked, delete) the given models."""
    actions = ["add", "change", "view", *(["delete"] if delete else [])]
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


def grant_permissions(apps, grants):
    """Give each group (created if missing) the permissions named "app_label.codename".

    For use in a data migration's RunPython with the migration's `apps`. Permissions are normally
    created after all migrations ran; this creates those of every model migrated so far first.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, names in grants.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
