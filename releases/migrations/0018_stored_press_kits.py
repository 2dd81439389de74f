"""The press kit is stored once per version of its release (releases/documents.py): the release's
content version, and the stored documents."""

import django.db.models.deletion
import django.utils.timezone
import releases.models.media
import releases.models.release
import releases.storage
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0017_editor_images"),
    ]

    operations = [
        migrations.AddField(
            model_name="pressrelease",
            name="content_version",
            field=models.CharField(
                default=releases.models.release.new_content_version,
                editable=False,
                help_text="Wechselt bei jeder Änderung dessen, was die Mitteilung zeigt; "
                "gespeicherte Dokumente (Pressepaket) gelten nur für ihren Stand "
                "(releases/documents.py).",
                max_length=32,
                verbose_name="Inhaltsstand",
            ),
        ),
        migrations.CreateModel(
            name="ReleaseDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("pressepaket", "Pressepaket (ZIP)")],
                        max_length=20,
                        verbose_name="Art",
                    ),
                ),
                (
                    "version",
                    models.CharField(
                        help_text="PressRelease.content_version beim Erzeugen.",
                        max_length=32,
                        verbose_name="Inhaltsstand",
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        editable=False,
                        max_length=255,
                        storage=releases.storage.protected_storage,
                        upload_to=releases.models.media.document_path,
                        verbose_name="Datei",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="Erzeugt am"
                    ),
                ),
                (
                    "release",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents",
                        to="releases.pressrelease",
                        verbose_name="Mitteilung",
                    ),
                ),
            ],
            options={
                "verbose_name": "Gespeichertes Dokument",
                "verbose_name_plural": "Gespeicherte Dokumente",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("release", "kind"), name="release_document_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["pressepaket"])),
                        name="release_document_kind_valid",
                    ),
                ],
            },
        ),
    ]
