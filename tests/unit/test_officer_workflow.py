"""aduan.workflow.apply: what each officer, citizen and system action changes and records."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from aduan.calendar import WorkingCalendar, load_zone
from aduan.complaint import Complaint
from aduan.errors import Conflict, Forbidden, Unprocessable
from aduan.lifecycle import Action, ActionNotAllowedInStatus, Role
from aduan.status import Status
from aduan.store import InMemoryComplaintStore
from aduan.workflow import (
    CITIZEN,
    SYSTEM,
    Actor,
    AlreadyRated,
    AnswerNotReady,
    Change,
    Clock,
    apply,
    at_receipt,
    schedule_sla,
)

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed"
WIB = load_zone("Asia/Jakarta")
A, R, S = Action, Role, Status
# Monday 9 Nov 2026, 10:00 WIB: no holiday that month, so the counts are plain.
MONDAY = datetime(2026, 11, 9, 10, 0, tzinfo=WIB)
COORD = Actor(R.COORDINATOR, "sub-coord", "diskominfo")
ADMIN = Actor(R.UNIT_ADMIN, "sub-admin", "dpuprpkp")
BIDANG = Actor(R.BIDANG, "sub-bidang", "dpuprpkp", "dpuprpkp.bina-marga")
ANSWER = (
    "Yth. Bapak/Ibu Pelapor, terima kasih atas laporan Anda. Jalan berlubang di Jalan Ijen telah "
    "kami tambal pada hari Selasa dan dapat dilalui kembali dengan aman. Terima kasih atas perhatian Bapak/Ibu."
)


@pytest.fixture(scope="module")
def clock() -> Clock:
    calendar = WorkingCalendar.from_seed(json.loads((SEED / "calendar.json").read_text()))
    categories = {
        c["id"]: c["deadlines"] for c in json.loads((SEED / "categories.json").read_text())
    }
    return Clock(calendar, categories)


def local(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=WIB)


def received(clock: Clock, **fields) -> Complaint:
    base = dict(
        id="7K3MQ-9XWT2",
        status=S.RECEIVED,
        channel="web",
        title="Jalan berlubang",
        description="Jalan berlubang di Jalan Ijen",
        category="roads",
        proposed_unit_id="dpuprpkp",
        sub_state="proposed",
        received_at=MONDAY,
        updated_at=MONDAY,
    )
    return at_receipt(Complaint.checked(**{**base, **fields}), clock)


def run(
    clock: Clock, complaint: Complaint, change: Change, at: datetime = MONDAY
) -> tuple[Complaint, list[str]]:
    outcome = apply(complaint, change, clock, at)
    # Each save bumps the version; the tests chain outcomes as the repository would.
    saved = outcome.complaint.replace(version=complaint.version + 1)
    return saved, [e.detail_type() for e in outcome.events]


def test_a_new_complaint_gets_its_verify_deadline_and_first_checkpoint(clock):
    complaint = received(clock)
    assert complaint.deadlines == {"verify": local(2026, 11, 12)}
    # the reminder, one working day before: Wednesday 00:00
    assert complaint.sla_next_at == datetime(2026, 11, 11, 0, 0, tzinfo=WIB)


def test_verify_with_the_proposed_unit_dispatches_it_in_one_change(clock):
    complaint, events = run(clock, received(clock), Change(A.VERIFY, COORD))
    assert events == ["ComplaintVerified", "ComplaintDispatched"]
    assert (complaint.status, complaint.unit_id, complaint.sub_state) == (
        S.DISPATCHED,
        "dpuprpkp",
        None,
    )
    # the coordinator's clock stops, the unit's starts: 5 working days
    assert complaint.deadlines == {"answer": local(2026, 11, 16)}


def test_verify_with_a_chosen_unit_and_verify_only(clock):
    chosen, _ = run(
        clock, received(clock), Change(A.VERIFY, COORD, unit_id="kel-klojen-oro-oro-dowo")
    )
    assert chosen.unit_id == "kel-klojen-oro-oro-dowo"
    only, events = run(clock, received(clock), Change(A.VERIFY, COORD, verify_only=True))
    assert events == ["ComplaintVerified"] and only.status is S.VERIFIED and only.unit_id is None
    assert only.deadlines == {"verify": local(2026, 11, 12)}  # still the coordinator's to dispatch


def test_events_carry_the_state_as_saved_and_keep_their_order(clock):
    outcome = apply(received(clock), Change(A.VERIFY, COORD), clock, MONDAY, "req-1")
    verified, dispatched = outcome.events
    assert verified.data.version == dispatched.data.version == 2
    assert verified.data.status == dispatched.data.status == S.DISPATCHED
    assert verified.data.actor_role == "coordinator" and verified.data.actor_id == "sub-coord"
    assert verified.metadata.occurred_at < dispatched.metadata.occurred_at
    assert verified.metadata.correlation_id == "req-1"


def test_deferral_stops_the_clock_and_the_citizens_answer_restarts_it(clock):
    question = "Mohon sebutkan nama jalan dan patokan lokasinya."
    deferred, events = run(clock, received(clock), Change(A.DEFER, COORD, text=question))
    assert (
        events == ["ComplaintDeferred"]
        and deferred.deadlines == {}
        and deferred.sla_next_at is None
    )
    outcome = apply(
        deferred,
        Change(A.CITIZEN_REPLY, CITIZEN, text="Jalan Ijen depan museum", channel="web"),
        clock,
        datetime(2026, 11, 10, 9, tzinfo=WIB),
    )
    back = outcome.complaint
    assert back.status is S.RECEIVED and back.deadlines == {"verify": local(2026, 11, 13)}
    reply = outcome.events[0]
    assert reply.data.answered_deferral and not reply.data.reopened
    # the citizen's words are a message, never in the event
    assert "Ijen" not in reply.detail_json()
    assert (
        outcome.messages[0]["visibility"] == "public"
        and outcome.messages[0]["text"] == "Jalan Ijen depan museum"
    )


def test_defer_needs_a_question(clock):
    with pytest.raises(Unprocessable):
        apply(received(clock), Change(A.DEFER, COORD, text="  "), clock, MONDAY)


def test_unit_says_not_our_authority_and_the_coordinator_gets_a_fresh_verify_clock(clock):
    dispatched, _ = run(clock, received(clock), Change(A.VERIFY, COORD))
    back, events = run(
        clock,
        dispatched,
        Change(A.NOT_AUTHORITY, ADMIN, text="Jalan provinsi, bukan kewenangan kota."),
        datetime(2026, 11, 10, 9, tzinfo=WIB),
    )
    assert events == ["ComplaintNotAuthority"]
    assert (back.status, back.unit_id, back.proposed_unit_id) == (S.VERIFIED, None, None)
    assert back.deadlines == {"verify": local(2026, 11, 13)}


def test_coordinator_reroutes_a_dispatched_complaint_to_another_unit(clock):
    dispatched, _ = run(clock, received(clock), Change(A.VERIFY, COORD))
    outcome = apply(
        dispatched, Change(A.NOT_AUTHORITY, COORD, text="Salah unit", unit_id="dlh"), clock, MONDAY
    )
    assert [e.detail_type() for e in outcome.events] == [
        "ComplaintNotAuthority",
        "ComplaintDispatched",
    ]
    assert outcome.complaint.status is S.DISPATCHED and outcome.complaint.unit_id == "dlh"
    assert outcome.events[1].data.from_unit_id == "dpuprpkp"


def test_not_authority_on_a_received_complaint_replaces_the_proposal(clock):
    triage, _ = run(
        clock, received(clock), Change(A.NOT_AUTHORITY, COORD, text="Usulan routing keliru")
    )
    assert (triage.status, triage.proposed_unit_id, triage.sub_state) == (
        S.RECEIVED,
        None,
        "triage",
    )
    proposed, _ = run(
        clock, received(clock), Change(A.NOT_AUTHORITY, COORD, text="Ke DLH", unit_id="dlh")
    )
    assert (proposed.proposed_unit_id, proposed.sub_state) == ("dlh", "proposed")


def test_archive_as_duplicate_names_the_complaint_to_follow(clock):
    change = Change(
        A.ARCHIVE,
        COORD,
        reason_code="duplicate",
        text="Sudah dilaporkan warga lain.",
        duplicate_of="AAAAA-BBBBB",
    )
    archived, events = run(clock, received(clock), change)
    assert events == ["ComplaintArchived"] and archived.status is S.ARCHIVED
    assert archived.deadlines == {} and archived.sla_next_at is None
    assert archived.archive is not None and archived.archive.to_dict() == {
        "reason_code": "duplicate",
        "reason": "Sudah dilaporkan warga lain.",
        "duplicate_of": "AAAAA-BBBBB",
    }
    with pytest.raises(Unprocessable):
        apply(
            received(clock),
            Change(A.ARCHIVE, COORD, reason_code="duplicate", text="x"),
            clock,
            MONDAY,
        )
    with pytest.raises(Unprocessable):
        apply(
            received(clock),
            Change(A.ARCHIVE, COORD, reason_code="duplicate", text="x", duplicate_of="7K3MQ-9XWT2"),
            clock,
            MONDAY,
        )


def in_progress(clock: Clock) -> Complaint:
    dispatched, _ = run(clock, received(clock), Change(A.VERIFY, COORD))
    assigned, events = run(
        clock, dispatched, Change(A.DISPATCH, ADMIN, bidang_id="dpuprpkp.bina-marga")
    )
    assert events == ["ComplaintAssignedToBidang"]
    return assigned


def test_dispatch_to_a_bidang_keeps_the_units_clock(clock):
    assigned = in_progress(clock)
    assert (assigned.status, assigned.bidang_id, assigned.sub_state) == (
        S.IN_PROGRESS,
        "dpuprpkp.bina-marga",
        "with_bidang",
    )
    assert assigned.deadlines == {"answer": local(2026, 11, 16)}


def test_draft_then_release_answers_the_citizen_and_starts_the_auto_close_clock(clock):
    drafted, events = run(clock, in_progress(clock), Change(A.DRAFT_ANSWER, BIDANG, text=ANSWER))
    assert events == ["AnswerDrafted"] and drafted.sub_state == "draft_pending_release"
    released, events = run(
        clock, drafted, Change(A.RELEASE, ADMIN), datetime(2026, 11, 11, 9, tzinfo=WIB)
    )
    assert events == ["ComplaintResponded"] and released.status is S.RESPONDED
    assert released.answer is not None and released.answer.text == ANSWER and released.draft is None
    assert released.deadlines == {"auto_close": local(2026, 11, 25)}


def test_release_refuses_an_answer_that_fails_the_check_with_its_problems(clock):
    drafted, _ = run(clock, in_progress(clock), Change(A.DRAFT_ANSWER, BIDANG, text="sudah"))
    with pytest.raises(AnswerNotReady) as refused:
        apply(drafted, Change(A.RELEASE, ADMIN), clock, MONDAY)
    assert refused.value.status == 422
    assert {p["code"] for p in refused.value.details["problems"]} >= {
        "too_short",
        "no_greeting",
        "no_closing",
    }
    # the admin may release an edited text instead
    released, _ = run(clock, drafted, Change(A.RELEASE, ADMIN, text=ANSWER))
    assert released.answer is not None and released.answer.text == ANSWER


def test_rework_discards_the_draft_so_release_waits_for_a_new_one(clock):
    drafted, _ = run(clock, in_progress(clock), Change(A.DRAFT_ANSWER, BIDANG, text=ANSWER))
    rework, events = run(
        clock, drafted, Change(A.RETURN_FOR_REWORK, ADMIN, text="Lengkapi tanggal perbaikan.")
    )
    assert (
        events == ["AnswerReturnedForRework"]
        and rework.sub_state == "rework_requested"
        and rework.draft is None
    )
    with pytest.raises(ActionNotAllowedInStatus):
        apply(rework, Change(A.RELEASE, ADMIN), clock, MONDAY)


def answered(clock: Clock) -> Complaint:
    drafted, _ = run(clock, in_progress(clock), Change(A.DRAFT_ANSWER, BIDANG, text=ANSWER))
    return run(clock, drafted, Change(A.RELEASE, ADMIN))[0]


def test_a_citizen_reply_reopens_an_answer_for_the_bidang(clock):
    outcome = apply(
        answered(clock),
        Change(A.CITIZEN_REPLY, CITIZEN, text="Masih berlubang", channel="whatsapp"),
        clock,
        datetime(2026, 11, 12, 9, tzinfo=WIB),
    )
    reopened = outcome.complaint
    assert (reopened.status, reopened.sub_state, reopened.bidang_id) == (
        S.IN_PROGRESS,
        "with_bidang",
        "dpuprpkp.bina-marga",
    )
    assert reopened.deadlines == {"answer": local(2026, 11, 19)}
    assert outcome.events[0].data.reopened and outcome.events[0].data.channel == "whatsapp"


def test_rating_closes_an_answer_once(clock):
    outcome = apply(
        answered(clock), Change(A.RATE, CITIZEN, score=5, text="Cepat, terima kasih"), clock, MONDAY
    )
    rated = outcome.complaint.replace(version=9)
    assert (
        rated.status is S.CLOSED
        and rated.rating is not None
        and rated.rating.score == 5
        and rated.deadlines == {}
    )
    assert outcome.events[0].data.has_comment and "Cepat" not in outcome.events[0].detail_json()
    with pytest.raises(AlreadyRated):
        apply(rated, Change(A.RATE, CITIZEN, score=1), clock, MONDAY)
    with pytest.raises(Unprocessable):
        apply(answered(clock), Change(A.RATE, CITIZEN, score=6), clock, MONDAY)


def test_a_closed_complaint_can_still_be_rated_late_but_takes_no_reply(clock):
    closed, events = run(clock, answered(clock), Change(A.AUTO_CLOSE, SYSTEM))
    assert events == ["ComplaintAutoClosed"] and closed.status is S.CLOSED
    late = run(clock, closed, Change(A.RATE, CITIZEN, score=4))[0]
    assert late.rating is not None and late.rating.score == 4
    with pytest.raises(Conflict):
        apply(closed, Change(A.CITIZEN_REPLY, CITIZEN, text="halo"), clock, MONDAY)


def test_an_internal_note_keeps_status_and_sub_state(clock):
    complaint = received(clock)
    noted, events = run(clock, complaint, Change(A.ADD_NOTE, COORD, text="Cek foto dulu"))
    assert (
        events == ["InternalNoteAdded"]
        and noted.status is S.RECEIVED
        and noted.sub_state == "proposed"
    )
    assert noted.deadlines == complaint.deadlines


def test_roles_are_refused_by_the_table_before_anything_changes(clock):
    with pytest.raises(Forbidden):
        apply(received(clock), Change(A.VERIFY, BIDANG), clock, MONDAY)
    with pytest.raises(ActionNotAllowedInStatus):
        apply(received(clock), Change(A.RELEASE, ADMIN), clock, MONDAY)


def test_schedule_sla_forgets_steps_of_deadlines_that_are_gone(clock):
    complaint = received(clock)
    stale = complaint.replace(sla_emitted=["SLA#7K3MQ-9XWT2#answer#2026-01-01#approaching"])
    assert schedule_sla(stale, clock.calendar).sla_emitted == []


class RacingRepository(InMemoryComplaintStore):
    """The in-memory store with a hook that lets another officer write between this request's
    read and its write (a true race)."""

    def __init__(self, complaint: Complaint) -> None:
        super().__init__()
        self.create(complaint, [])
        self.writes, self.meanwhile = [], None

    def save(self, complaint, expected_version, events, marker=None, messages=None):
        if self.meanwhile:
            other, self.meanwhile = self.meanwhile, None
            other()
        saved = super().save(complaint, expected_version, events, marker, messages)
        self.writes.append([e.detail_type() for e in events])
        return saved


def test_an_officer_losing_a_race_gets_409_with_the_state_that_won(clock):
    from aduan.errors import VersionConflict
    from aduan.workflow import act

    repo = RacingRepository(received(clock))
    repo.meanwhile = lambda: act(
        repo, "7K3MQ-9XWT2", Change(A.DEFER, COORD, text="Di mana tepatnya?"), clock, MONDAY
    )
    with pytest.raises(VersionConflict) as lost:
        act(repo, "7K3MQ-9XWT2", Change(A.VERIFY, COORD), clock, MONDAY)
    assert lost.value.details["status"] == "deferred" and lost.value.details["version"] == 2
    assert repo.writes == [["ComplaintDeferred"]]


def test_a_citizen_losing_a_race_is_simply_decided_again(clock):
    from aduan.workflow import act

    repo = RacingRepository(received(clock))
    repo.meanwhile = lambda: act(
        repo, "7K3MQ-9XWT2", Change(A.ADD_NOTE, COORD, text="cek"), clock, MONDAY
    )
    outcome = act(
        repo,
        "7K3MQ-9XWT2",
        Change(A.CITIZEN_REPLY, CITIZEN, text="Tambahan foto"),
        clock,
        MONDAY,
        attempts=3,
    )
    assert outcome.complaint.version == 3 and repo.writes == [
        ["InternalNoteAdded"],
        ["CitizenReplied"],
    ]


def test_a_rated_complaint_no_longer_offers_rate(clock):
    from aduan.workflow import actions_for, state_of

    closed = received(clock).replace(status=S.CLOSED, deadlines={}, sla_next_at=None)
    assert actions_for(closed, R.CITIZEN) == [A.RATE]
    rated, _ = run(clock, closed, Change(A.RATE, CITIZEN, score=4))
    assert actions_for(rated, R.CITIZEN) == []
    assert state_of(rated, R.CITIZEN)["allowed_actions"] == []
    # a refusal names no rate either
    with pytest.raises(ActionNotAllowedInStatus) as refused:
        apply(rated, Change(A.CITIZEN_REPLY, CITIZEN, text="Masih rusak"), clock, MONDAY)
    assert refused.value.details["allowed_actions"] == []
    with pytest.raises(AlreadyRated):
        apply(rated, Change(A.RATE, CITIZEN, score=5), clock, MONDAY)
