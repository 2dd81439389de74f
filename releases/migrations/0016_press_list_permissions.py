from django.db import migrations

from releases.roles import CHEFREDAKTION, REDAKTION, editing, grant_permissions

# Both roles keep the press list (outlets, journalists, lists) and may put an address on the
# Sperrliste; deleting, and lifting a Sperrliste entry, is Chefredaktion's.
PRESS_LIST = [
    *editing("contacts", "mediaoutlet", "journalist", "distributionlist"),
    "contacts.add_suppression",
    "contacts.view_suppression",
]
CHIEF_ONLY = [
    "contacts.delete_mediaoutlet",
    "contacts.delete_journalist",
    "contacts.delete_distributionlist",
    "contacts.delete_suppression",
]


def grant(apps, schema_editor):
    grant_permissions(apps, {REDAKTION: PRESS_LIST, CHEFREDAKTION: PRESS_LIST + CHIEF_ONLY})


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0015_release_public_order_index"),
        ("contacts", "0005_press_list"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
