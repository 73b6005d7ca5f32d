"""The SLA sweep: each reminder, breach and escalation once, at its moment, and the Deadlines
index bucket following the next checkpoint."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aduan.calendar import WorkingCalendar, load_zone
from aduan.complaint import Complaint
from aduan.deadlines import step_event_id
from aduan.events import DomainEvent
from aduan.lifecycle import Action, Role
from aduan.repository import deadline_bucket, index_attributes
from aduan.status import Status
from aduan.store import InMemoryComplaintStore
from aduan.workflow import Actor, Change, Clock, apply, at_receipt
from casework import sweep
from casework.sla import plan

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed"
WIB = load_zone("Asia/Jakarta")
MONDAY = datetime(2026, 11, 9, 10, 0, tzinfo=WIB)  # verify due: end of Thursday 12 Nov


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(WorkingCalendar.from_seed(json.loads((SEED / "calendar.json").read_text())), {})


def wib(d: int, h: int = 9, m: int = 0) -> datetime:
    return datetime(2026, 11, d, h, m, tzinfo=WIB)


def new(clock: Clock, complaint_id: str = "7K3MQ-9XWT2") -> Complaint:
    return at_receipt(
        Complaint.checked(
            id=complaint_id,
            status=Status.RECEIVED,
            channel="web",
            title="t",
            description="d",
            received_at=MONDAY,
            updated_at=MONDAY,
        ),
        clock,
    )


class FakeRepository(InMemoryComplaintStore):
    """The in-memory store (versioned saves, an event id written once, the Deadlines index
    derived from the items exactly as the real one is) with the outbox as a list, and a hook to
    race the sweep."""

    def __init__(self, *complaints: Complaint) -> None:
        super().__init__()
        for complaint in complaints:
            self.create(complaint, [])
        self.outbox: list[DomainEvent] = []
        self.before_save = None

    def save(self, complaint, expected_version, events, marker=None, messages=None) -> Complaint:
        if self.before_save:
            hook, self.before_save = self.before_save, None
            hook()
        saved = super().save(complaint, expected_version, events, marker, messages)
        self.outbox += events
        return saved

    def types(self) -> list[str]:
        return [
            e.detail_type() + (f":{e.data.escalated_to}" if hasattr(e.data, "escalated_to") else "")
            for e in self.outbox
        ]


def sweep_at(repo: FakeRepository, clock: Clock, now: datetime) -> None:
    for complaint_id in sweep.due_complaints(repo, now):
        sweep.sweep_one(repo, complaint_id, now, clock)


def test_nothing_is_due_before_the_reminder(clock):
    assert plan(new(clock), wib(10, 23, 59), clock) is None


def test_reminder_breach_and_escalations_each_come_once_at_their_moment(clock):
    repo = FakeRepository(new(clock))
    # Wednesday 00:00 is one working day before the deadline (end of Thursday)
    for now in (wib(10, 12), wib(11, 0, 1), wib(11, 8), wib(12, 23, 59)):
        sweep_at(repo, clock, now)
        sweep_at(repo, clock, now)  # a second run at the same moment sends nothing more
    assert repo.types() == ["DeadlineApproaching"]
    # Friday: breached -> the unit head; still Friday: nothing more
    sweep_at(repo, clock, wib(13, 0, 5))
    sweep_at(repo, clock, wib(13, 17))
    assert repo.types() == ["DeadlineApproaching", "DeadlineBreached:unit_head"]
    # the unit head had Friday, a full working day; after it the coordinator hears of it, once
    sweep_at(repo, clock, wib(13, 23, 59))
    assert len(repo.outbox) == 2
    sweep_at(repo, clock, wib(14, 0, 5))
    sweep_at(repo, clock, wib(16, 9))
    assert repo.types() == [
        "DeadlineApproaching",
        "DeadlineBreached:unit_head",
        "DeadlineBreached:coordinator",
    ]
    # every step done: the complaint has left the Deadlines index
    final = repo.get("7K3MQ-9XWT2")
    assert final.sla_next_at is None and "GSI2PK" not in index_attributes(final)


def test_the_index_bucket_follows_the_next_checkpoint(clock):
    repo = FakeRepository(new(clock))
    assert (
        index_attributes(repo.get("7K3MQ-9XWT2"))["GSI2PK"]
        == deadline_bucket(wib(11, 0))
        == "DUE#2026-11-10"
    )
    sweep_at(repo, clock, wib(11, 8))
    moved = repo.get("7K3MQ-9XWT2")
    assert moved.sla_next_at == datetime(2026, 11, 12, 23, 59, 59, 999999, tzinfo=WIB)


def test_a_sweep_that_was_down_catches_up_without_a_late_reminder(clock):
    repo = FakeRepository(new(clock))
    sweep_at(repo, clock, wib(17, 10))  # first run long after the deadline
    assert repo.types() == ["DeadlineBreached:unit_head", "DeadlineBreached:coordinator"]
    assert repo.get("7K3MQ-9XWT2").sla_next_at is None


def test_event_ids_are_the_steps_deterministic_ids(clock):
    repo = FakeRepository(new(clock))
    sweep_at(repo, clock, wib(11, 8))
    event = repo.outbox[0]
    assert event.event_id == step_event_id(event.data.step_key)
    assert event.data.kind == "verify" and event.data.unit_id is None


def test_two_sweeps_racing_emit_once(clock):
    repo = FakeRepository(new(clock))
    now = wib(11, 8)
    # WHEN another sweep writes the same step between this sweep's read and its write
    repo.before_save = lambda: sweep.sweep_one(repo, "7K3MQ-9XWT2", now, clock)
    emitted = sweep.sweep_one(repo, "7K3MQ-9XWT2", now, clock)
    # THEN the loser re-reads, finds the step recorded and emits nothing
    assert emitted == [] and repo.types() == ["DeadlineApproaching"]


def test_an_officer_acting_meanwhile_wins_and_the_sweep_decides_on_the_new_state(clock):
    repo = FakeRepository(new(clock))
    coordinator = Actor(Role.COORDINATOR, "sub", "diskominfo")

    def verify_now():
        current = repo.get("7K3MQ-9XWT2")
        outcome = apply(
            current, Change(Action.VERIFY, coordinator, unit_id="dlh"), clock, wib(11, 7)
        )
        repo.save(outcome.complaint, current.version, outcome.events)

    repo.before_save = verify_now
    sweep.sweep_one(repo, "7K3MQ-9XWT2", wib(11, 8), clock)
    # the verify reminder is moot: the complaint is at DLH with a fresh answer deadline
    assert [t for t in repo.types() if t.startswith("Deadline")] == []
    assert repo.get("7K3MQ-9XWT2").status is Status.DISPATCHED


def test_answer_deadline_reminds_the_unit_and_auto_close_closes(clock):
    complaint = new(clock)
    coordinator = Actor(Role.COORDINATOR, "sub", "diskominfo")
    dispatched = apply(
        complaint, Change(Action.VERIFY, coordinator, unit_id="dlh"), clock, MONDAY
    ).complaint
    step = plan(dispatched, wib(13, 1), clock)  # answer due end of Monday 16: reminded Friday 00:00
    assert [e.detail_type() for e in step.events] == ["DeadlineApproaching"]
    assert step.events[0].data.unit_id == "dlh" and step.events[0].data.kind == "answer"
    responded = dispatched.replace(
        **{
            "status": Status.RESPONDED,
            "deadlines": {"auto_close": datetime(2026, 11, 23, 23, 59, 59, 999999, tzinfo=WIB)},
            "sla_emitted": [],
        }
    )
    assert plan(responded, wib(23, 23, 0), clock) is None
    closed = plan(responded, datetime(2026, 11, 24, 0, 1, tzinfo=WIB), clock)
    assert closed.complaint.status is Status.CLOSED and [
        e.detail_type() for e in closed.events
    ] == ["ComplaintAutoClosed"]


def test_the_sweep_reads_buckets_from_two_weeks_back_to_today():
    days = sweep.buckets(datetime(2026, 11, 20, 1, tzinfo=UTC))
    assert days[0] == "2026-11-06" and days[-1] == "2026-11-20" and len(days) == 15


def test_the_schedules_time_is_the_sweeps_now():
    assert sweep.scheduled_time({"time": "2026-11-20T01:05:00Z"}) == datetime(
        2026, 11, 20, 1, 5, tzinfo=UTC
    )
