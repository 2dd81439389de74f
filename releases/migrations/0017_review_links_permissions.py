from django.db import migrations

from releases.roles import CHEFREDAKTION, REDAKTION, editing, grant_permissions

# Review links: whoever writes a joint release shows its draft to the co-issuer, so both roles hand
# them out and see the decisions.
REVIEW = editing("releases", "reviewlink", delete=True)


def grant(apps, schema_editor):
    grant_permissions(apps, {REDAKTION: REVIEW, CHEFREDAKTION: REVIEW})


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=[REDAKTION, CHEFREDAKTION]):
        for name in REVIEW:
            app_label, codename = name.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [("releases", "0016_review_links")]

    operations = [migrations.RunPython(grant, revoke)]
