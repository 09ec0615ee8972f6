"""/trouver/ : « Quel outil pour notre coopération ? » — rules as data, concrete scenarios written
from the sources, the closest cases and their lessons, the same answer from the API."""

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casestudies.content import ContentError, ContentLoader
from casestudies.models import FinderRule, Instrument, ReferenceArea
from casestudies.models.finder import parse_conditions
from finder.views import read
from tests.factories import CaseStudyFactory

pytestmark = pytest.mark.django_db

URL = reverse("finder:find")
API = reverse("finder:api")


@pytest.fixture(scope="module")
def content(django_db_setup, django_db_blocker):
    """The real content (sheets, instruments and the finder's rules), loaded once."""
    with django_db_blocker.unblock(), transaction.atomic():
        ContentLoader().load()
        yield
        transaction.set_rollback(True)


def advice(query: str):
    return read(QueryDict(query))[1]


def instruments(answer, n=None) -> list[str]:
    return [fit.instrument.slug for fit in answer.fits][:n]


def cases(answer, n=None) -> list[str]:
    return [fit.case.slug for fit in answer.cases][:n]


# Each scenario: the answers, the instruments expected at the top (in that order, or among the
# first len(expected) when ``any_order``), instruments that must be set aside, and cases
# expected among the first ``within`` proposals. Written from the sources of the content.
SCENARIOS = [
    pytest.param(
        "nous=metropole&avec=petr-pays&theme=alimentation-et-agriculture&forme=reciprocite"
        "&personnalite=non",
        ["contrat-de-reciprocite", "projet-alimentaire-territorial"],
        ["syndicat-mixte", "petr-pays"],
        [
            "toulouse-metropole-portes-de-gascogne-contrat-reciprocite",
            "brest-centre-ouest-bretagne-contrat-reciprocite",
        ],
        5,
        id="metropole-et-petr-rural-alimentation-sans-structure",
    ),
    pytest.param(
        "nous=communaute&avec=communaute&forme=service&personnel=oui"
        "&theme=developpement-economique-et-emploi",
        ["convention-de-mutualisation", "entente-intercommunale"],
        [],
        ["pays-ledonien-entreprises"],
        3,
        id="communautes-partageant-un-developpeur-economique",
    ),
    pytest.param(
        "nous=pnr&avec=communaute&forme=echange",
        ["plan-de-cooperation", "accord-cadre"],
        [],
        ["pnr-monts-ardeche-plans-cooperation"],
        1,
        id="parc-et-communautes-feuille-de-route",
    ),
    pytest.param(
        "nous=communaute&avec=entreprises&avec=associations&prives=oui&personnalite=oui"
        "&forme=structure",
        ["cooperative-scic-scop", "groupement-d-interet-public"],
        [
            "societe-publique-locale",
            "entente-intercommunale",
            "syndicat-mixte",
            "convention-de-mutualisation",
        ],
        ["midi-quercy-scop-ozon", "pays-ledonien-clus-ter-jura"],
        5,
        id="societe-commune-publique-et-privee",
    ),
    pytest.param(
        "nous=metropole&avec=communaute&forme=structure&personnalite=oui&budget=oui",
        ["syndicat-mixte", "pole-metropolitain"],
        ["contrat-de-reciprocite", "entente-intercommunale"],
        ["pole-metropolitain-nantes-saint-nazaire", "pole-metropolitain-pays-de-brest"],
        2,
        id="metropole-et-agglomerations-structure-avec-budget",
    ),
    pytest.param(
        "nous=petr-pays&avec=pnr",
        ["convention-d-articulation"],
        [],
        ["sage-ardeche-convention-articulation"],
        1,
        id="petr-et-parc-qui-se-recouvrent",
    ),
    pytest.param(
        "avec=etranger&theme=mobilite",
        ["cooperation-europeenne"],
        ["entente-intercommunale"],
        ["selestat-alsace-centrale-emmendingen-velo", "pyrenees-mediterranee-crabe-bleu"],
        5,
        id="cooperation-transfrontaliere-mobilite",
    ),
    pytest.param(
        "nous=metropole&avec=communaute&forme=service&prives=non&personnalite=oui"
        "&theme=tourisme-et-patrimoine",
        ["societe-publique-locale"],
        ["convention-de-mutualisation", "entente-intercommunale"],
        ["voyage-a-nantes-estuaire", "voyage-a-nantes-pays-du-vignoble"],
        3,
        id="societe-publique-locale-du-tourisme",
    ),
    pytest.param(
        "nous=metropole&avec=metropole&forme=echange&personnalite=non",
        ["accord-cadre", "entente-intercommunale"],
        ["pole-metropolitain", "syndicat-mixte"],
        ["toulouse-montpellier-accord-cadre"],
        2,
        id="deux-metropoles-strategie-commune",
    ),
    pytest.param(
        "theme=alimentation-et-agriculture&avec=entreprises&avec=associations&forme=projet",
        ["projet-alimentaire-territorial"],
        ["entente-intercommunale"],
        ["grand-clermont-pnr-livradois-forez-pat"],
        3,
        id="strategie-alimentaire-avec-acteurs-prives",
    ),
    pytest.param(
        "nous=communaute&avec=communaute&forme=structure&distance=eloignes",
        ["pole-metropolitain", "syndicat-mixte"],
        ["petr-pays"],
        [],
        0,
        id="communautes-eloignees-pas-de-petr",
    ),
    pytest.param(
        "nous=communaute&avec=communaute&forme=projet&personnalite=oui&distance=voisins",
        ["petr-pays"],
        ["entente-intercommunale", "convention-de-mutualisation"],
        [],
        0,
        id="communautes-voisines-projet-de-territoire",
    ),
    pytest.param(
        "nous=commune&avec=entreprises&prives=oui&forme=service&personnel=oui",
        [],
        ["convention-de-mutualisation", "entente-intercommunale", "societe-publique-locale"],
        [],
        0,
        id="service-partage-avec-des-entreprises-pas-de-convention-publique",
    ),
]


@pytest.mark.parametrize(("query", "top", "set_aside", "expected_cases", "within"), SCENARIOS)
def test_scenarios_from_the_sources(content, query, top, set_aside, expected_cases, within):
    answer = advice(query)
    assert instruments(answer, len(top)) == top, instruments(answer)  # in this order
    aside = [fit.instrument.slug for fit in answer.set_aside]
    assert set(set_aside) <= set(aside), aside
    assert set(expected_cases) <= set(cases(answer, within)), cases(answer)
    for fit in answer.cases:
        assert fit.reasons, fit.case.slug  # every proposal says why


def test_the_first_instrument_comes_first_for_the_food_reciprocity_case(content):
    answer = advice(SCENARIOS[0].values[0])
    assert instruments(answer, 1) == ["contrat-de-reciprocite"]
    assert cases(answer, 3).count("toulouse-metropole-portes-de-gascogne-contrat-reciprocite") == 1
    toulouse = next(f for f in answer.cases if f.case.slug.startswith("toulouse-metropole-portes"))
    assert toulouse.reasons[0].startswith("même outil : Contrat de réciprocité ville–campagne")
    assert any(reason.startswith("même thématique") for reason in toulouse.reasons)


def test_the_lessons_of_the_proposed_cases_come_grouped_by_kind_and_category(content):
    answer = advice(SCENARIOS[0].values[0])
    assert [group.kind for group in answer.lessons] == ["reussite", "frein"]
    proposed = {fit.case.pk for fit in answer.cases}
    for group in answer.lessons:
        numbers = [category.number for category, _lessons in group.categories]
        assert numbers == sorted(numbers)
        for category, lessons in group.categories:
            assert all(
                lesson.case_id in proposed and lesson.kind == group.kind for lesson in lessons
            )
            assert all(lesson.category == category for lesson in lessons)


def test_the_page_answers_from_its_address_and_links_the_equivalent_list(client, content):
    query = SCENARIOS[0].values[0]
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Les outils qui conviennent" in page and "Les outils écartés, et pourquoi" in page
    assert "L1531-1" in page  # the legal reference of a reason (why an SPL is set aside)
    # One reason sets eight instruments aside: said once, with all of them.
    assert page.count("Ces outils passent par une structure dotée de la personnalité morale") == 1
    assert response.context["list_url"] == (
        "/fiches/?theme=alimentation-et-agriculture&party_kind_a=metropole"
        "&party_kind_b=petr&party_kind_b=pays"
    )
    listed = client.get(response.context["list_url"])
    assert "toulouse-metropole-portes-de-gascogne-contrat-reciprocite" in [
        case.slug for case in listed.context["cases"]
    ]
    again = client.get(f"{URL}?{query}")
    assert cases(again.context["advice"]) == cases(response.context["advice"])


def test_distant_petrs_are_not_offered_the_petr_and_park_convention(content):
    assert "convention-d-articulation" not in instruments(
        advice("nous=petr-pays&avec=petr-pays&distance=eloignes")
    )
    assert instruments(advice("nous=pnr&avec=petr-pays"), 1) == ["convention-d-articulation"]


def test_a_rule_whose_condition_no_longer_reads_applies_to_nobody(content):
    rule = FinderRule.objects.get(slug="reciprocite-demandee")
    FinderRule.objects.filter(pk=rule.pk).update(conditions="question-retiree = x")
    assert "contrat-de-reciprocite" not in instruments(advice("forme=reciprocite"))
    assert "contrat-de-reciprocite" not in instruments(advice("forme=echange"))


def test_the_expected_duration_weighs_through_its_rule(content):
    lasting = advice("nous=communaute&avec=communaute&forme=service&duree=durable")
    limited = advice("nous=communaute&avec=communaute&forme=service&duree=limitee")
    assert "convention-de-delegation" not in instruments(lasting)
    delegation = next(f for f in limited.fits if f.instrument.slug == "convention-de-delegation")
    assert delegation.reasons[0].legal_reference == "CGCT, art. L1111-8 et R1111-1."


def test_the_home_page_leads_to_the_finder(client, content):
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_an_empty_form_is_a_form_and_no_answer(client, content):
    response = client.get(URL)
    assert response.status_code == 200 and not response.context["advice"].answered
    assert "Notre réponse" not in response.content.decode()


def test_the_territory_comes_from_the_official_reference(client, content):
    bretagne = ReferenceArea.objects.create(kind="region", code="53", name="Bretagne")
    brest = ReferenceArea.objects.create(
        kind="epci", code="242900314", name="Brest Métropole", epci_type="METRO"
    )
    brest.contained_in.add(bretagne)
    for code in ("01001", "02002"):
        ReferenceArea.objects.create(kind="commune", code=code, name="Saint-Essai")

    answer = advice("territoire=242900314&avec=petr-pays&forme=reciprocite")
    assert answer.place.area == brest and answer.answers["nous"] == {"metropole"}
    brest_cob = next(f for f in answer.cases if f.case.slug.startswith("brest-centre-ouest"))
    assert "même région : Bretagne" in brest_cob.reasons

    homonyms = client.get(URL, {"territoire": "saint-essai", "forme": "echange"})
    candidates = homonyms.context["advice"].place.candidates
    assert [area.code for area in candidates] == ["01001", "02002"]
    page = homonyms.content.decode()
    assert 'href="?territoire=commune%3A01001&amp;forme=echange"' in page
    chosen = advice("territoire=commune:02002")
    assert chosen.place.area.code == "02002" and chosen.answers["nous"] == {"commune"}
    unknown = client.get(URL, {"territoire": "Atlantide", "forme": "echange"})
    assert "Aucun territoire du référentiel officiel" in unknown.content.decode()


def test_unknown_answers_are_reported_on_the_page_and_refused_by_the_api(client, content):
    response = client.get(URL, {"nous": "licorne", "avec": ["metropole", "dragons"]})
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert any("dragons" in text for text in texts) and any("nous sommes" in text for text in texts)
    assert response.context["advice"].answers["avec"] == {"metropole"}
    refused = client.get(API, {"avec": "dragons"})
    assert refused.status_code == 400 and "dragons" in str(refused.json()["erreurs"])
    for hostile in ("\x00", "x" * 500, "a\x00b"):
        for name in ("territoire", "avec", "theme", "nous"):
            assert client.get(URL, {name: hostile, "forme": "echange"}).status_code == 200
            assert client.get(API, {name: hostile}).status_code in (200, 400)


def test_the_api_gives_the_page_s_answer(client, content):
    query = SCENARIOS[2].values[0]
    data = client.get(f"{API}?{query}").json()
    answer = advice(query)
    assert [item["slug"] for item in data["instruments"]] == instruments(answer)
    assert [item["slug"] for item in data["cases"]] == cases(answer)
    first = data["instruments"][0]
    assert first["url"].endswith("/outils/plan-de-cooperation/")
    assert first["legal_basis"].startswith("Aucun texte propre")
    assert first["reasons"][0]["legal_reference"].endswith("art. L333-1 et L333-3).")
    assert data["list_url"].startswith("http://testserver/fiches/?")
    assert data["territory"] is None and data["territory_candidates"] == []
    schema = client.get(reverse("casestudies:api-schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/trouver/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"territoire", "nous", "avec", "theme", "forme", "prives"} <= names
    assert "400" in operation["responses"]


def test_the_answer_costs_the_same_queries_whatever_the_number_of_sheets(client, content):
    query = SCENARIOS[0].values[0]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{URL}?{query}").status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        CaseStudyFactory(title=f"Réciprocité supplémentaire {n}")
    assert count() == before


# -- rules are data, and an incoherent rule is refused --------------------------------------------
def test_every_loaded_rule_is_coherent_and_names_known_instruments(content):
    rules = FinderRule.objects.for_answers()
    assert rules.count() >= 20
    for rule in rules:
        rule.full_clean()
        rule.clean_relations()
        assert rule.explanation.strip() and rule.legal_reference.strip(), rule.slug


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ("couleur = bleu", "Question inconnue « couleur »"),
        ("forme = tout", "réponse inconnue « tout »"),
        ("forme echange", "écrivez « question = valeur »"),
        ("forme = echange\nforme = service", "Conditions contradictoires sur « forme »"),
        ("prives = oui; prives != oui", "Conditions contradictoires sur « prives »"),
        ("avec = etat; avec != etat | metropole", "Conditions contradictoires sur « avec »"),
        ("theme = theme-inconnu", "réponse inconnue « theme-inconnu »"),
    ],
)
def test_an_incoherent_condition_is_refused_in_french(content, conditions, message):
    with pytest.raises(ValidationError) as refused:
        parse_conditions(conditions)
    assert message in " ".join(refused.value.messages)


def test_coherent_conditions_are_accepted(content):
    assert len(parse_conditions("forme = echange | service\nforme != service\navec = etat")) == 3


def test_the_admin_refuses_a_rule_that_favours_and_excludes_the_same_instrument(
    admin_client, content
):
    tool = Instrument.objects.get(slug="charte")
    data = {
        "name": "Règle d'essai",
        "slug": "regle-d-essai",
        "position": "1",
        "conditions": "forme = echange",
        "favours": [tool.pk],
        "excludes": [tool.pk],
        "weight": "2",
        "explanation": "Une phrase.",
        "legal_reference": "",
    }
    add = reverse("admin:casestudies_finderrule_add")
    response = admin_client.post(add, data)
    assert response.status_code == 200
    assert "à la fois favoriser et écarter" in response.content.decode()
    response = admin_client.post(add, {**data, "excludes": [], "conditions": "forme = x"})
    assert "réponse inconnue" in response.content.decode()
    assert not FinderRule.objects.filter(slug="regle-d-essai").exists()
    assert admin_client.post(add, {**data, "excludes": []}).status_code == 302
    assert FinderRule.objects.get(slug="regle-d-essai").favours.get() == tool


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"favours": ["outil-imaginaire"]}, "outil-imaginaire"),
        ({"conditions": "forme = echange; forme = service"}, "contradictoires"),
        ({"favours": ["charte"], "excludes": ["charte"]}, "à la fois favoriser et écarter"),
        ({"favours": []}, "au moins un outil"),
    ],
)
def test_the_content_loader_refuses_an_incoherent_rule_and_loads_nothing(
    tmp_path, content, rule, message
):
    entry = {
        "slug": "regle-incoherente",
        "name": "Règle incohérente",
        "conditions": "forme = echange",
        "explanation": "Une phrase.",
        "favours": ["charte"],
        **rule,
    }
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"finder_rules": [entry]}))
    with pytest.raises(ContentError) as refused:
        ContentLoader(tmp_path, baseline=None).load()
    assert message in str(refused.value)
    assert not FinderRule.objects.filter(slug="regle-incoherente").exists()
