from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Development tools, kept out of the domain app: a synthetic catalogue of any size
    (manage.py generate_catalogue), the benchmark of the public pages against Datasette
    (manage.py bench) and an editor saving sheets during a load test (manage.py edit_loop)."""

    name = "benchmarks"
    verbose_name = "Banc d'essai"
