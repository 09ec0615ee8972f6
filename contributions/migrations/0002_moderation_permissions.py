"""Moderation is the editorial team's: both groups read and moderate proposals, « Éditeur »
also deletes them and sees (and deletes) the alerts' subscriptions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Rédacteur": [("contributions", "view_proposal"), ("contributions", "change_proposal")],
    "Éditeur": [
        ("contributions", "view_proposal"),
        ("contributions", "change_proposal"),
        ("contributions", "delete_proposal"),
        ("alerts", "view_alert"),
        ("alerts", "delete_alert"),
    ],
}


def grant(apps, schema_editor):
    for label in ("contributions", "alerts"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0001_initial"),
        ("alerts", "0001_initial"),
        ("casestudies", "0005_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
