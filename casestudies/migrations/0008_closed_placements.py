"""Placements closed under containment (see casestudies.reference.normalise_placements)."""

from django.db import migrations


def close_placements(apps, schema_editor):
    Territory = apps.get_model("casestudies", "Territory")
    departements = Territory.departements.through
    regions = Territory.regions.through
    wanted_departements = {
        (pk, pk) for pk in Territory.objects.filter(kind="departement").values_list("pk", flat=True)
    }
    wanted_regions = {
        (pk, pk) for pk in Territory.objects.filter(kind="region").values_list("pk", flat=True)
    }
    wanted_regions |= set(
        departements.objects.filter(to_territory__regions__isnull=False).values_list(
            "from_territory_id", "to_territory__regions"
        )
    )
    for through, wanted in ((departements, wanted_departements), (regions, wanted_regions)):
        existing = set(through.objects.values_list("from_territory_id", "to_territory_id"))
        through.objects.bulk_create(
            [through(from_territory_id=a, to_territory_id=b) for a, b in sorted(wanted - existing)]
        )


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0007_catalogue_generation")]

    operations = [migrations.RunPython(close_placements, migrations.RunPython.noop)]
