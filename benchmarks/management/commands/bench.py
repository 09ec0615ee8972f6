"""``manage.py bench``: the benchmark of docs/performance.md (not a test)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from benchmarks import benchmark


class Command(BaseCommand):
    help = (
        "Mesure les pages (à froid après un enregistrement, à chaud), les exports et Datasette "
        "à plusieurs tailles de catalogue synthétique et écrit un rapport JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,10000,100000")
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-export", action="store_true")
        parser.add_argument(
            "--no-datasette", action="store_true", help="Sans la comparaison avec Datasette."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Garde le catalogue synthétique déjà généré (même graine) au lieu de le refaire.",
        )
        parser.add_argument(
            "--pages", help="Types de page à mesurer, séparés par des virgules (« none » : aucun)."
        )
        parser.add_argument("--output", default="bench-report.json")

    def handle(
        self, *args, sizes, runs, seed, no_export, no_datasette, reuse, pages, output, **options
    ):
        if "testserver" not in settings.ALLOWED_HOSTS and "localhost" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
        bench = benchmark.Benchmark(
            [int(size) for size in sizes.split(",")],
            runs=runs,
            seed=seed,
            export=not no_export,
            datasette=not no_datasette,
            reuse=reuse,
            pages=None if pages is None else [p for p in pages.split(",") if p != "none"],
            progress=self.stdout.write,
        )
        result = bench.run()
        benchmark.save(result, output)
        self.stdout.write(benchmark.table(result))
        self.stdout.write(self.style.SUCCESS(f"Rapport écrit dans {output}"))
