"""Reading what a visitor sees in a rendered page (cached pages carry no template context)."""

import html
import re

CARD_LINK = re.compile(r'<article class="case-card">\s*<h3><a href="/fiches/([^/"]+)/">([^<]*)</a>')


def listed_cases(response) -> list[tuple[str, str]]:
    """(slug, title) of each sheet card of a list page, in page order."""
    content = response.content.decode()
    return [(slug, html.unescape(title)) for slug, title in CARD_LINK.findall(content)]
