"""Cached counts follow every change to the catalogue (the generation is part of the key)."""

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy, CatalogueGeneration
from tests.factories import complete_case

pytestmark = pytest.mark.django_db

LIST = reverse("casestudies:case-list")


def theme_count(client, slug):
    facets = client.get(LIST).context["facets"]
    theme = next(facet for facet in facets if facet.name == "theme")
    return next((item.count for item in theme.values if item.value == slug), 0)


def test_facet_counts_are_cached_until_the_catalogue_changes(client, django_assert_max_num_queries):
    case = complete_case()
    slug = case.themes.get().slug
    assert theme_count(client, slug) == 1
    # Same request again: served from the cache (the facet queries are gone).
    with django_assert_max_num_queries(17):
        client.get(LIST)

    other = complete_case()
    other.themes.set(case.themes.all())
    assert theme_count(client, slug) == 2

    CaseStudy.objects.filter(pk=other.pk).unpublish()
    assert theme_count(client, slug) == 1


def test_every_kind_of_change_bumps_the_generation():
    before = CatalogueGeneration.current()
    case = complete_case()
    after_create = CatalogueGeneration.current()
    assert after_create > before
    case.participations.first().delete()
    assert CatalogueGeneration.current() > after_create
    now = CatalogueGeneration.current()
    CaseStudy.objects.filter(pk=case.pk).publish()
    assert CatalogueGeneration.current() > now


def test_map_and_statistics_follow_publication(client):
    case = complete_case()
    territory = case.participations.filter(territory__isnull=False).first().territory
    from tests.factories import TerritoryFactory

    finistere = TerritoryFactory(name="Finistère", kind="departement", insee_code="29")
    territory.departements.add(finistere)
    rows = {r["code"]: r["count"] for r in client.get("/carte/").context["rows"]}
    assert rows["29"] == 1
    CaseStudy.objects.filter(pk=case.pk).unpublish()
    rows = {r["code"]: r["count"] for r in client.get("/carte/").context["rows"]}
    assert rows["29"] == 0
    assert client.get("/statistiques/").context["total"] == 0
