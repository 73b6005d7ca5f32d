"""The officer API (`/v1/officer/...`, behind the Cognito JWT authorizer of the HTTP API).

Inbox, complaint detail, actions, internal notes and response templates. The gateway has
checked the token; this function reads its claims, finds the officer's role and unit, and holds
every read and write to the officer's own unit (``aduan.officers``). Decisions live in
``aduan.workflow`` (one conditional write per action, with its events and messages).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from aduan import officers as access
from aduan import reference
from aduan.api import install_error_handlers, json_body, json_response
from aduan.errors import NotFound, Unprocessable
from aduan.http_api import Resolver, Response
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings, needs
from aduan.status import Status
from aduan.tracking import normalize_tracking_id
from casework import views

log = logger("officer")
app = Resolver()

DEFAULT_STATUS = {
    "coordinator": Status.RECEIVED,
    "unit_admin": Status.DISPATCHED,
    "bidang": Status.IN_PROGRESS,
}
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
    return json_response(
        200,
        {
            "username": officer.username,
            "role": officer.role.value,
            "unit_id": officer.unit_id,
            "bidang_id": officer.bidang_id,
        },
    )


@app.get("/v1/officer/queues")
def work_queues() -> Response:
    """The officer's work queues with their counts (what the console's inbox tabs show)."""
    from casework import queues

    officer = current_officer()
    owner = access.inbox_owner(officer, _query("unit"))
    now = datetime.now(UTC)
    mine = queues.queues_of(officer)
    read = {
        status: repository().inbox_all(owner, status.value)
        for status in {s for q in mine for s in q.statuses}
    }
    return json_response(
        200,
        {
            "unit": owner,
            "queues": [
                {
                    "id": q.id,
                    "label": q.label,
                    "statuses": [s.value for s in q.statuses],
                    "count": sum(
                        1
                        for status in q.statuses
                        for c in read[status]
                        if access.may_reach(officer, c) and q.condition(c, officer, now)
                    ),
                }
                for q in mine
            ],
        },
    )


@app.get("/v1/officer/inbox")
def inbox() -> Response:
    officer = current_officer()
    owner = access.inbox_owner(officer, _query("unit"))
    if _query("status") and not _query("queue"):
        return _status_inbox(officer, owner)
    return _queue_inbox(officer, owner)


def _limit() -> int:
    try:
        limit = int(_query("limit") or 20)
    except ValueError as error:
        raise Unprocessable(f"bad query parameter: {error}", code="invalid_query") from error
    if not 1 <= limit <= MAX_PAGE:
        raise Unprocessable(f"limit must be 1 to {MAX_PAGE}", code="invalid_query")
    return limit


def _status_inbox(officer: access.Officer, owner: str) -> Response:
    from aduan.workflow import load_clock
    from casework import cursor

    try:
        status = Status(_query("status") or DEFAULT_STATUS[officer.role.value])
    except ValueError as error:
        raise Unprocessable(f"bad query parameter: {error}", code="invalid_query") from error
    limit = _limit()
    query = f"{owner}#{status.value}"
    found, last = repository().inbox(
        owner, status.value, limit, cursor.decode(_query("cursor"), query)
    )
    # A bidang sees its own complaints of the unit's inbox (the index is per unit and status).
    rows = [c for c in found if access.may_reach(officer, c)]
    now = datetime.now(UTC)
    calendar = load_clock(repository()).calendar
    return json_response(
        200,
        {
            "unit": owner,
            "status": status.value,
            "items": [views.inbox_row(c, units(), now, calendar) for c in rows],
            "next_cursor": cursor.encode(last, query),
        },
    )


def _filters() -> Any:
    from casework.queues import Filters

    raw_status = _query("status")
    dates = {name: _query(name) for name in ("received_from", "received_to")}
    for name, day in dates.items():
        if day is not None and not _is_date(day):
            raise Unprocessable(f"{name} must be a date YYYY-MM-DD", code="invalid_query")
    try:
        status = Status(raw_status) if raw_status else None
    except ValueError as error:
        raise Unprocessable(f"bad query parameter: {error}", code="invalid_query") from error
    return Filters(
        status=status,
        category=_query("category"),
        kecamatan=_query("kecamatan"),
        kelurahan=_query("kelurahan"),
        channel=_query("channel"),
        received_from=dates["received_from"],
        received_to=dates["received_to"],
    )


def _is_date(text: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _queue_inbox(officer: access.Officer, owner: str) -> Response:
    from aduan.workflow import load_clock
    from casework import cursor, queues

    try:
        queue = queues.queue_of(officer, _query("queue"))
    except queues.UnknownQueue as error:
        raise Unprocessable(f"no queue {error} for this role", code="invalid_query") from error
    filters = _filters()
    if filters.status is not None and filters.status not in queue.statuses:
        raise Unprocessable("this status is not in this queue", code="invalid_query")
    sort = _query("sort") or "due"
    if sort not in ("due", "-due"):
        raise Unprocessable("sort is due or -due", code="invalid_query")
    limit = _limit()
    forward = sort == "due"
    statuses = list(queue.statuses if forward else reversed(queue.statuses))
    partitions = [f"{owner}#{s.value}" for s in statuses]
    scope = f"{owner}|{queue.id}|{sort}|{filters.key()}"
    position, start = cursor.decode_queue(_query("cursor"), scope, partitions)
    now = datetime.now(UTC)
    calendar = load_clock(repository()).calendar
    rows: list[Any] = []
    next_cursor: str | None = None
    # Read on through the queue's partitions until the page is full; the cursor marks the last
    # row returned, so rows filtered out are never skipped on the next page.
    while position < len(statuses):
        page, last = repository().inbox_page(
            owner, statuses[position].value, limit, start, forward=forward
        )
        for key, complaint in page:
            if queues.shows(queue, officer, complaint, now, filters, calendar):
                rows.append(complaint)
                if len(rows) == limit:
                    next_cursor = cursor.encode_queue(position, key, scope)
                    break
        if next_cursor:
            break
        if last is None:
            position, start = position + 1, None
        else:
            start = last
    return json_response(
        200,
        {
            "unit": owner,
            "queue": queue.id,
            "items": [views.inbox_row(c, units(), now, calendar) for c in rows],
            "next_cursor": next_cursor,
        },
    )


@app.get("/v1/officer/units")
def unit_list() -> Response:
    """Units and their bidang for the console's pickers (nobody types an id), with the
    categories and the kecamatan/kelurahan the filters and the reclassification choose from."""
    current_officer()
    categories = reference.cached("category", repository().reference)
    areas = reference.cached("area", repository().reference)
    gazetteer = areas[0] if areas else {}
    return json_response(
        200,
        {
            "units": [
                {
                    "id": u["id"],
                    "name": u.get("name", u["id"]),
                    "kind": u.get("kind"),
                    "bidang": [
                        {"id": b["id"], "name": b.get("name", b["id"])} for b in u.get("bidang", [])
                    ],
                }
                for u in sorted(units().values(), key=lambda u: u.get("name", u["id"]))
            ],
            "categories": [
                {"id": c["id"], "name_id": c.get("name_id", c["id"]), "name_en": c.get("name_en")}
                for c in categories
            ],
            "kecamatan": [
                {
                    "id": k["id"],
                    "name": k.get("name", k["id"]),
                    "kelurahan": [
                        {"id": kel["id"], "name": kel.get("name", kel["id"])}
                        for kel in k.get("kelurahan", [])
                    ],
                }
                for k in gazetteer.get("kecamatan", [])
            ],
        },
    )


@app.get("/v1/officer/complaints/<complaint_id>")
def complaint_detail(complaint_id: str) -> Response:
    officer = current_officer()
    complaint, history, messages = repository().with_history_and_messages(
        _complaint_id(complaint_id)
    )
    if complaint is None:
        raise NotFound("no complaint has this tracking id")
    access.ensure_reach(officer, complaint)
    hidden = not access.may_see_identity(officer, complaint)
    reporter = None if hidden else _reporter(complaint.id)
    from aduan.workflow import load_clock

    duplicates = []
    for other_id in complaint.possible_duplicates[:5]:
        other = repository().get(other_id)
        if other is not None and access.may_reach(officer, other):
            duplicates.append(views.duplicate_summary(other))
    return json_response(
        200,
        views.detail(
            complaint,
            history,
            messages,
            officer,
            units(),
            reporter,
            hidden,
            datetime.now(UTC),
            load_clock(repository()).calendar,
            photos=_photo_urls(complaint.id, views.photo_keys(complaint, history)),
            duplicates=duplicates,
        ),
    )


PHOTO_URL_SECONDS = 300  # long enough to look, short enough that a copied link soon dies


def _photo_urls(complaint_id: str, photos: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from aduan import aws

    bucket = get_settings().media_bucket_name
    if not photos or not bucket:
        return []
    s3 = aws.client("s3")
    prefix = f"complaints/{complaint_id}/"
    return [
        {
            "url": s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": bucket, "Key": p["key"]},
                ExpiresIn=PHOTO_URL_SECONDS,
            ),
            "mime_type": p["mime_type"],
            "expires_in": PHOTO_URL_SECONDS,
        }
        for p in photos
        if p["key"].startswith(prefix)  # only this complaint's own objects
    ]


def _reporter(complaint_id: str) -> dict[str, Any] | None:
    # Decrypted only here, only for an officer allowed to see it, and never logged.
    from aduan import crypto

    item = repository().get_reporter(complaint_id)
    if not item or not item.get("identity"):
        return None
    return {
        **crypto.decrypt_json(item["identity"], context=complaint_id),
        "contact_channels": item.get("contact_channels", []),
    }


@app.post("/v1/officer/complaints/<complaint_id>/actions")
def complaint_action(complaint_id: str) -> Response:
    from casework.requests import ActionRequest, change_of

    officer = current_officer()
    request = ActionRequest.parse(
        json_body(app.current_event.raw_event, max_bytes=64 * 1024, empty={})
    )
    return _act(officer, _complaint_id(complaint_id), change_of(request, officer), request.version)


@app.post("/v1/officer/complaints/<complaint_id>/notes")
def add_note(complaint_id: str) -> Response:
    from aduan.lifecycle import Action
    from aduan.workflow import Change
    from casework.requests import NoteRequest, actor_of

    officer = current_officer()
    request = NoteRequest.parse(
        json_body(app.current_event.raw_event, max_bytes=64 * 1024, empty={})
    )
    change = Change(Action.ADD_NOTE, actor_of(officer), text=request.text)
    return _act(officer, _complaint_id(complaint_id), change, request.version, status=201)


def _act(
    officer: access.Officer, complaint_id: str, change: Any, version: int | None, status: int = 200
) -> Response:
    from aduan.answer_check import check_answer
    from aduan.lifecycle import Action
    from aduan.workflow import act, load_clock, state_of
    from casework.requests import check_classification, check_references

    repo = repository()
    complaint = repo.get(complaint_id)
    if complaint is None:
        raise NotFound("no complaint has this tracking id")
    access.ensure_reach(officer, complaint)
    check_references(change, complaint, units())
    if change.action is Action.RECLASSIFY:
        areas = reference.cached("area", repo.reference)
        check_classification(
            change, reference.cached("category", repo.reference), areas[0] if areas else {}
        )
    if change.duplicate_of is not None and repo.get(_complaint_id(change.duplicate_of)) is None:
        raise Unprocessable(
            f"duplicate_of {change.duplicate_of!r} is not a known complaint",
            code="unknown_complaint",
        )
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
    log.info(
        "officer action",
        extra={
            "complaint_id": complaint_id,
            "action": change.action.value,
            "role": officer.role.value,
            "events": [e.detail_type() for e in outcome.events],
        },
    )
    body: dict[str, Any] = {
        "complaint": {
            "id": complaint_id,
            **state_of(outcome.complaint, officer.role),
            "deadlines": views.deadlines(
                outcome.complaint, datetime.now(UTC), load_clock(repo).calendar
            ),
        },
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
    return json_response(
        200,
        {
            "category": category if category in by_category else "other",
            "language": language,
            "templates": chosen.get(language, []),
        },
    )


# ---------------------------------------------------------------- errors


install_error_handlers(app, log)


@log.inject_lambda_context(correlation_id_path="requestContext.requestId")
@needs("table_name", "media_bucket_name")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
