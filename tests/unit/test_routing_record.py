"""Routing records its proposal on what ComplaintReceived says, without reading the complaint
(pure: the in-memory store, which keeps the DynamoDB store's contract)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aduan.changes import Outcome
from aduan.complaint import ComplaintForm
from aduan.status import Status, SubState
from aduan.store import InMemoryComplaintStore
from routing.assign import record_proposal
from routing.gazetteer import AreaMatch
from routing.rules import RoutingProposal
from web.complaints import build_complaint

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def proposal(_complaint) -> RoutingProposal:
    return RoutingProposal(
        type="pengaduan",
        category_id="roads",
        category_confidence=0.91,
        area=AreaMatch("klojen", None, 1.0, "form"),  # type: ignore[arg-type]
        unit_id="dpupr",
        rule_id="r1",
        confident=True,
        reasons=["jalan"],
    )


def filed(store: InMemoryComplaintStore):
    form = ComplaintForm.checked(
        title="Jalan berlubang", description="Jalan di Jl. Ijen berlubang besar"
    )
    complaint, event = build_complaint(form, "web", NOW, "A0B1C-D2E3F", "req", "hash")
    complaint = complaint.replace(deadlines={"verify": NOW + timedelta(days=3)})
    store.create(complaint, [event])
    return complaint, event


class Reads(InMemoryComplaintStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, complaint_id):
        self.reads += 1
        return super().get(complaint_id)


def test_a_proposal_is_recorded_without_a_read_and_keeps_what_the_event_lacks():
    store = Reads()
    complaint, event = filed(store)
    assert record_proposal(event, store, proposal, now=NOW + timedelta(seconds=2)) == "routed"
    assert store.reads == 0
    routed = store.get(complaint.id)
    assert routed is not None and routed.version == 2 and routed.category == "roads"
    assert routed.sub_state is SubState.PROPOSED and routed.proposed_unit_id == "dpupr"
    assert routed.location.kecamatan == "klojen"
    assert routed.access_key_hash == "hash" and routed.deadlines == complaint.deadlines


def test_a_redelivered_event_changes_nothing():
    store = InMemoryComplaintStore()
    _, event = filed(store)
    record_proposal(event, store, proposal, now=NOW)
    assert record_proposal(event, store, proposal, now=NOW) == "duplicate"
    assert store.get(event.data.complaint_id).version == 2  # type: ignore[union-attr]


def test_a_complaint_an_officer_moved_on_first_is_left_alone():
    store = Reads()
    complaint, event = filed(store)
    # GIVEN the coordinator archived it before routing ran (version 2)
    store.change(
        complaint.id,
        lambda c: Outcome(c.replace(status=Status.ARCHIVED), []),
    )
    # WHEN routing decides on the event's version 1
    assert record_proposal(event, store, proposal, now=NOW) == "skipped"
    # THEN its write lost on the version, it read what is stored and proposed nothing
    after = store.get(complaint.id)
    assert after is not None and after.status is Status.ARCHIVED and after.category is None
    assert after.version == 2 and store.reads >= 1
