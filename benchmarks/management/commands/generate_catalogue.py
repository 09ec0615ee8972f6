"""``manage.py generate_catalogue --sheets N --seed S``: a synthetic catalogue for benchmarks."""

import time

from django.core.management.base import BaseCommand

from benchmarks.synthetic import PREFIX, SyntheticCatalogue
from casestudies.models import CaseStudy


class Command(BaseCommand):
    help = (
        "Génère un catalogue synthétique déterministe (slugs « gen-… ») : fiches, parties "
        "prenantes, outils, thématiques, enseignements, citations. --clear l'efface ; "
        "--up-to N le complète jusqu'à N fiches générées."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sheets", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--clear", action="store_true", help="Efface d'abord tout le généré.")
        parser.add_argument(
            "--up-to",
            type=int,
            metavar="N",
            help="Ne génère que ce qui manque pour N fiches générées (au lieu de --sheets).",
        )

    def handle(self, *args, sheets, seed, clear, up_to, **options):
        started = time.perf_counter()
        if clear:
            SyntheticCatalogue.clear()
            self.stdout.write("Catalogue synthétique précédent effacé.")
        if up_to is not None:
            made = SyntheticCatalogue.grow_to(up_to, seed=seed, progress=self.stdout.write)
            present = CaseStudy.objects.filter(slug__startswith=PREFIX).count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"{made} fiches générées ; {present} fiches générées en tout "
                    f"({time.perf_counter() - started:.1f} s)."
                )
            )
            return
        report = SyntheticCatalogue(sheets, seed, progress=self.stdout.write).run()
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.sheets} fiches, {report.relations} liens, {report.territories} "
                f"territoires et {report.organisations} organisations générés en "
                f"{time.perf_counter() - started:.1f} s."
            )
        )
