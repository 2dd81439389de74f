"""The editorial roles, shipped as groups by data migrations.

- Redaktion: writes and edits releases, topics, projects (with their partners, areas and events),
  partners, press contacts, images and attachments; submits a release for approval (Zur
  Freigabe, `releases.submit_pressrelease`); cannot publish.
- Chefredaktion: the same, and may publish, schedule, send back (Änderungen erbeten), unpublish,
  withdraw and delete (`releases.publish_pressrelease`; PressRelease.TRANSITION_PERMISSIONS
  names which state needs which, PressReleaseAdmin enforces it), hand out embargo links, edit
  the legal pages and look up journalists' subscriptions.

A model added later gets its permissions with a data migration of its own that calls
`grant_permissions` (docs/security.md shows one); migration 0004_roles holds what was granted
when the history was squashed and stays as it is.
"""

from django.contrib.auth.management import create_permissions

REDAKTION = "Redaktion"
CHEFREDAKTION = "Chefredaktion"

# Who may read a release that is not public (draft, under embargo, withdrawn): the preview and
# the release's files. Being staff is not enough: an account needs the permission (a group).
PREVIEW_PERMISSION = "releases.view_pressrelease"
# Who may upload images into a text: whoever may change a release or a project (the rich texts).
UPLOAD_PERMISSIONS = ["releases.change_pressrelease", "releases.change_project"]


def may_preview(user):
    return user.is_staff and user.has_perm(PREVIEW_PERMISSION)


def may_upload(user):
    return user.is_staff and any(user.has_perm(permission) for permission in UPLOAD_PERMISSIONS)


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
