"""The read-only JSON API (/api/), its OpenAPI schema and its documentation page."""
