"""Text fields remove control characters on save since this change (allianz_site/text.py); this
removes those that the contacts stored before hold."""

from django.db import migrations

from allianz_site.text import remove_stored_control_characters

SINGLE_LINE = [
    "first_name",
    "last_name",
    "position",
    "department",
    "organisation",
    "phone",
    "fax",
    "mobile",
]


def remove_control_characters(apps, schema_editor):
    contacts = apps.get_model("contacts", "PressContact").objects.using(
        schema_editor.connection.alias
    )
    remove_stored_control_characters(contacts, SINGLE_LINE)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0005_subscription_requests_rate_limit_counters")]

    operations = [
        migrations.RunPython(remove_control_characters, migrations.RunPython.noop, elidable=True)
    ]
