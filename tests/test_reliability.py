"""Reliability under real conditions: drafts beside published sheets, forged headers, stale
forms, history of every path that changes a sheet, dump and restore, repeated parameters."""

import io
import threading
import zipfile

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader
from reversion.models import Version

from casestudies.api.schema import unresolved_extensions
from casestudies.content import LOAD_COMMENT, ContentLoader
from casestudies.models import CaseStudy, CatalogueGeneration
from cooperations.client_address import client_address
from tests.catalogue_fixtures import SECRET_TITLES, build_mixed_catalogue
from tests.factories import complete_case
from tests.pages import public_urls
from tests.test_content import MINIMAL, write
from tests.test_workflow import change_form_data, form_data_from, post_change, user_in

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:casestudies_casestudy_changelist")
LOGIN = reverse("admin:login")


@pytest.fixture
def mixed():
    return build_mixed_catalogue()


# -- drafts and sheets under review never reach a public page --------------------------------


def text_of(response) -> str:
    """The text a response carries; a workbook's is in the XML files of its zip."""
    body = response.getvalue()
    if response["Content-Type"] == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if not response["Content-Type"].startswith("application/vnd.openxmlformats"):
        return body.decode()
    with zipfile.ZipFile(io.BytesIO(body)) as workbook:
        return "".join(workbook.read(name).decode() for name in workbook.namelist())


def test_every_public_page_answers_and_hides_drafts_and_sheets_under_review(client, mixed):
    urls = public_urls(mixed)
    assert len(urls) >= 25  # every route of casestudies/urls.py and of the API
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = text_of(response)
        for title in SECRET_TITLES:
            assert title not in body, (url, title)


def test_the_sources_page_lists_only_published_sheets_when_drafts_cite_sources(client, mixed):
    response = client.get(reverse("casestudies:source-list"))
    assert response.status_code == 200
    (source,) = [s for s in response.context["sources"] if s.slug == mixed.source.slug]
    # The full sheet cites the document twice: one entry.
    assert [case.slug for case in source.cases] == [mixed.full.slug]


def test_a_merged_sheet_address_redirects_permanently(client, mixed):
    response = client.get("/fiches/ancienne-adresse-de-la-fiche/")
    assert response.status_code == 301
    assert response["Location"] == mixed.full.get_absolute_url()
    assert client.get("/fiches/adresse-qui-n-a-jamais-existe/").status_code == 404


def test_a_redirect_to_a_sheet_that_is_no_longer_published_is_a_404(client, mixed):
    CaseStudy.objects.filter(pk=mixed.full.pk).unpublish()
    assert client.get("/fiches/ancienne-adresse-de-la-fiche/").status_code == 404


# -- the API schema under threads ------------------------------------------------------------


def test_schema_extensions_are_resolved_at_start_up():
    """A fresh worker generating the schema in two threads at once used to answer 500."""
    assert unresolved_extensions() == []


def test_the_schema_survives_concurrent_first_requests():
    errors, barrier = [], threading.Barrier(6)

    def fetch():
        barrier.wait()
        try:
            response = Client(raise_request_exception=True).get(
                "/api/schema/", {"departement": "%G0", "format": "json"}
            )
            assert response.status_code == 200
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


# -- the client address: configured once, used by lockout and rate limits --------------------


class FakeRequest:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", None, "203.0.113.7"),
        (0, "203.0.113.7", "6.6.6.6", "203.0.113.7"),  # no proxy: the header is forged
        (1, "10.0.0.1", "198.51.100.4", "198.51.100.4"),
        (1, "10.0.0.1", "6.6.6.6, 198.51.100.4", "198.51.100.4"),  # forged prefix ignored
        (2, "10.0.0.2", "6.6.6.6, 198.51.100.4, 10.0.0.1", "198.51.100.4"),
        (2, "10.0.0.2", "198.51.100.4", "10.0.0.2"),  # did not come through both proxies
        (1, "10.0.0.1", "pas-une-adresse", "10.0.0.1"),
        (1, "10.0.0.1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_address_for_each_proxy_setting(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(FakeRequest(remote, forwarded)) == expected


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editrice", "e@ex.org", "le-bon-mot")


def attempt(password, remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(LOGIN, {"username": "editrice", "password": password}, **headers)


def fail_enough(settings, remote, forwarded_for=lambda n: None):
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt("mauvais", remote, forwarded_for(number))


def test_failures_from_another_address_never_lock_an_editor_out(editor, settings):
    fail_enough(settings, "198.51.100.1")
    assert attempt("mauvais", "198.51.100.1").status_code == 429  # that pair is locked
    assert attempt("le-bon-mot", "203.0.113.7").status_code == 302  # the editor is not


def test_without_a_trusted_proxy_forged_forwarded_addresses_change_nothing(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    fail_enough(settings, "198.51.100.1", lambda n: f"192.0.2.{n}")
    # The attacker's own address is locked, whatever it claims…
    assert attempt("le-bon-mot", "198.51.100.1", "192.0.2.200").status_code == 429
    # …and forging the editor's address in the header does not lock the editor.
    fail_enough(settings, "198.51.100.2", lambda n: "203.0.113.7")
    assert attempt("le-bon-mot", "203.0.113.7").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_client_is_locked_not_the_proxy(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    fail_enough(settings, proxy, lambda n: f"192.0.2.{n}, 198.51.100.1")
    assert attempt("le-bon-mot", proxy, "198.51.100.1").status_code == 429
    # Every visitor comes from the proxy: the editor, at another address, still gets in.
    assert attempt("le-bon-mot", proxy, "192.0.2.9, 203.0.113.7").status_code == 302


def test_the_api_rate_limit_cannot_be_bypassed_with_a_forged_header(client, settings):
    settings.API_ANON_RATE = "3/minute"
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        client.get("/api/outils/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_api_rate(client, settings):
    settings.API_ANON_RATE = "2/minute"
    settings.TRUSTED_PROXY_COUNT = 1
    first = [
        client.get("/api/outils/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)
        for address in ("198.51.100.1", "6.6.6.6, 198.51.100.1", "7.7.7.7, 198.51.100.1")
    ]
    assert [response.status_code for response in first] == [200, 200, 429]
    other = client.get("/api/outils/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert other.status_code == 200


# -- no lost update, whatever the form sends -------------------------------------------------


@pytest.fixture
def editeur(client, django_user_model):
    client.force_login(user_in(django_user_model, "Éditeur", "editeur"))
    return client


@pytest.mark.parametrize("version", [None, ""])
def test_a_save_without_the_version_it_started_from_is_refused(editeur, version):
    case = complete_case(draft=True, title="Titre d'origine")
    data = change_form_data(editeur, case, title="Titre écrasant")
    if version is None:
        del data["loaded_version"]
    else:
        data["loaded_version"] = version
    response = editeur.post(reverse("admin:casestudies_casestudy_change", args=[case.pk]), data)
    assert response.status_code == 200
    assert "ne dit pas de quelle version de la fiche il part" in response.text
    case.refresh_from_db()
    assert case.title == "Titre d'origine"


# -- history: every path that changes a sheet leaves a version --------------------------------


def test_loaded_content_has_an_initial_version_that_a_later_edit_can_be_reverted_to(
    tmp_path, editeur
):
    write(tmp_path, "content.yaml", MINIMAL)
    ContentLoader(tmp_path).load()
    case = CaseStudy.objects.get(slug="a-b")
    (initial,) = Version.objects.get_for_object(case)
    assert initial.revision.comment == LOAD_COMMENT

    assert post_change(editeur, case, title="Titre modifié").status_code == 302
    revert_url = reverse("admin:casestudies_casestudy_revision", args=[case.pk, initial.pk])
    response = editeur.post(revert_url, form_data_from(editeur.get(revert_url)))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "PETR A – CC B : entente"
    assert case.participations.count() == 2


def test_reloading_unchanged_content_adds_no_version(tmp_path):
    write(tmp_path, "content.yaml", MINIMAL)
    ContentLoader(tmp_path).load()
    ContentLoader(tmp_path).load()
    assert Version.objects.get_for_object(CaseStudy.objects.get(slug="a-b")).count() == 1


@pytest.mark.parametrize(
    ("action", "start", "end", "comment"),
    [
        ("submit_for_review", "brouillon", "a-relire", "Soumise à relecture (action groupée)"),
        ("publish_selected", "a-relire", "publie", "Publiée (action groupée)"),
        ("unpublish_selected", "publie", "brouillon", "Dépubliée (action groupée)"),
    ],
)
def test_bulk_actions_record_a_version_of_each_sheet_they_move(
    editeur, action, start, end, comment
):
    moved = (
        complete_case()
        if start == "publie"
        else complete_case(draft=True, publication_status=start)
    )
    # A sheet the action must leave alone (the wrong status for it).
    untouched = complete_case(
        draft=True, publication_status="brouillon" if start == "a-relire" else "a-relire"
    )
    editeur.post(CHANGELIST, {"action": action, "_selected_action": [moved.pk, untouched.pk]})
    moved.refresh_from_db()
    assert moved.publication_status == end
    (version,) = Version.objects.get_for_object(moved)
    assert version.revision.comment == comment
    assert version.revision.user.username == "editeur"
    assert version.field_dict["publication_status"] == end
    assert not Version.objects.get_for_object(untouched).exists()


def test_a_redacteur_edit_to_a_published_sheet_waits_for_review(client, django_user_model):
    client.force_login(user_in(django_user_model, "Rédacteur", "redactrice"))
    case = complete_case(title="Titre publié")
    assert post_change(client, case, title="Titre non relu").status_code == 302
    public = Client().get(case.get_absolute_url())
    assert "Titre publié" in public.text and "Titre non relu" not in public.text


# -- dump and load ----------------------------------------------------------------------------


def sheet_rows(precision=None):
    rows = list(CaseStudy.objects.order_by("pk").values())
    if precision == "milliseconds":  # JSON dumps keep dates to the millisecond (ECMA-262)
        for row in rows:
            for key, value in row.items():
                if hasattr(value, "microsecond"):
                    row[key] = value.replace(microsecond=value.microsecond // 1000 * 1000)
    return rows


@pytest.mark.parametrize(("fmt", "precision"), [("xml", None), ("json", "milliseconds")])
def test_dump_then_load_gives_identical_rows_including_search_columns(
    mixed, tmp_path, fmt, precision
):
    before = sheet_rows(precision)
    assert all(row["search_text"] for row in before)
    dump = io.StringIO()
    call_command("dumpdata", "casestudies", format=fmt, stdout=dump)
    if connection.vendor == "postgresql":  # TRUNCATE refuses pending deferred checks
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":  # loaddata relies on deferred checks again
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert not CaseStudy.objects.exists()
    path = tmp_path / f"catalogue.{fmt}"
    path.write_text(dump.getvalue(), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    assert sheet_rows(precision) == before


# -- the cache after a restore -----------------------------------------------------------------


def test_after_a_restore_the_next_change_never_serves_pages_of_the_lost_timeline(client):
    case = complete_case(title="Avant la sauvegarde")
    backup = CatalogueGeneration.current()
    # After the backup: a change, and its pages cached.
    CaseStudy.objects.filter(pk=case.pk).update(title="Perdu avec la restauration")
    CatalogueGeneration.bump()
    lost_timeline = CatalogueGeneration.current()
    assert "Perdu avec la restauration" in client.get(reverse("casestudies:case-list")).text
    # The backup is restored (the cache, shared, is not), then an editor changes something.
    CaseStudy.objects.filter(pk=case.pk).update(title="Avant la sauvegarde")
    CatalogueGeneration.objects.filter(pk=1).update(value=backup)
    CaseStudy.objects.filter(pk=case.pk).update(title="Après la restauration")
    CatalogueGeneration.bump()
    assert CatalogueGeneration.current() not in {backup, lost_timeline}
    assert "Après la restauration" in client.get(reverse("casestudies:case-list")).text


# -- repeated parameters never multiply work or output ---------------------------------------


@pytest.mark.parametrize(
    "page", ["casestudies:statistics", "casestudies:case-list", "casestudies:map"]
)
def test_a_parameter_repeated_500_times_costs_what_one_costs(client, mixed, page):
    url = reverse(page)

    def measure(query):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        return len(response.content), len(queries)

    once = measure("q=eau&theme=mobilite")
    repeated = measure("&".join(["q=eau"] * 500 + ["theme=mobilite"] * 500))
    assert repeated == once


def test_the_first_value_of_a_single_valued_parameter_wins(client, mixed):
    response = client.get(reverse("casestudies:case-list"), {"sort": ["titre", "annee"]})
    assert response.wsgi_request.GET.getlist("sort") == ["titre"]


def test_distinct_values_of_a_facet_are_all_kept(client, mixed):
    response = client.get(
        reverse("casestudies:case-list"), {"theme": ["mobilite", "alimentation-et-agriculture"]}
    )
    assert response.wsgi_request.GET.getlist("theme") == ["mobilite", "alimentation-et-agriculture"]
