"""Until now a release page without an active contact of its own showed the default contact,
filled in while rendering. Now the default contact is stored when a release is saved without one
(PressRelease.add_default_contact), and pages show only what is stored. This stores the contact
those pages show today on the releases, so that no page changes."""

from django.db import migrations


def store_default_contact(apps, schema_editor):
    db = schema_editor.connection.alias
    PressContact = apps.get_model("contacts", "PressContact")
    PressRelease = apps.get_model("releases", "PressRelease")
    default = PressContact.objects.using(db).filter(is_active=True).first()  # Meta.ordering
    if default is None:
        return
    Link = PressRelease.contacts.through
    without_contact = PressRelease.objects.using(db).exclude(contacts__is_active=True)
    Link.objects.using(db).bulk_create(
        [
            Link(pressrelease_id=pk, presscontact_id=default.pk)
            for pk in without_contact.values_list("pk", flat=True).iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_one_upload_size_validator"),
        ("releases", "0013_image_file_size"),
    ]

    operations = [
        migrations.RunPython(store_default_contact, migrations.RunPython.noop, elidable=True),
    ]
