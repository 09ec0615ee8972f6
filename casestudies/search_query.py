"""The search syntax: a visitor's text parsed once, then written for each engine.

A query is a disjunction (« or ») of groups whose terms must all match. A term is a word, or a
phrase matched as written: quoted (« "producteurs gersois" »), or words joined by a hyphen or
an apostrophe (« ville-campagne », « d'action »: a hyphen between two letters makes a compound,
it excludes nothing). « -mot » or « -"une phrase" » excludes. A word or a run of words that is
an expression of the synonym list (``SearchSynonym``) becomes the whole group of equivalent
expressions: « PAT » searches « PAT » or « projet alimentaire territorial », and the other way
round.

Nothing the visitor types reaches an engine as syntax: a term is made of folded runs of letters
and digits, written as a quoted FTS5 string (SQLite) or given to PostgreSQL's own parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from casestudies.text import fold, tokens

# A word of at least this many letters also matches longer words on SQLite (« coop »).
MIN_PREFIX_LENGTH = 4
MIN_CORRECTABLE_LENGTH = 4
MAX_CORRECTABLE_LENGTH = 40
# A quoted phrase (its closing quote may be missing), or any other run of non-blanks.
CHUNK = re.compile(r'(-*)"([^"]*)"?|(\S+)')
ASCII_WORD = re.compile(r"[a-z]+")

Expression = tuple[str, ...]


@dataclass(frozen=True)
class Term:
    tokens: Expression
    quoted: bool = False
    excluded: bool = False
    # The group of equivalent expressions this term belongs to, itself included.
    expressions: tuple[Expression, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def phrase(self) -> bool:
        """Matched as written: quoted, or several words (compound, apostrophe)."""
        return self.quoted or len(self.tokens) > 1

    @property
    def prefix(self) -> bool:
        """A free word of 4 letters or more also matches longer words (« coop » →
        « coopération »); a shorter word, a digit or a known acronym is matched exactly."""
        word = self.tokens[0]
        return (
            not (self.phrase or self.expressions)
            and len(word) >= MIN_PREFIX_LENGTH
            and word.isalpha()
        )

    @property
    def correctable(self) -> bool:
        """A free word of letters that may be misspelt (not a phrase, nor excluded, nor in the
        synonym list, nor « or »)."""
        word = self.tokens[0]
        return (
            not (self.phrase or self.excluded or self.expressions)
            and MIN_CORRECTABLE_LENGTH <= len(word) <= MAX_CORRECTABLE_LENGTH
            and ASCII_WORD.fullmatch(word) is not None
        )

    @property
    def free(self) -> bool:
        """May join the next words to form a synonym expression."""
        return not (self.quoted or self.excluded)


@dataclass(frozen=True)
class Query:
    groups: tuple[tuple[Term, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def terms(self):
        for group in self.groups:
            yield from group

    @property
    def has_synonyms(self) -> bool:
        return any(term.expressions for term in self.terms())

    def with_synonyms(self, synonyms: Synonyms) -> Query:
        return Query(tuple(synonyms.expand(group) for group in self.groups))


def parse(text: str) -> Query:
    """The groups and terms of ``text`` (websearch syntax), without synonyms yet."""
    groups, current = [], []
    for match in CHUNK.finditer(text or ""):
        dashes, quoted, plain = match.groups()
        if quoted is not None:
            found = tokens(quoted)
            term = Term(found, quoted=True, excluded=bool(dashes)) if found else None
        else:
            body = plain.lstrip("-")
            if fold(plain) == "or":  # the operator (« "or" » or « -or » are words)
                if current:
                    groups.append(tuple(current))
                    current = []
                continue
            found = tokens(body)
            term = Term(found, excluded=body != plain) if found else None
        if term is not None:
            current.append(term)
    if current:
        groups.append(tuple(current))
    return Query(tuple(groups))


class Synonyms:
    """The editable synonym list, as groups of expressions (tuples of folded tokens)."""

    def __init__(self, groups: tuple[tuple[Expression, ...], ...] = ()):
        self.groups = groups
        self.index: dict[Expression, int] = {}
        for number, group in enumerate(groups):
            for expression in group:
                self.index.setdefault(expression, number)
        self.longest = max(map(len, self.index), default=0)

    def group_of(self, expression: Expression) -> tuple[Expression, ...]:
        number = self.index.get(expression)
        return () if number is None else self.groups[number]

    def expand(self, terms: tuple[Term, ...]) -> tuple[Term, ...]:
        """``terms`` where each term, or longest run of free terms, found in a group becomes one
        term carrying the whole group."""
        expanded, start = [], 0
        while start < len(terms):
            term, end = terms[start], start + 1
            # The longest run of free terms starting here that is an expression (a run longer
            # than the longest expression cannot be one: every term has a token at least).
            for stop in range(min(len(terms), start + self.longest), start + 1, -1):
                run = terms[start:stop]
                words = tuple(token for item in run for token in item.tokens)
                if all(item.free for item in run) and self.group_of(words):
                    term, end = Term(words), stop
                    break
            group = self.group_of(term.tokens)
            expanded.append(replace(term, expressions=group) if group else term)
            start = end
        return tuple(expanded)


# -- SQLite: FTS5 --------------------------------------------------------------------------


def fts5_string(expression: Expression) -> str:
    """An FTS5 string: a phrase of its tokens, never an operator or a column filter."""
    return '"' + " ".join(expression).replace('"', '""') + '"'


def fts5_term(term: Term) -> str:
    if term.expressions:
        return "(" + " OR ".join(fts5_string(e) for e in term.expressions) + ")"
    return fts5_string(term.tokens) + ("*" if term.prefix else "")


def fts5_expressions(query: Query) -> tuple[str | None, list[str]]:
    """(the FTS5 expression of the groups that want something, the expressions of the groups
    that only exclude): FTS5 has no « everything but », these select the complement."""
    wanted_groups, excluding_only = [], []
    for group in query.groups:
        wanted = [fts5_term(term) for term in group if not term.excluded]
        unwanted = " OR ".join(fts5_term(term) for term in group if term.excluded)
        if not wanted:
            excluding_only.append(unwanted)
            continue
        expression = " AND ".join(wanted)
        if unwanted:
            expression = f"({expression}) NOT ({unwanted})"
        wanted_groups.append(f"({expression})")
    return (" OR ".join(wanted_groups) or None), excluding_only


# -- PostgreSQL --------------------------------------------------------------------------------


def websearch_text(query: Query) -> str:
    """``query`` in ``websearch_to_tsquery`` syntax, every term quoted."""

    def quoted(term):
        return ("-" if term.excluded else "") + '"' + term.text + '"'

    return " or ".join(" ".join(quoted(term) for term in group) for group in query.groups)


def tsquery_texts(query: Query, misspelt: dict[str, list[str]]) -> set[str]:
    """Every text whose lexemes ``tsquery`` needs."""
    texts = set()
    for term in query.terms():
        texts.add(term.text)
        texts.update(" ".join(expression) for expression in term.expressions)
        if term.correctable:
            texts.update(misspelt.get(term.text, ()))
    return texts


def tsquery(query: Query, misspelt: dict[str, list[str]], lexemes: dict[str, str]) -> str:
    """``query`` as a ``tsquery``, from the lexemes PostgreSQL gave each text (its
    ``phraseto_tsquery``, empty for a stop word): a synonym becomes the group of its
    expressions, a misspelt word the group of itself and its closest words."""

    def term_query(term: Term) -> str:
        if term.expressions:
            texts = [" ".join(expression) for expression in term.expressions]
        elif term.correctable:
            texts = [term.text, *misspelt.get(term.text, ())]
        else:
            texts = [term.text]
        options = sorted({lexemes[text] for text in texts if lexemes.get(text)})
        if not options:
            return ""
        body = options[0] if len(options) == 1 else " | ".join(options)
        if " " in body:
            body = f"( {body} )"
        return "!" + body if term.excluded else body

    groups = []
    for group in query.groups:
        parts = [part for part in map(term_query, group) if part]
        if parts:
            groups.append(" & ".join(parts))
    if len(groups) == 1:
        return groups[0]
    return " | ".join(f"( {group} )" for group in groups)
