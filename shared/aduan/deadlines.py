"""Which deadlines a complaint has, and what the SLA sweep must emit about them. Pure.

Three deadline kinds, each counted in working days by ``WorkingCalendar.add_working_days``:

* ``verify`` — the coordinator's: verify *and* disposition to a unit, 3 working days by default.
  Open while the complaint is ``received`` or ``verified``.
* ``answer`` — the unit's: release an answer, 5 working days from the disposition to the unit.
  Open while ``dispatched`` or ``in_progress`` (a hand-over to another bidang keeps the clock).
* ``auto_close`` — the system's: close an answer the citizen left unanswered, 10 working days.
  Open while ``responded``.

A deadline is set fresh when its kind becomes open, kept while it stays open, and cleared when
it closes. So deferral (tunda) stops the verify clock and the citizen's answer restarts it; a
unit's "bukan wewenang" gives the coordinator a fresh verify clock; a reopened answer gives the
unit a fresh answer clock. Per-category counts come from the category seed
(``{"verify_working_days": 3, "answer_working_days": 5, "auto_close_working_days": 10}``).

The sweep (every 5 minutes) asks ``sweep_steps`` what is due and emits each step once: every step
has a deterministic key (complaint, kind, due date, stage) and event id, so a second run finds
the key already recorded and emits nothing. The due date is part of the key because a deadline
that is set again (a reopened answer) must be able to warn and escalate again.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from aduan.calendar import WorkingCalendar
from aduan.status import Status


class DeadlineKind(StrEnum):
    VERIFY = "verify"
    ANSWER = "answer"
    AUTO_CLOSE = "auto_close"


DEFAULT_WORKING_DAYS: dict[DeadlineKind, int] = {
    DeadlineKind.VERIFY: 3,
    DeadlineKind.ANSWER: 5,
    DeadlineKind.AUTO_CLOSE: 10,
}

OPEN_DEADLINES: dict[Status, frozenset[DeadlineKind]] = {
    Status.RECEIVED: frozenset({DeadlineKind.VERIFY}),
    Status.DEFERRED: frozenset(),
    Status.VERIFIED: frozenset({DeadlineKind.VERIFY}),
    Status.DISPATCHED: frozenset({DeadlineKind.ANSWER}),
    Status.IN_PROGRESS: frozenset({DeadlineKind.ANSWER}),
    Status.RESPONDED: frozenset({DeadlineKind.AUTO_CLOSE}),
    Status.CLOSED: frozenset(),
    Status.ARCHIVED: frozenset(),
}


def working_days(category_deadlines: Mapping[str, int] | None, kind: DeadlineKind) -> int:
    """The category's count for a kind; accepts ``verify_working_days`` or ``verify`` keys."""
    given = category_deadlines or {}
    for key in (f"{kind}_working_days", str(kind)):
        if key in given:
            value = int(given[key])
            if value < 0:
                raise ValueError(f"{key} must be >= 0")
            return value
    return DEFAULT_WORKING_DAYS[kind]


class DeadlineRules:
    """The three due dates for one category, on one calendar."""

    def __init__(
        self, calendar: WorkingCalendar, category_deadlines: Mapping[str, int] | None = None
    ) -> None:
        self.calendar = calendar
        self.category_deadlines = category_deadlines or {}

    def due(self, kind: DeadlineKind, start: datetime) -> datetime:
        return self.calendar.add_working_days(start, working_days(self.category_deadlines, kind))

    def verify_due(self, received_at: datetime) -> datetime:
        return self.due(DeadlineKind.VERIFY, received_at)

    def answer_due(self, dispatched_at: datetime) -> datetime:
        return self.due(DeadlineKind.ANSWER, dispatched_at)

    def auto_close_due(self, responded_at: datetime) -> datetime:
        return self.due(DeadlineKind.AUTO_CLOSE, responded_at)


class StatusChange(NamedTuple):
    """``before`` is None for a new complaint."""

    before: Status | None
    after: Status


def deadlines_for(
    status_event: StatusChange | tuple[Status | None, Status],
    at: datetime,
    category_deadlines: Mapping[str, int] | None,
    calendar: WorkingCalendar,
) -> dict[str, datetime | None]:
    """The changes to ``Complaint.deadlines`` for one status change at ``at``.

    Returns ``{kind: due}`` for a deadline to set and ``{kind: None}`` for one to clear; kinds
    not in the result are left as they are.
    """
    before, after = status_event
    was = OPEN_DEADLINES[before] if before is not None else frozenset()
    now_open = OPEN_DEADLINES[after]
    rules = DeadlineRules(calendar, category_deadlines)
    changes: dict[str, datetime | None] = {str(k): None for k in was - now_open}
    for kind in now_open - was:
        changes[str(kind)] = rules.due(kind, at)
    return changes


# -- the sweep ---------------------------------------------------------------------------------


class SlaStage(StrEnum):
    OK = "ok"  # nothing to say yet
    APPROACHING = "approaching"  # -> DeadlineApproaching (1 working day before)
    ESCALATE_UNIT_HEAD = "escalate_unit_head"  # -> DeadlineBreached, first escalation
    ESCALATE_COORDINATOR = "escalate_coordinator"  # -> DeadlineBreached, still breached a day on
    BREACHED = "breached"  # breached, and every escalation due so far has been sent
    AUTO_CLOSE = "auto_close"  # the auto_close deadline has come: the system closes it


def escalation_at(deadline: datetime, calendar: WorkingCalendar) -> datetime:
    """When a breach still standing goes to the coordinator: the unit head has had one full
    working day, i.e. the end of the first working day after the deadline's day."""
    return calendar.end_of_day(calendar.next_working_day(deadline))


def sla_stage(
    now: datetime,
    deadline: datetime,
    reminder_at: datetime,
    escalations_sent: int,
    coordinator_at: datetime,
) -> SlaStage:
    """What the sweep should emit next for an officer deadline (verify or answer).

    ``escalations_sent`` counts the escalations already emitted for this deadline (0, 1 or 2).
    The unit head comes first: the coordinator is only told after the unit head has been.
    """
    if now < reminder_at:
        return SlaStage.OK
    if now <= deadline:
        return SlaStage.APPROACHING
    if escalations_sent == 0:
        return SlaStage.ESCALATE_UNIT_HEAD
    if escalations_sent == 1 and now > coordinator_at:
        return SlaStage.ESCALATE_COORDINATOR
    return SlaStage.BREACHED


@dataclass(frozen=True)
class SweepStep:
    complaint_id: str
    kind: DeadlineKind
    stage: SlaStage
    due: datetime
    key: str
    event_id: str


# A fixed namespace so the same step always gets the same event id, on any machine.
_STEP_NAMESPACE = uuid.UUID("6f1c1a52-2b0e-4e4e-9a3c-61d1a0e5c0de")


def step_key(complaint_id: str, kind: DeadlineKind | str, due: datetime, stage: SlaStage) -> str:
    # The local date identifies the deadline: deadlines always fall at the end of a local day.
    return f"SLA#{complaint_id}#{kind}#{due.date().isoformat()}#{stage}"


def step_event_id(key: str) -> str:
    return str(uuid.uuid5(_STEP_NAMESPACE, key))


def sweep_steps(
    complaint_id: str,
    kind: DeadlineKind | str,
    due: datetime,
    now: datetime,
    calendar: WorkingCalendar,
    already_emitted: Collection[str] = (),
) -> list[SweepStep]:
    """Every step that is due at ``now`` and not yet emitted, in the order to emit them.

    A sweep that was down catches up: both escalations come out together if both are overdue.
    A reminder is never sent once the deadline has passed (the breach says more).
    """
    kind = DeadlineKind(kind)
    due = calendar.to_local(due)
    wanted: list[SlaStage] = []
    if kind is DeadlineKind.AUTO_CLOSE:
        if now > due:
            wanted.append(SlaStage.AUTO_CLOSE)
    elif now > due:
        wanted.append(SlaStage.ESCALATE_UNIT_HEAD)
        if now > escalation_at(due, calendar):
            wanted.append(SlaStage.ESCALATE_COORDINATOR)
    elif now >= calendar.reminder_at(due):
        wanted.append(SlaStage.APPROACHING)

    steps = []
    for stage in wanted:
        key = step_key(complaint_id, kind, due, stage)
        if key not in already_emitted:
            steps.append(SweepStep(complaint_id, kind, stage, due, key, step_event_id(key)))
    return steps


def checkpoints(
    kind: DeadlineKind | str, due: datetime, calendar: WorkingCalendar
) -> list[tuple[SlaStage, datetime]]:
    """The moments at which the sweep has something to emit for a deadline, earliest first.

    For the sparse deadline index: bucket a complaint by its earliest checkpoint not yet emitted,
    so the sweep sees it on the reminder day too, not only on the due date. A step is due once
    ``now`` is at or past its moment (escalations strictly after the end of the day).
    """
    kind = DeadlineKind(kind)
    due = calendar.to_local(due)
    if kind is DeadlineKind.AUTO_CLOSE:
        return [(SlaStage.AUTO_CLOSE, due)]
    return [
        (SlaStage.APPROACHING, calendar.reminder_at(due)),
        (SlaStage.ESCALATE_UNIT_HEAD, due),
        (SlaStage.ESCALATE_COORDINATOR, escalation_at(due, calendar)),
    ]
