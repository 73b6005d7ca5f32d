"""The officer API in the OpenAPI document (assembled at build time by infra.openapi).

Every route needs the officers' Cognito ID token (`Authorization: Bearer <JWT>`), checked by the
HTTP API's JWT authorizer before this function runs (infra.openapi adds the authorizer's 401).
"""

from __future__ import annotations

from typing import Any

from aduan.model import schema_components
from casework.requests import ActionRequest, NoteRequest

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
_JSON = {"application/json": {"schema": {"type": "object"}}}
SECURITY: list[dict[str, list[str]]] = [{"OfficerJwt": []}]

SECURITY_SCHEMES: dict[str, Any] = {
    "OfficerJwt": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An ID token of the officers' Cognito user pool (the console signs in with SRP).",
    }
}


def _answers(ok: str, *refusals: tuple[str, str]) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "200": {"description": ok, "content": _JSON},
        "400": {"description": "A body that is not JSON", "content": _ERROR},
        "403": {
            "description": "Not an officer account, or not this officer's unit",
            "content": _ERROR,
        },
    }
    for status, text in refusals:
        answers[status] = {"description": text, "content": _ERROR}
    return answers


def _query(name: str, description: str, enum: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum:
        schema["enum"] = enum
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _get(
    summary: str,
    ok: str,
    parameters: list[dict[str, Any]] | None = None,
    *refusals: tuple[str, str],
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "tags": ["officers"],
            "security": SECURITY,
            "parameters": parameters or [],
            "responses": _answers(ok, *refusals),
        }
    }


_ID = [
    {
        "name": "complaint_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "Tracking id (forgiving: case, spaces and dashes do not matter)",
    }
]
_INBOX = [
    _query(
        "queue", "A work queue of the caller's role (GET /v1/officer/queues); default: the first"
    ),
    _query("unit", "Coordinator only: another unit's inbox"),
    _query("status", "Within the queue (or, without queue, one status as before)"),
    _query("category", "Category id"),
    _query("kecamatan", "Kecamatan id"),
    _query("kelurahan", "Kelurahan id"),
    _query("channel", "web, whatsapp, telegram, sms, email, lapor, ..."),
    _query("received_from", "Local date YYYY-MM-DD"),
    _query("received_to", "Local date YYYY-MM-DD"),
    _query("sort", "Due soonest first (due) or latest first (-due)", ["due", "-due"]),
    _query("limit", "1 to 100 (default 20)"),
    _query("cursor", "next_cursor of the previous page"),
]

PATHS: dict[str, Any] = {
    "/v1/officer/me": _get("Who the caller is: role, unit, bidang", "The officer"),
    "/v1/officer/queues": _get("The caller's work queues with their counts", "Queues"),
    "/v1/officer/inbox": _get(
        "One work queue, due soonest first, with SLA badges",
        "One page of rows and next_cursor",
        _INBOX,
        ("400", "A cursor of another queue"),
        ("422", "A bad query parameter"),
    ),
    "/v1/officer/units": _get(
        "Units with their bidang, categories, kecamatan and kelurahan (pickers)", "Reference lists"
    ),
    "/v1/officer/templates": _get(
        "The city's response templates for a category ([BLANKS] to fill)",
        "Templates",
        # Any other value reads as Indonesian, the default.
        [_query("category", "Category id"), _query("lang", "id or en (anything else: id)")],
    ),
    "/v1/officer/complaints/{complaint_id}": _get(
        "A complaint: deadlines, history, messages, duplicates, photos (presigned URLs), allowed actions",
        "The complaint",
        _ID,
        ("404", "No complaint has this tracking id"),
    ),
    "/v1/officer/complaints/{complaint_id}/actions": {
        "post": {
            "summary": "One step of the workflow (verify, dispatch, defer, ..., reclassify)",
            "tags": ["officers"],
            "security": SECURITY,
            "parameters": _ID,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ActionRequest"}}
                },
            },
            "responses": _answers(
                "The complaint's new state and the events recorded",
                ("404", "No complaint has this tracking id"),
                ("409", "Not in this status, or changed since the version sent (version_conflict)"),
                (
                    "422",
                    "An invalid body, an unknown unit, bidang, category or area (details.fields), or an answer not ready",
                ),
            ),
        }
    },
    "/v1/officer/complaints/{complaint_id}/notes": {
        "post": {
            "summary": "An internal note",
            "tags": ["officers"],
            "security": SECURITY,
            "parameters": _ID,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/NoteRequest"}}
                },
            },
            "responses": {
                **_answers(
                    "Recorded",
                    ("404", "No complaint has this tracking id"),
                    ("409", "Changed since the version sent"),
                    ("422", "No text, or a text too long"),
                ),
                "201": {"description": "Recorded", "content": _JSON},
            },
        }
    },
}

SCHEMAS: dict[str, Any] = schema_components([ActionRequest, NoteRequest])
