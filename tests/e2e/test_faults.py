"""Failures on the local cloud: partial batches, poison messages, duplicate publication."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support import eventually, http

pytestmark = pytest.mark.e2e


def sqs_record(body: str) -> dict:
    return {"messageId": str(uuid.uuid4()), "receiptHandle": "r", "body": body, "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:ap-southeast-3:123456789012:q", "awsRegion": "ap-southeast-3"}


def received_envelope(cloud, tracking_id: str) -> dict:
    """The ComplaintReceived event as EventBridge delivered it (rebuilt from the outbox item)."""
    items = cloud.client("dynamodb").query(
        TableName=cloud.resources["ComplaintTable"],
        KeyConditionExpression="PK = :pk AND begins_with(SK, :e)",
        ExpressionAttributeValues={":pk": {"S": f"C#{tracking_id}"}, ":e": {"S": "E#"}},
    )["Items"]
    item = next(i for i in items if i["detail_type"]["S"] == "ComplaintReceived")
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "ComplaintReceived", "source": "aduan.intake", "detail": json.loads(item["detail"]["S"])}


def new_complaint(cloud, **reporter) -> str:
    body = {"title": "Sampah menumpuk", "description": "Sampah di TPS dekat pasar Blimbing tidak diangkut seminggu", "reporter": reporter}
    return http("POST", f"{cloud.gateway_url}/v1/complaints", body).json["tracking_id"]


def history(cloud, tracking_id):
    return [e["event"] for e in http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json["timeline"]]


def test_a_consumer_failing_one_record_gets_only_that_record_back(cloud):
    # GIVEN a batch with a good record and a poison one
    tracking_id = new_complaint(cloud)
    good = sqs_record(json.dumps(received_envelope(cloud, tracking_id)))
    poison = sqs_record('{"detail-type": "ComplaintReceived", "detail": {"data": "garbage"}}')
    # WHEN routing handles the batch
    result = cloud.runtime.invoke("RoutingFunction", {"Records": [good, poison]})
    # THEN only the poison record is reported as failed
    assert result == {"batchItemFailures": [{"itemIdentifier": poison["messageId"]}]}


def test_a_record_that_always_fails_ends_in_the_dlq(cloud):
    sqs = cloud.client("sqs")
    marker = f"poison-{uuid.uuid4()}"
    sqs.send_message(QueueUrl=cloud.queue_url("RoutingQueue"), MessageBody=json.dumps({"detail-type": "ComplaintReceived", "detail": {"marker": marker}}))

    def in_dlq():
        for message in sqs.receive_message(QueueUrl=cloud.queue_url("RoutingDLQ"), MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            if marker in message["Body"]:
                return message
        return None

    message = eventually(in_dlq, timeout=60, what="the poison message in the routing DLQ")
    assert json.loads(message["Body"])["detail"]["marker"] == marker


def test_the_relay_publishing_twice_does_not_send_two_acknowledgements(cloud):
    tracking_id = new_complaint(cloud, phone="081299990000")
    eventually(lambda: http("GET", f"{cloud.providers_url}/_outbox?channel=sms&contains={tracking_id}").json["messages"], what="first acknowledgement")
    # WHEN the same outbox record is published again (a relay retry after a partial failure)
    envelope = received_envelope(cloud, tracking_id)
    cloud.client("events").put_events(
        Entries=[{"EventBusName": cloud.environment["EVENT_BUS_NAME"], "Source": "aduan.intake", "DetailType": "ComplaintReceived", "Detail": json.dumps(envelope["detail"])}]
    )
    # THEN routing and notify see it (the queues drain) but nothing is done twice
    eventually(cloud.idle, what="queues drained")
    sms = http("GET", f"{cloud.providers_url}/_outbox?channel=sms&contains={tracking_id}").json["messages"]
    assert len(sms) == 1
    events = history(cloud, tracking_id)
    assert events.count("NotificationSent") == 1 and events.count("ComplaintRouted") + events.count("ComplaintNeedsTriage") == 1


def test_a_failed_outbox_publication_is_retried_not_dropped(cloud, monkeypatch):
    # GIVEN the bus refuses the next entries (PutEvents answers 200 with FailedEntryCount)
    from relay import handler as relay

    real = relay.publisher().events
    failures = {"left": 2}

    class FlakyBus:
        def put_events(self, Entries):
            if failures["left"] > 0:
                failures["left"] -= 1
                return {"FailedEntryCount": len(Entries), "Entries": [{"ErrorCode": "InternalFailure"} for _ in Entries]}
            return real.put_events(Entries=Entries)

    monkeypatch.setattr(relay.publisher(), "_client", FlakyBus())
    # WHEN a complaint is created
    tracking_id = new_complaint(cloud)
    # THEN it is still routed: the entry was retried
    eventually(lambda: any(e in history(cloud, tracking_id) for e in ("ComplaintRouted", "ComplaintNeedsTriage")), what="routing after retries")
    assert failures["left"] == 0


def test_the_redrive_command_moves_dlq_messages_back_to_their_queue(cloud):
    from infra.local import template
    from infra.redrive import redrive, source_of

    assert source_of("NotifyDLQ", template.load()) == "NotifyQueue"
    sqs = cloud.client("sqs")
    # GIVEN a message parked in the notify DLQ (an event notify does not handle: it is acked)
    body = json.dumps({"detail-type": "SomethingElse", "detail": {"marker": str(uuid.uuid4())}})
    sqs.send_message(QueueUrl=cloud.queue_url("NotifyDLQ"), MessageBody=body)
    # WHEN it is redriven
    assert redrive(sqs, cloud.queue_url("NotifyDLQ"), cloud.queue_url("NotifyQueue")) == 1
    # THEN the DLQ is empty and notify consumed it from its queue
    assert not sqs.receive_message(QueueUrl=cloud.queue_url("NotifyDLQ"), WaitTimeSeconds=0).get("Messages")
    eventually(cloud.idle, what="notify consumed the redriven message")
