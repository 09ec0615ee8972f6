"""Sheet sections are written in a small Markdown subset and rendered to sanitised HTML.

Raw HTML in the source text is never interpreted (markdown-it's html option is off) and the
result is cleaned again with nh3, so only the tags below can reach a page.
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.disable(
    ["image", "heading", "lheading", "table", "fence", "code", "hr"], ignoreInvalid=True
)


def render_markdown(text: str) -> str:
    if not text:
        return ""
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
