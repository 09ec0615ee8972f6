"""Compile the interface translations (locale/*/LC_MESSAGES/*.po) into .mo files.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt`` on the machine; polib writes the same
binary catalogues from Python, so a fresh machine needs one prerequisite less. Like ``msgfmt``,
it leaves out untranslated and fuzzy entries.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile les traductions de l'interface (.po → .mo) sans GNU gettext."

    def handle(self, *args, **options):
        catalogues = sorted(
            path for folder in settings.LOCALE_PATHS for path in Path(folder).glob("*/*/*.po")
        )
        for path in catalogues:
            catalogue = polib.pofile(str(path))
            catalogue.save_as_mofile(str(path.with_suffix(".mo")))
            self.stdout.write(
                f"{path.relative_to(settings.BASE_DIR)} : "
                f"{len(catalogue.translated_entries())} entrées traduites."
            )
