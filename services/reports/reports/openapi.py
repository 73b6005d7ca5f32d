"""The reports' routes in the OpenAPI document (assembled at build time by infra.openapi).

The public reports need no token; the officers' need the Cognito ID token the HTTP API's JWT
authorizer checks before this function runs (infra.openapi adds the authorizer's 401). Every
report answers JSON by default and, with ``format``, the same figures as a spreadsheet or one of
its charts.
"""

from __future__ import annotations

from typing import Any

from reports.formats import FORMATS
from reports.service import ALL_BY, PUBLIC_BY

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
_OFFICER: list[dict[str, list[str]]] = [{"OfficerJwt": []}]
_FILES = {
    "application/json": {"schema": {"type": "object"}},
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
}
_CHART = {"image/svg+xml": {"schema": {"type": "string"}}}


def _param(name: str, description: str, enum: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum:
        schema["enum"] = list(enum)
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _format(charts: tuple[str, ...]) -> list[dict[str, Any]]:
    formats = (*FORMATS, "svg") if charts else FORMATS
    found = [
        _param(
            "format",
            "json (default), csv or xlsx" + (", or svg with chart" if charts else ""),
            formats,
        )
    ]
    if charts:
        # Read only with format=svg, so any other value is ignored rather than refused there.
        found.append(_param("chart", f"With format=svg: {', '.join(charts)}"))
    return found


_PERIOD = [
    _param("from", "First month, YYYY-MM (default: eleven months before to)"),
    _param("to", "Last month, YYYY-MM (default: this month in the city's zone); at most 60 months"),
]
# Any other value reads as Indonesian, the default.
_LANG = _param("lang", "id or en (anything else: id)")
_UNIT = _param("unit", "Coordinator only: one unit (default: the whole city)")


def _get(
    summary: str,
    ok: str,
    parameters: list[dict[str, Any]],
    *,
    officer: bool,
    charts: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "200": {"description": ok, "content": {**_FILES, **(_CHART if charts else {})}},
        "422": {"description": "A bad query parameter (invalid_query)", "content": _ERROR},
    }
    if officer:
        answers["403"] = {
            "description": "Not an officer account, or another unit's report",
            "content": _ERROR,
        }
    answers.update(extra or {})
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": ["reports"],
        "parameters": [*parameters, *_format(charts), _LANG],
        "responses": answers,
    }
    if officer:
        operation["security"] = _OFFICER
    return {"get": operation}


_SUMMARY_CHARTS = ("volume", "answer_days", "satisfaction")

PATHS: dict[str, Any] = {
    "/v1/reports/summary": _get(
        "The city's figures per month, optionally broken down by one dimension (groups under 5 complaints are not described)",
        "Volume, speed in working days, SLA and satisfaction",
        [*_PERIOD, _param("by", "Breakdown", PUBLIC_BY)],
        officer=False,
        charts=_SUMMARY_CHARTS,
    ),
    "/v1/reports/units": _get(
        "The unit league table: volume, SLA %, median time, satisfaction",
        "One row per unit",
        _PERIOD,
        officer=False,
        charts=("sla",),
    ),
    "/v1/officer/reports/summary": _get(
        "The same figures in detail: the coordinator for the city or any unit, a unit for its own (by bidang)",
        "Volume, speed, SLA and satisfaction",
        [*_PERIOD, _UNIT, _param("by", "Breakdown (a unit's own: bidang)", ALL_BY)],
        officer=True,
        charts=_SUMMARY_CHARTS,
    ),
    "/v1/officer/reports/units": _get(
        "The unit league table (a unit officer: their own row)",
        "One row per unit",
        _PERIOD,
        officer=True,
        charts=("sla",),
    ),
    "/v1/officer/reports/recap": _get(
        "The monthly recap per unit, the sheet taken to the evaluation meeting",
        "The recap",
        [_param("month", "YYYY-MM (default: this month)"), _UNIT],
        officer=True,
    ),
    "/v1/officer/reports/overdue": _get(
        "The complaints past a deadline now",
        "The overdue complaints",
        [_UNIT],
        officer=True,
    ),
    "/v1/officer/reports/complaints": _get(
        "The complaint list of a unit (no identity of anonim reporters); a long range as a file runs in the background",
        "The list",
        [*_PERIOD, _UNIT, _param("background", "1 or true: a file made in the background")],
        officer=True,
        extra={
            "202": {
                "description": "The export is queued: poll status_url",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    ),
    "/v1/officer/reports/exports/{export_id}": {
        "get": {
            "summary": "A background export: its state and, when done, a short-lived download link",
            "tags": ["reports"],
            "security": _OFFICER,
            "parameters": [
                {
                    "name": "export_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "export_id of the 202 answer",
                }
            ],
            "responses": {
                "200": {
                    "description": "pending, done (with download_url) or failed",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "403": {"description": "Not an officer account", "content": _ERROR},
                "404": {"description": "No export of this officer has this id", "content": _ERROR},
            },
        }
    },
}
