"""Images uploaded inside the editor lay at /media/editor/<their own name>: guessable, public
before their release was, never deleted. Each one a text shows becomes an EditorImage in the
protected storage (a random folder), and the text points to its new address, which answers only
while the text may be seen (releases/editor_images.py). Then every file in /media/editor/ is
deleted: those just moved, and those no text shows. Going back leaves the images where they are."""

import re
import uuid
from pathlib import PurePath
from urllib.parse import quote, unquote

import allianz_site.uploads
import releases.models.media
import releases.storage
from django.conf import settings
from django.core.files.storage import storages
from django.db import migrations, models

TEXTS = [("PressRelease", "body"), ("Project", "description")]


def adopt_editor_images(apps, schema_editor):
    alias = schema_editor.connection.alias
    public, protected = storages["default"], storages["protected"]
    EditorImage = apps.get_model("releases", "EditorImage")
    prefix = f"{settings.MEDIA_URL}editor/"
    pattern = re.compile(r'src="' + re.escape(prefix) + r'([^"/]+)"')
    adopted = {}  # old name → EditorImage

    def adopt(name):
        if name not in adopted:
            if not public.exists(f"editor/{name}"):
                adopted[name] = None
            else:
                key = uuid.uuid4()
                with public.open(f"editor/{name}", "rb") as file:
                    stored = protected.save(f"editor/{key.hex}/{PurePath(name).name}", file)
                adopted[name] = EditorImage.objects.using(alias).create(key=key, file=stored)
        return adopted[name]

    for model_name, field in TEXTS:
        model = apps.get_model("releases", model_name)
        for obj in model.objects.using(alias).filter(**{f"{field}__contains": prefix}):
            shown = []

            def new_address(match):
                image = adopt(unquote(match.group(1)))
                if image is None:  # the file was gone already
                    return match.group(0)
                shown.append(image)
                filename = PurePath(image.file.name).name
                address = f"{releases.storage.TEXT_IMAGE_URL_PREFIX}{image.key}/{quote(filename)}"
                return f'src="{address}"'

            text = pattern.sub(new_address, getattr(obj, field))
            model.objects.using(alias).filter(pk=obj.pk).update(**{field: text})
            obj.editor_images.add(*shown)

    try:
        _folders, files = public.listdir("editor")
    except FileNotFoundError:
        return
    for name in files:
        public.delete(f"editor/{name}")


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0016_release_files_in_protected_storage"),
    ]

    operations = [
        migrations.CreateModel(
            name="EditorImage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, unique=True, verbose_name="Schlüssel"
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=255,
                        storage=releases.storage.protected_storage,
                        upload_to=releases.models.media.editor_image_path,
                        validators=[allianz_site.uploads.MaxFileSize(10485760)],
                        verbose_name="Datei",
                    ),
                ),
                (
                    "uploaded_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="Hochgeladen am"),
                ),
                (
                    "unused_since",
                    models.DateTimeField(
                        blank=True,
                        help_text="Leer, solange ein Text das Bild zeigt; einen Tag danach wird "
                        "es gelöscht.",
                        null=True,
                        verbose_name="Von keinem Text gezeigt seit",
                    ),
                ),
                (
                    "projects",
                    models.ManyToManyField(
                        blank=True,
                        related_name="editor_images",
                        to="releases.project",
                        verbose_name="Projekte",
                    ),
                ),
                (
                    "releases",
                    models.ManyToManyField(
                        blank=True,
                        related_name="editor_images",
                        to="releases.pressrelease",
                        verbose_name="Mitteilungen",
                    ),
                ),
            ],
            options={
                "verbose_name": "Bild im Text",
                "verbose_name_plural": "Bilder im Text",
                "ordering": ["-uploaded_at", "-pk"],
                "indexes": [models.Index(fields=["unused_since"], name="editor_image_unused_idx")],
            },
        ),
        migrations.RunPython(adopt_editor_images, migrations.RunPython.noop),
    ]
