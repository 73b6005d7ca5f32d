"""What officers see: inbox rows and the complaint detail (pure shaping of what was read)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aduan.calendar import WorkingCalendar
from aduan.complaint import Complaint
from aduan.model import Model
from aduan.officers import Officer
from aduan.repository import HistoryEntry
from aduan.timeline import label, public_label
from aduan.workflow import actions_for


def _part(part: Model | None) -> dict[str, Any] | None:
    return part.to_dict() if part is not None else None


def _unit(units: Mapping[str, Mapping[str, Any]], unit_id: str | None) -> dict[str, Any] | None:
    if not unit_id:
        return None
    return {"id": unit_id, "name": units.get(unit_id, {}).get("name", unit_id)}


def _bidang(
    units: Mapping[str, Mapping[str, Any]], unit_id: str | None, bidang_id: str | None
) -> dict[str, Any] | None:
    if not bidang_id:
        return None
    found: dict[str, Any] = next(
        (b for b in units.get(unit_id or "", {}).get("bidang", []) if b["id"] == bidang_id), {}
    )
    return {"id": bidang_id, "name": found.get("name", bidang_id)}


def deadlines(
    complaint: Complaint, now: datetime, calendar: WorkingCalendar | None = None
) -> list[dict[str, Any]]:
    """Each open deadline; with the calendar, its working-day countdown (negative: late)."""
    return [
        {
            "kind": kind,
            "due": due.isoformat(),
            "overdue": now > due,
            **({"working_days_left": calendar.working_days_between(now, due)} if calendar else {}),
        }
        for kind, due in sorted(complaint.deadlines.items(), key=lambda item: item[1])
    ]


def inbox_row(
    complaint: Complaint,
    units: Mapping[str, Mapping[str, Any]],
    now: datetime,
    calendar: WorkingCalendar,
) -> dict[str, Any]:
    from casework.queues import sla_badge

    return {
        "id": complaint.id,
        "title": complaint.title,
        "status": complaint.status.value,
        "status_label": complaint.status.label,
        "sub_state": complaint.sub_state,
        "category": complaint.category,
        "kecamatan": complaint.location.kecamatan,
        "kelurahan": complaint.location.kelurahan,
        "proposed_unit": _unit(units, complaint.proposed_unit_id),
        "unit": _unit(units, complaint.unit_id),
        "bidang": _bidang(units, complaint.unit_id, complaint.bidang_id),
        "received_at": complaint.received_at.isoformat(),
        "channel": complaint.channel,
        "deadlines": deadlines(complaint, now, calendar),
        "sla": sla_badge(complaint, now, calendar),
        "possible_duplicates": complaint.possible_duplicates,
        "version": complaint.version,
    }


def detail(
    complaint: Complaint,
    history: list[HistoryEntry],
    messages: list[dict[str, Any]],
    officer: Officer,
    units: Mapping[str, Mapping[str, Any]],
    reporter: dict[str, Any] | None,
    identity_hidden: bool,
    now: datetime,
    calendar: WorkingCalendar,
    photos: list[dict[str, Any]] | None = None,
    duplicates: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "complaint": {
            **inbox_row(complaint, units, now, calendar),
            "type": complaint.type,
            "description": complaint.description,
            "location": complaint.location.to_dict(exclude_none=True),
            "anonymous": complaint.anonymous,
            "confidential": complaint.confidential,
            "language": complaint.language,
            "updated_at": complaint.updated_at.isoformat(),
            "draft": _part(complaint.draft),
            "answer": _part(complaint.answer),
            "archive": _part(complaint.archive),
            "rating": _part(complaint.rating),
        },
        "allowed_actions": [str(a) for a in actions_for(complaint, officer.role)],
        # Events never hold a citizen's personal data, so the whole history is safe to show.
        "history": [
            {
                "at": entry.occurred_at,
                "event": entry.detail_type,
                "source": entry.source,
                "label": label(entry.detail_type) or entry.detail_type,
                "public": public_label(entry.detail_type) is not None,
                "data": {
                    k: v for k, v in entry.detail.get("data", {}).items() if k != "complaint_id"
                },
            }
            for entry in history
        ],
        "messages": [
            {
                k: m.get(k)
                for k in (
                    "message_id",
                    "at",
                    "kind",
                    "visibility",
                    "author_role",
                    "text",
                    "channel",
                )
                if m.get(k) is not None
            }
            for m in messages
        ],
        "reporter": {"hidden": True, "reason": "anonim"} if identity_hidden else reporter,
        # Short-lived presigned GET URLs of the citizen's photos (the bucket stays private).
        "photos": photos or [],
        # The possible duplicates this officer may open, to compare side by side.
        "duplicates": duplicates or [],
    }


def photo_keys(complaint: Complaint, history: list[HistoryEntry]) -> list[dict[str, Any]]:
    """The stored photos of a complaint: those linked to it, and those the media worker recorded
    (MediaStored), each once."""
    found: dict[str, dict[str, Any]] = {}
    linked = [{"key": m.key, "mime_type": m.mime_type} for m in complaint.media]
    stored = [
        m
        for entry in history
        if entry.detail_type == "MediaStored"
        for m in entry.detail.get("data", {}).get("stored", [])
    ]
    for media in [*linked, *stored]:
        found.setdefault(media["key"], {"key": media["key"], "mime_type": media.get("mime_type")})
    return list(found.values())


def duplicate_summary(complaint: Complaint) -> dict[str, Any]:
    return {
        "id": complaint.id,
        "title": complaint.title,
        "description": complaint.description,
        "status": complaint.status.value,
        "category": complaint.category,
        "kecamatan": complaint.location.kecamatan,
        "kelurahan": complaint.location.kelurahan,
        "received_at": complaint.received_at.isoformat(),
    }
