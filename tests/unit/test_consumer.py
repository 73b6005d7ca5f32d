"""The consumer loop every SQS-fed function shares (pure: handlers are plain functions here)."""

import json
from datetime import UTC, datetime

from aduan.consumer import EventConsumer
from aduan.events import ComplaintReceived, ComplaintReceivedData


def record(message_id: str, detail_type: str, detail) -> dict:
    body = json.dumps({"detail-type": detail_type, "source": "aduan.intake", "detail": detail})
    return {"messageId": message_id, "body": body}


def received(complaint_id: str) -> dict:
    data = ComplaintReceivedData(complaint_id=complaint_id, channel="web", title="t", description="d", received_at=datetime.now(UTC))
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
    batch = {"Records": [record("1", "ComplaintReceived", received("A")), record("2", "ComplaintReceived", received("BAD")), record("3", "ComplaintReceived", {"data": "garbage"})]}
    # THEN exactly the failing and the malformed records are reported
    assert consumer(batch, None) == {"batchItemFailures": [{"itemIdentifier": "2"}, {"itemIdentifier": "3"}]}
    assert seen == ["A"]


def test_an_event_the_consumer_does_not_handle_is_acknowledged():
    consumer = EventConsumer("test", {})
    assert consumer({"Records": [record("1", "SomethingElse", {})]}, None) == {"batchItemFailures": []}
