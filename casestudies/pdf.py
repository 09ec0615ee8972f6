"""A sheet as a printed case sheet (PDF), laid out by WeasyPrint from the sheet's own partials
and the print stylesheet: lessons first, the citations as footnotes, sources at the end.

WeasyPrint reads only the site's static files (the stylesheet, the monogram) from disk: its
URL fetcher refuses any other address, so rendering never reaches the network.
"""

import logging
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# WeasyPrint warns about every screen-only rule of the site's stylesheet (media queries on
# widths, SVG properties): print rules are what it lays out, the warnings are noise in the logs.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class FetchRefused(ValueError):
    pass


def local_static(url: str):
    """WeasyPrint's URL fetcher: a file of the site's static files, nothing else."""
    from weasyprint.urls import URLFetcherResponse

    prefix = settings.STATIC_URL
    path = url.split("://", 1)[-1]
    path = path[path.find("/") :] if "://" in url else path
    if not path.startswith(prefix):
        raise FetchRefused(url)
    found = finders.find(path.removeprefix(prefix).split("?")[0])
    if not found:
        raise FetchRefused(url)
    kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=Path(found).read_bytes(), headers={"Content-Type": kind})


def sheet_pdf(context: dict, request) -> bytes:
    from weasyprint import HTML

    html = render_to_string("casestudies/case_pdf.html", context, request=request)
    return HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=local_static
    ).write_pdf()
