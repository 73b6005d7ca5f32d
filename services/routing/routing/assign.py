"""Recording a routing proposal on the complaint: one change (the store's) with its event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aduan.changes import Outcome
from aduan.complaint import Complaint, as_announced
from aduan.errors import AlreadyProcessed
from aduan.events import (
    ComplaintNeedsTriage,
    ComplaintReceived,
    ComplaintRouted,
    DomainEvent,
    EventMetadata,
    LocationData,
    RoutingData,
)
from aduan.status import Status, SubState
from aduan.store import ComplaintStore

CONSUMER = "routing"
MAX_ATTEMPTS = 3


def routed_complaint(complaint: Complaint, proposal: Any, now: datetime) -> Complaint:
    """The complaint with routing's proposal applied (pure)."""
    location = complaint.location.replace(
        kecamatan=proposal.area.kecamatan_id or complaint.location.kecamatan,
        kelurahan=proposal.area.kelurahan_id or complaint.location.kelurahan,
    )
    return complaint.replace(
        type=complaint.type or proposal.type,
        category=proposal.category_id,
        category_confidence=round(proposal.category_confidence, 3),
        location=LocationData.parse(location.to_dict()),
        proposed_unit_id=proposal.unit_id,
        sub_state=SubState.PROPOSED if proposal.confident else SubState.TRIAGE,
        updated_at=now,
    )


def routing_event(
    received: ComplaintReceived, routed: Complaint, proposal: Any, now: datetime
) -> ComplaintRouted | ComplaintNeedsTriage:
    data = RoutingData(
        complaint_id=routed.id,
        type=routed.type or proposal.type,
        category=proposal.category_id,
        category_confidence=round(proposal.category_confidence, 3),
        kecamatan=routed.location.kecamatan,
        kelurahan=routed.location.kelurahan,
        unit_id=proposal.unit_id,
        rule_id=proposal.rule_id,
        reasons=list(proposal.reasons),
        version=routed.version + 1,
    )
    metadata = EventMetadata(correlation_id=received.metadata.correlation_id, occurred_at=now)
    cls = ComplaintRouted if proposal.confident else ComplaintNeedsTriage
    return cls(metadata=metadata, data=data)


def duplicate_event(
    received: ComplaintReceived, routed: Complaint, duplicates: list[str], now: datetime
) -> Any:
    from aduan.workflow_events import PossibleDuplicateData, PossibleDuplicateFound

    return PossibleDuplicateFound(
        metadata=EventMetadata(
            correlation_id=received.metadata.correlation_id,
            occurred_at=now + timedelta(microseconds=1),
        ),
        data=PossibleDuplicateData(
            complaint_id=routed.id,
            candidates=duplicates,
            category=routed.category or "",
            kecamatan=routed.location.kecamatan,
        ),
    )


def record_proposal(
    received: ComplaintReceived,
    repository: ComplaintStore,
    propose: Any,
    find_duplicates: Callable[[Complaint], list[str]] | None = None,
    *,
    now: datetime,
) -> str:
    """Apply the proposal once. Returns what happened: routed, triage, duplicate or skipped.

    Idempotent on the incoming event id (a marker written in the same transaction); a
    complaint an officer already moved on is left alone (routing only proposes). Possible
    duplicates (``find_duplicates``) are linked in the same write, for the coordinator.
    """

    def decide(complaint: Complaint) -> Outcome | None:
        if complaint.status is not Status.RECEIVED or complaint.category is not None:
            return None
        proposal = propose(complaint)
        routed = routed_complaint(complaint, proposal, now)
        events: list[DomainEvent] = [routing_event(received, routed, proposal, now)]
        duplicates = find_duplicates(routed) if find_duplicates else []
        if duplicates:
            routed = routed.replace(possible_duplicates=duplicates)
            events.append(duplicate_event(received, routed, duplicates, now))
        return Outcome(routed, events)

    try:
        outcome = repository.change(
            received.data.complaint_id,
            decide,
            marker=f"{CONSUMER}#{received.event_id}",
            attempts=MAX_ATTEMPTS,
            # Decided on what the event says, with no read: the write sets only what routing
            # changed, on the event's version (a redelivery meets its marker; an officer's or
            # the media worker's write in between fails the version, and the retry reads).
            known=as_announced(received),
        )
    except AlreadyProcessed:
        return "duplicate"
    if outcome is None:
        return "skipped"
    return "routed" if outcome.complaint.sub_state is SubState.PROPOSED else "triage"
