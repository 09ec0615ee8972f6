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
from operator import and_, or_

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
TYPO_ALTERNATIVES = 3
LETTERS = re.compile(r"[a-z]+")

# Adds the words of some sheets' folded text to the vocabulary (PostgreSQL).
VOCABULARY_SQL = """
    INSERT INTO casestudies_searchword (word)
    SELECT DISTINCT token FROM casestudies_casestudy,
        regexp_split_to_table(search_text, '[^a-z]+') AS token
    WHERE length(token) BETWEEN 4 AND 40 AND ({where})
    ON CONFLICT (word) DO NOTHING
"""
SNIPPET_WORDS = 35

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
    sections = "\n".join(getattr(case, name) for name in SECTION_FIELDS)
    return case.title, middle, sections


def refresh(case_ids) -> None:
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
            "search_text": fold("\n".join([title, middle, sections])),
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


def typo_alternatives(text: str) -> dict[str, list[str]]:
    """For each word of ``text`` found in no sheet, the closest words of the vocabulary."""
    from casestudies.models import SearchWord

    candidates = {
        token
        for token in LETTERS.findall(fold(text))
        if MIN_TYPO_WORD_LENGTH <= len(token) <= SearchWord.MAX_LENGTH
    }
    if not candidates:
        return {}
    known = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
    alternatives = {}
    for token in sorted(candidates - known):
        closest = (
            SearchWord.objects.filter(word__trigram_similar=token)
            .annotate(similarity=TrigramSimilarity("word", token))
            .order_by("-similarity", "word")
            .values_list("word", flat=True)[:TYPO_ALTERNATIVES]
        )
        alternatives[token] = list(closest)
    return alternatives


def postgresql_query(text: str) -> SearchQuery:
    """The full-text query of ``text``, with alternatives for its misspelt words.

    Without misspelling, the visitor's ``websearch`` syntax (« "exact phrase" », « -word »,
    « or ») is kept; otherwise every word must match, itself or one of its alternatives.
    """
    from casestudies.caching import cached, text_key

    alternatives = cached("search-words", text_key(text), lambda: typo_alternatives(text))
    if not any(alternatives.values()):
        return SearchQuery(text, config=FTS_CONFIG, search_type="websearch")

    def word_query(word):
        return SearchQuery(word, config=FTS_CONFIG, search_type="plain")

    groups = [
        reduce(or_, (word_query(w) for w in [token, *alternatives.get(token, [])]))
        for token in LETTERS.findall(fold(text))
    ]
    return reduce(and_, groups)


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
