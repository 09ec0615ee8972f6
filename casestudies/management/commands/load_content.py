"""``manage.py load_content``: load the catalogue content (rule: see casestudies/content.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casestudies.content import DEFAULT_CONTENT_DIR, ContentError, ContentLoader


class Command(BaseCommand):
    help = (
        "Charge le contenu éditorial (fixtures/content/*.yaml) : crée ce qui manque, complète "
        "les champs vides, apporte les corrections du contenu aux champs que personne n'a "
        "modifiés depuis leur chargement, et laisse tels quels ceux que la rédaction a changés."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=DEFAULT_CONTENT_DIR)

    def handle(self, *args, directory, **options):
        try:
            report = ContentLoader(directory).load()
        except ContentError as error:
            raise CommandError(f"Contenu invalide, rien n'a été chargé. {error}") from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Contenu chargé."))
