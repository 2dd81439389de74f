from django.db import migrations

from releases.roles import CHEFREDAKTION, REDAKTION, grant_permissions


def grant(apps, schema_editor):
    # The boilerplate under every release: the editor-in-chief words it, the newsroom reads it.
    grant_permissions(
        apps,
        {
            REDAKTION: ["releases.view_organisation"],
            CHEFREDAKTION: [
                "releases.add_organisation",
                "releases.change_organisation",
                "releases.view_organisation",
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("releases", "0010_newsroom_permissions"), ("releases", "0016_documents_organisation")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
