"""External links of the published sheets and how ``check_links`` asks for them: HEAD first,
GET when a server refuses HEAD, a polite user agent, a timeout, a few at a time."""

import re
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch

from casestudies.models import CaseStudy, Citation
from casestudies.models.cases import SECTION_FIELDS

URL = re.compile(r"https?://[^\s<>\"'»«)\]]+", re.IGNORECASE)
TRAILING = ".,;:!?"
# Servers that refuse HEAD, or answer it badly, are asked again with GET.
RETRY_WITH_GET = {400, 403, 405, 500, 501, 503}


def links_of(case: CaseStudy) -> set[str]:
    """Every http(s) address written in the sheet's texts, and its sources' addresses."""
    texts = [case.summary, *(getattr(case, name) for name in SECTION_FIELDS)]
    found = {match.rstrip(TRAILING) for text in texts for match in URL.findall(text or "")}
    found |= {c.source.url for c in case.citations.all() if c.source.url}
    return {url for url in found if len(url) <= 2000}


def published_links() -> dict[str, set[int]]:
    """address → ids of the published sheets that give it."""
    sheets = CaseStudy.objects.published().prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("source"))
    )
    found: dict[str, set[int]] = {}
    for case in sheets:
        for url in links_of(case):
            found.setdefault(url, set()).add(case.pk)
    return found


@dataclass
class Result:
    url: str
    ok: bool
    status: int | None = None
    error: str = ""
    final_url: str = ""


def user_agent() -> str:
    where = settings.SITE_URL or "catalogue des coopérations territoriales"
    return f"CooperationsLinkChecker/1.0 (+{where})"


def ask(url: str, method: str, timeout: float):
    request = urllib.request.Request(url, method=method, headers={"User-Agent": user_agent()})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if method == "GET":
            response.read(1024)
        return response.status, response.geturl()


def check(url: str, timeout: float) -> Result:
    for method in ("HEAD", "GET"):
        try:
            status, final = ask(url, method, timeout)
            return Result(url, 200 <= status < 400, status, "", final if final != url else "")
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in RETRY_WITH_GET:
                continue
            return Result(url, False, error.code, str(error.reason)[:300])
        except TimeoutError:
            return Result(url, False, None, "délai dépassé")
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError | socket.timeout):
                return Result(url, False, None, "délai dépassé")
            return Result(url, False, None, str(reason)[:300])
    return Result(url, False, None, "aucune réponse")


def check_all(urls, concurrency: int, timeout: float) -> list[Result]:
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(lambda url: check(url, timeout), sorted(urls)))
