"""``manage.py import_reference``: official régions, départements, EPCI and communes (Etalab)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casestudies.models import ReferenceArea, ReferenceKind
from casestudies.reference import (
    ReferenceDataMissing,
    ReferenceImporter,
    link_by_code,
    place_territories,
)


class Command(BaseCommand):
    help = (
        "Importe le référentiel officiel (régions, départements, EPCI, communes) depuis "
        "@etalab/decoupage-administratif, sans jamais rien supprimer, puis relie les territoires "
        "du catalogue à leur fiche officielle par leur code et complète leurs départements et "
        "régions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=None)
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help="Ne réimporte pas un référentiel déjà en base (la liaison se fait quand même).",
        )

    def handle(self, *args, directory=None, if_needed=False, **options):
        if if_needed and ReferenceArea.objects.filter(kind=ReferenceKind.EPCI).exists():
            self.stdout.write(
                "Référentiel déjà importé (relancez sans --if-needed pour le mettre à jour)."
            )
        else:
            importer = ReferenceImporter(directory, progress=self.stdout.write)
            try:
                report = importer.run()
            except ReferenceDataMissing as error:
                raise CommandError(str(error)) from error
            for line in report.lines():
                self.stdout.write(line)
        linked = link_by_code()
        placed = place_territories()
        self.stdout.write(f"Territoires reliés par leur code : {linked}")
        self.stdout.write(f"Rattachements à un département ou une région ajoutés : {placed}")
        self.stdout.write(self.style.SUCCESS("Référentiel à jour."))
