"""Each service is served by the emulator its mode says, checked on the emulators themselves.

With `make test-localstack` LocalStack must really have served the queues, the bus and the key
in this run: its own request log counts them, the queues and the bus exist there and not in moto.
A silent fall-back to moto (a lost endpoint variable, a client built without it) fails here.
"""

from __future__ import annotations

import pytest

from infra.local.localstack import LocalStackCloud
from tests.support import eventually, http

pytestmark = [pytest.mark.e2e, pytest.mark.localstack]

FORM = {
    "title": "Lampu jalan mati",
    "description": "Lampu penerangan jalan di depan SD Sawojajar mati sudah satu minggu, gelap sekali malam hari",
    "location": {"kecamatan": "Kedungkandang", "kelurahan": "Sawojajar"},
    "reporter": {"name": "Siti Aminah", "phone": "0812-7777-1234"},
}


def a_complaint_goes_through(cloud) -> str:
    answer = http("POST", f"{cloud.gateway_url}/v1/complaints", FORM)
    assert answer.status == 202, answer
    tracking_id = answer.json["tracking_id"]
    eventually(
        lambda: http(
            "GET", f"{cloud.providers_url}/_outbox?channel=sms&contains={tracking_id}"
        ).json["messages"],
        what="the SMS acknowledgement (relay -> bus -> queues -> routing and notify)",
    )
    return tracking_id


def queue_names(sqs) -> list[str]:
    return [url.rsplit("/", 1)[1] for url in sqs.list_queues().get("QueueUrls", [])]


def bus_names(events) -> set[str]:
    return {bus["Name"] for bus in events.list_event_buses()["EventBuses"]}


def test_the_queues_the_bus_and_the_key_are_served_where_the_mode_says(cloud):
    bus = cloud.environment["EVENT_BUS_NAME"]
    queue = cloud.queue_url("RoutingQueue").rsplit("/", 1)[1]
    moto_sqs, moto_events = (
        cloud.client_at(cloud.endpoint, "sqs"),
        cloud.client_at(cloud.endpoint, "events"),
    )
    if not isinstance(cloud, LocalStackCloud):
        # All-moto mode: moto holds them, and every client goes to it.
        a_complaint_goes_through(cloud)
        assert {cloud.endpoint_for(s) for s in ("sqs", "events", "kms", "dynamodb")} == {
            cloud.endpoint
        }
        assert queue in queue_names(moto_sqs) and bus in bus_names(moto_events)
        return
    before = cloud.localstack_requests()
    a_complaint_goes_through(cloud)
    # The queues and the bus exist in LocalStack, and moto has neither.
    localstack = cloud.localstack_url
    assert queue in queue_names(cloud.client_at(localstack, "sqs"))
    assert bus in bus_names(cloud.client_at(localstack, "events"))
    assert queue_names(moto_sqs) == []
    assert bus not in bus_names(moto_events)
    assert {cloud.endpoint_for(s) for s in ("sqs", "events", "kms", "s3")} == {localstack}
    assert cloud.endpoint_for("dynamodb") == cloud.endpoint  # the table and its stream: moto
    if cloud.localstack is None:
        return  # a LocalStack of the user's own: its request log is not ours to read
    # LocalStack's own request log: it answered the pollers and the relay for this complaint,
    # and the key (a data key is made once per container, so counted over the whole run).
    served = cloud.localstack_requests() - before
    for operation in ("sqs.ReceiveMessage", "sqs.DeleteMessageBatch", "events.PutEvents"):
        assert served[operation] > 0, (operation, served.most_common(10))
    assert cloud.localstack_requests()["kms.GenerateDataKey"] > 0
