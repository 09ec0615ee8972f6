"""The index side of search: each sheet's stored search columns (PostgreSQL's weighted
``tsvector``, the folded texts), SQLite's FTS5 rows and PostgreSQL's vocabulary of words.

``casestudies.search`` reads them; ``casestudies.indexing`` decides when they are rewritten.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value

from casestudies.models import CaseStudy
from casestudies.models.cases import SECTION_FIELDS
from casestudies.search import FTS_CONFIG, FTS_TABLE, is_postgresql
from casestudies.text import compounds_split, fold

# Adds the words of some sheets' folded text to the vocabulary (PostgreSQL). In alphabetical
# order: two transactions adding the same new words lock them in the same order (no deadlock).
VOCABULARY_SQL = """
    INSERT INTO casestudies_searchword (word)
    SELECT DISTINCT token FROM casestudies_casestudy,
        regexp_split_to_table(search_text, '[^a-z]+') AS token
    WHERE length(token) BETWEEN 4 AND 40 AND ({where})
    ORDER BY token
    ON CONFLICT (word) DO NOTHING
"""


def document_parts(case) -> tuple[str, str, str]:
    """(title, chapeau and names, sections) of a sheet, for the A, B and C weights."""
    names = [str(p.territory or p.organisation) for p in case.participations.all()]
    names += [use.instrument.name for use in case.instrument_uses.all()]
    names += [theme.name for theme in case.themes.all()]
    middle = "\n".join([case.summary, *names])
    sections = "\n".join(getattr(case, name) for name in SECTION_FIELDS if getattr(case, name))
    return case.title, middle, sections


def refresh(case_ids) -> None:
    """Re-index the sheets ``case_ids``; an id whose sheet is gone leaves SQLite's index."""
    ids = [pk for pk in set(case_ids) if pk is not None]
    if not ids:
        return
    cases = CaseStudy.objects.filter(pk__in=ids).prefetch_related(
        "participations__territory",
        "participations__organisation",
        "instrument_uses__instrument",
        "themes",
    )
    fts_rows = []
    for case in cases:
        title, middle, sections = document_parts(case)
        values = {
            "search_title": fold(title),
            # Only non-empty lines: no trailing blank lines that a text export would trim.
            "search_text": fold("\n".join(p for p in (title, middle, sections) if p.strip())),
        }
        if is_postgresql():
            values["search_vector"] = (
                SearchVector(Value(compounds_split(title)), weight="A", config=FTS_CONFIG)
                + SearchVector(Value(compounds_split(middle)), weight="B", config=FTS_CONFIG)
                + SearchVector(Value(compounds_split(sections)), weight="C", config=FTS_CONFIG)
            )
        else:
            fts_rows.append((case.pk, fold(title), fold(middle), fold(sections)))
        CaseStudy.objects.filter(pk=case.pk).update(**values)
    if is_postgresql():
        record_vocabulary("id = ANY(%s)", [ids])
    else:
        write_fts_rows(ids, fts_rows)


def write_fts_rows(ids, rows) -> None:
    """Replace the FTS5 rows of the sheets ``ids`` by ``rows`` (id, title, middle, sections)."""
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [[pk] for pk in ids])
        if rows:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, middle, sections) VALUES (%s, %s, %s, %s)",
                rows,
            )


def forget_deleted_sheets(database) -> None:
    """Drop SQLite's index rows of sheets deleted without signals (``manage.py flush``)."""
    if database.vendor != "sqlite" or FTS_TABLE not in database.introspection.table_names():
        return
    with database.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM casestudies_casestudy)"
        )


def record_vocabulary(where: str, params) -> None:
    """Adds the words of the sheets selected by the SQL condition ``where`` to the vocabulary."""
    with connection.cursor() as cursor:
        cursor.execute(VOCABULARY_SQL.format(where=where), params)
