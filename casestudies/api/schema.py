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
