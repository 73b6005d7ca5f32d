"""The officers' work queues and the SLA badge (casework.queues): pure decisions."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from aduan.calendar import WorkingCalendar, load_zone
from aduan.complaint import Complaint
from aduan.lifecycle import Role
from aduan.officers import Officer
from aduan.status import Status
from aduan.workflow import Clock
from casework.queues import Filters, queue_of, queues_of, shows, sla_badge
from casework.sla import plan

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed"
WIB = load_zone("Asia/Jakarta")
MONDAY = datetime(2026, 11, 9, 10, 0, tzinfo=WIB)
THURSDAY_END = datetime(2026, 11, 12, 23, 59, 59, tzinfo=WIB)

COORD = Officer("s1", "koordinator", Role.COORDINATOR)
ADMIN = Officer("s2", "admin", Role.UNIT_ADMIN, "kel-a")
BIDANG = Officer("s3", "bidang", Role.BIDANG, "kel-a", "kel-a.pelayanan")


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar.from_seed(json.loads((SEED / "calendar.json").read_text()))


def complaint(**fields) -> Complaint:
    base = {
        "id": "7K3MQ-9XWT2",
        "status": Status.RECEIVED,
        "channel": "web",
        "title": "Jalan berlubang",
        "description": "Jalan berlubang di depan sekolah.",
        "received_at": MONDAY,
        "updated_at": MONDAY,
        "deadlines": {"verify": THURSDAY_END},
    }
    return Complaint.checked(**{**base, **fields})


@pytest.mark.parametrize(
    ("now", "state", "left"),
    [
        (datetime(2026, 11, 9, 12, 0, tzinfo=WIB), "on_time", 3),
        (datetime(2026, 11, 11, 8, 0, tzinfo=WIB), "due_soon", 1),  # the reminder's day
        (datetime(2026, 11, 13, 9, 0, tzinfo=WIB), "overdue", -1),
        # Saturday, a working day on: the coordinator should have been told, but only the sweep's
        # record of telling them makes the badge "escalated" (below).
        (datetime(2026, 11, 14, 9, 0, tzinfo=WIB), "overdue", -1),
    ],
)
def test_the_sla_badge_follows_the_deadline(calendar, now, state, left):
    badge = sla_badge(complaint(), now, calendar)
    assert badge["state"] == state and badge["kind"] == "verify"
    assert badge["working_days_left"] == left


def test_escalated_is_the_sweeps_record_of_telling_the_coordinator(calendar):
    friday, saturday = (datetime(2026, 11, d, 9, 0, tzinfo=WIB) for d in (13, 14))
    unswept = complaint()
    assert sla_badge(unswept, saturday, calendar)["state"] == "overdue"

    to_unit_head = plan(unswept, friday, Clock(calendar))
    assert to_unit_head is not None
    assert sla_badge(to_unit_head.complaint, saturday, calendar)["state"] == "overdue"

    to_coordinator = plan(to_unit_head.complaint, saturday, Clock(calendar))
    assert to_coordinator is not None
    assert [e.data.escalated_to for e in to_coordinator.events] == ["coordinator"]
    badge = sla_badge(to_coordinator.complaint, saturday, calendar)
    assert badge["state"] == "escalated" and badge["working_days_left"] == -1


def test_an_escalation_of_another_deadline_does_not_mark_this_one(calendar):
    saturday = datetime(2026, 11, 14, 9, 0, tzinfo=WIB)
    swept = plan(complaint(), saturday, Clock(calendar))
    assert swept is not None
    # The complaint is verified: the verify deadline (escalated) makes way for the answer's.
    answering = swept.complaint.replace(
        status=Status.DISPATCHED,
        deadlines={"answer": datetime(2026, 11, 20, 23, 59, 59, tzinfo=WIB)},
    )
    assert sla_badge(answering, saturday, calendar)["state"] == "on_time"


def test_no_officer_deadline_is_no_badge(calendar):
    assert sla_badge(complaint(status=Status.DEFERRED, deadlines={}), MONDAY, calendar) == {
        "state": "none"
    }
    auto_close_only = complaint(status=Status.RESPONDED, deadlines={"auto_close": THURSDAY_END})
    assert sla_badge(auto_close_only, MONDAY, calendar)["state"] == "none"


def test_each_role_has_the_queues_of_its_work():
    assert [q.id for q in queues_of(COORD)] == [
        "unverified",
        "deferred",
        "returned",
        "triage",
        "verified",
        "overdue",
    ]
    assert [q.id for q in queues_of(ADMIN)] == [
        "new_dispositions",
        "with_bidang",
        "pending_release",
        "overdue",
    ]
    assert [q.id for q in queues_of(BIDANG)] == ["my_tasks", "rework"]
    with pytest.raises(ValueError):
        queue_of(BIDANG, "pending_release")


def test_returned_complaints_and_drafts_waiting_for_release_have_their_queues(calendar):
    none = Filters()
    returned = complaint(status=Status.VERIFIED, sub_state="returned")
    assert shows(queue_of(COORD, "returned"), COORD, returned, MONDAY, none, calendar)
    assert not shows(queue_of(COORD, "verified"), COORD, returned, MONDAY, none, calendar)
    draft = complaint(
        status=Status.IN_PROGRESS,
        sub_state="draft_pending_release",
        unit_id="kel-a",
        bidang_id="kel-a.pelayanan",
    )
    assert shows(queue_of(ADMIN, "pending_release"), ADMIN, draft, MONDAY, none, calendar)
    assert not shows(queue_of(ADMIN, "with_bidang"), ADMIN, draft, MONDAY, none, calendar)
    assert not shows(queue_of(BIDANG, "my_tasks"), BIDANG, draft, MONDAY, none, calendar)


def test_a_bidang_sees_only_its_own_tasks(calendar):
    other = complaint(
        status=Status.IN_PROGRESS, sub_state="with_bidang", unit_id="kel-a", bidang_id="kel-a.lain"
    )
    mine = other.replace(bidang_id="kel-a.pelayanan")
    queue = queue_of(BIDANG, "my_tasks")
    assert shows(queue, BIDANG, mine, MONDAY, Filters(), calendar)
    assert not shows(queue, BIDANG, other, MONDAY, Filters(), calendar)


def test_filters_narrow_the_queue(calendar):
    queue = queue_of(COORD, "unverified")
    row = complaint(
        category="roads", location={"kecamatan": "klojen", "kelurahan": "klojen-oro-oro-dowo"}
    )
    assert shows(queue, COORD, row, MONDAY, Filters(category="roads", kecamatan="klojen"), calendar)
    assert not shows(queue, COORD, row, MONDAY, Filters(category="waste"), calendar)
    assert not shows(queue, COORD, row, MONDAY, Filters(channel="sms"), calendar)
    assert shows(
        queue,
        COORD,
        row,
        MONDAY,
        Filters(received_from="2026-11-09", received_to="2026-11-09"),
        calendar,
    )
    assert not shows(queue, COORD, row, MONDAY, Filters(received_from="2026-11-10"), calendar)
    overdue = queue_of(COORD, "overdue")
    assert not shows(overdue, COORD, row, MONDAY, Filters(), calendar)
    assert shows(overdue, COORD, row, datetime(2026, 11, 13, 9, 0, tzinfo=WIB), Filters(), calendar)
