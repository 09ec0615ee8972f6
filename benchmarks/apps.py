from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Development tools, kept out of the domain app: a synthetic catalogue of any size
    (manage.py generate_catalogue) and the benchmark of the public pages (manage.py bench)."""

    name = "benchmarks"
    verbose_name = "Banc d'essai"
