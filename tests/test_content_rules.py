"""The catalogue's content, as loaded by `make run`, holds to the editorial rules of the project."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q

from casestudies.content import ContentLoader
from casestudies.models import (
    CaseRedirect,
    CaseStudy,
    Citation,
    Instrument,
    InstrumentFamily,
    InstrumentUse,
    Lesson,
    LessonKind,
    SourceDocument,
    Territory,
    TerritoryKind,
    Theme,
)

# Every case of the inventory of the five sources (CASES.md), by its stable slug.
# « briançonnais-veget-alpes » is spelt without the cedilla, which a URL slug cannot hold.
# The module's tests are marked so that pytest-django creates the test database before the
# module fixture loads the content into it.
pytestmark = pytest.mark.django_db

EXPECTED_CASE_SLUGS = [
    "bordeaux-creon-car-express",
    "bordeaux-libournais-rer-metropolitain",
    "bresle-yeres-glass-vallee",
    "brest-centre-ouest-bretagne-contrat-reciprocite",
    "brianconnais-veget-alpes",
    "bruche-mossig-piemont-cluster-pama",
    "bruche-mossig-piemont-entreprises",
    "centre-ouest-bretagne-entreprises",
    "centre-ouest-bretagne-sitcob",
    "coeur-d-herault-montpellier-accord-cadre",
    "cte-haute-cote-d-or",
    "dialogue-metropolitain-toulouse",
    "entente-brest-lannion-morlaix",
    "entente-brest-quimper",
    "entente-tridan",
    "fondation-territoriale-loire-atlantique",
    "g4-normand-aeroports",
    "gatinais-montargois-ptce-ciel",
    "gip-fdiaa-isere",
    "grand-clermont-pnr-livradois-forez-pat",
    "lac-de-grand-lieu-tourisme",
    "livradois-forez-cap-actif",
    "midi-quercy-entreprises",
    "midi-quercy-scop-ozon",
    "montpellier-monts-de-lacaune-contrat-reciprocite",
    "nantes-metropole-conventions-services-publics",
    "nantes-metropole-pat-territoires-voisins",
    "nantes-metropole-pays-de-retz-contrat-reciprocite",
    "nantes-rennes-operas-parcours-touristique",
    "nantes-saint-nazaire-cooperations-bilaterales",
    "nantes-saint-nazaire-dechets-groupement-autorites",
    "nord-de-l-yonne-paris-alimentation",
    "observatoire-relations-interterritoriales-rouen",
    "ouest-breton-sraddet-breizh-cop",
    "ouestgo-covoiturage",
    "paris-est-marne-bois-agir-ensemble",
    "pays-de-chaumont-entreprises",
    "pays-de-langres-entreprises",
    "pays-de-langres-gtec",
    "pays-de-morlaix-coopcarto",
    "pays-ledonien-clus-ter-jura",
    "pays-ledonien-entreprises",
    "pays-ledonien-vitagora-poste-partage",
    "pnr-livradois-forez-clermont-metropole-contrat-reciprocite",
    "pnr-monts-ardeche-plans-cooperation",
    "pole-metropolitain-loire-bretagne",
    "pole-metropolitain-nantes-saint-nazaire",
    "pole-metropolitain-pays-de-brest",
    "pole-metropolitain-rouen-seine-eure",
    "pyrenees-mediterranee-crabe-bleu",
    "rennes-saint-malo-complementarite",
    "residences-croisees-plongeoir-fabriques",
    "rouen-lyons-andelle-convention",
    "rouen-mobilites-intelligentes-pour-tous",
    "rouen-mont-saint-michel-partenariat",
    "rouen-normandie-energies-renouvelables",
    "rouen-pat-legumes-plein-champ",
    "sage-ardeche-convention-articulation",
    "selestat-alsace-centrale-emmendingen-velo",
    "strasbourg-labo-des-partenariats",
    "terralim",
    "territoire-industrie-axe-seine",
    "thierache-entreprises",
    "thierache-maison-des-entreprises",
    "toulouse-metropole-epci-contrats-en-preparation",
    "toulouse-metropole-portes-de-gascogne-contrat-reciprocite",
    "toulouse-montpellier-accord-cadre",
    "tours-metropole-contrats-reciprocite",
    "traversee-moderne-d-un-vieux-pays",
    "vallee-de-la-dore-pnr-livradois-forez-entreprises",
    "vallee-de-la-seine",
    "vidourle-camargue-oenotourisme",
    "voyage-a-nantes-estuaire",
    "voyage-a-nantes-pays-du-vignoble",
]


@pytest.fixture(scope="module")
def content(django_db_setup, django_db_blocker):
    """The real content, loaded once for the module and rolled back afterwards."""
    from django.db import connection

    with django_db_blocker.unblock(), transaction.atomic():
        assert "memory" in connection.settings_dict["NAME"] or connection.settings_dict[
            "NAME"
        ].startswith("test_"), "refusing to load the content outside the test database"
        ContentLoader().load()
        yield
        transaction.set_rollback(True)


# Sheets merged into another because they described the same cooperation: old slug → new.
MERGED_SLUGS = {"thierache-entreprises": "thierache-maison-des-entreprises"}


def test_every_case_of_the_inventory_has_a_published_sheet_or_redirects_to_one(content):
    published = set(CaseStudy.objects.published().values_list("slug", flat=True))
    redirects = dict(CaseRedirect.objects.values_list("old_slug", "case__slug"))
    assert len(EXPECTED_CASE_SLUGS) == 74
    assert sorted(set(EXPECTED_CASE_SLUGS) - published - set(MERGED_SLUGS)) == []
    assert {slug: redirects.get(slug) for slug in MERGED_SLUGS} == MERGED_SLUGS
    assert set(MERGED_SLUGS.values()) <= published and not set(MERGED_SLUGS) & published


def test_a_merged_sheet_cites_every_passage_of_the_sheets_it_replaces(content):
    merged = CaseStudy.objects.get(slug="thierache-maison-des-entreprises")
    ranges = [(c.line_start, c.line_end) for c in merged.citations.all()]
    # The monograph (l.2197–2369) and the Maison des entreprises (l.2200–2367).
    assert min(start for start, _ in ranges) <= 2200 and max(end for _, end in ranges) >= 2367


def test_monographs_and_the_cooperations_they_contain_are_linked_and_distinct(content):
    detailed = CaseStudy.objects.published().filter(monograph__isnull=False)
    assert detailed.count() >= 6
    for case in detailed.select_related("monograph"):
        assert case.monograph.is_published, case.slug
        assert "monographie" in case.monograph.title.lower(), case.monograph.slug
        assert case.title != case.monograph.title and case.summary != case.monograph.summary


def test_no_sheet_carries_a_default_or_closest_instrument(content):
    default = re.compile(r"par défaut|le plus proche|la plus proche|faute de mieux", re.I)
    notes = InstrumentUse.objects.filter(case__publication_status="publie")
    assert [use.case.slug for use in notes.select_related("case") if default.search(use.note)] == []
    for case in CaseStudy.objects.published():
        for label, text in case.sections():
            assert not re.search(r"(outil|instrument)[^.]{0,40}par défaut", text), (
                case.slug,
                label,
            )
    without_tool = CaseStudy.objects.published().filter(instruments__slug="aucun-outil-formel")
    assert without_tool.count() >= 10  # sheets whose sources name no tool say so
    assert not without_tool.filter(instruments__family="contractuel").exists()


def test_every_instrument_sheet_states_its_legal_basis_and_what_it_is_not(content):
    for instrument in Instrument.objects.exclude(family=InstrumentFamily.NONE):
        assert len(instrument.legal_basis) > 40, instrument.slug
        assert instrument.distinctions.strip(), instrument.slug
    entente = Instrument.objects.get(slug="entente-intercommunale")
    assert "L5221-1" in entente.legal_basis and "L5221-2" in entente.legal_basis
    assert "personnalité juridique" in entente.distinctions
    cpier = Instrument.objects.get(slug="contrat-de-plan-etat-region")
    assert "82-653" in cpier.legal_basis
    assert CaseStudy.objects.get(slug="vallee-de-la-seine").instruments.filter(pk=cpier.pk)


def texts_of_the_catalogue():
    for case in CaseStudy.objects.prefetch_related("lessons", "participations"):
        yield case.slug, case.summary
        for _, text in case.sections():
            yield case.slug, text
        for lesson in case.lessons.all():
            yield case.slug, lesson.text
    for instrument in Instrument.objects.all():
        for name in ("legal_basis", "definition", "distinctions", "triggers", "partners_scale"):
            yield instrument.slug, getattr(instrument, name)
    for territory in Territory.objects.all():
        yield territory.slug, territory.description


def test_every_quotation_mark_is_balanced_and_never_empty(content):
    for slug, text in texts_of_the_catalogue():
        depth = 0
        for char in text:
            depth += {"«": 1, "»": -1}.get(char, 0)
            assert depth >= 0, (slug, text[:120])
        assert depth == 0, (slug, text[:120])
        assert not re.search(r"«\s*»", text), slug


def test_no_phone_number_nor_personal_e_mail_in_the_content(content):
    phone = re.compile(r"(?<!\d)0[1-9](?:[ .-]?\d{2}){4}(?!\d)|\+33")
    personal = re.compile(r"\b[a-z]+[.-][a-z]+@", re.I)  # prenom.nom@…
    for slug, text in texts_of_the_catalogue():
        assert not phone.search(text), slug
        assert not personal.search(text), slug


def test_no_internal_source_code_in_running_text(content):
    code = re.compile(
        r"\b(?:diaporama|source|étude|document|vadémécum|fiche)\s+00\d\b(?!,\s*l\.)", re.I
    )
    for slug, text in texts_of_the_catalogue():
        bare = re.sub(r"\(source [^()]*\)", "", text)  # markers become footnotes
        assert not code.search(bare), (slug, code.search(bare))


def test_lessons_inferred_by_the_editors_are_flagged(content):
    assert Lesson.objects.filter(inferred=True).count() >= 30
    assert Lesson.objects.filter(inferred=False).count() >= 60


def test_known_groups_have_their_current_kind(content):
    assert Territory.objects.get(slug="pays-centre-ouest-bretagne").kind == TerritoryKind.PETR
    collectives = Territory.objects.filter(kind=TerritoryKind.COLLECTIF)
    assert collectives.count() >= 15
    assert not Territory.objects.filter(kind=TerritoryKind.AUTRE, name__icontains="EPCI").exists()
    for slug in ["epci-de-l-ouest-breton", "neuf-autres-epci-d-indre-et-loire"]:
        assert collectives.filter(slug=slug).exists(), slug


def test_every_published_sheet_is_complete(content):
    incomplete = (
        CaseStudy.objects.published()
        .annotate(
            parties=Count("participations", distinct=True),
            instruments_used=Count("instrument_uses", distinct=True),
            theme_count=Count("themes", distinct=True),
            citation_count=Count("citations", distinct=True),
        )
        .filter(
            Q(parties__lt=2)
            | Q(instruments_used__lt=1)
            | Q(theme_count__lt=1)
            | Q(citation_count__lt=1)
        )
    )
    assert list(incomplete.values_list("slug", flat=True)) == []


def test_every_chapeau_has_two_to_four_sentences(content):
    sentence_end = re.compile(r"(?<=[.!?»])\s+(?=[A-ZÉÀÈÊÎÔÛÇ«])")
    wrong = {
        case.slug: case.summary
        for case in CaseStudy.objects.published()
        if not 2 <= len(sentence_end.split(case.summary.strip())) <= 4
    }
    assert wrong == {}


def test_every_citation_points_inside_its_document(content):
    for citation in Citation.objects.select_related("source", "case"):
        source = citation.source
        assert source.line_count, source
        assert citation.line_start and citation.line_end, citation.case.slug
        assert 1 <= citation.line_start <= citation.line_end <= source.line_count, (
            citation.case.slug,
            citation.location,
        )


def test_the_five_sources_are_described(content):
    sources = SourceDocument.objects.order_by("reference")
    assert list(sources.values_list("reference", flat=True)) == ["000", "001", "002", "003", "004"]
    for source in sources:
        assert len(source.summary) > 200, source
        assert source.key_figures.strip(), source
    assert "173" in SourceDocument.objects.get(reference="003").key_figures
    assert "268" in SourceDocument.objects.get(reference="002").key_figures


def test_every_instrument_has_a_sourced_definition_and_example_cases(content):
    for instrument in Instrument.objects.all():
        assert len(instrument.definition) > 80, instrument.slug
        assert "source" in instrument.definition, instrument.slug


def test_no_orphan_instrument_or_theme(content):
    published = Q(cases__publication_status="publie")
    orphan_instruments = Instrument.objects.annotate(n=Count("cases", filter=published)).filter(n=0)
    orphan_themes = Theme.objects.annotate(n=Count("cases", filter=published)).filter(n=0)
    # An instrument that the sources show only through examples without a sheet of their own
    # (CASES.md: the slides' unnamed examples) documents those examples instead.
    undocumented = orphan_instruments.filter(examples="")
    assert list(undocumented.values_list("slug", flat=True)) == []
    assert orphan_instruments.count() <= 2
    assert list(orphan_themes.values_list("slug", flat=True)) == []


def test_no_two_territories_share_an_official_code(content):
    sirens = (
        Territory.objects.exclude(siren="").values("siren").annotate(n=Count("pk")).filter(n__gt=1)
    )
    codes = (
        Territory.objects.exclude(insee_code="")
        .values("kind", "insee_code")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert list(sirens) == [] and list(codes) == []


def test_one_record_per_real_body_shared_across_sheets(content):
    for slug in ["pnr-livradois-forez", "toulouse-metropole", "montpellier-mediterranee-metropole"]:
        territory = Territory.objects.get(slug=slug)
        assert territory.participations.values("case").distinct().count() >= 2, slug
    assert Territory.objects.filter(name__icontains="Toulouse Métropole").count() == 1
    assert Territory.objects.filter(name__icontains="Livradois-Forez", kind="pnr").count() == 1


def test_lessons_are_categorised_success_factors_and_obstacles(content):
    cases_with_lessons = CaseStudy.objects.filter(lessons__isnull=False).distinct().count()
    assert cases_with_lessons >= 50
    kinds = set(CaseStudy.objects.values_list("lessons__kind", flat=True)) - {None}
    assert kinds == {"reussite", "frein"}


def test_the_model_sheet_is_loaded_complete_and_published(content):
    case = CaseStudy.objects.published().get(slug="grand-clermont-pnr-livradois-forez-pat")
    assert case.participations.count() >= 2
    assert case.participations.filter(territory__slug="pnr-livradois-forez").exists()
    assert case.instrument_uses.filter(instrument__slug="projet-alimentaire-territorial").exists()
    assert case.themes.filter(slug="alimentation-et-agriculture").exists()
    assert {lesson.kind for lesson in case.lessons.all()} == {
        LessonKind.SUCCESS,
        LessonKind.OBSTACLE,
    }
    for citation in case.citations.select_related("source"):
        assert citation.source.reference == "000"
        assert 1 <= citation.line_start <= citation.line_end <= citation.source.line_count
    petr = Territory.objects.get(slug="petr-grand-clermont")
    assert petr.population == 423000
    assert petr.members.count() == 4


def test_geography_reference_holds_every_departement_and_region(content):
    assert Territory.objects.departements().count() == 101
    assert Territory.objects.regions().count() == 18
    puy_de_dome = Territory.objects.get(slug="puy-de-dome")
    assert puy_de_dome.insee_code == "63"
    assert list(puy_de_dome.regions.values_list("insee_code", flat=True)) == ["84"]


OFFICIAL_KINDS = [
    TerritoryKind.COMMUNE,
    TerritoryKind.METROPOLE,
    TerritoryKind.COMMUNAUTE_URBAINE,
    TerritoryKind.COMMUNAUTE_AGGLOMERATION,
    TerritoryKind.COMMUNAUTE_COMMUNES,
    TerritoryKind.EPT,
    TerritoryKind.DEPARTEMENT,
    TerritoryKind.REGION,
]


def test_territories_with_an_official_record_carry_their_official_code(content):
    official = Territory.objects.filter(kind__in=OFFICIAL_KINDS)
    missing = official.filter(siren="", insee_code="")
    assert official.count() >= 150
    assert missing.count() <= 0.05 * official.count()
    for territory in missing:  # each exception says why
        assert "code officiel" in territory.description, territory.slug
    assert Territory.objects.get(slug="toulouse-metropole").siren == "243100518"
    assert Territory.objects.get(slug="clermont-ferrand").insee_code == "63113"


def test_every_official_code_of_the_content_exists_in_the_official_reference(content):
    data = Path(settings.BASE_DIR) / "node_modules/@etalab/decoupage-administratif/data"
    if not data.is_dir():
        pytest.skip("the official reference is installed by « make install » (npm ci)")
    read = lambda name: json.loads((data / name).read_text(encoding="utf-8"))  # noqa: E731
    groupings = {area["code"] for area in read("epci.json") + read("ept.json")}
    communes = {area["code"] for area in read("communes.json")}
    for territory in Territory.objects.exclude(siren="").filter(kind__in=OFFICIAL_KINDS):
        assert territory.siren in groupings, territory.slug
    for territory in Territory.objects.filter(kind=TerritoryKind.COMMUNE).exclude(insee_code=""):
        assert territory.insee_code in communes, territory.slug


def test_no_public_page_of_the_content_shows_a_phone_number_or_an_internal_code(content, client):
    from django.urls import reverse

    phone = re.compile(r"(?<![\d/.-])0[1-9](?:[ .-]?\d{2}){4}(?![\d/])|\+33\s?\d")
    code = re.compile(r"\(\s*source \d{3}|\b(?:diaporama|source|étude) 00\d\b")
    pages = [case.get_absolute_url() for case in CaseStudy.objects.published()]
    pages += [instrument.get_absolute_url() for instrument in Instrument.objects.all()]
    pages += [reverse("casestudies:home"), reverse("casestudies:case-list")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = re.sub(r"<script.*?</script>", "", response.text, flags=re.S)  # JSON-LD aside
        assert not phone.search(text), (url, phone.search(text))
        assert not code.search(text), (url, code.search(text))


def test_home_and_list_give_the_same_counts_for_the_same_theme_and_instrument(content, client):
    from django.urls import reverse

    home = client.get(reverse("casestudies:home")).context
    for theme in home["themes"]:
        listing = client.get(reverse("casestudies:case-list"), {"theme": theme.slug})
        assert listing.context["paginator"].count == theme.case_count, theme.slug
    for instrument in home["instruments"][:5]:
        listing = client.get(reverse("casestudies:case-list"), {"instrument": instrument.slug})
        assert listing.context["paginator"].count == instrument.case_count, instrument.slug
    development = next(t for t in home["themes"] if t.slug == "developpement-economique-et-emploi")
    assert development.case_count >= 35  # it counts the sheets of its sub-themes, as the list
