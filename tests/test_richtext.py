"""Sheet sections: a documented Markdown subset, rendered to HTML that nh3 has made inert."""

from html.parser import HTMLParser

import pytest

from casestudies.richtext import ALLOWED_TAGS, render_markdown


class ElementCollector(HTMLParser):
    """The elements and attributes a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements_of(html):
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


MALICIOUS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](  javascript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://example.org></iframe>",
    "<svg onload=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "![x](https://example.org/x.png)",
    '[x](https://example.org "onmouseover=alert(1)")',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_malicious_markdown_comes_out_inert(text):
    for tag, attributes in elements_of(render_markdown(text)):
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") for name in attributes), attributes
        assert "style" not in attributes and "src" not in attributes
        href = attributes.get("href")
        if href is not None:
            assert href.startswith(("http://", "https://", "mailto:")), href


def test_the_documented_subset_is_rendered():
    html = render_markdown(
        "Un paragraphe avec **gras**, *italique* et [un lien](https://example.org).\n\n"
        "- premier point\n- second point"
    )
    assert "<strong>gras</strong>" in html
    assert "<em>italique</em>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">un lien</a>' in html
    assert "<ul>\n<li>premier point</li>" in html


def test_headings_and_images_are_not_part_of_the_subset():
    html = render_markdown("# Titre\n\n![photo](https://example.org/p.png)")
    assert "<h1" not in html and "<img" not in html
    assert "# Titre" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
