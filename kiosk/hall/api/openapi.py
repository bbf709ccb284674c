"""The OpenAPI document as clients meet the API: every refusal in the hall's error shape, and the refusals
that any authenticated call or any body can meet listed on each operation."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_REF = {"$ref": "#/components/schemas/Error"}
_AUTH = {
    "401": "no token, or one that is unknown, revoked or expired (`unauthenticated`)",
    "403": "the token's role may not do this (`forbidden`)",
}
_BODY = {
    "400": "the body is not valid JSON (`malformed_json`)",
    "413": "the body is larger than 64 KiB (`payload_too_large`)",
    "422": "the body or a parameter is invalid (`invalid_request`, `json_too_deep`, …)",
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def hall_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is not None:
        return app.openapi_schema
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for operations in spec.get("paths", {}).values():
        for op in operations.values():
            responses: dict[str, Any] = op.setdefault("responses", {})
            extra = dict(_AUTH) if op.get("security") else {}
            if "requestBody" in op:
                extra.update(_BODY)
            if op.get("parameters"):
                extra.setdefault("422", _BODY["422"])
            if "requestBody" in op or any(p.get("in") == "path" for p in op.get("parameters", ())):
                extra["404"] = "an id in the path or the body names nothing (`unknown_…`)"
            for status, description in extra.items():
                responses.setdefault(status, _error(description))
            for status, response in responses.items():
                # FastAPI documents its own validation body; the hall answers every error as `Error`.
                if status[0] in "45":
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
    schemas = spec.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = spec
    return spec
