"""Text fields remove control characters on save since this change (allianz_site/text.py); this
removes those that text stored before holds, so that no feed of an older release fails."""

from django.db import migrations

from allianz_site.text import remove_stored_control_characters

# model: (single-line fields, multi-line fields), as they were when this migration was written
TEXT_FIELDS = {
    "Topic": (["name"], []),
    "PressRelease": (["title", "subtitle", "place", "correction_note"], ["lead", "body"]),
    "ReleaseImage": (["caption", "credit", "alt_text", "licence"], []),
    "ReleaseAttachment": (["title"], []),
    "Partner": (["name", "short_name"], ["description"]),
    "Project": (["name", "programme", "image_alt"], ["summary", "about", "description"]),
    "ProjectPartner": (["funding_note"], []),
    "ProjectArea": (["name"], ["description"]),
    "ProjectEvent": (["title", "place"], ["description"]),
    "EmbargoLink": (["recipient"], []),
}


def remove_control_characters(apps, schema_editor):
    db = schema_editor.connection.alias
    for name, (single_line, multi_line) in TEXT_FIELDS.items():
        queryset = apps.get_model("releases", name).objects.using(db)
        remove_stored_control_characters(queryset, single_line, multi_line)


class Migration(migrations.Migration):
    dependencies = [("releases", "0015_release_public_order_index")]

    operations = [
        migrations.RunPython(remove_control_characters, migrations.RunPython.noop, elidable=True)
    ]
