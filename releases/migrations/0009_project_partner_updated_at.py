# Projects and partners remember their last change, for the sitemap's lastmod. Existing rows get
# the moment of the migration.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0009_roles'),
    ]

    operations = [
        migrations.AddField(
            model_name='partner',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, help_text='Für die Sitemap (lastmod).', verbose_name='Geändert am'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='project',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, help_text='Für die Sitemap (lastmod).', verbose_name='Geändert am'),
            preserve_default=False,
        ),
    ]
