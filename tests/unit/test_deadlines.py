"""Deadlines per status change, and what the SLA sweep emits (once) as they approach and pass."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from aduan.calendar import END_OF_DAY, WorkingCalendar, load_zone
from aduan.deadlines import (
    DEFAULT_WORKING_DAYS,
    OPEN_DEADLINES,
    DeadlineKind,
    DeadlineRules,
    SlaStage,
    StatusChange,
    checkpoints,
    deadlines_for,
    escalation_at,
    sla_stage,
    step_event_id,
    step_key,
    sweep_steps,
    working_days,
)
from aduan.lifecycle import TRANSITIONS
from aduan.status import Status

SEED_PATH = Path(__file__).resolve().parents[2] / "infra" / "seed" / "calendar.json"
WIB = load_zone("Asia/Jakarta")
# The shape of a category's "deadlines" in infra/seed/categories.json.
ROADS = {"verify_working_days": 3, "answer_working_days": 5, "auto_close_working_days": 10}
S, K = Status, DeadlineKind


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar.from_seed(json.loads(SEED_PATH.read_text(encoding="utf-8")))


def wib(y: int, m: int, d: int, hh: int = 10, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=WIB)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime.combine(date(y, m, d), END_OF_DAY, tzinfo=WIB)


# -- counts and due dates --------------------------------------------------------------------


def test_working_day_counts_default_to_3_5_10_and_follow_the_category() -> None:
    assert [working_days(None, k) for k in K] == [3, 5, 10]
    assert DEFAULT_WORKING_DAYS == {K.VERIFY: 3, K.ANSWER: 5, K.AUTO_CLOSE: 10}
    # GIVEN a category that allows 7 working days for an answer (either key style)
    assert working_days({"answer_working_days": 7}, K.ANSWER) == 7
    assert working_days({"answer": 7}, K.ANSWER) == 7
    assert working_days({"answer_working_days": 7}, K.VERIFY) == 3
    with pytest.raises(ValueError):
        working_days({"verify_working_days": -1}, K.VERIFY)


def test_due_dates_for_a_monday_morning_complaint(cal: WorkingCalendar) -> None:
    # GIVEN the roads category and Monday 9 Nov 2026, 10:00 WIB (no holidays that month)
    rules = DeadlineRules(cal, ROADS)
    monday = wib(2026, 11, 9)
    # THEN verify by the end of Thursday, answer by the end of next Monday,
    # auto-close ten working days after an answer: the end of Monday 23 Nov
    assert rules.verify_due(monday) == end_of(2026, 11, 12)
    assert rules.answer_due(monday) == end_of(2026, 11, 16)
    assert rules.auto_close_due(monday) == end_of(2026, 11, 23)


def test_answer_due_over_lebaran_2026(cal: WorkingCalendar) -> None:
    # GIVEN a disposition to a unit on Tuesday 17 Mar 2026 at 11:00 WIB
    # THEN the five working days are 25, 26, 27, 30, 31 Mar
    assert DeadlineRules(cal, ROADS).answer_due(wib(2026, 3, 17, 11)) == end_of(2026, 3, 31)


# -- which deadlines a status change sets, keeps and clears -----------------------------------


def test_a_new_complaint_gets_a_verify_deadline(cal: WorkingCalendar) -> None:
    changes = deadlines_for(StatusChange(None, S.RECEIVED), wib(2026, 11, 9), ROADS, cal)
    assert changes == {"verify": end_of(2026, 11, 12)}


def test_verification_keeps_the_verify_clock_running_until_disposition(
    cal: WorkingCalendar,
) -> None:
    # GIVEN a complaint verified on Wednesday without a unit yet
    # THEN the verify deadline (from receipt) is untouched: it covers the disposition too
    assert deadlines_for((S.RECEIVED, S.VERIFIED), wib(2026, 11, 11), ROADS, cal) == {}


def test_disposition_to_a_unit_swaps_verify_for_answer(cal: WorkingCalendar) -> None:
    changes = deadlines_for((S.VERIFIED, S.DISPATCHED), wib(2026, 11, 10, 14), ROADS, cal)
    assert changes == {"verify": None, "answer": end_of(2026, 11, 17)}


def test_the_unit_handing_work_to_a_bidang_does_not_restart_its_clock(
    cal: WorkingCalendar,
) -> None:
    assert deadlines_for((S.DISPATCHED, S.IN_PROGRESS), wib(2026, 11, 12), ROADS, cal) == {}
    assert deadlines_for((S.IN_PROGRESS, S.IN_PROGRESS), wib(2026, 11, 12), ROADS, cal) == {}


def test_release_swaps_answer_for_auto_close(cal: WorkingCalendar) -> None:
    changes = deadlines_for((S.IN_PROGRESS, S.RESPONDED), wib(2026, 11, 13, 9), ROADS, cal)
    # Friday 13 Nov is day 0; ten working days later is Friday 27 Nov
    assert changes == {"answer": None, "auto_close": end_of(2026, 11, 27)}


def test_a_reopened_answer_gives_the_unit_a_fresh_answer_clock(cal: WorkingCalendar) -> None:
    changes = deadlines_for((S.RESPONDED, S.IN_PROGRESS), wib(2026, 11, 16), ROADS, cal)
    assert changes == {"auto_close": None, "answer": end_of(2026, 11, 23)}


def test_deferral_stops_the_verify_clock_and_the_citizens_answer_restarts_it(
    cal: WorkingCalendar,
) -> None:
    assert deadlines_for((S.RECEIVED, S.DEFERRED), wib(2026, 11, 9), ROADS, cal) == {"verify": None}
    # GIVEN the citizen answers on Saturday  THEN three working days from Monday
    assert deadlines_for((S.DEFERRED, S.RECEIVED), wib(2026, 11, 14), ROADS, cal) == {
        "verify": end_of(2026, 11, 19)
    }


def test_bukan_wewenang_from_a_unit_gives_the_coordinator_a_fresh_verify_clock(
    cal: WorkingCalendar,
) -> None:
    changes = deadlines_for((S.DISPATCHED, S.VERIFIED), wib(2026, 11, 10), ROADS, cal)
    assert changes == {"answer": None, "verify": end_of(2026, 11, 13)}


STATUS_CHANGES = sorted({(before, after) for (before, _, _), after in TRANSITIONS.items()})


@pytest.mark.parametrize(("before", "after"), STATUS_CHANGES)
def test_every_transition_leaves_exactly_the_deadlines_its_status_has_open(
    cal: WorkingCalendar, before: Status, after: Status
) -> None:
    # GIVEN a complaint with the deadlines open in `before`
    current = {str(k): end_of(2026, 11, 30) for k in OPEN_DEADLINES[before]}
    # WHEN the transition's changes are applied
    for kind, due in deadlines_for((before, after), wib(2026, 11, 9), ROADS, cal).items():
        if due is None:
            current.pop(kind)
        else:
            current[kind] = due
    # THEN exactly the deadlines of `after` are open; closed and archived have none
    assert set(current) == {str(k) for k in OPEN_DEADLINES[after]}


# -- the sweep -------------------------------------------------------------------------------


def test_sla_stage_walks_from_ok_to_both_escalations(cal: WorkingCalendar) -> None:
    # GIVEN an answer deadline at the end of Monday 16 Nov 2026
    due = end_of(2026, 11, 16)
    remind, coord = cal.reminder_at(due), escalation_at(due, cal)
    assert remind == wib(2026, 11, 13, 0)
    assert coord == end_of(2026, 11, 17)
    # THEN the stages follow the clock and the escalations already sent
    assert sla_stage(wib(2026, 11, 12, 23, 59), due, remind, 0, coord) is SlaStage.OK
    assert sla_stage(wib(2026, 11, 13, 0), due, remind, 0, coord) is SlaStage.APPROACHING
    assert sla_stage(due, due, remind, 0, coord) is SlaStage.APPROACHING
    assert sla_stage(wib(2026, 11, 17, 0), due, remind, 0, coord) is SlaStage.ESCALATE_UNIT_HEAD
    assert sla_stage(wib(2026, 11, 17, 15), due, remind, 1, coord) is SlaStage.BREACHED
    assert sla_stage(wib(2026, 11, 18, 0), due, remind, 1, coord) is SlaStage.ESCALATE_COORDINATOR
    assert sla_stage(wib(2026, 11, 18, 0), due, remind, 2, coord) is SlaStage.BREACHED
    # AND the coordinator is never told before the unit head
    assert sla_stage(wib(2026, 11, 25), due, remind, 0, coord) is SlaStage.ESCALATE_UNIT_HEAD


def test_story_nobody_acts_and_each_step_arrives_once_on_time(cal: WorkingCalendar) -> None:
    # GIVEN complaint C-1 dispatched on Monday 9 Nov 2026 10:00, answer due end of Mon 16 Nov
    due = DeadlineRules(cal, ROADS).answer_due(wib(2026, 11, 9))
    emitted: set[str] = set()

    def sweep(now: datetime) -> list[SlaStage]:
        steps = sweep_steps("C-1", "answer", due, now, cal, emitted)
        emitted.update(step.key for step in steps)
        return [step.stage for step in steps]

    # WHEN the sweep runs every few hours and nobody acts
    # THEN nothing before the reminder day
    assert sweep(wib(2026, 11, 12, 23, 55)) == []
    # THEN one reminder on Friday (1 working day before), and a second run sends nothing
    assert sweep(wib(2026, 11, 13, 0, 5)) == [SlaStage.APPROACHING]
    assert sweep(wib(2026, 11, 13, 0, 10)) == []
    assert sweep(wib(2026, 11, 16, 23, 55)) == []
    # THEN just after the deadline the unit head hears, once
    assert sweep(wib(2026, 11, 17, 0, 5)) == [SlaStage.ESCALATE_UNIT_HEAD]
    assert sweep(wib(2026, 11, 17, 16, 0)) == []
    # THEN a working day later, still breached, the coordinator hears, once
    assert sweep(wib(2026, 11, 18, 0, 5)) == [SlaStage.ESCALATE_COORDINATOR]
    assert sweep(wib(2026, 11, 18, 0, 10)) == []
    assert sweep(wib(2026, 12, 1)) == []


def test_a_sweep_that_was_down_catches_up_without_a_stale_reminder(cal: WorkingCalendar) -> None:
    # GIVEN a verify deadline at the end of Thursday 12 Nov and no sweep since Tuesday
    due = end_of(2026, 11, 12)
    # WHEN the sweep runs again on Monday 16 Nov
    steps = sweep_steps("C-2", K.VERIFY, due, wib(2026, 11, 16, 8), cal)
    # THEN both escalations come out, in order, and no reminder
    assert [s.stage for s in steps] == [SlaStage.ESCALATE_UNIT_HEAD, SlaStage.ESCALATE_COORDINATOR]


def test_escalation_to_the_coordinator_waits_for_a_working_day_not_a_weekend_day(
    cal: WorkingCalendar,
) -> None:
    # GIVEN an answer deadline at the end of Friday 13 Nov 2026
    due = end_of(2026, 11, 13)
    # THEN the unit head is told on Saturday, the coordinator only after Monday
    assert escalation_at(due, cal) == end_of(2026, 11, 16)
    stages = [s.stage for s in sweep_steps("C-3", K.ANSWER, due, wib(2026, 11, 15, 12), cal)]
    assert stages == [SlaStage.ESCALATE_UNIT_HEAD]


def test_steps_have_deterministic_keys_and_event_ids(cal: WorkingCalendar) -> None:
    due = end_of(2026, 11, 16)
    key = step_key("C-1", K.ANSWER, due, SlaStage.APPROACHING)
    assert key == "SLA#C-1#answer#2026-11-16#approaching"
    # GIVEN the same step computed twice, on any machine, from UTC or local inputs
    a = sweep_steps("C-1", K.ANSWER, due, wib(2026, 11, 13, 1), cal)[0]
    utc_now = datetime(2026, 11, 13, 0, 30, tzinfo=UTC)
    b = sweep_steps("C-1", "answer", due.astimezone(UTC), utc_now, cal)[0]
    # THEN it has the same key and event id (a second emit is a duplicate the store refuses)
    assert (a.key, a.event_id) == (b.key, b.event_id) == (key, step_event_id(key))
    # AND a deadline set again with another due date can warn again
    assert step_key("C-1", K.ANSWER, due + timedelta(days=7), SlaStage.APPROACHING) != key


def test_auto_close_is_due_after_the_tenth_working_day(cal: WorkingCalendar) -> None:
    # GIVEN an answer released on Friday 13 Nov 2026: auto-close due at the end of Fri 27 Nov
    due = DeadlineRules(cal, ROADS).auto_close_due(wib(2026, 11, 13, 9))
    # THEN nothing is emitted before (no reminders or escalations for the system's own clock)
    assert sweep_steps("C-4", K.AUTO_CLOSE, due, wib(2026, 11, 27, 12), cal) == []
    # AND just after, one auto-close step
    steps = sweep_steps("C-4", K.AUTO_CLOSE, due, wib(2026, 11, 28, 0, 5), cal)
    assert [s.stage for s in steps] == [SlaStage.AUTO_CLOSE]
    again = sweep_steps("C-4", K.AUTO_CLOSE, due, wib(2026, 11, 28, 0, 10), cal, {steps[0].key})
    assert again == []


def test_checkpoints_tell_the_index_when_to_look_again(cal: WorkingCalendar) -> None:
    # GIVEN an answer deadline right after Lebaran 2026 (end of Wed 25 Mar)
    due = end_of(2026, 3, 25)
    # THEN the reminder is before the holiday block, the coordinator escalation after Thursday
    assert checkpoints(K.ANSWER, due, cal) == [
        (SlaStage.APPROACHING, wib(2026, 3, 17, 0)),
        (SlaStage.ESCALATE_UNIT_HEAD, due),
        (SlaStage.ESCALATE_COORDINATOR, end_of(2026, 3, 26)),
    ]
    assert checkpoints(K.AUTO_CLOSE, due, cal) == [(SlaStage.AUTO_CLOSE, due)]
