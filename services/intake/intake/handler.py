"""Intake: the web form API and the public status view (API Gateway HTTP API, payload v2)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from aduan import reference
from aduan.api import install_error_handlers, json_body, json_response
from aduan.complaint import ComplaintForm
from aduan.errors import NotFound
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings
from aduan.tracking import normalize_tracking_id
from intake import complaints
from intake.webhooks import router as webhooks_router

log = logger("intake")
app = APIGatewayHttpResolver()
# The channels' webhooks (issue 3): each route imports its provider's module when called.
app.include_router(webhooks_router)


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


def unit_names() -> dict[str, str]:
    return reference.cached("unit", repository().reference, build=_names)


def _names(units: list[dict[str, Any]]) -> dict[str, str]:
    return {unit["id"]: unit["name"] for unit in units}


@app.post("/v1/complaints")
def create_complaint() -> Response:
    payload = json_body(app.current_event.raw_event)
    form = ComplaintForm.model_validate(payload)
    key = app.current_event.headers.get("idempotency-key")
    if key:
        from intake.idempotency import once_per_key

        status, body = once_per_key(key, payload, lambda: _accept(form), app.lambda_context)
        return json_response(status, body, headers={"Location": body["status_url"]})
    status, body = _accept(form)
    return json_response(status, body, headers={"Location": body["status_url"]})


def _accept(form: ComplaintForm) -> tuple[int, dict[str, Any]]:
    settings = get_settings()
    complaint = complaints.submit(
        form,
        repository(),
        settings.kms_key_id,
        now=datetime.now(UTC),
        correlation_id=app.current_event.request_context.request_id or "",
    )
    log.info("complaint received", extra={"complaint_id": complaint.id, "channel": "web"})
    status_url = f"{settings.public_base_url.rstrip('/')}/v1/complaints/{complaint.id}"
    return 202, {"tracking_id": complaint.id, "status": complaint.status.value, "status_url": status_url}


@app.get("/v1/complaints/<tracking_id>")
def read_complaint(tracking_id: str) -> Response:
    canonical = normalize_tracking_id(tracking_id)
    if canonical is None:
        raise NotFound("no complaint has this tracking id")
    complaint, history = repository().with_history(canonical)
    if complaint is None:
        raise NotFound("no complaint has this tracking id")
    language = "en" if (app.current_event.get_query_string_value("lang") or "") == "en" else "id"
    return json_response(200, complaints.public_view(complaint, history, unit_names(), language))


@app.post("/v1/complaints/<tracking_id>/replies")
def reply_to_complaint(tracking_id: str) -> Response:
    from intake.citizen_actions import reply

    payload = json_body(app.current_event.raw_event)
    return json_response(200, reply(tracking_id, payload, repository(), app.current_event.request_context.request_id or ""))


@app.post("/v1/complaints/<tracking_id>/rating")
def rate_complaint(tracking_id: str) -> Response:
    from intake.citizen_actions import rate

    payload = json_body(app.current_event.raw_event)
    return json_response(200, rate(tracking_id, payload, repository(), app.current_event.request_context.request_id or ""))


@app.get("/openapi.json")
def openapi() -> Response:
    from intake.openapi import document

    return json_response(200, document(get_settings().public_base_url))


install_error_handlers(app, log, invalid_message="the complaint is not valid")


@log.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
