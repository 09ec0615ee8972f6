"""Sheet sections are written in a small Markdown subset and rendered to sanitised HTML.

Raw HTML in the source text is never interpreted (markdown-it's html option is off) and the
result is cleaned again with nh3, so only the tags below can reach a page. Addresses (web and
e-mail) become links. With a page's notes (casestudies/notes.py), citation markers become note
calls, inserted after sanitising.
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
_markdown.enable("linkify")
_markdown.disable(
    ["image", "heading", "lheading", "table", "fence", "code", "hr"], ignoreInvalid=True
)


def render_markdown(text: str, notes=None, inline: bool = False) -> str:
    if not text:
        return ""
    if notes is not None:
        text = notes.mark(text)
    html = _markdown.renderInline(text) if inline else _markdown.render(text)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return notes.calls(html) if notes is not None else html
