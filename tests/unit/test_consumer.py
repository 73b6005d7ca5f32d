"""The consumer loop every SQS-fed function shares (pure: handlers are plain functions here)."""

import json
from datetime import UTC, datetime

from aduan.consumer import EventConsumer
from aduan.events import ComplaintReceived, ComplaintReceivedData


def record(message_id: str, detail_type: str, detail) -> dict:
    body = json.dumps({"detail-type": detail_type, "source": "aduan.intake", "detail": detail})
    return {"messageId": message_id, "body": body}


def received(complaint_id: str) -> dict:
    data = ComplaintReceivedData(
        complaint_id=complaint_id,
        channel="web",
        title="t",
        description="d",
        received_at=datetime.now(UTC),
    )
    return json.loads(ComplaintReceived(data=data).detail_json())


def test_only_the_failing_records_come_back():
    # GIVEN a handler that fails on one complaint
    seen = []

    def handle(event):
        if event.data.complaint_id == "BAD":
            raise RuntimeError("boom")
        seen.append(event.data.complaint_id)

    consumer = EventConsumer("test", {"ComplaintReceived": handle})
    # WHEN a batch with a good, a failing and a malformed record arrives
    batch = {
        "Records": [
            record("1", "ComplaintReceived", received("A")),
            record("2", "ComplaintReceived", received("BAD")),
            record("3", "ComplaintReceived", {"data": "garbage"}),
        ]
    }
    # THEN exactly the failing and the malformed records are reported
    assert consumer(batch, None) == {
        "batchItemFailures": [{"itemIdentifier": "2"}, {"itemIdentifier": "3"}]
    }
    assert seen == ["A"]


def test_an_event_the_consumer_does_not_handle_is_acknowledged():
    consumer = EventConsumer("test", {})
    assert consumer({"Records": [record("1", "SomethingElse", {})]}, None) == {
        "batchItemFailures": []
    }


def test_a_record_meeting_a_live_claim_comes_back_when_its_lease_runs_out():
    from aduan.errors import ClaimHeld

    # GIVEN a handler that meets another invocation's claim with 12.3 s left on its lease
    def handle(event):
        if event.data.complaint_id == "HELD":
            raise ClaimHeld("N#e#sms is being handled by another worker", retry_after_s=12.3)

    sent_again = []
    consumer = EventConsumer(
        "test", {"ComplaintReceived": handle}, again=lambda r, d: sent_again.append((r, d))
    )
    held = record("1", "ComplaintReceived", received("HELD"))
    # WHEN its batch is handled
    result = consumer({"Records": [held, record("2", "ComplaintReceived", received("A"))]}, None)
    # THEN it is not failed (a failure is a receive towards the DLQ) but put back on its queue,
    # delayed past the lease
    assert result == {"batchItemFailures": []}
    assert sent_again == [(held, 14)]


def test_a_held_record_that_cannot_be_put_back_fails_as_any_other():
    from aduan.errors import ClaimHeld

    def handle(event):
        raise ClaimHeld("held", retry_after_s=3)

    def refuse(record, delay):
        raise ConnectionError("sqs unreachable")

    consumer = EventConsumer("test", {"ComplaintReceived": handle}, again=refuse)
    batch = {"Records": [record("1", "ComplaintReceived", received("HELD"))]}
    assert consumer(batch, None) == {"batchItemFailures": [{"itemIdentifier": "1"}]}


def test_a_batch_consumer_sees_the_whole_batch_and_fails_only_its_failed_events():
    # GIVEN a batch handler that fails one complaint's event
    seen: list[list[str]] = []

    def handle_all(events):
        seen.append([e.data.complaint_id for e in events])
        return {
            e.event_id: RuntimeError("boom") if e.data.complaint_id == "BAD" else "counted"
            for e in events
        }

    consumer = EventConsumer("test", {"ComplaintReceived": handle_all}, batch=handle_all)
    # WHEN a batch with two good, a failing, a malformed and an unhandled record arrives
    batch = {
        "Records": [
            record("1", "ComplaintReceived", received("A")),
            record("2", "ComplaintReceived", received("BAD")),
            record("3", "ComplaintReceived", {"data": "garbage"}),
            record("4", "SomethingElse", {}),
            record("5", "ComplaintReceived", received("B")),
        ]
    }
    # THEN the handler saw every handled event at once, and only 2 and 3 come back
    assert consumer(batch, None) == {
        "batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]
    }
    assert seen == [["A", "BAD", "B"]]


def test_a_batch_consumer_that_raises_fails_every_handled_record():
    def handle_all(events):
        raise RuntimeError("table unavailable")

    consumer = EventConsumer("test", {"ComplaintReceived": handle_all}, batch=handle_all)
    batch = {"Records": [record("1", "ComplaintReceived", received("A"))]}
    assert consumer(batch, None) == {"batchItemFailures": [{"itemIdentifier": "1"}]}
