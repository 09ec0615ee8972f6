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


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes them)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
