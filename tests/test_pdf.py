"""Every sheet as a printed case sheet: /fiches/<slug>/pdf/ (WeasyPrint) with the lessons first
and the sources as footnotes; drafts have none."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from casestudies import pdf
from casestudies.notes import strip_markers
from tests.catalogue_fixtures import build_mixed_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(db):
    return build_mixed_catalogue()


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_has_the_title_lessons_first_and_the_sources(client, mixed):
    case = mixed.full
    text = flat(pdf_text(client.get(reverse("casestudies:case-pdf", args=[case.slug]))))
    assert flat(case.title)[:40] in text
    lessons = text.index("Ce qui a fonctionné")
    assert lessons < text.index("Repères")
    for lesson in case.lessons.all()[:2]:
        assert flat(strip_markers(lesson.text))[:30] in text
    sources = text.index("Documents sources")
    for citation in case.citations.all():
        assert citation.source.title in text[sources:]
    assert "Licence Ouverte 2.0" in text


def test_an_empty_sheet_still_prints(client, mixed):
    text = pdf_text(client.get(reverse("casestudies:case-pdf", args=[mixed.empty.slug])))
    assert flat(mixed.empty.title)[:30] in flat(text)


def test_drafts_have_no_pdf(client, mixed):
    for case in mixed.hidden:
        assert client.get(reverse("casestudies:case-pdf", args=[case.slug])).status_code == 404


def test_the_sheet_page_links_its_pdf(client, mixed):
    page = client.get(mixed.full.get_absolute_url()).content.decode()
    assert f'href="/fiches/{mixed.full.slug}/pdf/"' in page


def test_rendering_reads_only_the_sites_static_files():
    response = pdf.local_static("http://testserver/static/css/site.css")
    assert response.read().startswith(b"/*")
    assert response.content_type == "text/css"
    for url in ("https://example.org/x.css", "file:///etc/passwd", "http://testserver/admin/"):
        with pytest.raises(pdf.FetchRefused):
            pdf.local_static(url)
