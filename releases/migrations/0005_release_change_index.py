# The index of the moment a release last changed on the public site (PressRelease.Meta.indexes).

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0004_roles"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="pressrelease",
            index=models.Index(
                django.db.models.functions.comparison.Greatest("updated_at", "publish_at"),
                name="release_change_idx",
            ),
        ),
    ]
