# German full-text search (releases/search.py). The extension, the text search configuration and
# the GIN index exist on PostgreSQL only; on SQLite the column stays empty and the site searches
# with a plain case-insensitive match.

import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CREATE_CONFIGURATION = """
CREATE TEXT SEARCH CONFIGURATION german_unaccent (COPY = german);
ALTER TEXT SEARCH CONFIGURATION german_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, german_stem;
"""
DROP_CONFIGURATION = "DROP TEXT SEARCH CONFIGURATION IF EXISTS german_unaccent;"
CREATE_INDEX = (
    "CREATE INDEX release_search_idx ON releases_pressrelease USING gin (search_vector);"
)
DROP_INDEX = "DROP INDEX IF EXISTS release_search_idx;"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def fill_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from releases.search import document_vector

    PressRelease = apps.get_model("releases", "PressRelease")
    PressRelease.objects.using(schema_editor.connection.alias).update(
        search_vector=document_vector()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0003_legal_pages'),
    ]

    operations = [
        UnaccentExtension(),  # does nothing on other databases
        migrations.RunPython(on_postgresql(CREATE_CONFIGURATION), on_postgresql(DROP_CONFIGURATION)),
        migrations.AddField(
            model_name='pressrelease',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, help_text='Volltext für die Suche, beim Speichern neu berechnet (nur PostgreSQL).', null=True, verbose_name='Suchindex'),
        ),
        migrations.RunPython(on_postgresql(CREATE_INDEX), on_postgresql(DROP_INDEX)),
        migrations.RunPython(fill_search_vectors, migrations.RunPython.noop),
    ]
