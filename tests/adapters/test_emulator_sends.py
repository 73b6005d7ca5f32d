"""The embedded emulator's sends read one attribute of their queue, not all of them (see
infra/local/emulator.py, fix 13), and answer what moto's own code does: standard queues, FIFO
queues with and without content-based deduplication, refusals included."""

from __future__ import annotations

import contextlib
import uuid

import pytest

QUEUES = {
    "standard": {},
    "fifo-deduplicated": {"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    "fifo": {"FifoQueue": "true"},
}
SENDS = [
    {"MessageBody": "one"},
    {"MessageBody": "one", "MessageGroupId": "g"},  # a duplicate body (deduplicated by content)
    {"MessageBody": "two", "MessageGroupId": "g"},
    {"MessageBody": "three", "MessageGroupId": "g", "MessageDeduplicationId": "d3"},
    {"MessageBody": "three", "MessageGroupId": "g", "MessageDeduplicationId": "d3"},
]


def _outcome(sqs, url, send):
    try:
        sqs.send_message(QueueUrl=url, **send)
        return "sent"
    except sqs.exceptions.ClientError as error:
        return error.response["Error"]["Code"], error.response["Error"]["Message"]


@pytest.mark.parametrize("kind", sorted(QUEUES))
def test_sends_answer_as_moto_does_without_walking_the_queue(moto_endpoint, kind, monkeypatch):
    from moto.sqs import models

    from infra.local import emulator
    from tests.support import aws_client

    sqs = aws_client(moto_endpoint, "sqs")
    walks = []
    counted = models.Queue.approximate_number_of_messages
    monkeypatch.setattr(
        models.Queue,
        "approximate_number_of_messages",
        property(lambda queue: walks.append(1) or counted.fget(queue)),
    )
    seen = []
    for as_moto in (False, True):
        name = f"sends-{uuid.uuid4().hex[:8]}" + (".fifo" if "fifo" in kind else "")
        url = sqs.create_queue(QueueName=name, Attributes=QUEUES[kind])["QueueUrl"]
        with emulator.moto_as_is() if as_moto else contextlib.nullcontext():
            del walks[:]
            outcomes = [_outcome(sqs, url, send) for send in SENDS]
            sends_walked = len(walks)
            bodies = []
            while True:
                got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages")
                if not got:
                    break
                bodies += [m["Body"] for m in got]
                for m in got:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        sqs.delete_queue(QueueUrl=url)
        seen.append((outcomes, sorted(bodies)))
        if not as_moto:
            assert sends_walked == 0  # no send counted the queue's messages
        else:
            assert sends_walked >= len(SENDS)  # moto's own code did, at least once per send
    assert seen[0] == seen[1]
    assert "sent" in seen[0][0]
