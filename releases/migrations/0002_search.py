# German full-text search (releases/search.py). The extension, the text search configuration and
# the GIN index exist on PostgreSQL only; on SQLite the column stays empty and the site searches
# with a plain case-insensitive match.

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CREATE_CONFIGURATION = """
CREATE TEXT SEARCH CONFIGURATION german_unaccent (COPY = german);
ALTER TEXT SEARCH CONFIGURATION german_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, german_stem;
"""
DROP_CONFIGURATION = "DROP TEXT SEARCH CONFIGURATION IF EXISTS german_unaccent;"
CREATE_INDEX = "CREATE INDEX release_search_idx ON releases_pressrelease USING gin (search_vector);"
DROP_INDEX = "DROP INDEX IF EXISTS release_search_idx;"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("releases", "0001_initial")]

    operations = [
        UnaccentExtension(),  # does nothing on other databases
        migrations.RunPython(on_postgresql(CREATE_CONFIGURATION), on_postgresql(DROP_CONFIGURATION)),
        migrations.RunPython(on_postgresql(CREATE_INDEX), on_postgresql(DROP_INDEX)),
    ]
