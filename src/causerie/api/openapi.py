"""The OpenAPI document: FastAPI's, with the one error shape on every operation.

FastAPI documents validation errors as its own ``HTTPValidationError``; ours
are ``{"error", "message", "field"?}`` in the request's language, like every
other 4xx. Each operation gets that schema for 422 and for any other 4xx, so
clients (and schemathesis, in the tests) can check every answer against it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "A stable code, e.g. uri_invalid."},
        "message": {"type": "string", "description": "Human text in the request's language."},
        "field": {"type": "string", "description": "The field at fault, when there is one."},
    },
}
METHODS = ("get", "put", "post", "delete", "patch")
# The Akismet-compatible API answers in Akismet's own words (text), not in JSON.
OWN_ERRORS = ("/1.1/", "/1.2/")


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _akismet_answers(item: dict[str, Any]) -> None:
    """Akismet's endpoints answer JSON when asked well, text (``invalid`` …) otherwise."""
    for method in METHODS:
        operation = item.get(method)
        if operation is None:
            continue
        for response in operation.get("responses", {}).values():
            response.setdefault("content", {})["text/plain"] = {"schema": {"type": "string"}}


def document_errors(app: FastAPI) -> None:
    """Make ``app.openapi()`` document the error shape on every operation."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas["Error"] = ERROR_SCHEMA
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        for path, item in document.get("paths", {}).items():
            if path.startswith(OWN_ERRORS):
                _akismet_answers(item)
                continue
            for method in METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                responses["422"] = _error_response("A field is missing or not valid.")
                responses.setdefault("4XX", _error_response("Any other client error."))
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
