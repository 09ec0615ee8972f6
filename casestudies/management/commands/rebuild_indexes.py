"""``manage.py rebuild_indexes``: recompute everything derived from the sheets (search columns,
facet index and counters, « fiches proches ») after a change made without the application
(raw SQL, a restored table). Edits through the site and the admin never need it."""

from django.core.management.base import BaseCommand
from django.db import transaction

from casestudies import indexing


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche, l'index des facettes et les fiches proches."

    def handle(self, *args, **options):
        with transaction.atomic():
            indexing.rebuild()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Index reconstruits."))
