"""Search of case sheets: one interface, two engines, one syntax (see search_query.py).

- PostgreSQL: a stored, weighted ``tsvector`` (title A; chapeau and the names of parties,
  instruments and themes B; sections C) in the ``french_unaccent`` configuration created by
  migration 0003, ranked with ``SearchRank``. A query without synonym nor misspelt word is
  given to ``websearch_to_tsquery``; otherwise the ``tsquery`` is written from PostgreSQL's own
  lexemes of each term: a synonym becomes the group of its expressions, and a word found in no
  sheet (probably misspelt) becomes itself or the closest words of the catalogue's vocabulary
  (``SearchWord``, trigram similarity: « Gascone » finds « Gascogne »). Every search is one
  lookup in the GIN index of the vector.
- SQLite: an FTS5 table (migration 0013; title, chapeau and names, sections; tokenizer
  ``unicode61 remove_diacritics 2`` over folded text; prefix index), ranked with ``bm25``
  (title first, then chapeau and names, then sections). A word of 4 letters or more also
  matches longer words; a shorter word, a phrase or a synonym is matched exactly. The results
  stay a queryset of sheets: ``pk IN`` the FTS5 matches, ranked once per statement.

On both engines a hyphen between two letters joins a compound, indexed and searched as two
adjacent words (« ville-campagne » = « ville campagne »). This module is the query side; the
stored columns are written by ``search_index`` when ``indexing`` says a sheet changed.
"""

from __future__ import annotations

import difflib
import html
import operator
import re
from functools import partial, reduce

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, FloatField, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils.safestring import mark_safe

from casestudies.caching import cached, text_key
from casestudies.models import SearchSynonym, SearchWord
from casestudies.models.cases import SECTION_FIELDS
from casestudies.search_query import (
    Query,
    Synonyms,
    fts5_expressions,
    parse,
    tsquery,
    tsquery_texts,
    websearch_text,
)
from casestudies.text import TOKEN, accent_insensitive_pattern, fold

FTS_CONFIG = "french_unaccent"
MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 35
TYPO_ALTERNATIVES = 3
# SQLite (migration 0013): the FTS5 table, whose rowid is the sheet's id, and its vocabulary.
FTS_TABLE = "casestudies_search_fts"
FTS_VOCABULARY = "casestudies_search_fts_vocab"
# bm25 weights of title, chapeau and names, sections. The title weighs most, as PostgreSQL's A;
# sections are long, and with PostgreSQL's ratios (1, 0.4, 0.2) a sheet that repeats a word in
# its sections came before the sheets named after it (« réciprocité » on the real content).
FTS_WEIGHTS = (20.0, 4.0, 1.0)
# difflib's similarity for a correction proposed on SQLite (« gascone » → « gascogne »: 0.93).
CORRECTION_CUTOFF = 0.75


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# -- querying -------------------------------------------------------------------------------


def normalise_query(text: str) -> str:
    # (PostgreSQL refuses a NUL in any text; the list's form already rejects it.)
    return " ".join((text or "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def synonyms() -> Synonyms:
    """The synonym list, read once per catalogue generation (editing it bumps the generation)."""
    return Synonyms(cached("search-synonyms", "groups", SearchSynonym.objects.groups))


def parsed(text: str) -> Query:
    """``text`` parsed, with its synonyms (the list is read only when there is a term)."""
    query = parse(normalise_query(text))
    return query.with_synonyms(synonyms()) if query else query


def search(queryset, text: str):
    """Sheets of ``queryset`` matching ``text``, annotated with a ``rank`` (higher is better)."""
    text = normalise_query(text)
    query = parsed(text)
    if not query:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    if is_postgresql():
        return _search_postgresql(queryset, text, query)
    return _search_sqlite(queryset, query)


def misspelling_candidates(text: str) -> set[str]:
    """Words of ``text`` that may get alternatives: plain words of letters, outside quotes,
    not excluded (« -mot »), not part of a compound (« auvergne-rhone »), not « or », not in
    the synonym list."""
    return {term.text for term in parsed(text).terms() if term.correctable}


def typo_alternatives(text: str) -> dict[str, list[str]]:
    """For each candidate word of ``text`` found in no sheet, the closest words of the
    vocabulary (an empty list when none is close enough)."""
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


def cached_typo_alternatives(text: str) -> dict[str, list[str]]:
    return cached("search-words", text_key(text), lambda: typo_alternatives(text))


def postgresql_query(text: str, query: Query) -> SearchQuery:
    """The full-text query of ``text``: PostgreSQL's ``websearch`` parse when no term is a
    synonym or misspelt, else the ``tsquery`` where they become groups of alternatives."""
    alternatives = cached_typo_alternatives(text)
    misspelt = {word: closest for word, closest in alternatives.items() if closest}
    if not misspelt and not query.has_synonyms:
        return SearchQuery(websearch_text(query), config=FTS_CONFIG, search_type="websearch")
    corrected = cached("search-query", text_key(text), lambda: corrected_tsquery(query, misspelt))
    # Already normalised lexemes: the « simple » configuration keeps them as they are.
    return SearchQuery(corrected, config="simple", search_type="raw")


def corrected_tsquery(query: Query, misspelt: dict[str, list[str]]) -> str:
    """The ``tsquery`` of ``query`` built from PostgreSQL's lexemes of each of its texts (one
    query): « gascone or retz » → ``( 'gascogn' | 'gascon' ) | 'retz'``, « PAT » →
    ``( 'pat' | 'projet' <-> 'alimentair' <-> 'territorial' )``."""
    texts = sorted(tsquery_texts(query, misspelt))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t, phraseto_tsquery(%s::regconfig, t)::text FROM unnest(%s::text[]) AS t",
            [FTS_CONFIG, texts],
        )
        lexemes = dict(cursor.fetchall())
    return tsquery(query, misspelt, lexemes)


def _search_postgresql(queryset, text, query):
    full_text = postgresql_query(text, query)
    return queryset.filter(search_vector=full_text).annotate(
        rank=SearchRank(F("search_vector"), full_text)
        + Cast(TrigramWordSimilarity(fold(text), "search_title"), FloatField()) * Value(0.1)
    )


class FtsRank(Func):
    """``-bm25`` of the sheet for an FTS5 expression (higher is better). The matches are ranked
    once per statement (a materialised CTE), not once per sheet: bm25 recomputed in a
    correlated subquery would cost the whole match for every sheet."""

    output_field = FloatField()
    template = (
        "(WITH fts_rank AS MATERIALIZED (SELECT rowid AS id, -bm25({table}, {weights}) AS rank "
        "FROM {table} WHERE {table} MATCH %s) SELECT rank FROM fts_rank WHERE id = {pk})"
    )

    def __init__(self, expression: str):
        super().__init__(F("pk"))
        self.expression = expression

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        weights = ", ".join(map(str, FTS_WEIGHTS))
        sql = self.template.format(table=FTS_TABLE, weights=weights, pk=pk_sql)
        return sql, (self.expression, *pk_params)


def fts_matches(expression: str) -> RawSQL:
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression])


def _search_sqlite(queryset, query):
    wanted, excluding_only = fts5_expressions(query)
    conditions = [~Q(pk__in=fts_matches(expression)) for expression in excluding_only]
    if wanted:
        conditions.append(Q(pk__in=fts_matches(wanted)))
        rank = Coalesce(FtsRank(wanted), Value(0.0))
    else:
        rank = Value(0.0, output_field=FloatField())
    return queryset.filter(reduce(operator.or_, conditions)).annotate(rank=rank)


# -- « Vouliez-vous dire … » -----------------------------------------------------------------


def suggestion(text: str, queryset) -> str:
    """``text`` with each word found nowhere in the catalogue replaced by the closest word that
    is, when the corrected search finds sheets of ``queryset``; "" otherwise."""
    text = normalise_query(text)
    words = {term.text for term in parsed(text).terms() if term.correctable}
    if not words:
        return ""
    if is_postgresql():
        alternatives = cached_typo_alternatives(text)
        corrections = {word: closest[0] for word, closest in alternatives.items() if closest}
    else:
        corrections = _fts_corrections(words)
    if not corrections:
        return ""
    corrected = TOKEN.sub(lambda m: corrections.get(fold(m.group(0)), m.group(0)), text)
    # The vocabulary holds the words of drafts too: never propose what finds nothing.
    return corrected if search(queryset, corrected).exists() else ""


def _fts_corrections(words: set[str]) -> dict[str, str]:
    """For each of ``words`` that begins no word of SQLite's index (its search would find
    nothing), the closest indexed word (difflib), if close enough."""
    ordered = sorted(words)
    candidates = " UNION ALL ".join(["SELECT %s AS word"] * len(ordered))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word FROM ({candidates}) WHERE NOT EXISTS (SELECT 1 FROM {FTS_VOCABULARY} "
            "WHERE term >= word AND term < word || char(1114111))",
            ordered,
        )
        unknown = [row[0] for row in cursor.fetchall()]
        corrections = {}
        for word in unknown:
            cursor.execute(
                f"SELECT term FROM {FTS_VOCABULARY} WHERE length(term) BETWEEN %s AND %s",
                [len(word) - 2, len(word) + 2],
            )
            terms = [term for (term,) in cursor.fetchall() if term.isalpha()]
            closest = difflib.get_close_matches(word, terms, n=1, cutoff=CORRECTION_CUTOFF)
            if closest:
                corrections[word] = closest[0]
    return corrections


# -- showing the matching passage -------------------------------------------------------------


def _expression_pattern(expression, prefix: bool) -> str:
    if prefix:  # a free word of 4 letters or more: its stem and whatever follows
        word = expression[0]
        stem = word if len(word) <= 5 else word[: max(5, len(word) - 2)]
        return accent_insensitive_pattern(stem) + r"[\w'-]*"
    return r"[\W_]+".join(map(accent_insensitive_pattern, expression)) + r"\b"


def _term_pattern(query: Query) -> re.Pattern | None:
    """What the search matched: each wanted term, or each expression of its synonym group."""
    patterns = [
        _expression_pattern(expression, term.prefix)
        for term in query.terms()
        if not term.excluded
        for expression in (term.expressions or [term.tokens])
    ]
    if not patterns:
        return None
    return re.compile(r"\b(?:" + "|".join(patterns) + ")", re.IGNORECASE)


def highlight(case, text: str) -> str:
    """The passage of the sheet that best matches ``text``, HTML-escaped, matches in <mark>."""
    return highlighter(text)(case)


def highlighter(text: str):
    """``highlight`` for many sheets: the query is parsed once."""
    pattern = _term_pattern(parsed(text))
    return partial(_passage, pattern) if pattern else lambda case: ""


def _passage(pattern, case) -> str:
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
