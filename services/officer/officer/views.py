"""What officers see: inbox rows and the complaint detail (pure shaping of what was read)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aduan.complaint import Complaint
from aduan.lifecycle import allowed_actions
from aduan.repository import HistoryEntry
from aduan.timeline import public_label
from officer.access import Officer


def _unit(units: Mapping[str, Mapping[str, Any]], unit_id: str | None) -> dict[str, Any] | None:
    if not unit_id:
        return None
    return {"id": unit_id, "name": units.get(unit_id, {}).get("name", unit_id)}


def _bidang(units: Mapping[str, Mapping[str, Any]], unit_id: str | None, bidang_id: str | None) -> dict[str, Any] | None:
    if not bidang_id:
        return None
    found = next((b for b in units.get(unit_id or "", {}).get("bidang", []) if b["id"] == bidang_id), {})
    return {"id": bidang_id, "name": found.get("name", bidang_id)}


def deadlines(complaint: Complaint, now: datetime) -> list[dict[str, Any]]:
    return [
        {"kind": kind, "due": due.isoformat(), "overdue": now > due}
        for kind, due in sorted(complaint.deadlines.items(), key=lambda item: item[1])
    ]


def inbox_row(complaint: Complaint, units: Mapping[str, Mapping[str, Any]], now: datetime) -> dict[str, Any]:
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
        "deadlines": deadlines(complaint, now),
        "possible_duplicates": complaint.extra.get("possible_duplicates", []),
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
) -> dict[str, Any]:
    extra = complaint.extra
    return {
        "complaint": {
            **inbox_row(complaint, units, now),
            "channel": complaint.channel,
            "type": complaint.type,
            "description": complaint.description,
            "location": complaint.location.model_dump(exclude_none=True),
            "anonymous": complaint.anonymous,
            "confidential": complaint.confidential,
            "language": complaint.language,
            "updated_at": complaint.updated_at.isoformat(),
            "draft": extra.get("draft"),
            "answer": extra.get("answer"),
            "archive": extra.get("archive"),
            "rating": extra.get("rating"),
        },
        "allowed_actions": [str(a) for a in allowed_actions(complaint.status, officer.role, complaint.sub_state)],
        # Events never hold a citizen's personal data, so the whole history is safe to show.
        "history": [
            {
                "at": entry.occurred_at,
                "event": entry.detail_type,
                "source": entry.source,
                "label": public_label(entry.detail_type) or entry.detail_type,
                "public": public_label(entry.detail_type) is not None,
                "data": {k: v for k, v in entry.detail.get("data", {}).items() if k != "complaint_id"},
            }
            for entry in history
        ],
        "messages": [
            {k: m.get(k) for k in ("message_id", "at", "kind", "visibility", "author_role", "text", "channel") if m.get(k) is not None}
            for m in messages
        ],
        "reporter": {"hidden": True, "reason": "anonim"} if identity_hidden else reporter,
    }
