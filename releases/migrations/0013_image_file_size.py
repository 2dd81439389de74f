"""The size of each release image's file, stored on the image (the feed names it without asking
the media storage). Images saved before get it here, measured from their files."""

from django.db import migrations, models


def measure_stored_images(apps, schema_editor):
    ReleaseImage = apps.get_model("releases", "ReleaseImage")
    storage = ReleaseImage._meta.get_field("image").storage
    images = ReleaseImage.objects.using(schema_editor.connection.alias)
    measured = [
        ReleaseImage(pk=pk, size=storage.size(name))
        for pk, name in images.filter(size__isnull=True).values_list("pk", "image").iterator()
        if name and storage.exists(name)  # a file that is gone keeps no size: the feed omits it
    ]
    images.bulk_update(measured, ["size"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0012_one_upload_size_validator"),
    ]

    operations = [
        migrations.AddField(
            model_name="releaseimage",
            name="size",
            field=models.PositiveBigIntegerField(
                editable=False,
                help_text="Die Größe der gespeicherten Datei, beim Speichern gemessen: Der Feed "
                "nennt sie, ohne die Datei anzufassen. Leer, wenn die Datei dabei fehlte.",
                null=True,
                verbose_name="Größe in Bytes",
            ),
        ),
        migrations.RunPython(measure_stored_images, migrations.RunPython.noop, elidable=True),
    ]
