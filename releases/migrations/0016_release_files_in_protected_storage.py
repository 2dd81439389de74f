"""The files of releases – images with their renditions, attachments – move from the public media
storage (served by nginx as /media/) to the protected storage, which only the views that check
the release serve (releases/storage.py). Their names stay as they are."""

import allianz_site.uploads
import django.core.validators
import releases.models.base
import releases.storage
from django.core.files.storage import storages
from django.db import migrations, models


def release_file_names(apps, alias):
    ReleaseImage = apps.get_model("releases", "ReleaseImage")
    ReleaseAttachment = apps.get_model("releases", "ReleaseAttachment")
    names = set()
    for name, renditions in (
        ReleaseImage.objects.using(alias).values_list("image", "renditions").iterator()
    ):
        names.add(name)
        for entries in (renditions or {}).get("files", {}).values():
            names.update(entry[2] for entry in entries)
    names.update(ReleaseAttachment.objects.using(alias).values_list("file", flat=True))
    return sorted(name for name in names if name)


def move(source, target, name):
    """Move one file by the storage API (an S3-compatible storage has no rename)."""
    if not source.exists(name):
        return
    if not target.exists(name):
        with source.open(name, "rb") as file:
            saved = target.save(name, file)
        if saved != name:
            raise RuntimeError(f"{name} was stored as {saved}")
    source.delete(name)


def move_to_protected_storage(apps, schema_editor):
    for name in release_file_names(apps, schema_editor.connection.alias):
        move(storages["default"], storages["protected"], name)


def move_back(apps, schema_editor):
    for name in release_file_names(apps, schema_editor.connection.alias):
        move(storages["protected"], storages["default"], name)


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0015_release_public_order_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="releaseattachment",
            name="file",
            field=models.FileField(
                help_text="PDF, Office-Dokument, Text oder ZIP, höchstens 25 MB.",
                max_length=255,
                storage=releases.storage.protected_storage,
                upload_to=releases.models.base.upload_path,
                validators=[
                    django.core.validators.FileExtensionValidator(
                        ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "zip"]
                    ),
                    allianz_site.uploads.MaxFileSize(26214400),
                    allianz_site.uploads.validate_attachment_content,
                ],
                verbose_name="Datei",
            ),
        ),
        migrations.AlterField(
            model_name="releaseimage",
            name="image",
            field=allianz_site.uploads.CleanImageField(
                height_field="height",
                help_text="JPEG, PNG oder WebP, höchstens 10 MB und 40 Megapixel. Standortdaten "
                "und Kameraangaben werden beim Speichern entfernt; Urheber- und "
                "Copyright-Angaben bleiben.",
                max_length=255,
                storage=releases.storage.protected_storage,
                upload_to=releases.models.base.upload_path,
                validators=[
                    django.core.validators.FileExtensionValidator(["jpg", "jpeg", "png", "webp"]),
                    allianz_site.uploads.MaxFileSize(10485760),
                ],
                verbose_name="Bild",
                width_field="width",
            ),
        ),
        migrations.RunPython(move_to_protected_storage, move_back),
    ]
