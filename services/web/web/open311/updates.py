"""mySociety's service request updates: each public step of a complaint as a `request_update`.

FixMyStreet and other clients read `servicerequestupdates` to learn what became of a report.
mySociety extends GeoReport's open/closed with finer states; this table says which one each
step of the SP4N-LAPOR! lifecycle is. Disposisi (to a unit, then to its bidang) is an internal
referral; "bukan wewenang" is not the council's responsibility. Only steps that change what the
public sees are updates; notes, drafts, SLA steps and notifications never are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aduan.status import Status
from aduan.timeline import public_label
from web.open311.documents import Document
from web.open311.timestamps import w3

# The status a complaint is in, in mySociety's words (used when the step itself says no more).
BY_STATUS: dict[Status, str] = {
    Status.RECEIVED: "open",
    Status.DEFERRED: "investigating",
    Status.VERIFIED: "investigating",
    Status.DISPATCHED: "internal_referral",
    Status.IN_PROGRESS: "in_progress",
    Status.RESPONDED: "action_scheduled",
    Status.CLOSED: "closed",
    Status.ARCHIVED: "no_further_action",
}

# The steps that are updates, and the state each one means.
BY_STEP: dict[str, str] = {
    "ComplaintReceived": "open",
    "ComplaintVerified": "investigating",
    "ComplaintDispatched": "internal_referral",
    "ComplaintAssignedToBidang": "internal_referral",
    "ComplaintDeferred": "investigating",
    "ComplaintNotAuthority": "not_councils_responsibility",
    "ComplaintResponded": "action_scheduled",
    "ComplaintClosed": "closed",
    "ComplaintAutoClosed": "closed",
}

ARCHIVE_REASONS = {
    "duplicate": "duplicate",
    "out_of_scope": "not_councils_responsibility",
    "spam": "no_further_action",
    "other": "no_further_action",
}

# Every detail type that can be an update: the index of updates holds exactly these.
UPDATE_STEPS = frozenset({*BY_STEP, "ComplaintArchived", "CitizenReplied"})


def extended_status(detail_type: str, data: Mapping[str, Any]) -> str | None:
    """mySociety's status after this step, or None when the step is not an update."""
    if detail_type == "ComplaintArchived":
        return ARCHIVE_REASONS.get(str(data.get("reason_code")), "no_further_action")
    if detail_type == "CitizenReplied":
        # A reply is an update only when it moved the complaint (reopened it, or answered a
        # deferral); otherwise the complaint's state did not change.
        if not (data.get("reopened") or data.get("answered_deferral")):
            return None
        return BY_STATUS.get(Status(data["status"]), "open") if data.get("status") else "open"
    return BY_STEP.get(detail_type)


def request_update(
    event_id: str,
    complaint_id: str,
    detail_type: str,
    occurred_at: str,
    data: Mapping[str, Any],
    language: str = "id",
) -> dict[str, Any] | None:
    """One `request_update`; None when the step is not one the public sees."""
    status = extended_status(detail_type, data)
    if status is None:
        return None
    return {
        "update_id": event_id,
        "service_request_id": complaint_id,
        "status": status,
        "updated_datetime": w3(datetime.fromisoformat(occurred_at)),
        "description": public_label(detail_type, language) or "",
        "media_url": None,
    }


def updates_document(updates: list[dict[str, Any]]) -> Document:
    return Document("service_request_updates", updates)
