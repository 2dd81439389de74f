from django.db import migrations

from releases.roles import CHEFREDAKTION, REDAKTION, editing, grant_permissions

WRITING = [
    *editing("releases", "pressrelease", "topic", "project", "partner"),
    *editing(
        "releases",
        "releaseimage",
        "releaseattachment",
        "projectpartner",
        "projectarea",
        "projectevent",
        delete=True,
    ),
    *editing("contacts", "presscontact"),
]
PUBLISHING = [
    "releases.publish_pressrelease",
    "releases.delete_pressrelease",
    "releases.delete_topic",
    "releases.delete_project",
    "releases.delete_partner",
    "contacts.delete_presscontact",
    # Early access for journalists is a publishing decision.
    *editing("releases", "embargolink", delete=True),
    # The legal pages (Impressum, Datenschutz, Barrierefreiheit).
    *editing("flatpages", "flatpage"),
    # Journalists' subscriptions: look up, and delete on request (GDPR).
    "contacts.view_subscription",
    "contacts.delete_subscription",
    "releases.view_alertdelivery",
]


def create_roles(apps, schema_editor):
    grant_permissions(apps, {REDAKTION: WRITING, CHEFREDAKTION: WRITING + PUBLISHING})


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[REDAKTION, CHEFREDAKTION]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("flatpages", "0001_initial"),
        ("contacts", "0003_photo_checks"),
        ("releases", "0008_security_hardening"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
