"""Structures made for counting and for « fiches proches », derived from the sheets.

- ``FacetEntry``: one narrow row per (sheet, facet, value) — the sheet's themes (with their
  root), instruments, kinds of partner, régions, départements, types of cooperation, state,
  sources, and its partners. Filters and facet counts read it instead of joining the wide
  sheet table to five relation tables.
- ``FacetCount``: the number of *published* sheets of each (facet, value), kept by adding the
  difference of each change, in the same transaction as the change. The unfiltered counts (home
  page, map, statistics, the list's first page) are read from it, whatever the catalogue's size.
- ``SimilarCase``: the « fiches proches » of each published sheet, computed when a sheet
  changes, read when it is viewed.

All three are written only by ``casestudies.indexing`` (see there), never edited.
"""

from django.db import models


class FacetEntry(models.Model):
    # No index of its own: the unique (case, facet, value) index serves every lookup by sheet,
    # without reading the table.
    case = models.ForeignKey(
        "casestudies.CaseStudy",
        on_delete=models.CASCADE,
        related_name="facet_entries",
        db_index=False,
    )
    facet = models.CharField(max_length=30)
    # Up to two slugs of 200 characters (« root theme|instrument »).
    value = models.CharField(max_length=401)
    published = models.BooleanField()

    class Meta:
        verbose_name = "valeur de facette d'une fiche"
        constraints = [
            models.UniqueConstraint(fields=["case", "facet", "value"], name="facet_entry_unique")
        ]
        indexes = [
            # Counting the published sheets of a value, and the sheets sharing a value.
            models.Index(fields=["facet", "value", "published", "case"], name="facet_entry_value"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.facet}={self.value}"


class FacetCount(models.Model):
    facet = models.CharField(max_length=30)
    value = models.CharField(max_length=401)
    sheets = models.IntegerField(default=0)

    class Meta:
        verbose_name = "nombre de fiches publiées par valeur"
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="facet_count_unique")
        ]
        indexes = [
            # The strongest links of the partner network, a page at a time.
            models.Index(fields=["facet", "-sheets", "value"], name="facet_count_ranking"),
        ]

    def __str__(self):
        return f"{self.facet}={self.value}: {self.sheets}"


class SimilarCase(models.Model):
    case = models.ForeignKey(
        "casestudies.CaseStudy", on_delete=models.CASCADE, related_name="similar_links"
    )
    other = models.ForeignKey(
        "casestudies.CaseStudy", on_delete=models.CASCADE, related_name="similar_to_links"
    )
    position = models.PositiveSmallIntegerField()
    score = models.PositiveIntegerField()
    # What both share, as names: {"partners": [...], "instruments": [...], "themes": [...],
    # "kinds": n}; the sentence is written in the reader's language when shown.
    shared = models.JSONField(default=dict)

    class Meta:
        verbose_name = "fiche proche"
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="similar_case_unique")
        ]
        indexes = [models.Index(fields=["other"], name="similar_case_other")]

    def __str__(self):
        return f"{self.case_id} → {self.other_id}"
