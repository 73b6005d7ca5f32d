"""A complaint as a GeoReport service request (pure).

Only what the public status view shows is published, and by its rules: the request is built
from that view, so a rahasia (confidential) complaint is never a request, an anonim one shows no
reporter (the view never holds one), and the description is the view's public text (the title;
the citizen's own words may name people and stay with the officers). The location is the
kelurahan and kecamatan, and the point rounded to about a hundred metres.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from web.open311.documents import Document
from web.open311.timestamps import w3

COORDINATE_DECIMALS = 3  # ~110 m: enough to find the pothole, not the reporter's door


@dataclass(frozen=True)
class Names:
    """Display names the requests need, from the reference data."""

    categories: Mapping[str, str] = field(default_factory=dict)  # category id -> name
    areas: Mapping[str, str] = field(default_factory=dict)  # kecamatan / kelurahan id -> name
    city: str = ""


def is_published(view: Mapping[str, Any]) -> bool:
    return not view.get("confidential")


def service_request(complaint: Any, view: Mapping[str, Any], names: Names) -> dict[str, Any]:
    """One `request` of requests.(json|xml) from the complaint and its public view."""
    code = complaint.category or complaint.category_hint or "other"
    unit = view.get("unit") or {}
    notes = view["status_label"]
    if view.get("answer"):
        notes = f"{notes}. {_answer_text(view['answer'])}"
    location = complaint.location
    place = [names.areas.get(a, a) for a in (location.kelurahan, location.kecamatan) if a]
    if place and names.city:
        place.append(names.city)
    has_point = location.lat is not None and location.lon is not None
    deadlines = getattr(complaint, "deadlines", {}) or {}
    return {
        "service_request_id": complaint.id,
        "status": "open" if complaint.status.is_open else "closed",
        "status_notes": notes,
        "service_name": names.categories.get(code, code),
        "service_code": code,
        "description": view.get("description") or view.get("title"),
        "agency_responsible": unit.get("name"),
        "service_notice": None,
        "requested_datetime": w3(complaint.received_at),
        "updated_datetime": w3(complaint.updated_at),
        "expected_datetime": w3(deadlines.get("answer")) if complaint.status.is_open else None,
        "address": ", ".join(place) or None,
        "address_id": location.kelurahan,
        "zipcode": None,
        "lat": round(location.lat, COORDINATE_DECIMALS) if has_point else None,
        "long": round(location.lon, COORDINATE_DECIMALS) if has_point else None,
        # Photos are checked by officers before anything about them is public: none is linked.
        "media_url": None,
    }


def _answer_text(answer: Any) -> str:
    if isinstance(answer, Mapping):
        return str(answer.get("text") or "")
    return str(answer)


def requests_document(requests: list[dict[str, Any]]) -> Document:
    return Document("service_requests", requests)


def created_document(tracking_id: str, notice: str | None) -> Document:
    """The POST answer: the spec's list with the new request's id (realtime: no token needed)."""
    return Document(
        "service_requests",
        # No account_id: this API keeps no accounts (the spec's answer types it as a string).
        [{"service_request_id": tracking_id, "service_notice": notice}],
    )
