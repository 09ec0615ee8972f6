"""schema.org descriptions (JSON-LD) of the pages, for search engines and link previews.

A sheet is an ``Article`` whose partners carry their official identifiers (SIREN, INSEE code)
and which is based on each of its source documents once; the home page is the ``WebSite`` with
its search; a territory is an ``AdministrativeArea`` (commune, département, région, territory
abroad) or a ``GovernmentOrganization`` (the groupings: EPCI, PETR, pays, PNR, syndicats…).
"""

from casestudies.models import TerritoryKind
from casestudies.notes import strip_markers

CONTEXT = "https://schema.org"
AREAS = {
    TerritoryKind.COMMUNE,
    TerritoryKind.DEPARTEMENT,
    TerritoryKind.REGION,
    TerritoryKind.COLLECTIVITE_SPECIALE,
    TerritoryKind.ETRANGER,
    TerritoryKind.AUTRE,
}


def identifiers(siren: str = "", insee_code: str = "") -> list[dict]:
    found = []
    if siren:
        found.append({"@type": "PropertyValue", "propertyID": "SIREN", "value": siren})
    if insee_code:
        found.append({"@type": "PropertyValue", "propertyID": "INSEE", "value": insee_code})
    return found


def territory_type(territory) -> str:
    if territory.kind == TerritoryKind.COLLECTIF:
        return "Thing"  # a set of bodies named collectively
    return "AdministrativeArea" if territory.kind in AREAS else "GovernmentOrganization"


def territory_node(territory, request) -> dict:
    node = {
        "@type": territory_type(territory),
        "name": territory.name,
        "url": request.build_absolute_uri(territory.get_absolute_url()),
    }
    if found := identifiers(territory.siren, territory.insee_code):
        node["identifier"] = found
    return node


def organisation_node(organisation, request) -> dict:
    node = {
        "@type": "Organization",
        "name": organisation.name,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
    }
    if organisation.acronym:
        node["alternateName"] = organisation.acronym
    if found := identifiers(organisation.siren):
        node["identifier"] = found
    return node


def sheet(case, request) -> dict:
    """A sheet (its participations, themes and citations prefetched)."""
    sources = {}
    for citation in case.citations.all():
        source = citation.source
        sources.setdefault(
            source.pk,
            {
                "@type": "CreativeWork",
                "name": source.title,
                "publisher": {"@type": "Organization", "name": source.publisher},
                **({"url": source.url} if source.url else {}),
                **({"datePublished": str(source.year)} if source.year else {}),
            },
        )
    return {
        "@context": CONTEXT,
        "@type": "Article",
        "headline": case.title,
        "description": strip_markers(case.summary),
        "url": request.build_absolute_uri(case.get_absolute_url()),
        "inLanguage": "fr",
        "datePublished": case.published_at,
        "dateModified": case.updated_at,
        "license": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "about": [theme.name for theme in case.themes.all()],
        "mentions": [
            territory_node(p.territory, request)
            if p.territory_id
            else organisation_node(p.organisation, request)
            for p in case.participations.all()
        ],
        "isBasedOn": list(sources.values()),
    }


def website(request, search_url: str, name: str) -> dict:
    """The home page: the site and its search (``search_url`` without the query)."""
    home = request.build_absolute_uri("/")
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": name,
        "url": home,
        "inLanguage": "fr",
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": request.build_absolute_uri(search_url) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def territory(territory, request) -> dict:
    node = {"@context": CONTEXT, **territory_node(territory, request)}
    if territory.description:
        node["description"] = strip_markers(territory.description)
    if territory.website:
        node["sameAs"] = [territory.website]
    places = [*territory.departements.all(), *territory.regions.all()]
    if places:
        node["containedInPlace" if node["@type"] == "AdministrativeArea" else "areaServed"] = [
            {"@type": "AdministrativeArea", "name": place.name} for place in places
        ]
    return node
