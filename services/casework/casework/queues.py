"""The officers' work queues, per role, and the SLA badge of a row. Pure.

A queue is a few (status) partitions of the officer's inbox (the UnitInbox index is per owner
and status, due soonest first) and a condition on what is read: the sub-state, the bidang, an
overdue deadline. SP4N-LAPOR!'s practice names them:

* coordinator: unverified (received, routed), triage (received, no unit proposed), deferred,
  returned (a unit said "bukan wewenang": verified again, without a unit), verified (verified,
  waiting for a disposition), overdue (a verify deadline passed);
* unit admin: new_dispositions (dispatched to the unit), with_bidang (a bidang is writing or
  reworking), pending_release (a draft waits for the admin), overdue;
* bidang: my_tasks (given to this bidang), rework (its draft came back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aduan.calendar import WorkingCalendar
from aduan.complaint import Complaint
from aduan.deadlines import DeadlineKind, SlaStage, step_key
from aduan.lifecycle import Role, SubState
from aduan.officers import Officer
from aduan.status import Status

S = Status
RETURNED = "returned"  # the sub-state a unit's "bukan wewenang" leaves (see aduan.workflow)
TRIAGE = "triage"

Condition = Callable[[Complaint, Officer, datetime], bool]


def _always(c: Complaint, o: Officer, now: datetime) -> bool:
    return True


def _overdue(c: Complaint, o: Officer, now: datetime) -> bool:
    return any(now > due for kind, due in c.deadlines.items() if kind != DeadlineKind.AUTO_CLOSE)


def _mine(c: Complaint, o: Officer) -> bool:
    return o.role is not Role.BIDANG or c.bidang_id == o.bidang_id


@dataclass(frozen=True)
class Queue:
    id: str
    label: str  # Indonesian; the console has both languages
    statuses: tuple[Status, ...]
    condition: Condition = _always


QUEUES: dict[Role, tuple[Queue, ...]] = {
    Role.COORDINATOR: (
        Queue(
            "unverified", "Belum diverifikasi", (S.RECEIVED,), lambda c, o, n: c.sub_state != TRIAGE
        ),
        Queue("deferred", "Ditunda", (S.DEFERRED,)),
        Queue(
            "returned",
            "Dikembalikan (bukan wewenang)",
            (S.VERIFIED,),
            lambda c, o, n: c.sub_state == RETURNED,
        ),
        Queue("triage", "Perlu triase", (S.RECEIVED,), lambda c, o, n: c.sub_state == TRIAGE),
        Queue(
            "verified",
            "Terverifikasi tanpa disposisi",
            (S.VERIFIED,),
            lambda c, o, n: c.sub_state != RETURNED,
        ),
        Queue("overdue", "Terlambat", (S.RECEIVED, S.VERIFIED), _overdue),
    ),
    Role.UNIT_ADMIN: (
        Queue("new_dispositions", "Disposisi baru", (S.DISPATCHED,)),
        Queue(
            "with_bidang",
            "Menunggu jawaban bidang",
            (S.IN_PROGRESS,),
            lambda c, o, n: c.sub_state != SubState.DRAFT_PENDING_RELEASE,
        ),
        Queue(
            "pending_release",
            "Jawaban menunggu terbit",
            (S.IN_PROGRESS,),
            lambda c, o, n: c.sub_state == SubState.DRAFT_PENDING_RELEASE,
        ),
        Queue("overdue", "Terlambat", (S.DISPATCHED, S.IN_PROGRESS), _overdue),
    ),
    Role.BIDANG: (
        Queue(
            "my_tasks",
            "Tugas saya",
            (S.IN_PROGRESS,),
            lambda c, o, n: c.sub_state in (None, SubState.WITH_BIDANG),
        ),
        Queue(
            "rework",
            "Dikembalikan untuk diperbaiki",
            (S.IN_PROGRESS,),
            lambda c, o, n: c.sub_state == SubState.REWORK_REQUESTED,
        ),
    ),
}


class UnknownQueue(ValueError):
    pass


def queues_of(officer: Officer) -> tuple[Queue, ...]:
    return QUEUES[officer.role]


def queue_of(officer: Officer, queue_id: str | None) -> Queue:
    mine = queues_of(officer)
    if not queue_id:
        return mine[0]
    for queue in mine:
        if queue.id == queue_id:
            return queue
    raise UnknownQueue(queue_id)


@dataclass(frozen=True)
class Filters:
    """What the officer narrowed the list to (all optional; dates are local YYYY-MM-DD)."""

    status: Status | None = None
    category: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    channel: str | None = None
    received_from: str | None = None
    received_to: str | None = None

    def key(self) -> str:
        return "|".join(str(v or "") for v in self.__dict__.values())


def shows(
    queue: Queue,
    officer: Officer,
    complaint: Complaint,
    now: datetime,
    filters: Filters,
    calendar: WorkingCalendar,
) -> bool:
    if not _mine(complaint, officer) or not queue.condition(complaint, officer, now):
        return False
    if filters.status and complaint.status is not filters.status:
        return False
    if filters.category and complaint.category != filters.category:
        return False
    if filters.kecamatan and complaint.location.kecamatan != filters.kecamatan:
        return False
    if filters.kelurahan and complaint.location.kelurahan != filters.kelurahan:
        return False
    if filters.channel and complaint.channel != filters.channel:
        return False
    day = calendar.local_date(complaint.received_at).isoformat()
    if filters.received_from and day < filters.received_from:
        return False
    return not (filters.received_to and day > filters.received_to)


def sla_badge(complaint: Complaint, now: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    """The officers' deadline (verify or answer) as a badge: on_time, due_soon (within one working
    day: the sweep's reminder has come), overdue, escalated, or none; with the working days left
    (negative: late).

    "escalated" is what the sweep did, not what the calendar says it should have done by now: the
    sweep records the step key of its escalation to the coordinator on the complaint in the same
    write as the DeadlineBreached event, and the badge reads that record. A sweep that has not run
    yet leaves the badge at overdue, as the coordinator has not been told."""
    officer_deadlines = [
        (due, kind) for kind, due in complaint.deadlines.items() if kind != DeadlineKind.AUTO_CLOSE
    ]
    if not officer_deadlines:
        return {"state": "none"}
    due, kind = min(officer_deadlines)
    told_coordinator = step_key(
        complaint.id, kind, calendar.to_local(due), SlaStage.ESCALATE_COORDINATOR
    )
    if told_coordinator in complaint.sla_emitted:
        state = "escalated"
    elif now > due:
        state = "overdue"
    elif now >= calendar.reminder_at(due):
        state = "due_soon"
    else:
        state = "on_time"
    return {
        "state": state,
        "kind": kind,
        "due": due.isoformat(),
        "working_days_left": calendar.working_days_between(now, due),
    }
