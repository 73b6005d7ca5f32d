"""The lifecycle as a state machine: random officer, citizen and sweep actions on a few complaints
in the in-memory store, with the invariants checked after every step.

- one status: a complaint has exactly one status, and it is the one its latest transition event
  recorded (a change of status never goes unrecorded);
- versions only increase, by one per write, and a refused action changes nothing;
- every change a reader can see (status, sub-state, unit, bidang, deadlines) has its event, and
  each transition event names the version it produced;
- deadlines only for open steps: exactly the deadlines of the status, none once closed or
  archived, and no SLA checkpoint left for a closed complaint;
- a complaint that is rated lists no `rate` among the citizen's actions.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from aduan.calendar import WorkingCalendar, load_zone
from aduan.complaint import Complaint, received_event
from aduan.deadlines import OPEN_DEADLINES
from aduan.errors import AduanError
from aduan.lifecycle import Action, Role
from aduan.status import Status
from aduan.store import InMemoryComplaintStore
from aduan.workflow import CITIZEN, Actor, Change, Clock, act, actions_for, at_receipt
from casework.sweep import due_complaints, sweep_one

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed"
WIB = load_zone("Asia/Jakarta")
START = datetime(2026, 11, 9, 10, 0, tzinfo=WIB)
IDS = ("7K3MQ-9XWT2", "AENCM-NHHJW", "00000-00001")
ANSWER = (
    "Yth. Bapak/Ibu Pelapor, terima kasih atas laporan Anda. Jalan berlubang di Jalan Ijen telah "
    "kami tambal pada hari Selasa dan dapat dilalui kembali dengan aman. Terima kasih atas perhatian Bapak/Ibu."
)
ACTORS = {
    Role.COORDINATOR: Actor(Role.COORDINATOR, "sub-coord", "diskominfo"),
    Role.UNIT_ADMIN: Actor(Role.UNIT_ADMIN, "sub-admin", "dpuprpkp"),
    Role.BIDANG: Actor(Role.BIDANG, "sub-bidang", "dpuprpkp", "dpuprpkp.bina-marga"),
    Role.CITIZEN: CITIZEN,
}
R, A, S = Role, Action, Status
FORWARD: dict[tuple[Status, str | None], list[tuple[Role, Action]]] = {
    (S.RECEIVED, None): [(R.COORDINATOR, A.VERIFY)],
    (S.DEFERRED, None): [(R.CITIZEN, A.CITIZEN_REPLY)],
    (S.VERIFIED, None): [(R.COORDINATOR, A.DISPATCH)],
    (S.DISPATCHED, None): [(R.UNIT_ADMIN, A.DISPATCH)],
    (S.IN_PROGRESS, None): [(R.BIDANG, A.DRAFT_ANSWER)],
    (S.IN_PROGRESS, "draft_pending_release"): [
        (R.UNIT_ADMIN, A.RELEASE),
        (R.UNIT_ADMIN, A.RETURN_FOR_REWORK),
    ],
    (S.RESPONDED, None): [
        (R.CITIZEN, A.RATE),
        (R.CITIZEN, A.CITIZEN_REPLY),
        (R.COORDINATOR, A.CLOSE),
    ],
    (S.CLOSED, None): [(R.CITIZEN, A.RATE)],
}
# The actions whose input someone_does_what_the_screen_offers fills in completely.
FILLED = {
    A.VERIFY,
    A.DEFER,
    A.NOT_AUTHORITY,
    A.ARCHIVE,
    A.DISPATCH,
    A.DRAFT_ANSWER,
    A.RELEASE,
    A.RETURN_FOR_REWORK,
    A.ADD_NOTE,
    A.CLOSE,
    A.CITIZEN_REPLY,
}
SEEN = ("status", "sub_state", "unit_id", "bidang_id", "deadlines")


def _clock() -> Clock:
    calendar = WorkingCalendar.from_seed(json.loads((SEED / "calendar.json").read_text()))
    categories = {
        c["id"]: c["deadlines"] for c in json.loads((SEED / "categories.json").read_text())
    }
    return Clock(calendar, categories)


CLOCK = _clock()


changes = st.builds(
    Change,
    action=st.sampled_from(list(Action)),
    actor=st.sampled_from(list(ACTORS.values())),
    text=st.sampled_from([None, "", "Mohon kirim foto lokasi.", ANSWER]),
    unit_id=st.sampled_from([None, "dpuprpkp", "dlh"]),
    bidang_id=st.sampled_from([None, "dpuprpkp.bina-marga"]),
    verify_only=st.booleans(),
    reason_code=st.sampled_from([None, "spam", "duplicate", "other", "nonsense"]),
    duplicate_of=st.sampled_from([None, IDS[0], IDS[1]]),
    score=st.sampled_from([None, 0, 1, 3, 5, 6]),
)


class ComplaintLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = InMemoryComplaintStore()
        self.now = START
        # What the test knows of each complaint after its last write: version and what it looked like.
        self.known: dict[str, Complaint] = {}

    @initialize()
    def file_complaints(self) -> None:
        for complaint_id in IDS:
            complaint = at_receipt(
                Complaint.checked(
                    id=complaint_id,
                    status=Status.RECEIVED,
                    channel="web",
                    title="Jalan berlubang",
                    description="Jalan berlubang di Jalan Ijen",
                    category="roads",
                    proposed_unit_id="dpuprpkp",
                    sub_state="proposed",
                    received_at=self.now,
                    updated_at=self.now,
                ),
                CLOCK,
            )
            self.store.create(complaint, [received_event(complaint, [], complaint_id)])
            self.known[complaint_id] = complaint

    @rule(complaint_id=st.sampled_from(IDS), change=changes)
    def someone_acts(self, complaint_id: str, change: Change) -> None:
        before = self.store.get(complaint_id)
        assert before is not None
        history_before = len(self.store.with_history(complaint_id)[1])
        try:
            outcome = act(self.store, complaint_id, change, CLOCK, self.now)
        except AduanError as refused:
            assert refused.status in (403, 404, 409, 422), refused
            # A refusal writes nothing at all.
            assert self.store.get(complaint_id) == before
            assert len(self.store.with_history(complaint_id)[1]) == history_before
            return
        saved = self.store.get(complaint_id)
        assert saved is not None and saved.version == before.version + 1
        assert outcome.events, f"{change.action} by {change.actor.role} wrote no event"
        assert len(self.store.with_history(complaint_id)[1]) == history_before + len(outcome.events)
        self._check_write(before, saved, outcome.events)

    @rule(complaint_id=st.sampled_from(IDS), role=st.sampled_from(list(ACTORS)), data=st.data())
    def someone_does_what_the_screen_offers(
        self, complaint_id: str, role: Role, data: st.DataObject
    ) -> None:
        # Random requests rarely get far down the lifecycle; these follow the offered buttons
        # with well-formed input, so answers, ratings and closures happen in most runs.
        complaint = self.store.get(complaint_id)
        assert complaint is not None
        offered = actions_for(complaint, role)
        if not offered:
            return
        action = data.draw(st.sampled_from(offered), label="action")
        change = Change(
            action,
            ACTORS[role],
            text=ANSWER,
            unit_id="dpuprpkp",
            bidang_id="dpuprpkp.bina-marga",
            reason_code="spam",
            score=data.draw(st.integers(1, 5), label="score"),
        )
        self.someone_acts(complaint_id, change)
        if action in FILLED:
            # What is offered is accepted when its input is given (actions added later that
            # need more than this rule fills in may be refused with a 422, writing nothing).
            assert self.store.get(complaint_id) != complaint

    @rule(complaint_id=st.sampled_from(IDS), data=st.data())
    def the_work_moves_on(self, complaint_id: str, data: st.DataObject) -> None:
        # The usual next step, so answers, ratings and closures happen in most runs.
        complaint = self.store.get(complaint_id)
        assert complaint is not None
        steps = FORWARD.get(
            (complaint.status, complaint.sub_state), FORWARD.get((complaint.status, None), [])
        )
        if steps:
            role, action = data.draw(st.sampled_from(steps), label="step")
            self.someone_acts(
                complaint_id,
                Change(
                    action,
                    ACTORS[role],
                    text=ANSWER,
                    bidang_id="dpuprpkp.bina-marga",
                    score=data.draw(st.integers(1, 5), label="score"),
                ),
            )

    @rule(hours=st.integers(min_value=1, max_value=24 * 9))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule()
    def the_sla_sweep_runs(self) -> None:
        for complaint_id in due_complaints(self.store, self.now):
            before = self.store.get(complaint_id)
            assert before is not None
            sweep_one(self.store, complaint_id, self.now, CLOCK)
            saved = self.store.get(complaint_id)
            assert saved is not None
            if saved != before:
                assert saved.version == before.version + 1
                _, history = self.store.with_history(complaint_id)
                self._check_write(
                    before,
                    saved,
                    [h for h in history if h.detail["data"].get("version") == saved.version],
                )
            # The sweep moves the complaint past the checkpoints it handled: a second run is a no-op.
            sweep_one(self.store, complaint_id, self.now, CLOCK)
            assert self.store.get(complaint_id) == saved

    def _check_write(self, before: Complaint, saved: Complaint, events: list) -> None:
        if any(getattr(before, f) != getattr(saved, f) for f in SEEN):
            assert events, f"{before.id}: a visible change without an event"
        self.known[saved.id] = saved

    @invariant()
    def every_complaint_is_consistent(self) -> None:
        for complaint_id, known in self.known.items():
            complaint, history = self.store.with_history(complaint_id)
            assert complaint is not None
            # versions only increase, and nobody else wrote behind the test's back
            assert complaint.version == known.version
            assert isinstance(complaint.status, Status)
            # one status: the one the latest transition event recorded
            data = [h.detail["data"] for h in history]
            transitions = [d for d in data if "status" in d and "version" in d]
            latest = max(transitions, key=lambda d: d["version"], default=None)
            recorded = Status(latest["status"]) if latest else Status.RECEIVED
            assert recorded is complaint.status, (recorded, complaint.status)
            versions = [d["version"] for d in data if "version" in d]
            assert max(versions, default=1) <= complaint.version
            # deadlines only for open steps
            assert set(complaint.deadlines) == {str(k) for k in OPEN_DEADLINES[complaint.status]}
            if not complaint.status.is_open:
                assert complaint.sla_next_at is None
            # a rated complaint cannot be rated again, so the citizen is not offered it
            citizen = actions_for(complaint, Role.CITIZEN)
            if complaint.rating is not None:
                assert Action.RATE not in citizen, citizen


TestComplaintLifecycle = ComplaintLifecycle.TestCase
TestComplaintLifecycle.settings = settings(
    max_examples=80,
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
