"""Template helpers of the public catalogue."""

from django import template
from django.utils.safestring import mark_safe

from casestudies.richtext import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render a sheet section (Markdown subset) to sanitised HTML."""
    return mark_safe(render_markdown(text))


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
