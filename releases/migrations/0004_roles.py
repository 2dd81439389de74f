from django.db import migrations

from releases.roles import CHEFREDAKTION, REDAKTION, editing, grant_permissions

WRITING = [
    *editing("releases", "pressrelease", "topic"),
    *editing("releases", "releaseimage", "releaseattachment", delete=True),
]
PUBLISHING = [
    "releases.publish_pressrelease",
    "releases.delete_pressrelease",
    "releases.delete_topic",
]


def create_roles(apps, schema_editor):
    grant_permissions(apps, {REDAKTION: WRITING, CHEFREDAKTION: WRITING + PUBLISHING})


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[REDAKTION, CHEFREDAKTION]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("releases", "0003_publish_permission"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
