from django.db import migrations

from releases.roles import CHEFREDAKTION, REDAKTION, grant_permissions

# The approval workflow: both roles submit releases (Zur Freigabe); publishing, scheduling and
# sending back stay with Chefredaktion (publish_pressrelease, granted in 0009_roles). Both read
# the history of state changes.
SUBMIT = ["releases.submit_pressrelease", "releases.view_releaseevent"]


def grant(apps, schema_editor):
    grant_permissions(apps, {REDAKTION: SUBMIT, CHEFREDAKTION: SUBMIT})


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=[REDAKTION, CHEFREDAKTION]):
        for name in SUBMIT:
            app_label, codename = name.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [("releases", "0025_approval_workflow")]

    operations = [migrations.RunPython(grant, revoke)]
