"""OpenAPI schema generation made safe under threads.

drf-spectacular resolves each registered extension's target class lazily, on the first schema
generation, and that resolution is not thread-safe: two threads of a fresh worker generating the
schema at once can see a half-resolved extension (``None.startswith`` → a 500). Resolving every
extension once, at start-up, while a single thread runs, removes the race.
"""

from drf_spectacular import openapi  # noqa: F401  (imports the contrib extensions)
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiFilterExtension,
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
    OpenApiViewExtension,
)

EXTENSION_BASES = (
    OpenApiAuthenticationExtension,
    OpenApiFilterExtension,
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
    OpenApiViewExtension,
)


def unresolved_extensions():
    return [
        extension
        for base in EXTENSION_BASES
        for extension in base._registry
        if isinstance(extension.target_class, str)
    ]


def resolve_extensions() -> None:
    for extension in unresolved_extensions():
        extension._load_class()


# -- the contract: what drf-spectacular cannot infer ---------------------------------------------

ERRORS = {
    "type": "object",
    "description": "Ce qui n'a pas pu être utilisé dans la requête, en français.",
    "required": ["erreurs"],
    "properties": {"erreurs": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
}
DETAIL = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}},
}


def parameter_constraints() -> dict[str, dict]:
    """The schema of each query parameter of the sheet filters, with the values the server
    accepts: enumerations read from the database when the schema is generated."""
    from casestudies.api.views import CataloguePagination
    from casestudies.filters import FACETS, SORTS
    from casestudies.middleware import MAX_VALUES
    from casestudies.models import FacetCount
    from casestudies.parties import PARTY_KINDS
    from casestudies.search import MAX_QUERY_LENGTH
    from casestudies.validators import YEAR_MAX, YEAR_MIN

    def values(enum):
        items = {"type": "string", "enum": list(enum)}
        return {"type": "array", "items": items, "maxItems": MAX_VALUES}

    def parties(facet):
        named = FacetCount.objects.filter(facet=facet, sheets__gt=0).order_by("value")
        return values(named.values_list("value", flat=True))

    schemas = {name: values(v for v, _label in facet.choices()) for name, facet in FACETS.items()}
    return {
        **schemas,
        "party_kind_a": values(PARTY_KINDS),
        "party_kind_b": values(PARTY_KINDS),
        "territory": parties("territory"),
        "organisation": parties("organisation"),
        "q": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        "sort": {"type": "string", "enum": list(SORTS)},
        "year_min": {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
        "year_max": {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
        "page": {"type": "integer", "minimum": 1},
        "page_size": {
            "type": "integer",
            "minimum": 1,
            "maximum": CataloguePagination.max_page_size,
        },
    }


def document_contract(result, generator, request, public):
    """drf-spectacular post-processing hook: the publisher as contact, the allowed values and
    bounds of every query parameter, and the 400, 404 and 429 answers with their bodies."""
    result["info"]["contact"] = contact(request)
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Erreurs"] = ERRORS
    components["Detail"] = DETAIL
    # Offline (the system check, « manage.py spectacular ») the database may not exist yet:
    # the values of the vocabularies are those of the catalogue a request is served from.
    constraints = parameter_constraints() if request is not None else {}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] in constraints:
                    parameter["schema"] = constraints[parameter["name"]]
            responses = operation.setdefault("responses", {})
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                responses["400"] = answer(
                    "Paramètre inconnu, valeur inconnue ou invalide.", "Erreurs"
                )
            responses["404"] = answer(
                "Aucun objet publié à cette adresse, ou page de résultats au-delà de la dernière.",
                "Detail",
            )
            responses["429"] = answer("Trop de requêtes : réessayez plus tard.", "Detail")
    return result


def contact(request) -> dict:
    """Who answers for the API: the publisher (PUBLISHER_* settings), else the contact page."""
    from django.urls import reverse

    from casestudies.context_processors import publisher

    who = publisher()
    page = reverse("casestudies:contact")
    found = {
        "name": str(who.display_name),
        "url": who.url or (request.build_absolute_uri(page) if request else page),
    }
    if who.email:
        found["email"] = who.email
    return found


def answer(description: str, component: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }
