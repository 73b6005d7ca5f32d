"""The complaint store's contract, run against both stores: the in-memory one the unit tests
drive and the DynamoDB adapter on a real moto server. What one promises, the other keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aduan.changes import ChangeRaced, Outcome
from aduan.complaint import Complaint, ComplaintForm, as_announced
from aduan.errors import (
    AlreadyProcessed,
    Collision,
    Conflict,
    NotFound,
    Unprocessable,
    VersionConflict,
)
from aduan.events import ComplaintRouted, EventMetadata, RoutingData
from aduan.repository import ComplaintRepository, InboundChange, InboundRecord
from aduan.store import ComplaintStore, InMemoryComplaintStore
from web.complaints import build_complaint

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
TRACKING_ID = "A0B1C-D2E3F"


@pytest.fixture(params=["in_memory", "dynamodb"])
def store(request) -> ComplaintStore:
    if request.param == "in_memory":
        return InMemoryComplaintStore()
    return ComplaintRepository(*request.getfixturevalue("complaint_table"))


@pytest.fixture
def filed(store) -> Complaint:
    form = ComplaintForm.checked(
        title="Sampah menumpuk", description="Sampah di TPS Sawojajar tidak diangkut seminggu"
    )
    complaint, event = build_complaint(form, "web", NOW, TRACKING_ID, "req")
    store.create(complaint, [event], {"identity": "sealed", "contact_channels": []})
    return complaint


def routed(complaint: Complaint, category: str = "waste") -> Outcome:
    """A decision: the complaint classified, its event, and one message."""
    event = ComplaintRouted(
        metadata=EventMetadata(correlation_id="c", occurred_at=NOW + timedelta(seconds=1)),
        data=RoutingData(
            complaint_id=complaint.id,
            type="pengaduan",
            category=category,
            category_confidence=0.9,
            version=complaint.version + 1,
        ),
    )
    message = {
        "message_id": f"m-{category}-{complaint.version}",
        "at": "2026-11-30T03:00:01.000000Z",
        "kind": "note",
        "visibility": "internal",
        "text": f"now {category}",
    }
    return Outcome(complaint.replace(category=category), [event], [message])


def stored(store, complaint_id=TRACKING_ID):
    complaint, history, messages = store.with_history_and_messages(complaint_id)
    return complaint, [h.detail_type for h in history], [m["text"] for m in messages]


def test_a_change_writes_state_events_and_messages_together(store, filed):
    done = store.change(filed.id, routed)
    assert done is not None and done.complaint.version == 2 and done.complaint.category == "waste"
    complaint, history, messages = stored(store)
    assert complaint == done.complaint
    assert history == ["ComplaintReceived", "ComplaintRouted"] and messages == ["now waste"]


def test_nothing_decided_writes_nothing(store, filed):
    assert store.change(filed.id, lambda current: None) is None
    complaint, history, messages = stored(store)
    assert complaint.version == 1 and history == ["ComplaintReceived"] and messages == []


def test_a_lost_race_is_decided_again_on_the_state_that_won(store, filed):
    seen: list[tuple[int, str | None]] = []

    def decide(current: Complaint) -> Outcome:
        seen.append((current.version, current.category))
        if len(seen) == 1:  # another writer gets in between this read and this write
            store.change(filed.id, lambda other: routed(other, "roads"))
        return routed(current, "health")

    done = store.change(filed.id, decide)
    assert seen == [(1, None), (2, "roads")]
    assert done is not None and done.complaint.version == 3
    complaint, history, messages = stored(store)
    assert complaint.category == "health" and sorted(messages) == ["now health", "now roads"]
    assert history == ["ComplaintReceived", "ComplaintRouted", "ComplaintRouted"]


def test_losing_every_attempt_says_which_state_won(store, filed):
    def decide(current: Complaint) -> Outcome:
        store.change(filed.id, lambda other: routed(other, f"v{other.version}"))
        return routed(current, "never")

    with pytest.raises(ChangeRaced) as lost:
        store.change(filed.id, decide, attempts=2)
    assert lost.value.latest is not None and lost.value.latest.version == 3
    assert stored(store)[0].category == "v2"


def test_the_complaint_read_by_the_caller_is_decided_first_and_retried_afresh(store, filed):
    store.change(filed.id, lambda current: routed(current, "roads"))
    seen: list[int] = []

    def decide(current: Complaint) -> Outcome:
        seen.append(current.version)
        return routed(current, "health")

    # the caller's copy is stale (version 1): its write loses, the retry reads version 2
    store.change(filed.id, decide, read=filed)
    assert seen == [1, 2] and stored(store)[0].version == 3


def test_a_change_on_what_an_event_said_writes_only_what_it_changed_without_a_read(store):
    # GIVEN a complaint stored with more than its ComplaintReceived carries (an access key
    # hash, deadlines, another system's reference)
    form = ComplaintForm.checked(
        title="Sampah menumpuk", description="Sampah di TPS Sawojajar tidak diangkut seminggu"
    )
    complaint, event = build_complaint(form, "web", NOW, TRACKING_ID, "req", access_key_hash="h")
    complaint = complaint.replace(
        deadlines={"verify": NOW + timedelta(days=3)},
        sla_next_at=NOW + timedelta(days=2),
        external_refs={"lapor": "LAPOR-1"},
    )
    store.create(complaint, [event], {"identity": "sealed", "contact_channels": []})
    known = as_announced(event)
    assert known.deadlines == {} and known.access_key_hash is None
    reads: list[str] = []
    original_get = store.get
    store.get = lambda complaint_id: reads.append(complaint_id) or original_get(complaint_id)  # type: ignore[method-assign]
    # WHEN a change is decided on the event's complaint (no read) and written
    done = store.change(complaint.id, routed, marker="routing#evt-1", known=known)
    # THEN nothing was read, and the stored complaint has the change and keeps what the event
    # did not carry
    assert reads == [] and done is not None and done.complaint.version == 2
    after, history, _ = stored(store)
    assert after is not None and after.category == "waste" and after.version == 2
    assert after.access_key_hash == "h" and after.external_refs == {"lapor": "LAPOR-1"}
    assert after.deadlines == complaint.deadlines and after.sla_next_at == complaint.sla_next_at
    assert after.updated_at == complaint.updated_at and after.title == complaint.title
    assert history == ["ComplaintReceived", "ComplaintRouted"]
    # AND a redelivery meets its marker, whatever the version says
    with pytest.raises(AlreadyProcessed):
        store.change(complaint.id, routed, marker="routing#evt-1", known=known)


def test_a_change_on_what_an_event_said_is_decided_again_on_what_is_stored_after_a_write(
    store, filed
):
    # GIVEN an officer's write got in after the event (version 2)
    store.change(filed.id, lambda current: routed(current, "roads"))
    seen: list[tuple[int, str | None]] = []

    def decide(current: Complaint) -> Outcome | None:
        seen.append((current.version, current.category))
        return None if current.category else routed(current, "health")

    # WHEN a consumer decides on the event's complaint (version 1)
    assert store.change(filed.id, decide, marker="routing#evt-2", known=filed) is None
    # THEN its write lost on the version, the retry read the stored one and left it alone
    assert seen == [(1, None), (2, "roads")]
    assert stored(store)[0].category == "roads" and stored(store)[0].version == 2


def test_a_marker_lets_a_delivery_change_the_complaint_once(store, filed):
    store.change(filed.id, routed, marker="routing#evt-1")
    with pytest.raises(AlreadyProcessed):
        store.change(filed.id, lambda current: routed(current, "roads"), marker="routing#evt-1")
    complaint, history, _ = stored(store)
    assert complaint.category == "waste" and history == ["ComplaintReceived", "ComplaintRouted"]


def test_an_unknown_complaint_is_not_found(store, filed):
    with pytest.raises(NotFound):
        store.change("ZZZZZ-ZZZZZ", routed)


def test_a_refusal_of_the_decision_passes_through_and_nothing_is_written(store, filed):
    def refuse(current: Complaint) -> Outcome:
        raise Unprocessable("no", code="refused")

    with pytest.raises(Unprocessable) as refused:
        store.change(filed.id, refuse)
    assert refused.value.code == "refused" and stored(store)[0].version == 1


def test_an_event_already_in_the_history_refuses_the_whole_change(store, filed):
    first = routed(filed)
    store.change(filed.id, lambda current: first)
    again = Outcome(first.complaint, first.events)
    with pytest.raises(Conflict):
        store.change(filed.id, lambda current: again, attempts=1)
    complaint, history, _ = stored(store)
    assert complaint.version == 2 and history == ["ComplaintReceived", "ComplaintRouted"]


def test_a_tracking_id_is_created_once(store, filed):
    form = ComplaintForm.checked(title="Lagi", description="Jalan rusak di depan pasar Blimbing")
    complaint, event = build_complaint(form, "web", NOW, TRACKING_ID, "req")
    with pytest.raises(Collision):  # not "changed meanwhile, reload it": nothing was there to
        store.create(complaint, [event])
    assert stored(store)[0].title == "Sampah menumpuk"


# --- the chat channels: a message's dedupe record, its conversation and its complaint ----------

CHAT = "K#whatsapp#0123abcd"


def inbound(ref: str, outcome: str = "followed_up", complaint_id: str | None = TRACKING_ID):
    return InboundRecord("whatsapp", ref, outcome, complaint_id, NOW, NOW + timedelta(days=14))


def chat_of(complaint_id, read_version, events, **more) -> InboundChange:
    fields = {"channel": "whatsapp", "complaint_id": complaint_id, "fresh": False}
    return InboundChange(CHAT, read_version, fields, events, **more)


def test_a_new_complaint_by_chat_is_written_with_its_conversation_and_dedupe_record(store):
    form = ComplaintForm.checked(
        title="Lampu mati", description="Lampu jalan mati di Jl. Ijen sejak Senin"
    )
    complaint, event = build_complaint(form, "whatsapp", NOW, "B0B1C-D2E3F", "req")
    created = chat_of(complaint.id, 0, [event], created=(complaint, {"identity": "s"}))
    store.accept_inbound(inbound("wamid.1", "created", complaint.id), created)
    assert store.get(complaint.id) == complaint
    assert store.conversation(CHAT)["complaint_id"] == complaint.id
    assert store.conversation(CHAT)["version"] == 1
    assert store.inbound_seen("whatsapp", "wamid.1")["complaint_id"] == complaint.id
    # the same provider message again: nothing is written twice
    with pytest.raises(AlreadyProcessed):
        store.accept_inbound(inbound("wamid.1", "created", complaint.id), created)
    assert store.inbound_seen("whatsapp", "wamid.2") is None


def test_a_follow_up_changes_the_complaint_on_the_versions_read(store, filed):
    first = routed(filed)
    change = chat_of(
        filed.id, 0, first.events, changed=(first.complaint, 1), messages=first.messages
    )
    store.accept_inbound(inbound("wamid.1"), change)
    complaint, history, messages = stored(store)
    assert complaint.version == 2 and messages == ["now waste"]
    assert history == ["ComplaintReceived", "ComplaintRouted"]
    # a second message decided on the same reads (conversation 0, complaint 1) lost its race
    second = routed(filed, "roads")
    stale = chat_of(filed.id, 0, second.events, changed=(second.complaint, 1))
    with pytest.raises(VersionConflict):
        store.accept_inbound(inbound("wamid.2"), stale)
    stale_complaint = chat_of(filed.id, 1, second.events, changed=(second.complaint, 1))
    with pytest.raises(VersionConflict):
        store.accept_inbound(inbound("wamid.2"), stale_complaint)
    # nothing of the refused messages was written: not even their dedupe records
    assert store.inbound_seen("whatsapp", "wamid.2") is None
    assert stored(store)[0].category == "waste" and store.conversation(CHAT)["version"] == 1
