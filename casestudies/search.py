"""Search of case sheets: one interface, two engines.

- PostgreSQL: a stored, weighted ``tsvector`` (title A; chapeau and the names of parties,
  instruments and themes B; sections C) in the ``french_unaccent`` configuration created by
  migration 0003, queried with ``websearch`` syntax and ranked with ``SearchRank``. A search
  word found in no sheet is probably misspelt: the closest words of the catalogue's vocabulary
  (``SearchWord``, trigram similarity) join the query as alternatives (« Gascone » finds
  « Gascogne »), so that every search is one lookup in the GIN index of the vector.
- SQLite: every word of the query must appear in the folded (lowercase, unaccented) text; title
  matches rank first.

The stored columns are refreshed whenever a sheet or what it shows changes (see signals.py);
``deferred_refresh()`` batches the refreshes of a bulk load.
"""

from __future__ import annotations

import html
import re
import threading
from contextlib import contextmanager
from functools import reduce

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Cast
from django.utils.safestring import mark_safe

from casestudies.text import accent_insensitive_pattern, fold, words

FTS_CONFIG = "french_unaccent"
MAX_QUERY_LENGTH = 200
MIN_TYPO_WORD_LENGTH = 4
SNIPPET_WORDS = 35
TYPO_ALTERNATIVES = 3
QUOTED = re.compile(r'"[^"]*"?')
# A word of letters standing alone: not after « - » (exclusion, compound) nor inside a word.
FREE_WORD = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")

# Adds the words of some sheets' folded text to the vocabulary (PostgreSQL).
VOCABULARY_SQL = """
    INSERT INTO casestudies_searchword (word)
    SELECT DISTINCT token FROM casestudies_casestudy,
        regexp_split_to_table(search_text, '[^a-z]+') AS token
    WHERE length(token) BETWEEN 4 AND 40 AND ({where})
    ON CONFLICT (word) DO NOTHING
"""

_state = threading.local()


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# -- keeping the stored columns current -------------------------------------------------------


def document_parts(case) -> tuple[str, str, str]:
    """(title, chapeau and names, sections) of a sheet, for the A, B and C weights."""
    from casestudies.models.cases import SECTION_FIELDS

    names = [str(p.territory or p.organisation) for p in case.participations.all()]
    names += [use.instrument.name for use in case.instrument_uses.all()]
    names += [theme.name for theme in case.themes.all()]
    middle = "\n".join([case.summary, *names])
    sections = "\n".join(getattr(case, name) for name in SECTION_FIELDS if getattr(case, name))
    return case.title, middle, sections


def refresh(case_ids, bump: bool = True) -> None:
    from casestudies.models import CaseStudy

    ids = [pk for pk in set(case_ids) if pk is not None]
    if not ids:
        return
    cases = CaseStudy.objects.filter(pk__in=ids).prefetch_related(
        "participations__territory",
        "participations__organisation",
        "instrument_uses__instrument",
        "themes",
    )
    for case in cases:
        title, middle, sections = document_parts(case)
        values = {
            "search_title": fold(title),
            # Only non-empty lines: no trailing blank lines that a text export would trim.
            "search_text": fold("\n".join(p for p in (title, middle, sections) if p.strip())),
        }
        if is_postgresql():
            values["search_vector"] = (
                SearchVector(Value(title), weight="A", config=FTS_CONFIG)
                + SearchVector(Value(middle), weight="B", config=FTS_CONFIG)
                + SearchVector(Value(sections), weight="C", config=FTS_CONFIG)
            )
        CaseStudy.objects.filter(pk=case.pk).update(**values)
    if is_postgresql():
        record_vocabulary("id = ANY(%s)", [ids])
    if bump:
        # Refreshes may run after the commit that changed the sheets (deferred_refresh): pages
        # cached in between describe the old index, under a generation this bump retires.
        from casestudies.models import CatalogueGeneration

        CatalogueGeneration.bump()


def record_vocabulary(where: str, params) -> None:
    """Adds the words of the sheets selected by the SQL condition ``where`` to the vocabulary."""
    with connection.cursor() as cursor:
        cursor.execute(VOCABULARY_SQL.format(where=where), params)


def schedule_refresh(case_ids) -> None:
    pending = getattr(_state, "pending", None)
    if pending is None:
        refresh(case_ids)
    else:
        pending.update(case_ids)


@contextmanager
def deferred_refresh():
    """Collect the sheets to re-index and refresh each once, when the block ends."""
    if getattr(_state, "pending", None) is not None:  # nested: the outer block refreshes
        yield
        return
    _state.pending = set()
    try:
        yield
        pending = _state.pending
    finally:
        _state.pending = None
    refresh(pending)


# -- querying -------------------------------------------------------------------------------


def normalise_query(text: str) -> str:
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def search(queryset, text: str):
    """Sheets of ``queryset`` matching ``text``, annotated with a ``rank`` (higher is better)."""
    text = normalise_query(text)
    terms = words(text)
    if not terms:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    if is_postgresql():
        return _search_postgresql(queryset, text)
    return _search_fallback(queryset, terms)


def misspelling_candidates(text: str) -> set[str]:
    """Words of ``text`` that may get alternatives: plain words of letters, outside quotes,
    not excluded (« -mot ») nor part of a compound (« auvergne-rhone »), not « or »."""
    from casestudies.models import SearchWord

    unquoted = QUOTED.sub(" ", fold(text))
    return {
        word
        for word in FREE_WORD.findall(unquoted)
        if MIN_TYPO_WORD_LENGTH <= len(word) <= SearchWord.MAX_LENGTH
    }


def typo_alternatives(text: str) -> dict[str, list[str]]:
    """For each candidate word of ``text`` found in no sheet, the closest words of the
    vocabulary (an empty list when none is close enough)."""
    from casestudies.models import SearchWord

    candidates = misspelling_candidates(text)
    if not candidates:
        return {}
    known = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
    alternatives = {}
    for word in sorted(candidates - known):
        closest = (
            SearchWord.objects.filter(word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "word")
            .values_list("word", flat=True)[:TYPO_ALTERNATIVES]
        )
        alternatives[word] = list(closest)
    return alternatives


def postgresql_query(text: str) -> SearchQuery:
    """The full-text query of ``text`` (``websearch`` syntax: « "exact phrase" », « -word »,
    « or »), in which each misspelt word becomes itself OR its closest words."""
    from casestudies.caching import cached, text_key

    alternatives = cached("search-words", text_key(text), lambda: typo_alternatives(text))
    misspelt = {word: closest for word, closest in alternatives.items() if closest}
    if not misspelt:
        return SearchQuery(text, config=FTS_CONFIG, search_type="websearch")
    corrected = cached("search-query", text_key(text), lambda: corrected_tsquery(text, misspelt))
    # Already normalised lexemes: the « simple » configuration keeps them as they are.
    return SearchQuery(corrected, config="simple", search_type="raw")


def corrected_tsquery(text: str, misspelt: dict[str, list[str]]) -> str:
    """PostgreSQL's own parse of ``text`` (``websearch_to_tsquery``), each misspelt word's
    lexeme replaced by the group of its own and its alternatives' lexemes:
    « gascone or retz » → ``( 'gascon' | 'gascogn' ) | 'retz'``."""
    words = sorted({w for word, closest in misspelt.items() for w in [word, *closest]})
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [FTS_CONFIG, text])
        parsed = cursor.fetchone()[0]
        cursor.execute(
            "SELECT w, plainto_tsquery(%s::regconfig, w)::text FROM unnest(%s::text[]) AS w",
            [FTS_CONFIG, words],
        )
        lexeme = dict(cursor.fetchall())
    for word, closest in misspelt.items():
        own = lexeme.get(word, "")
        group = sorted({lexeme[w] for w in [word, *closest] if lexeme.get(w)})
        if own and " " not in own and len(group) > 1:
            parsed = parsed.replace(own, "( " + " | ".join(group) + " )")
    return parsed


def _search_postgresql(queryset, text):
    query = postgresql_query(text)
    return queryset.filter(search_vector=query).annotate(
        rank=SearchRank(F("search_vector"), query)
        + Cast(TrigramWordSimilarity(fold(text), "search_title"), FloatField()) * Value(0.1)
    )


def _search_fallback(queryset, terms):
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    title_hits = [
        Case(When(search_title__contains=term, then=Value(1.0)), default=Value(0.0))
        for term in terms
    ]
    return queryset.annotate(rank=reduce(lambda a, b: a + b, title_hits))


# -- showing the matching passage -------------------------------------------------------------


def _term_pattern(terms) -> re.Pattern | None:
    stems = []
    for term in terms:
        stem = term if len(term) <= 5 else term[: max(5, len(term) - 2)]
        stems.append(accent_insensitive_pattern(stem))
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(stems) + r")[\w'-]*", re.IGNORECASE)


def highlight(case, text: str) -> str:
    """The passage of the sheet that best matches ``text``, HTML-escaped, matches in <mark>."""
    pattern = _term_pattern(words(normalise_query(text)))
    if pattern is None:
        return ""
    from casestudies.models.cases import SECTION_FIELDS

    for source in [case.summary, *(getattr(case, name) for name in SECTION_FIELDS)]:
        found = pattern.search(source or "")
        if not found:
            continue
        tokens = source.split()
        # Word index of the match, then a window around it.
        index = len(source[: found.start()].split())
        start = max(0, index - SNIPPET_WORDS // 3)
        window = " ".join(tokens[start : start + SNIPPET_WORDS]).replace("**", "")
        escaped = html.escape(window, quote=False)
        marked = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
        prefix = "… " if start > 0 else ""
        suffix = " …" if start + SNIPPET_WORDS < len(tokens) else ""
        return mark_safe(f"{prefix}{marked}{suffix}")
    return ""
