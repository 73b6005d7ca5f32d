"""The officer API (`/v1/officer/...`, behind the Cognito JWT authorizer of the HTTP API).

Inbox, complaint detail, actions, internal notes and response templates. The gateway has
checked the token; this function reads its claims, finds the officer's role and unit, and holds
every read and write to the officer's own unit (``officer.access``). Decisions live in
``aduan.workflow`` (one conditional write per action, with its events and messages).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from aduan import reference
from aduan.api import install_error_handlers, json_body, json_response
from aduan.errors import NotFound, Unprocessable
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings
from aduan.status import Status
from aduan.tracking import normalize_tracking_id
from officer import access, views

log = logger("officer")
app = APIGatewayHttpResolver()

DEFAULT_STATUS = {"coordinator": Status.RECEIVED, "unit_admin": Status.DISPATCHED, "bidang": Status.IN_PROGRESS}
MAX_PAGE = 100


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


def _units(bodies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {body["id"]: body for body in bodies}


def units() -> dict[str, dict[str, Any]]:
    return reference.cached("unit", repository().reference, build=_units)


def _by_name(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    return {body["name"]: body for body in bodies}


def current_officer() -> access.Officer:
    context = app.current_event.raw_event.get("requestContext", {})
    claims = ((context.get("authorizer") or {}).get("jwt") or {}).get("claims")
    return access.officer_from_claims(claims, units())


def _complaint_id(raw: str) -> str:
    canonical = normalize_tracking_id(raw)
    if canonical is None:
        raise NotFound("no complaint has this tracking id")
    return canonical


def _query(name: str) -> str | None:
    return app.current_event.get_query_string_value(name) or None


# ---------------------------------------------------------------- routes


@app.get("/v1/officer/me")
def me() -> Response:
    officer = current_officer()
    return json_response(200, {"username": officer.username, "role": officer.role.value, "unit_id": officer.unit_id, "bidang_id": officer.bidang_id})


@app.get("/v1/officer/inbox")
def inbox() -> Response:
    from officer import cursor

    officer = current_officer()
    owner = access.inbox_owner(officer, _query("unit"))
    try:
        status = Status(_query("status") or DEFAULT_STATUS[officer.role.value])
        limit = int(_query("limit") or 20)
    except ValueError as error:
        raise Unprocessable(f"bad query parameter: {error}", code="invalid_query") from error
    if not 1 <= limit <= MAX_PAGE:
        raise Unprocessable(f"limit must be 1 to {MAX_PAGE}", code="invalid_query")
    query = f"{owner}#{status.value}"
    found, last = repository().inbox(owner, status.value, limit, cursor.decode(_query("cursor"), query))
    # A bidang sees its own complaints of the unit's inbox (the index is per unit and status).
    rows = [c for c in found if access.may_reach(officer, c)]
    now = datetime.now(UTC)
    return json_response(
        200,
        {
            "unit": owner,
            "status": status.value,
            "items": [views.inbox_row(c, units(), now) for c in rows],
            "next_cursor": cursor.encode(last, query),
        },
    )


@app.get("/v1/officer/complaints/<complaint_id>")
def complaint_detail(complaint_id: str) -> Response:
    officer = current_officer()
    complaint, history, messages = repository().with_history_and_messages(_complaint_id(complaint_id))
    if complaint is None:
        raise NotFound("no complaint has this tracking id")
    access.ensure_reach(officer, complaint)
    hidden = not access.may_see_identity(officer, complaint)
    reporter = None if hidden else _reporter(complaint.id)
    return json_response(200, views.detail(complaint, history, messages, officer, units(), reporter, hidden, datetime.now(UTC)))


def _reporter(complaint_id: str) -> dict[str, Any] | None:
    # Decrypted only here, only for an officer allowed to see it, and never logged.
    from aduan import crypto

    item = repository().get_reporter(complaint_id)
    if not item or not item.get("identity"):
        return None
    return {**crypto.decrypt_json(item["identity"], context=complaint_id), "contact_channels": item.get("contact_channels", [])}


@app.post("/v1/officer/complaints/<complaint_id>/actions")
def complaint_action(complaint_id: str) -> Response:
    from officer.requests import ActionRequest, change_of

    officer = current_officer()
    request = ActionRequest.model_validate(json_body(app.current_event.raw_event, max_bytes=64 * 1024, empty={}))
    return _act(officer, _complaint_id(complaint_id), change_of(request, officer), request.version)


@app.post("/v1/officer/complaints/<complaint_id>/notes")
def add_note(complaint_id: str) -> Response:
    from aduan.lifecycle import Action
    from aduan.workflow import Change
    from officer.requests import NoteRequest, actor_of

    officer = current_officer()
    request = NoteRequest.model_validate(json_body(app.current_event.raw_event, max_bytes=64 * 1024, empty={}))
    change = Change(Action.ADD_NOTE, actor_of(officer), text=request.text)
    return _act(officer, _complaint_id(complaint_id), change, request.version, status=201)


def _act(officer: access.Officer, complaint_id: str, change: Any, version: int | None, status: int = 200) -> Response:
    from aduan.answer_check import check_answer
    from aduan.lifecycle import Action
    from aduan.workflow import act, load_clock, state_of
    from officer.requests import check_references

    repo = repository()
    complaint = repo.get(complaint_id)
    if complaint is None:
        raise NotFound("no complaint has this tracking id")
    access.ensure_reach(officer, complaint)
    check_references(change, complaint, units())
    if change.duplicate_of is not None and repo.get(_complaint_id(change.duplicate_of)) is None:
        raise Unprocessable(f"duplicate_of {change.duplicate_of!r} is not a known complaint", code="unknown_complaint")
    outcome = act(
        repo,
        complaint_id,
        change,
        load_clock(repo),
        datetime.now(UTC),
        expected_version=version,
        correlation_id=app.current_event.request_context.request_id or "",
        # BOLA is checked again on the state the decision is made on (it may have moved).
        check=lambda fresh: access.ensure_reach(officer, fresh),
        complaint=complaint,
    )
    log.info("officer action", extra={"complaint_id": complaint_id, "action": change.action.value, "role": officer.role.value, "events": [e.detail_type() for e in outcome.events]})
    body: dict[str, Any] = {
        "complaint": {"id": complaint_id, **state_of(outcome.complaint, officer.role), "deadlines": views.deadlines(outcome.complaint, datetime.now(UTC))},
        "events": [e.detail_type() for e in outcome.events],
        "message_ids": [m["message_id"] for m in outcome.messages],
    }
    if change.action is Action.DRAFT_ANSWER:
        check = check_answer(change.text or "", outcome.complaint.language)
        body["warnings"] = [{"code": p.code, "message": p.message} for p in check.problems]
    return json_response(status, body)


@app.get("/v1/officer/templates")
def response_templates() -> Response:
    current_officer()  # any officer; templates are the city's, not a unit's
    category = _query("category") or "other"
    language = "en" if _query("lang") == "en" else "id"
    templates = reference.cached("template", repository().reference, build=_by_name)
    by_category = (templates.get("responses") or {}).get("by_category", {})
    chosen = by_category.get(category) or by_category.get("other") or {}
    return json_response(200, {"category": category if category in by_category else "other", "language": language, "templates": chosen.get(language, [])})


# ---------------------------------------------------------------- errors


install_error_handlers(app, log)


@log.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
