"""Staleness (« à revoir ») and the link checker, against a local HTTP server: never the
internet."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from casestudies.links import links_of
from casestudies.models import CaseStudy, LinkCheck
from tests.factories import CaseStudyFactory, CitationFactory, SourceDocumentFactory

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    seen: list = []

    def answer(self, body: bool):
        type(self).seen.append((self.command, self.path, self.headers.get("User-Agent", "")))
        if self.path == "/lente":
            time.sleep(1.5)
        if self.path == "/deplacee":
            self.send_response(301)
            self.send_header("Location", "/bonne")
            self.end_headers()
            return
        if self.path == "/sans-head" and self.command == "HEAD":
            self.send_response(405)
            self.end_headers()
            return
        status = 404 if self.path == "/disparue" else 200
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    Handler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_checker_stores_200_301_404_timeout_and_head_refused(site, settings):
    settings.SITE_URL = "https://catalogue.test"
    sheet = CaseStudyFactory(
        further_info=(
            f"- <{site}/bonne>\n- [rapport]({site}/deplacee).\n- {site}/disparue,\n"
            f"- {site}/lente\n- {site}/sans-head"
        )
    )
    CitationFactory(case=sheet, source=SourceDocumentFactory(url=f"{site}/bonne"))
    CaseStudyFactory(draft=True, further_info=f"{site}/brouillon")  # drafts are not checked
    out = StringIO()
    call_command("check_links", timeout=0.5, concurrency=3, stdout=out)
    assert "5 liens vérifiés, 2 en échec." in out.getvalue()

    found = {check.url.rsplit("/", 1)[1]: check for check in LinkCheck.objects.all()}
    assert set(found) == {"bonne", "deplacee", "disparue", "lente", "sans-head"}
    assert (found["bonne"].ok, found["bonne"].status) == (True, 200)
    assert found["deplacee"].ok and found["deplacee"].final_url == f"{site}/bonne"
    assert (found["disparue"].ok, found["disparue"].status) == (False, 404)
    assert (found["lente"].ok, found["lente"].error) == (False, "délai dépassé")
    assert found["sans-head"].ok  # HEAD refused (405), GET answered
    assert all(check.checked_at and list(check.cases.all()) == [sheet] for check in found.values())
    assert ("GET", "/sans-head") in {(m, p) for m, p, _ua in Handler.seen}
    assert all(
        ua.startswith("CooperationsLinkChecker/1.0 (+https://catalogue.test)")
        for _m, _p, ua in Handler.seen
    )
    assert not any(p == "/brouillon" for _m, p, _ua in Handler.seen)

    # A link removed from the sheets leaves the list at the next run.
    CaseStudy.objects.filter(pk=sheet.pk).update(further_info=f"{site}/bonne")
    call_command("check_links", timeout=0.5, stdout=StringIO())
    assert list(LinkCheck.objects.values_list("url", flat=True)) == [f"{site}/bonne"]


def test_links_are_read_from_every_text_of_a_sheet():
    sheet = CaseStudyFactory(
        summary="Voir https://exemple.org/a.",
        history="(https://exemple.org/b) et « https://exemple.org/c » ;",
        bibliography="<https://exemple.org/d>",
    )
    assert links_of(sheet) == {f"https://exemple.org/{x}" for x in "abcd"}


def test_the_admin_lists_broken_links_and_stale_sheets(admin_client, settings):
    settings.STALE_AFTER_DAYS = 30
    fresh = CaseStudyFactory(title="Relue hier")
    old = CaseStudyFactory(title="Relue il y a longtemps")
    CaseStudy.objects.filter(pk=old.pk).update(last_reviewed_at=timezone.now() - timedelta(40))
    broken = LinkCheck.objects.create(url="https://exemple.org/x", ok=False, status=404)
    broken.cases.add(old)

    changelist = reverse("admin:casestudies_casestudy_changelist")
    stale = admin_client.get(changelist, {"a_revoir": "oui"})
    assert [c.title for c in stale.context["cl"].result_list] == ["Relue il y a longtemps"]
    assert "à revoir" in stale.content.decode()
    with_broken = admin_client.get(changelist, {"liens": "casses"})
    assert [c.title for c in with_broken.context["cl"].result_list] == ["Relue il y a longtemps"]
    links = admin_client.get(reverse("admin:casestudies_linkcheck_changelist"), {"ok__exact": "0"})
    assert "https://exemple.org/x" in links.content.decode()

    admin_client.post(changelist, {"action": "mark_reviewed", "_selected_action": [old.pk]})
    old.refresh_from_db()
    assert old.last_reviewed_at > timezone.now() - timedelta(minutes=1)
    assert not CaseStudy.objects.stale(30).exists()
    assert fresh.last_reviewed_at is not None  # published: reviewed then


def test_publishing_counts_as_a_review():
    draft = CaseStudyFactory(draft=True)
    assert draft.last_reviewed_at is None
    CaseStudy.objects.filter(pk=draft.pk).update(publication_status="a-relire")
    CaseStudy.objects.filter(pk=draft.pk).publish()
    draft.refresh_from_db()
    assert draft.last_reviewed_at is not None
