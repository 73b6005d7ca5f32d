"""What the SLA sweep does to one complaint at one moment. Pure: no I/O, no clock of its own.

For each open deadline, ``aduan.deadlines.sweep_steps`` names the steps due and not yet emitted;
each becomes one event with the step's deterministic event id (reminder -> DeadlineApproaching,
breach -> DeadlineBreached to the unit head, a working day later to the coordinator), and an
auto-close deadline that has come closes the complaint (``aduan.workflow``'s system action). The
step keys are recorded on the complaint in the same write, so a second sweep finds nothing to
emit; a reminder that can no longer be sent (the deadline passed before any sweep saw it) is
recorded as settled too, so the complaint moves on to its next checkpoint bucket.
"""

from __future__ import annotations

from datetime import datetime

from aduan.changes import Outcome
from aduan.complaint import Complaint
from aduan.deadlines import DeadlineKind, SlaStage, step_key, sweep_steps
from aduan.events import DomainEvent, EventMetadata
from aduan.lifecycle import Action
from aduan.workflow import SYSTEM, Change, Clock, apply, schedule_sla
from aduan.workflow_events import DeadlineApproaching, DeadlineBreached

ESCALATED_TO = {
    SlaStage.ESCALATE_UNIT_HEAD: "unit_head",
    SlaStage.ESCALATE_COORDINATOR: "coordinator",
}


def plan(complaint: Complaint, now: datetime, clock: Clock) -> Outcome | None:
    """The write this sweep makes for the complaint, or None when there is nothing to do."""
    if not complaint.status.is_open:
        return None
    calendar = clock.calendar
    events: list[DomainEvent] = []
    settled: list[str] = []
    auto_close = False
    for kind, due in sorted(complaint.deadlines.items()):
        local_due = calendar.to_local(due)
        for step in sweep_steps(complaint.id, kind, due, now, calendar, complaint.sla_emitted):
            settled.append(step.key)
            if step.stage is SlaStage.AUTO_CLOSE:
                auto_close = True
                continue
            data = {
                "complaint_id": complaint.id,
                "kind": str(step.kind),
                "due": local_due,
                "status": complaint.status,
                "unit_id": complaint.unit_id,
                "bidang_id": complaint.bidang_id,
                "step_key": step.key,
            }
            metadata = EventMetadata(
                event_id=step.event_id, correlation_id=complaint.id, occurred_at=now
            )
            if step.stage is SlaStage.APPROACHING:
                events.append(DeadlineApproaching.checked(metadata=metadata, data=data))
            else:
                escalated = {**data, "escalated_to": ESCALATED_TO[step.stage]}
                events.append(DeadlineBreached.checked(metadata=metadata, data=escalated))
        if DeadlineKind(kind) is not DeadlineKind.AUTO_CLOSE and now > local_due:
            # Past the deadline a reminder is never sent (sweep_steps says so): settle it.
            reminder = step_key(complaint.id, kind, local_due, SlaStage.APPROACHING)
            if reminder not in complaint.sla_emitted and reminder not in settled:
                settled.append(reminder)
    if not settled:
        return None
    marked = complaint.replace(sla_emitted=[*complaint.sla_emitted, *settled])
    if auto_close:
        closed = apply(marked, Change(Action.AUTO_CLOSE, SYSTEM), clock, now)
        return Outcome(closed.complaint, events + closed.events, closed.messages)
    return Outcome(schedule_sla(marked, calendar), events)
