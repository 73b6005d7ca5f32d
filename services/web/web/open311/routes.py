"""`/open311/v2/...`: the GeoReport v2 routes, as a router the web function's resolver includes.

Thin on purpose: read the request, call the pure modules and the repository, answer in the
format the path asks for. Every refusal is the spec's error document with a 4xx; a fault of ours
is logged with its trace and answered without it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aduan import reference
from aduan.api import raw_body
from aduan.errors import AduanError
from aduan.http_api import Response, Router
from aduan.observability import logger
from aduan.settings import get_settings
from aduan.tracking import normalize_tracking_id
from web.open311.documents import (
    CONTENT_TYPES,
    Document,
    Format,
    Open311Error,
    error_document,
    split_format,
)

log = logger("web")
router = Router()
MAX_FORM_BYTES = 64 * 1024


# --------------------------------------------------------------------------- plumbing


def _language() -> str:
    event = router.current_event
    if (event.get_query_string_value("lang") or "").lower() == "en":
        return "en"
    return "en" if (event.headers.get("accept-language") or "").lower().startswith("en") else "id"


def _params() -> dict[str, str]:
    return dict(router.current_event.query_string_parameters or {})


def _render(status: int, document: Document, fmt: Format) -> Response:
    return Response(status_code=status, content_type=CONTENT_TYPES[fmt], body=document.render(fmt))


def _answer(name: str, work: Callable[[Format], tuple[int, Document]]) -> Response:
    """Run `work` for the format `name` asks for; every error becomes the spec's error document."""
    found = split_format(name)
    fmt: Format = found[1] if found else "json"
    language = _language()
    try:
        if found is None:
            raise Open311Error(
                404,
                "format tidak didukung: akhiri alamat dengan .json atau .xml",
                "format not supported: end the path with .json or .xml",
            )
        _check_jurisdiction()
        status, document = work(fmt)
        return _render(status, document, fmt)
    except Open311Error as refused:
        return _render(
            refused.status, error_document(refused.status, refused.message(language)), fmt
        )
    except AduanError as refused:  # e.g. a body over the limit (413)
        status = refused.status if 400 <= refused.status < 500 else 400
        return _render(status, error_document(status, refused.message), fmt)
    except Exception:
        log.exception("open311 request failed")
        message = (
            "terjadi kesalahan di sisi kami; silakan coba lagi"
            if language == "id"
            else "something went wrong on our side; please retry"
        )
        return _render(500, error_document(500, message), fmt)


def _check_jurisdiction(given: str | None = None) -> None:
    """One jurisdiction is served: naming another is the spec's 404 (naming none is fine)."""
    given = (given if given is not None else _params().get("jurisdiction_id") or "").strip()
    if given and given != get_settings().open311_jurisdiction_id:
        raise Open311Error(
            404,
            f"jurisdiction_id '{given[:60]}' tidak dikenal",
            f"jurisdiction_id '{given[:60]}' not found",
        )


def _stem(name: str) -> str:
    found = split_format(name)
    return found[0] if found else name


# --------------------------------------------------------------------------- reference data


@functools.cache
def repository() -> Any:
    from aduan.repository import ComplaintRepository

    return ComplaintRepository(get_settings().table_name)


def categories() -> list[dict[str, Any]]:
    return reference.cached("category", repository().reference)


def _unit_names(units: list[dict[str, Any]]) -> dict[str, str]:
    return {unit["id"]: unit["name"] for unit in units}


def _area_names(bodies: list[dict[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for gazetteer in bodies:
        for kecamatan in gazetteer.get("kecamatan", []):
            names[kecamatan["id"]] = f"Kecamatan {kecamatan['name']}"
            for kelurahan in kecamatan.get("kelurahan", []):
                names[kelurahan["id"]] = f"Kelurahan {kelurahan['name']}"
    return names


def _areas_by_id(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    from web.open311.submission import Area

    return {
        kelurahan["id"]: Area(kecamatan["name"], kelurahan["name"])
        for gazetteer in bodies
        for kecamatan in gazetteer.get("kecamatan", [])
        for kelurahan in kecamatan.get("kelurahan", [])
    }


def _city(bodies: list[dict[str, Any]]) -> str:
    return next((g.get("city", {}).get("name", "") for g in bodies), "")


def names(language: str) -> Any:
    from web.open311.service_requests import Names

    key = "en" if language == "en" else "id"
    return Names(
        categories={
            c["id"]: c.get(f"name_{key}") or c.get("name_id") or c["id"] for c in categories()
        },
        areas=reference.cached("area", repository().reference, build=_area_names),
        city=reference.cached("area", repository().reference, build=_city)
        or get_settings().city_name,
    )


def unit_names() -> dict[str, str]:
    return reference.cached("unit", repository().reference, build=_unit_names)


# --------------------------------------------------------------------------- discovery, services


@router.get("/open311/v2/<name>")
def read_document(name: str) -> Response:
    stem = _stem(name)
    if stem == "discovery":
        return _answer(name, lambda fmt: (200, _discovery()))
    if stem == "services":
        return _answer(name, lambda fmt: (200, _services()))
    if stem == "requests":
        return _answer(name, lambda fmt: (200, _requests()))
    if stem == "servicerequestupdates":
        return _answer(name, lambda fmt: (200, _updates()))
    return _answer(name, _no_such_resource)


def _no_such_resource(_: Format) -> tuple[int, Document]:
    raise Open311Error(404, "sumber daya Open311 ini tidak ada", "no such Open311 resource")


def _discovery() -> Document:
    from web.open311.discovery import discovery

    settings = get_settings()
    return discovery(
        settings.public_base_url, settings.open311_contact, settings.open311_key_service
    )


def _services() -> Document:
    from web.open311.services import service_list

    return service_list(categories(), _language())


@router.get("/open311/v2/services/<name>")
def read_service_definition(name: str) -> Response:
    from web.open311.services import find_category, service_definition

    return _answer(
        name,
        lambda fmt: (
            200,
            service_definition(find_category(categories(), _stem(name)), _language()),
        ),
    )


# --------------------------------------------------------------------------- requests


def _published(complaints: list[Any]) -> list[dict[str, Any]]:
    from web.complaints import public_view
    from web.open311.service_requests import is_published, service_request

    language = _language()
    wanted_names, units = names(language), unit_names()
    found = []
    for complaint in complaints:
        view = public_view(complaint, [], units, language)
        if is_published(view):
            found.append(service_request(complaint, view, wanted_names))
    return found


def _requests() -> Document:
    from web.open311.queries import request_query
    from web.open311.service_requests import requests_document

    query = request_query(_params(), datetime.now(UTC), frozenset(c["id"] for c in categories()))
    if query.ids:
        ids = [i for i in (normalize_tracking_id(raw) for raw in query.ids) if i]
        return requests_document(_published(repository().get_many(ids)))
    span = query.window
    if span is None:  # request_query sets a window whenever no ids are asked for
        raise Open311Error(400, "rentang tanggal tidak sah", "the date range is not valid")

    def wanted(complaint: Any) -> bool:
        code = complaint.category or complaint.category_hint or "other"
        return query.wants(code, "open" if complaint.status.is_open else "closed")

    found = repository().public_requests(span.start, span.end, wanted, query.limit)
    return requests_document(_published(found))


@router.get("/open311/v2/requests/<name>")
def read_request(name: str) -> Response:
    return _answer(name, lambda fmt: (200, _one_request(_stem(name))))


def _one_request(raw_id: str) -> Document:
    from web.open311.service_requests import requests_document

    tracking_id = normalize_tracking_id(raw_id)
    found = _published(repository().get_many([tracking_id])) if tracking_id else []
    if not found:
        # The same answer for "no such id" and "confidential": the listing tells nothing.
        raise Open311Error(
            404, "tidak ada permintaan layanan dengan id ini", "no service request has this id"
        )
    return requests_document(found)


@router.post("/open311/v2/<name>")
def create_request(name: str) -> Response:
    if _stem(name) != "requests":
        return _answer(name, _no_such_resource)
    return _answer(name, lambda fmt: (200, _create()))


def _create() -> Document:
    from aduan.channel_events import MediaItem, MediaReceived, MediaReceivedData
    from aduan.events import EventMetadata
    from web import complaints
    from web.open311.keys import api_key_hash, key_id
    from web.open311.service_requests import created_document
    from web.open311.services import find_category
    from web.open311.submission import complaint_form, media_urls, parse_form

    event = router.current_event
    submission = parse_form(
        raw_body(event.raw_event, MAX_FORM_BYTES), event.headers.get("content-type") or ""
    )
    _check_jurisdiction(submission.fields.get("jurisdiction_id", ""))
    if not submission.api_key:
        raise Open311Error(400, "api_key wajib dikirim", "api_key is required")
    client = repository().open311_client(api_key_hash(submission.api_key))
    if client is None or client.get("revoked"):
        raise Open311Error(403, "api_key tidak sah", "api_key is not valid")
    if not submission.service_code:
        raise Open311Error(400, "service_code wajib dikirim", "service_code is required")
    try:
        category = find_category(categories(), submission.service_code)
    except Open311Error as unknown:
        raise Open311Error(400, unknown.message_id, unknown.message_en) from None
    service_name = category.get("name_id") or category["id"]
    areas = reference.cached("area", repository().reference, build=_areas_by_id)
    form = complaint_form(submission, category, service_name, areas)
    urls = media_urls(submission.fields)
    settings = get_settings()
    now = datetime.now(UTC)
    correlation_id = event.request_context.request_id or ""

    def photos(complaint: Any) -> list[Any]:
        if not urls:
            return []
        items = [MediaItem(provider_ref=f"media_url:{i}", url=url) for i, url in enumerate(urls)]
        data = MediaReceivedData(
            complaint_id=complaint.id,
            channel="open311",
            message_id=f"open311:{complaint.id}",
            items=items,
        )
        return [
            MediaReceived(
                metadata=EventMetadata(
                    correlation_id=correlation_id or complaint.id, occurred_at=now
                ),
                data=data,
            )
        ]

    complaint = complaints.submit(
        form,
        repository(),
        settings.kms_key_id,
        now=now,
        channel="open311",
        correlation_id=correlation_id,
        also=photos,
    ).complaint
    log.info(
        "complaint received",
        extra={
            "complaint_id": complaint.id,
            "channel": "open311",
            "client": key_id(client["key_hash"]),
        },
    )
    status_url = f"{settings.public_base_url.rstrip('/')}/lacak/{complaint.id}"
    notice = (
        f"Terima kasih, aduan Anda kami terima dengan nomor {complaint.id}. Pantau di {status_url}"
    )
    return created_document(complaint.id, notice)


# --------------------------------------------------------------------------- updates (mySociety)


def _updates() -> Document:
    from web.open311.queries import MAX_RESULTS, window
    from web.open311.updates import request_update, updates_document

    span = window(_params(), datetime.now(UTC))
    language = _language()
    found = []
    for entry in repository().public_updates(span.start, span.end, MAX_RESULTS):
        update = request_update(
            entry.event_id,
            entry.detail["data"]["complaint_id"],
            entry.detail_type,
            entry.occurred_at,
            entry.detail["data"],
            language,
        )
        if update:
            found.append(update)
    return updates_document(found)
