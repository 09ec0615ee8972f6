"""Editorial roles as groups: « Rédacteur » writes and submits, « Éditeur » also publishes and deletes.

Permissions are created here first (Django normally creates them after migrate), so that the
groups are complete on a fresh install. Existing groups only gain missing permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED = ["casestudy", "participation", "instrumentuse", "citation", "lesson", "territory",
          "organisation", "sourcedocument"]  # fmt: skip
REFERENCE = ["instrument", "theme", "cooperationtype", "lessoncategory"]

REDACTEUR = [f"{action}_{model}" for model in EDITED for action in ("add", "change", "view")] + [
    f"view_{model}" for model in REFERENCE
]
EDITEUR = REDACTEUR + [f"delete_{model}" for model in EDITED] + ["publish_casestudy"]


def create_groups(apps, schema_editor):
    app_config = apps.get_app_config("casestudies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Rédacteur", REDACTEUR), ("Éditeur", EDITEUR)):
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="casestudies", codename__in=codenames
        )
        assert permissions.count() == len(set(codenames)), name
        group.permissions.add(*permissions)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Rédacteur", "Éditeur"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0004_workflow_version_and_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
