"""Template helpers of the public catalogue."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from casestudies.notes import strip_markers
from casestudies.richtext import render_markdown

register = template.Library()

JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def markdown(text):
    """Render a sheet section (Markdown subset) to sanitised HTML."""
    return mark_safe(render_markdown(text))


@register.filter
def markdown_notes(text, notes):
    """A sheet section with its citation markers turned into the page's note calls."""
    return mark_safe(render_markdown(text, notes=notes))


@register.filter
def inline_notes(text, notes):
    """One line of text (a lesson) with its markers turned into note calls, no paragraph."""
    return mark_safe(render_markdown(text, notes=notes, inline=True))


@register.filter
def without_markers(text):
    """Text shown without its notes (card summaries, descriptions)."""
    return strip_markers(text)


@register.filter
def ld_json(data):
    """A schema.org JSON-LD block; <, > and & are escaped as json_script does."""
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def url_lines(text):
    """The http(s) addresses of a one-link-per-line field."""
    lines = (line.strip() for line in (text or "").splitlines())
    return [line for line in lines if line.startswith(("http://", "https://"))]
