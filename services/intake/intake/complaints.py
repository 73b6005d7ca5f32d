"""Creating a complaint and showing it to the public: the intake's decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aduan import crypto
from aduan.complaint import Complaint, ComplaintForm, Reporter, received_event
from aduan.events import ComplaintReceived, LocationData
from aduan.repository import ComplaintRepository, HistoryEntry
from aduan.status import Status
from aduan.timeline import public_label
from aduan.tracking import new_tracking_id


def build_complaint(
    form: ComplaintForm, channel: str, now: datetime, tracking_id: str, correlation_id: str
) -> tuple[Complaint, ComplaintReceived]:
    """The new complaint and the event that announces it (pure: no I/O)."""
    location = LocationData(**form.location.model_dump())
    complaint = Complaint(
        id=tracking_id,
        status=Status.RECEIVED,
        channel=channel,
        type=form.type,
        title=form.title,
        description=form.description,
        category_hint=form.category,
        location=location,
        anonymous=form.anonymous,
        confidential=form.confidential,
        language=form.language,
        version=1,
        received_at=now,
        updated_at=now,
    )
    event = received_event(complaint, form.reporter.contact_channels(), correlation_id)
    return complaint, event


def reporter_item(reporter: Reporter, complaint_id: str, language: str, kms_key_id: str) -> dict[str, Any] | None:
    """The reporter item: identity encrypted, bound to the complaint id; None when nobody is named."""
    identity = reporter.model_dump(exclude_none=True)
    if not identity:
        return None
    return {
        "identity": crypto.encrypt_json(identity, kms_key_id, context=complaint_id),
        "contact_channels": reporter.contact_channels(),
        "language": language,
    }


def submit(
    form: ComplaintForm,
    repository: ComplaintRepository,
    kms_key_id: str,
    now: datetime,
    channel: str = "web",
    correlation_id: str = "",
) -> Complaint:
    """One transaction: complaint, reporter, and the ComplaintReceived history/outbox item."""
    from aduan.workflow import at_receipt, load_clock

    complaint, event = build_complaint(form, channel, now, new_tracking_id(), correlation_id)
    # The verify deadline runs from receipt (working days; the category's count, if the citizen
    # chose one), and puts the complaint in the sparse Deadlines index for the SLA sweep.
    complaint = at_receipt(complaint, load_clock(repository))
    repository.create(complaint, [event], reporter_item(form.reporter, complaint.id, form.language, kms_key_id))
    return complaint


def public_view(
    complaint: Complaint, history: list[HistoryEntry], unit_names: dict[str, str], language: str = "id"
) -> dict[str, Any]:
    """What anyone holding the tracking id may see: never the reporter's identity.

    A confidential (rahasia) complaint shows its status only.
    """
    view: dict[str, Any] = {
        "tracking_id": complaint.id,
        "status": complaint.status.value,
        "status_label": complaint.status.label if language == "id" else complaint.status.label_en,
    }
    if complaint.confidential:
        view["confidential"] = True
        return view
    unit_id = complaint.unit_id
    view.update(
        type=complaint.type,
        title=complaint.title,
        category=complaint.category,
        location={"kecamatan": complaint.location.kecamatan, "kelurahan": complaint.location.kelurahan},
        unit={"id": unit_id, "name": unit_names.get(unit_id, unit_id)} if unit_id else None,
        received_at=complaint.received_at.isoformat(),
        updated_at=complaint.updated_at.isoformat(),
        timeline=[
            {"at": entry.occurred_at, "event": entry.detail_type, "label": label}
            for entry in history
            if (label := public_label(entry.detail_type, language))
        ],
    )
    if complaint.extra.get("answer"):
        view["answer"] = complaint.extra["answer"]
    return view
