"""Failures on the local cloud: partial batches, poison messages, duplicate publication."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support import eventually, http, recorded_events

pytestmark = pytest.mark.e2e


def sqs_record(body: str) -> dict:
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "r",
        "body": body,
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:ap-southeast-3:123456789012:q",
        "awsRegion": "ap-southeast-3",
    }


def received_envelope(cloud, tracking_id: str) -> dict:
    """The ComplaintReceived event as EventBridge delivered it (rebuilt from the outbox item)."""
    items = cloud.client("dynamodb").query(
        TableName=cloud.resources["ComplaintTable"],
        KeyConditionExpression="PK = :pk AND begins_with(SK, :e)",
        ExpressionAttributeValues={":pk": {"S": f"C#{tracking_id}"}, ":e": {"S": "E#"}},
    )["Items"]
    item = next(i for i in items if i["detail_type"]["S"] == "ComplaintReceived")
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "ComplaintReceived",
        "source": "aduan.intake",
        "detail": json.loads(item["detail"]["S"]),
    }


def new_complaint(cloud, **reporter) -> str:
    body = {
        "title": "Sampah menumpuk",
        "description": "Sampah di TPS dekat pasar Blimbing tidak diangkut seminggu",
        "reporter": reporter,
    }
    return http("POST", f"{cloud.gateway_url}/v1/complaints", body).json["tracking_id"]


def history(cloud, tracking_id):
    return recorded_events(cloud, tracking_id)


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
    sqs.send_message(
        QueueUrl=cloud.queue_url("RoutingQueue"),
        MessageBody=json.dumps({"detail-type": "ComplaintReceived", "detail": {"marker": marker}}),
    )

    def in_dlq():
        for message in sqs.receive_message(
            QueueUrl=cloud.queue_url("RoutingDLQ"), MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", []):
            if marker in message["Body"]:
                return message
        return None

    message = eventually(in_dlq, timeout=60, what="the poison message in the routing DLQ")
    assert json.loads(message["Body"])["detail"]["marker"] == marker


def test_the_relay_publishing_twice_does_not_send_two_acknowledgements(cloud):
    tracking_id = new_complaint(cloud, phone="081299990000")
    eventually(
        lambda: http(
            "GET", f"{cloud.providers_url}/_outbox?channel=sms&contains={tracking_id}"
        ).json["messages"],
        what="first acknowledgement",
    )
    # WHEN the same outbox record is published again (a relay retry after a partial failure)
    envelope = received_envelope(cloud, tracking_id)
    cloud.client("events").put_events(
        Entries=[
            {
                "EventBusName": cloud.environment["EVENT_BUS_NAME"],
                "Source": "aduan.intake",
                "DetailType": "ComplaintReceived",
                "Detail": json.dumps(envelope["detail"]),
            }
        ]
    )
    # THEN routing and notify see it (the queues drain) but nothing is done twice
    eventually(cloud.idle, what="queues drained")
    sms = http("GET", f"{cloud.providers_url}/_outbox?channel=sms&contains={tracking_id}").json[
        "messages"
    ]
    assert len(sms) == 1
    events = history(cloud, tracking_id)
    assert (
        events.count("NotificationSent") == 1
        and events.count("ComplaintRouted") + events.count("ComplaintNeedsTriage") == 1
    )


def test_a_failed_outbox_publication_is_retried_not_dropped(cloud):
    # GIVEN the bus refuses the relay's next publications (PutEvents answers 200 with
    # FailedEntryCount), injected by the local runtime
    cloud.faults.fail_next("RelayFunction", "PutEvents", times=2)
    # WHEN a complaint is created
    tracking_id = new_complaint(cloud)
    # THEN it is still routed: the entry was retried
    eventually(
        lambda: any(
            e in history(cloud, tracking_id) for e in ("ComplaintRouted", "ComplaintNeedsTriage")
        ),
        what="routing after retries",
    )
    assert cloud.faults.pending("RelayFunction") == 0


def test_a_relay_dying_between_reading_the_stream_and_publishing_loses_nothing(cloud):
    # GIVEN the relay's container dies just before it publishes, twice
    cloud.faults.die_next("RelayFunction", times=2, die="before", operation="PutEvents")
    # WHEN a complaint is created
    tracking_id = new_complaint(cloud, phone="081299990001")
    # THEN the stream is read again by a new container and the complaint acknowledged once
    eventually(
        lambda: http(
            "GET", f"{cloud.providers_url}/_outbox?channel=sms&contains={tracking_id}"
        ).json["messages"],
        timeout=60,
        what="the acknowledgement",
    )
    eventually(cloud.idle, what="queues drained")
    assert cloud.faults.pending("RelayFunction") == 0
    assert (
        len(
            http("GET", f"{cloud.providers_url}/_outbox?channel=sms&contains={tracking_id}").json[
                "messages"
            ]
        )
        == 1
    )
    assert history(cloud, tracking_id).count("NotificationSent") == 1


def test_a_container_that_dies_is_thrown_away_and_its_batch_retried(cloud):
    # GIVEN the routing function's container dies after its work, before answering
    function = cloud.runtime.functions["RoutingFunction"]
    errors_before = function.errors
    cloud.faults.die_next("RoutingFunction")
    tracking_id = new_complaint(cloud)
    # THEN the batch comes back, another container handles it, and the complaint is routed once
    eventually(
        lambda: any(
            e in history(cloud, tracking_id) for e in ("ComplaintRouted", "ComplaintNeedsTriage")
        ),
        timeout=60,
        what="routing",
    )
    eventually(cloud.idle, what="queues drained")
    events = history(cloud, tracking_id)
    assert events.count("ComplaintRouted") + events.count("ComplaintNeedsTriage") == 1
    # the dead container is thrown away; the retry goes to another warm one (the queue's other
    # batches have their own) or to a cold one
    assert function.errors >= errors_before + 1
    assert all(c.process.poll() is None for c in function.containers)


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
    assert not sqs.receive_message(QueueUrl=cloud.queue_url("NotifyDLQ"), WaitTimeSeconds=0).get(
        "Messages"
    )
    eventually(cloud.idle, what="notify consumed the redriven message")


def test_a_notify_container_dying_after_its_claim_still_acknowledges_once(cloud):
    # GIVEN notify's container dies just after it claimed the acknowledgement (before sending):
    # the claim stays pending until its lease runs out, while the local queue redelivers in 1 s
    cloud.faults.die_next("NotifyFunction", die="after", operation="UpdateItem")
    tracking_id = new_complaint(cloud, phone="081299990002")
    # THEN the retries wait for the lease instead of using up maxReceiveCount: the
    # acknowledgement goes out once, after the lease, and nothing is parked in the DLQ
    outbox = f"{cloud.providers_url}/_outbox?channel=sms&contains={tracking_id}"
    eventually(
        lambda: http("GET", outbox).json["messages"],
        timeout=cloud.runtime.functions["NotifyFunction"].spec.timeout + 60,
        what="the acknowledgement",
    )
    eventually(cloud.idle, what="queues drained")
    assert cloud.faults.pending("NotifyFunction") == 0
    assert len(http("GET", outbox).json["messages"]) == 1
    assert history(cloud, tracking_id).count("NotificationSent") == 1
    sqs = cloud.client("sqs")
    parked = sqs.get_queue_attributes(
        QueueUrl=cloud.queue_url("NotifyDLQ"), AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert parked == "0"


def test_a_web_form_function_dying_before_its_idempotency_record_is_done_files_one_complaint(
    cloud,
):
    import time

    # GIVEN the web form's container dies after its complaint's transaction, before Powertools
    # marks the Idempotency-Key's record done (its UpdateItem)
    cloud.faults.die_next("WebFunction", die="before", operation="UpdateItem")
    token = uuid.uuid4().hex[:10]
    body = {
        "title": f"Aduan {token}",
        "description": "Trotoar di Jl. Kawi rusak, pejalan kaki turun ke jalan",
        "reporter": {"phone": "081299990003"},
    }
    key = str(uuid.uuid4())
    # WHEN the browser retries the same POST with the same key until it is accepted
    answers = []
    for _ in range(40):
        answer = http("POST", f"{cloud.gateway_url}/v1/complaints", body, {"Idempotency-Key": key})
        answers.append(answer.status)
        if answer.status == 202:
            break
        time.sleep(1)
    # THEN it was refused first (the dead container) and then answered with the one complaint
    assert answers[0] >= 500 and answers[-1] == 202, answers
    assert cloud.faults.pending("WebFunction") == 0
    tracking_id = answer.json["tracking_id"]
    pages = (
        cloud.client("dynamodb")
        .get_paginator("scan")
        .paginate(
            TableName=cloud.resources["ComplaintTable"],
            FilterExpression="SK = :meta AND contains(title, :token)",
            ExpressionAttributeValues={":meta": {"S": "META"}, ":token": {"S": token}},
        )
    )
    filed = [item for page in pages for item in page["Items"]]
    assert [i["PK"]["S"] for i in filed] == [f"C#{tracking_id}"]
    # and the same key answers the same complaint again, with its access key
    again = http("POST", f"{cloud.gateway_url}/v1/complaints", body, {"Idempotency-Key": key})
    assert again.json["tracking_id"] == tracking_id
    assert again.json["access_key"] == answer.json["access_key"]
