"""The repository against a real moto server: transactions, versions, markers, claims."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from aduan.complaint import ComplaintForm
from aduan.errors import AlreadyProcessed, ClaimHeld, Collision, Conflict, VersionConflict
from aduan.events import ComplaintRouted, EventMetadata, RoutingData
from aduan.repository import ComplaintRepository
from web.complaints import build_complaint

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def new_complaint(repository, tracking_id="A0B1C-D2E3F"):
    form = ComplaintForm.checked(
        title="Sampah menumpuk", description="Sampah di TPS Sawojajar tidak diangkut seminggu"
    )
    complaint, event = build_complaint(form, "web", NOW, tracking_id, "req")
    repository.create(complaint, [event], {"identity": "sealed", "contact_channels": []})
    return complaint, event


def routed_event(complaint_id):
    data = RoutingData(
        complaint_id=complaint_id,
        type="pengaduan",
        category="waste",
        category_confidence=0.9,
        version=2,
    )
    return ComplaintRouted(metadata=EventMetadata(correlation_id="c"), data=data)


def test_creating_a_complaint_writes_state_reporter_and_outbox_in_one_transaction(complaint_table):
    table, ddb = complaint_table
    repository = ComplaintRepository(table, ddb)
    complaint, event = new_complaint(repository)
    items = ddb.query(
        TableName=table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "C#A0B1C-D2E3F"}},
    )["Items"]
    assert sorted(i["SK"]["S"][:2] for i in items) == ["E#", "ME", "R"]
    loaded, history = repository.with_history(complaint.id)
    assert loaded.title == complaint.title and loaded.version == 1
    assert [h.detail_type for h in history] == ["ComplaintReceived"] and history[
        0
    ].event_id == event.event_id


def test_the_same_tracking_id_cannot_be_created_twice(complaint_table):
    repository = ComplaintRepository(*complaint_table)
    new_complaint(repository)
    # a Collision (draw another id), not a VersionConflict ("changed meanwhile, reload it")
    with pytest.raises(Collision):
        new_complaint(repository)


def test_two_writers_on_one_version_one_wins_the_other_gets_a_conflict(complaint_table):
    repository = ComplaintRepository(*complaint_table)
    complaint, _ = new_complaint(repository)
    first = complaint.replace(category="waste")
    second = complaint.replace(category="roads")
    repository.save(first, 1, [routed_event(complaint.id)])
    with pytest.raises(VersionConflict):
        repository.save(second, 1, [routed_event(complaint.id)])
    loaded, history = repository.with_history(complaint.id)
    assert loaded.category == "waste" and loaded.version == 2 and len(history) == 2


def test_concurrent_writers_produce_exactly_one_winner(complaint_table):
    repository = ComplaintRepository(*complaint_table)
    complaint, _ = new_complaint(repository)
    outcomes = []

    def attempt(category):
        try:
            repository.save(complaint.replace(category=category), 1, [routed_event(complaint.id)])
            outcomes.append("won")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [
        threading.Thread(target=attempt, args=(c,)) for c in ("waste", "roads", "health", "permits")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "won"]


def test_a_redelivered_event_is_recognised_by_its_marker(complaint_table):
    repository = ComplaintRepository(*complaint_table)
    complaint, _ = new_complaint(repository)
    saved = repository.save(
        complaint.replace(category="waste"),
        1,
        [routed_event(complaint.id)],
        marker="routing#evt-1",
    )
    with pytest.raises(AlreadyProcessed):
        repository.save(saved, saved.version, [routed_event(complaint.id)], marker="routing#evt-1")
    _, history = repository.with_history(complaint.id)
    assert len(history) == 2  # received + one routed, not two


def test_a_side_effect_is_claimed_once_and_an_abandoned_claim_expires(complaint_table):
    repository = ComplaintRepository(*complaint_table)
    complaint, _ = new_complaint(repository)
    assert repository.claim(complaint.id, "N#evt#sms", timedelta(minutes=2), now=NOW) is True
    # a second worker while the first is sending: told to come back when the lease runs out
    with pytest.raises(ClaimHeld) as held:
        repository.claim(
            complaint.id, "N#evt#sms", timedelta(minutes=2), now=NOW + timedelta(seconds=5)
        )
    assert isinstance(held.value, Conflict) and held.value.retry_after_s == 115
    # the first worker crashed: after the lease the claim can be taken again
    assert (
        repository.claim(
            complaint.id, "N#evt#sms", timedelta(minutes=2), now=NOW + timedelta(minutes=3)
        )
        is True
    )
    repository.append_events(
        complaint.id,
        [],
        extra=[repository.claim_done(complaint.id, "N#evt#sms", {"status": "sent"})],
    )
    # done: never again
    assert (
        repository.claim(
            complaint.id, "N#evt#sms", timedelta(minutes=2), now=NOW + timedelta(days=1)
        )
        is False
    )


def test_a_released_claim_can_be_taken_at_once(complaint_table):
    repository = ComplaintRepository(*complaint_table)
    complaint, _ = new_complaint(repository)
    assert repository.claim(complaint.id, "N#evt#email", timedelta(minutes=2), now=NOW)
    repository.release(complaint.id, "N#evt#email")
    assert repository.claim(complaint.id, "N#evt#email", timedelta(minutes=2), now=NOW)


def test_reference_data_is_read_by_kind(complaint_table):
    from aduan.reference import seed_items

    repository = ComplaintRepository(*complaint_table)
    repository.put_items(
        seed_items({"units": [{"id": f"u{i}", "name": f"Unit {i}"} for i in range(60)]})
    )
    assert len(repository.reference("unit")) == 60


def test_an_item_stored_with_the_old_extra_map_loads_into_the_typed_parts(complaint_table):
    from aduan.dynamo import serialize
    from aduan.repository import meta_item

    table, ddb = complaint_table
    repository = ComplaintRepository(table, ddb)
    complaint, _ = new_complaint(repository)
    # GIVEN a META item as written before the parts were typed: all of them in one `extra` map
    parts = ("draft", "answer", "archive", "rating", "media", "possible_duplicates")
    old = {k: v for k, v in meta_item(complaint).items() if k not in parts}
    old["extra"] = {
        "draft": {"text": "Yth.", "message_id": "m1", "bidang_id": "b", "at": NOW.isoformat()},
        "answer": {"text": "Sudah.", "released_at": NOW.isoformat(), "unit_id": "dlh"},
        "archive": {"reason_code": "duplicate", "reason": "Sama", "duplicate_of": "AAAAA-BBBBB"},
        "rating": {"score": 4, "at": NOW.isoformat()},
        "media": [
            {
                "key": "k",
                "mime_type": "image/jpeg",
                "size": 3,
                "message_id": "w",
                "at": "2026-11-30T10:00:00+07:00",
            }
        ],
        "possible_duplicates": ["AAAAA-BBBBB"],
        "lapor_category": "Infrastruktur",
    }
    ddb.put_item(TableName=table, Item=serialize(old))
    # WHEN it is read
    loaded = repository.get(complaint.id)
    # THEN every part is typed
    assert loaded.draft.text == "Yth." and loaded.draft.at == NOW
    assert loaded.answer.text == "Sudah." and loaded.answer.unit_id == "dlh"
    assert loaded.archive.reason_code == "duplicate" and loaded.rating.score == 4
    assert [m.key for m in loaded.media] == ["k"]
    assert loaded.possible_duplicates == ["AAAAA-BBBBB"]
    assert loaded.lapor_category == "Infrastruktur"
    # AND a change writes them as attributes of their own, without the old map
    repository.save(loaded.replace(updated_at=NOW), loaded.version, [])
    item = ddb.get_item(TableName=table, Key=serialize({"PK": f"C#{complaint.id}", "SK": "META"}))[
        "Item"
    ]
    assert "extra" not in item
    assert (
        item["rating"]["M"]["score"]["N"] == "4" and item["media"]["L"][0]["M"]["key"]["S"] == "k"
    )
    assert repository.get(complaint.id) == loaded.replace(
        updated_at=NOW, version=loaded.version + 1
    )
