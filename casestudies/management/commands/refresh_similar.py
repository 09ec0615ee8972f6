"""``manage.py refresh_similar``: recompute the « fiches proches » of every sheet.

A change recomputes the lists it affects most (see casestudies/similarity.py); a sheet that
would now rank a changed sheet higher without sharing a partner with it gets it here. Run it
nightly (cron or systemd timer), or after a bulk import.
"""

from django.core.management.base import BaseCommand

from casestudies import similarity


class Command(BaseCommand):
    help = "Recalcule les « fiches proches » de toutes les fiches."

    def handle(self, *args, **options):
        def progress(done, total):
            if options["verbosity"] > 1:
                self.stdout.write(f"{done} / {total}")

        total = similarity.refresh_all(progress=progress)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Fiches proches recalculées : {total} fiches."))
