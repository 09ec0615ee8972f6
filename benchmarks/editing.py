"""Saves of published sheets made as an editor makes them in the admin, for cold measures.

« Cold » is the first request after an editor saves a sheet: every save bumps the catalogue
generation, so the pages that follow rebuild what they had cached. Two kinds of save alternate:
a text fix (the summary; no count changes) and a save that changes counts (a theme added, then
removed). Each save is what the admin does: the sheet loaded and locked, its version number
raised, ``save()`` then the many-to-many change, in one transaction with a reversion revision,
so that every signal fires. Successive saves undo each other and ``restore()`` undoes what is
left: the catalogue ends as it was found.
"""

from __future__ import annotations

import random
import time
from itertools import cycle

import reversion
from django.db import transaction

from benchmarks.synthetic import PREFIX, REVISION_PREFIX
from casestudies.models import CaseStudy, Theme

TEXT = "texte"
COUNTS = "comptes"
KINDS = (TEXT, COUNTS)
MARK = " Mise à jour de la rédaction."
COMMENT = f"{REVISION_PREFIX} : enregistrement d'une fiche"  # removed by SyntheticCatalogue.clear()


def candidate_sheets(limit: int = 50, seed: int = 1, synthetic_only: bool = True) -> list[int]:
    """Published sheets to edit: synthetic ones (« gen-… »), or any published one if allowed and
    there is none."""
    published = CaseStudy.objects.published().order_by("pk")
    pks = list(published.filter(slug__startswith=PREFIX).values_list("pk", flat=True))
    if not pks and not synthetic_only:
        pks = list(published.values_list("pk", flat=True))
    if not pks:
        raise RuntimeError("Aucune fiche publiée à modifier.")
    return random.Random(seed).sample(pks, min(limit, len(pks)))


class Editor:
    def __init__(self, sheets: list[int]):
        self.sheets = cycle(sheets)
        self.marked: int | None = None  # sheet whose summary carries MARK
        self.added: tuple[int, int] | None = None  # (sheet, theme) added by the last count save
        self.saves = {TEXT: 0, COUNTS: 0}
        self.seconds = 0.0

    def save(self, kind: str) -> None:
        started = time.perf_counter()
        if kind == TEXT:
            self.fix_text(self.marked or next(self.sheets))
        else:
            self.change_count()
        self.saves[kind] += 1
        self.seconds += time.perf_counter() - started

    def restore(self) -> None:
        if self.marked:
            self.fix_text(self.marked)
        if self.added:
            self.change_count()

    @staticmethod
    def admin_save(pk: int, fields=None, related=None) -> None:
        """As ``CaseStudyAdmin``: locked row, version + 1, ``save()``, then the related objects."""
        with transaction.atomic(), reversion.create_revision():
            case = CaseStudy.objects.select_for_update().get(pk=pk)
            if fields:
                fields(case)
            case.version += 1
            case.save()
            if related:
                related(case)
            reversion.set_comment(COMMENT)

    def fix_text(self, pk: int) -> None:
        def fields(case):
            if case.summary.endswith(MARK):
                case.summary = case.summary.removesuffix(MARK)
                self.marked = None
            else:
                case.summary += MARK
                self.marked = pk

        self.admin_save(pk, fields=fields)

    def change_count(self) -> None:
        if self.added:
            pk, theme = self.added
            self.added = None
            self.admin_save(pk, related=lambda case: case.themes.remove(theme))
            return
        pk = next(self.sheets)
        present = CaseStudy.themes.through.objects.filter(casestudy_id=pk).values("theme_id")
        theme = Theme.objects.exclude(pk__in=present).order_by("pk").values_list("pk", flat=True)
        theme = theme.first()
        if theme is None:  # a sheet with every theme: a text fix still bumps the generation
            self.fix_text(self.marked or pk)
            return
        self.added = (pk, theme)
        self.admin_save(pk, related=lambda case: case.themes.add(theme))
