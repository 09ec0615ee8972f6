"""``manage.py edit_loop --every 5 --duration 60``: an editor saving a published sheet every few
seconds, for the editing scenario of the load test (scripts/loadtest.sh)."""

import signal
import threading
import time
from itertools import cycle

from django.core.management.base import BaseCommand

from benchmarks.editing import COUNTS, KINDS, TEXT, Editor, candidate_sheets
from benchmarks.synthetic import PREFIX
from casestudies.models import CaseStudy


class Command(BaseCommand):
    help = (
        "Enregistre une fiche publiée toutes les --every secondes pendant --duration secondes, "
        "comme la rédaction dans l'administration (correction de texte et changement de "
        "thématique en alternance), puis rétablit les fiches telles qu'elles étaient. Fiches "
        "synthétiques « gen-… » de préférence, sinon fiches publiées du contenu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=5.0, help="Secondes entre deux.")
        parser.add_argument(
            "--duration", type=float, default=60.0, help="Secondes (0 : un seul enregistrement)."
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, every, duration, seed, **options):
        sheets = candidate_sheets(seed=seed, synthetic_only=False)
        synthetic = CaseStudy.objects.filter(pk=sheets[0], slug__startswith=PREFIX).exists()
        self.stdout.write(
            f"Rédaction simulée : un enregistrement toutes les {every:g} s pendant "
            f"{duration:g} s, parmi {len(sheets)} fiches publiées "
            + ("synthétiques." if synthetic else "du contenu (rétablies à la fin).")
        )
        editor = Editor(sheets)
        stop = threading.Event()
        # A SIGTERM (the load test ending early) still restores the sheets.
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        started = time.monotonic()
        try:
            for count, kind in enumerate(cycle(KINDS), start=1):
                before = time.perf_counter()
                editor.save(kind)
                self.stdout.write(
                    f"{time.monotonic() - started:6.1f} s : enregistrement ({kind}) en "
                    f"{(time.perf_counter() - before) * 1000:.0f} ms"
                )
                next_at = started + count * every
                if next_at >= started + duration or stop.wait(next_at - time.monotonic()):
                    break
        finally:
            signal.signal(signal.SIGTERM, previous)
            editor.restore()
        saves = sum(editor.saves.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{saves} enregistrements ({editor.saves[TEXT]} {TEXT}, {editor.saves[COUNTS]} "
                f"{COUNTS}), {1000 * editor.seconds / max(saves, 1):.0f} ms en moyenne ; "
                "fiches rétablies."
            )
        )
