"""The API's human-readable documentation, rendered on the server from its OpenAPI schema."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get",)


def parameter_values(parameter) -> list[str]:
    schema = parameter.get("schema", {})
    return (schema.get("items", {}).get("enum") or schema.get("enum") or [])[:12]


def describe(schema: dict) -> list[dict]:
    """Endpoints with their parameters and response fields, in the schema's order."""
    components = schema.get("components", {}).get("schemas", {})

    def fields_of(reference):
        name = reference.rsplit("/", 1)[-1]
        component = components.get(name, {})
        properties = component.get("properties", {})
        return [
            {
                "name": key,
                "type": value.get("type") or _("objet"),
                "description": value.get("description", ""),
            }
            for key, value in properties.items()
        ]

    endpoints = []
    for path, operations in schema.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if not operation:
                continue
            content = operation.get("responses", {}).get("200", {}).get("content", {})
            body = content.get("application/json", {}).get("schema", {})
            reference = body.get("$ref", "")
            # A list answers with a paginated envelope: describe the items of its results.
            envelope = components.get(reference.rsplit("/", 1)[-1], {})
            results = envelope.get("properties", {}).get("results", {})
            item_reference = results.get("items", {}).get("$ref") or reference
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter.get("in"),
                            "description": parameter.get("description", ""),
                            "values": parameter_values(parameter),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "fields": fields_of(item_reference) if item_reference else [],
                }
            )
    return endpoints


class ApiDocumentationView(TemplateView):
    template_name = "casestudies/api_docs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        schema = SchemaGenerator().get_schema(request=None, public=True)
        context.update(info=schema.get("info", {}), endpoints=describe(schema))
        return context
