"""Web: the citizens' HTTP API - the form, the public status view, replies, ratings, the areas,
photo uploads - and the tracking page's HTML (HTTP API, payload v2)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aduan import access_key, reference
from aduan.api import install_error_handlers, json_body, json_response
from aduan.complaint import Complaint, ComplaintForm
from aduan.errors import AduanError, AlreadyProcessed, NotFound, Unprocessable
from aduan.http_api import Resolver, Response
from aduan.observability import count, logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings, needs
from aduan.tracking import normalize_tracking_id
from web import complaints
from web.open311.routes import router as open311_router

log = logger("web")
app = Resolver()
# Open311 GeoReport v2 (/open311/v2/...): civic apps read and file complaints in their standard.
app.include_router(open311_router)


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


def unit_names() -> dict[str, str]:
    return reference.cached("unit", repository().reference, build=_names)


def _names(units: list[dict[str, Any]]) -> dict[str, str]:
    return {unit["id"]: unit["name"] for unit in units}


# English for logs and English readers; Indonesian readers get the catalogue's text (aduan.api).
NOT_FOUND = "no complaint has this tracking id"
# Kept off the page by CSS and never announced; people leave it empty, form-filling bots do not.
HONEYPOT = "website"


def _language(strict: bool = False) -> str:
    """`?lang=en` or Indonesian. `strict` (the JSON API): another value is the client's mistake."""
    asked = app.current_event.get_query_string_value("lang")
    if strict and asked not in (None, "id", "en"):
        raise Unprocessable("lang must be id or en", code="validation_error")
    return "en" if asked == "en" else "id"


def _key() -> str | None:
    return app.current_event.headers.get(access_key.HEADER)


def _request_id() -> str:
    return app.current_event.request_context.request_id or ""


@app.post("/v1/complaints")
def create_complaint() -> Response:
    payload = json_body(app.current_event.raw_event)
    trap = payload.pop(HONEYPOT, "") if isinstance(payload, dict) else ""
    if str(trap or "").strip():
        raise AduanError(
            "Laporan tidak dapat diterima.",
            message_en="The report cannot be accepted.",
            code="rejected",
        )
    form = ComplaintForm.parse(payload)
    key = app.current_event.headers.get("idempotency-key")
    if key:
        from web.idempotency import once_per_key

        status, body = once_per_key(
            key, payload, lambda: _accept_once(form, key, payload), app.lambda_context
        )
        body = _unsealed(body)
        return json_response(status, body, headers={"Location": body["status_url"]})
    status, body = _accept(form)
    return json_response(status, body, headers={"Location": body["status_url"]})


def _accept(
    form: ComplaintForm, once: Callable[[Complaint, str], dict[str, Any]] | None = None
) -> tuple[int, dict[str, Any]]:
    settings = get_settings()
    submitted = complaints.submit(
        form,
        repository(),
        settings.kms_key_id,
        now=datetime.now(UTC),
        correlation_id=_request_id(),
        once=once,
    )
    complaint = submitted.complaint
    log.info("complaint received", extra={"complaint_id": complaint.id, "channel": "web"})
    count("ComplaintsReceived", channel="web")
    return _answer(complaint, submitted.access_key)


def _answer(complaint: Complaint, key: str) -> tuple[int, dict[str, Any]]:
    base = get_settings().public_base_url.rstrip("/")
    return 202, {
        "tracking_id": complaint.id,
        "status": complaint.status.value,
        "status_url": f"{base}/v1/complaints/{complaint.id}",
        # Shown once: the citizen's key to reply and rate, and the private link that carries it.
        "access_key": key,
        "tracking_url": access_key.private_link(base, complaint.id, key),
    }


def _accept_once(form: ComplaintForm, key: str, payload: Any) -> tuple[int, dict[str, Any]]:
    """The complaint and the (sealed) answer a retry with the same key gets, in one transaction.

    Powertools keeps the answer only after the complaint is written: a container that dies in
    between leaves its record in progress, the record expires with the invocation, and the
    retry runs this again. It then finds the answer written with the first complaint here
    (AlreadyProcessed) instead of filing a second one.
    """
    from web import idempotency

    answer: list[tuple[int, dict[str, Any]]] = []

    def record(complaint: Complaint, access: str) -> dict[str, Any]:
        answer.append(_sealed(_answer(complaint, access)))
        return idempotency.answer_item(key, payload, *answer[0])

    try:
        _accept(form, once=record)
    except AlreadyProcessed:
        return idempotency.stored_answer(repository(), key, payload)
    return answer[0]


def _sealed(answer: tuple[int, dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    """The answer as the idempotency table keeps it for a retry: the access key encrypted, so
    the table never holds it in the clear (a retry still gets it: the first answer may be lost)."""
    from aduan import crypto

    status, body = answer
    kept = {k: v for k, v in body.items() if k not in ("access_key", "tracking_url")}
    kept["sealed_access_key"] = crypto.encrypt_json(
        {"key": body["access_key"]},
        get_settings().kms_key_id,
        context=f"{body['tracking_id']}#retry",
    )
    return status, kept


def _unsealed(body: dict[str, Any]) -> dict[str, Any]:
    from aduan import crypto

    opened = dict(body)
    sealed = opened.pop("sealed_access_key", None)
    if sealed:
        key = crypto.decrypt_json(sealed, context=f"{body['tracking_id']}#retry")["key"]
        base = get_settings().public_base_url.rstrip("/")
        opened.update(
            access_key=key, tracking_url=access_key.private_link(base, body["tracking_id"], key)
        )
    return opened


def _visible(tracking_id: str, key: str | None, language: str) -> dict[str, Any]:
    """The public view, or NotFound. A confidential complaint asked without its key answers
    exactly as an unknown id: same status, same body, after the same single query."""
    canonical = normalize_tracking_id(tracking_id)
    if canonical is None:
        raise NotFound(NOT_FOUND)
    complaint, history = repository().with_history(canonical)
    can_act = complaint is not None and access_key.matches(
        complaint.id, key, complaint.access_key_hash
    )
    if complaint is None or (complaint.confidential and not can_act):
        raise NotFound(NOT_FOUND)
    from aduan.workflow import load_clock

    clock = load_clock(repository())
    return complaints.public_view(
        complaint,
        history,
        unit_names(),
        language,
        can_act=can_act,
        now=datetime.now(UTC),
        calendar=clock.calendar,
    )


@app.get("/v1/complaints/<tracking_id>")
def read_complaint(tracking_id: str) -> Response:
    return json_response(200, _visible(tracking_id, _key(), _language(strict=True)))


@app.post("/v1/complaints/<tracking_id>/replies")
def reply_to_complaint(tracking_id: str) -> Response:
    from web.citizen_actions import reply

    payload = json_body(app.current_event.raw_event)
    return json_response(
        200, reply(tracking_id, _key(), payload, repository(), datetime.now(UTC), _request_id())
    )


@app.post("/v1/complaints/<tracking_id>/rating")
def rate_complaint(tracking_id: str) -> Response:
    from web.citizen_actions import rate

    payload = json_body(app.current_event.raw_event)
    return json_response(
        200, rate(tracking_id, _key(), payload, repository(), datetime.now(UTC), _request_id())
    )


@app.get("/v1/areas")
def areas() -> Response:
    from web.choices import areas_view

    found = reference.cached("area", repository().reference, build=areas_view)
    return json_response(200, found, headers={"Cache-Control": "public, max-age=300"})


@app.get("/v1/categories")
def categories() -> Response:
    from web.choices import categories_view

    found = reference.cached("category", repository().reference, build=categories_view)
    return json_response(
        200, found[_language(strict=True)], headers={"Cache-Control": "public, max-age=300"}
    )


@app.post("/v1/uploads")
def uploads() -> Response:
    from web.uploads import UploadsAsked, presigned_posts

    asked = UploadsAsked.parse(json_body(app.current_event.raw_event))
    bucket = get_settings().media_bucket_name
    if not bucket:
        raise AduanError(
            "Unggah foto belum tersedia.",
            message_en="Photo uploads are not configured.",
            code="uploads_unavailable",
        )
    return json_response(200, {"uploads": presigned_posts(asked, bucket)})


# --- the tracking page (HTML; readable without JavaScript) ---------------------------------


def _html(status: int, body: str) -> Response:
    from web.pages import SECURITY_HEADERS

    return Response(
        status_code=status,
        content_type="text/html; charset=utf-8",
        body=body,
        headers={"Cache-Control": "no-store", **SECURITY_HEADERS},
    )


@app.get("/lacak")
def lookup_page() -> Response:
    from web import pages

    language = _language()
    typed = (app.current_event.get_query_string_value("nomor") or "").strip()[:40]
    if not typed:
        return _html(200, pages.lookup_page(language))
    canonical = normalize_tracking_id(typed)
    if canonical is None:
        return _html(422, pages.lookup_page(language, typed, pages.texts(language)["invalid"]))
    suffix = "?lang=en" if language == "en" else ""
    return Response(
        status_code=303,
        content_type="text/plain",
        body="",
        headers={"Location": f"/lacak/{canonical}{suffix}", "Cache-Control": "no-store"},
    )


@app.get("/lacak/<tracking_id>")
def status_page(tracking_id: str) -> Response:
    from web import pages

    language = _language()
    canonical = normalize_tracking_id(tracking_id)
    if canonical is not None and canonical != tracking_id:
        suffix = "?lang=en" if language == "en" else ""
        return Response(
            status_code=301,
            content_type="text/plain",
            body="",
            headers={"Location": f"/lacak/{canonical}{suffix}"},
        )
    try:
        # The key never reaches this page (it travels after "#"): the page shows what anyone may see.
        view = _visible(tracking_id, None, language)
    except NotFound:
        return _html(404, pages.not_found_page(language, tracking_id[:40], canonical or ""))
    return _html(200, pages.status_page(view, language))


@app.get("/openapi.json")
def openapi() -> Response:
    return json_response(
        200, {**_openapi_document(), "servers": [{"url": get_settings().public_base_url}]}
    )


@functools.cache
def _openapi_document() -> dict[str, Any]:
    # Assembled at build time from every function's routes (python -m infra.openapi).
    import json
    from pathlib import Path

    return json.loads((Path(__file__).parent / "openapi.json").read_text(encoding="utf-8"))


install_error_handlers(app, log, invalid_message="the complaint is not valid")


@log.inject_lambda_context(correlation_id_path="requestContext.requestId")
@needs("table_name", "idempotency_table_name", "kms_key_id", "public_base_url", "media_bucket_name")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
