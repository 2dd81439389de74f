from django.db import migrations

from releases.roles import CHEFREDAKTION, editing, grant_permissions

# Embargo links show a release before its moment: handing them out is part of publishing, so it
# is Chefredaktion's (Redaktion does not see them). Chefredaktion also answers for the alert
# subscriptions: looks them up and deletes one on request (GDPR); nobody adds or changes them.
NEWSROOM = [
    *editing("releases", "embargolink", delete=True),
    "releases.view_alertdelivery",
    "contacts.view_subscription",
    "contacts.delete_subscription",
]


def grant(apps, schema_editor):
    grant_permissions(apps, {CHEFREDAKTION: NEWSROOM})


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    names = [name.split(".") for name in NEWSROOM]
    for group in Group.objects.filter(name=CHEFREDAKTION):
        for app_label, codename in names:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0009_project_subscriptions"),
        ("contacts", "0002_subscription"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
