"""Citation markers of the content become numbered notes on the page.

The content cites its sources with markers such as « (source 003, l.941–947 ; l.1002–1010) »
(see the README, « Travail éditorial »). A page never shows these internal codes: each marker
becomes a note call (a superscript number linked to its note), and each note names the document
— linked to the document's entry in the page's sources, one entry per document — and the lines.
Identical markers share one note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from casestudies.models import SourceDocument

# A parenthesis that cites at least one source document: « (source 003, l.12–14) ».
MARKER = re.compile(r"\s?\(([^()]*?\bsource\s+\d{3}\s*,\s*l\.[^()]*)\)")
SOURCE_CODE = re.compile(r"\bsource\s+(\d{3})\b")
# Placeholders that survive Markdown rendering and HTML sanitising (Unicode private use).
CALL = re.compile("\\s*\ue000(\\d+)\ue001")


def strip_markers(text: str) -> str:
    """The text without its citation markers (card summaries, search snippets, feeds)."""
    return MARKER.sub("", text or "")


@dataclass
class Note:
    number: int
    content: str  # the marker's text, « source 003, l.941–947 »
    calls: int = 0

    @property
    def call_id(self) -> str:
        return f"appel-{self.number}"

    @property
    def anchor(self) -> str:
        return f"note-{self.number}"


@dataclass
class SourceEntry:
    """One document cited by the page, with the passages its citations name."""

    source: object  # SourceDocument
    citations: list

    @property
    def anchor(self) -> str:
        return f"source-{self.source.reference}"

    @property
    def passages(self) -> list[str]:
        return [str(citation.location) for citation in self.citations if citation.location]


@dataclass
class PageNotes:
    """The notes of one page, numbered in the order the page renders its texts."""

    sources: dict  # reference (« 003 ») → SourceDocument
    citations: list = field(default_factory=list)  # the structured citations of the page
    notes: list[Note] = field(default_factory=list)
    by_content: dict = field(default_factory=dict)
    # The PDF sheet: each call carries its note's text, which print CSS sets as a footnote.
    footnotes: bool = False

    @classmethod
    def for_page(cls, citations=(), footnotes=False):
        sources = {s.reference: s for s in SourceDocument.objects.all()}
        return cls(sources, list(citations), footnotes=footnotes)

    def mark(self, text: str) -> str:
        """``text`` with each marker replaced by a placeholder of its note's call."""

        def placeholder(match):
            content = " ".join(match.group(1).split())
            note = self.by_content.get(content)
            if note is None:
                note = Note(len(self.notes) + 1, content)
                self.notes.append(note)
                self.by_content[content] = note
            # A space before the call keeps an address just before it a whole link (linkify);
            # calls() removes it.
            return f" \ue000{note.number}\ue001"

        return MARKER.sub(placeholder, text)

    def calls(self, html: str) -> SafeString:
        """Sanitised ``html`` with the placeholders turned into note calls."""

        def call(match):
            note = self.notes[int(match.group(1)) - 1]
            note.calls += 1
            if self.footnotes:
                return format_html('<span class="footnote">{}</span>', self.text(note))
            anchor = note.call_id if note.calls == 1 else f"{note.call_id}-{note.calls}"
            return format_html(
                '<sup class="note-call"><a href="#{}" id="{}">'
                '<span class="visually-hidden">{} </span>{}</a></sup>',
                note.anchor,
                anchor,
                _("note"),
                note.number,
            )

        return mark_safe(CALL.sub(call, html))

    def text(self, note: Note) -> SafeString:
        """The note: its documents named (and linked to their entries), its lines."""

        def document(match):
            source = self.sources.get(match.group(1))
            if source is None:
                return escape(_("document cité"))
            title = source.short_title or source.title
            return format_html('<a href="#source-{}">{}</a>', source.reference, title)

        escaped = str(escape(note.content))
        return mark_safe(SOURCE_CODE.sub(document, escaped).replace("l.", "l.\u00a0"))

    def items(self):
        return [(note, self.text(note)) for note in self.notes]

    @property
    def cited_references(self) -> set[str]:
        return {code for note in self.notes for code in SOURCE_CODE.findall(note.content)}

    @property
    def documents(self) -> list[SourceEntry]:
        """One entry per document cited by the page's citations or markers, by reference."""
        by_reference: dict = {}
        for citation in self.citations:
            by_reference.setdefault(citation.source.reference, []).append(citation)
        references = sorted(set(by_reference) | self.cited_references)
        return [
            SourceEntry(self.sources[reference], by_reference.get(reference, []))
            for reference in references
            if reference in self.sources
        ]
