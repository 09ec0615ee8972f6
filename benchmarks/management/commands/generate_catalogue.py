"""``manage.py generate_catalogue --sheets N --seed S``: a synthetic catalogue for benchmarks."""

import time

from django.core.management.base import BaseCommand

from benchmarks.synthetic import SyntheticCatalogue


class Command(BaseCommand):
    help = (
        "Génère un catalogue synthétique déterministe (slugs « gen-… ») : fiches, parties "
        "prenantes, outils, thématiques, enseignements, citations. --clear l'efface."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sheets", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--clear", action="store_true", help="Efface d'abord tout le généré.")

    def handle(self, *args, sheets, seed, clear, **options):
        started = time.perf_counter()
        if clear:
            SyntheticCatalogue.clear()
            self.stdout.write("Catalogue synthétique précédent effacé.")
        report = SyntheticCatalogue(sheets, seed, progress=self.stdout.write).run()
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.sheets} fiches, {report.relations} liens, {report.territories} "
                f"territoires et {report.organisations} organisations générés en "
                f"{time.perf_counter() - started:.1f} s."
            )
        )
