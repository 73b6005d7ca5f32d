"""Every event consumer reads the same thing: SQS batches of EventBridge envelopes.

`EventConsumer` turns each record into its typed event and calls the consumer's handler for that
detail-type. Partial failures are reported (ReportBatchItemFailures in the template): a record
whose handler raises comes back alone, the others are deleted, and it reaches the DLQ after the
queue's maxReceiveCount. An event type the consumer does not handle is acknowledged and logged.

Why not Powertools' BatchProcessor: importing it pulls in the parser's pydantic models of every
event source (~150 ms here, half a bare `import boto3`) into every consumer's cold start, for
what is this loop. The contract is the same: `{"batchItemFailures": [{"itemIdentifier": id}]}`.

A consumer that gains from seeing the whole batch at once (the reports fold a batch into one
transaction) passes `batch`: it gets every handled event of the batch and answers an outcome,
or the exception that failed it, per event id; only the records of failed events come back.

A record that meets a side effect claimed by another invocation (`ClaimHeld`: that one is
sending, or died mid-send and its lease has not run out) is not failed: failing it would bring it
back after the queue's visibility timeout, or at once on a local cloud, and every receive counts
towards maxReceiveCount, so a few early retries would park a message that only had to wait in
the DLQ (the citizen's acknowledgement lost). Instead the same body goes back on its own queue
delayed by what is left of the lease (SQS DelaySeconds), and this receipt is deleted: the copy
arrives when the claim is done (nothing to do) or expired (taken over), as a first receive.
It cannot loop: a claim lives one lease at most, and only a new, live claimer renews it.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from aduan.errors import ClaimHeld
from aduan.events import DomainEvent, parse_event
from aduan.lease import note_invocation
from aduan.observability import count, logger

Handler = Callable[[Any], Any]
# (record, delay in seconds): put the record's body back on the queue it came from.
SendAgain = Callable[[dict[str, Any], int], None]

BatchHandler = Callable[[list[DomainEvent]], Mapping[str, Any]]

MAX_DELAY_S = 900  # SQS's longest DelaySeconds


@functools.cache
def _queue_url(queue_arn: str) -> str:
    from aduan import aws

    _, _, _, _, account, name = queue_arn.split(":", 5)
    url: str = aws.client("sqs").get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)[
        "QueueUrl"
    ]
    return url


def send_again(record: dict[str, Any], delay_s: int) -> None:
    from aduan import aws

    aws.client("sqs").send_message(
        QueueUrl=_queue_url(record["eventSourceARN"]),
        MessageBody=record["body"],
        DelaySeconds=delay_s,
    )


class EventConsumer:
    def __init__(
        self,
        service: str,
        handlers: Mapping[str, Handler],
        again: SendAgain = send_again,
        batch: BatchHandler | None = None,
    ) -> None:
        self.service = service
        self.handlers = handlers
        self.again = again
        self.batch = batch
        self.log = logger(service)

    def handle_record(self, record: dict[str, Any]) -> None:
        envelope = json.loads(record["body"])
        detail_type = envelope["detail-type"]
        handler = self.handlers.get(detail_type)
        if handler is None:
            self.log.warning("event not handled here", extra={"detail_type": detail_type})
            return
        event: DomainEvent = parse_event(detail_type, envelope["detail"])
        # The correlation id born at the webhook or the form follows the complaint to the last
        # notification: every log line of this record carries it.
        self.log.set_correlation_id(event.metadata.correlation_id or None)
        outcome = handler(event)
        self.log.info(
            "handled",
            extra={
                "detail_type": detail_type,
                "complaint_id": event.data.complaint_id,
                "event_id": event.event_id,
                "outcome": outcome,
            },
        )

    def parse_record(self, record: dict[str, Any]) -> DomainEvent | None:
        """The record's typed event, or None for an event type this consumer does not handle."""
        envelope = json.loads(record["body"])
        detail_type = envelope["detail-type"]
        if detail_type not in self.handlers:
            self.log.warning("event not handled here", extra={"detail_type": detail_type})
            return None
        return parse_event(detail_type, envelope["detail"])

    def handle_batch(self, records: list[dict[str, Any]]) -> list[dict[str, str]]:
        assert self.batch is not None
        failures: list[dict[str, str]] = []
        parsed: list[tuple[dict[str, Any], DomainEvent]] = []
        for record in records:
            try:
                found = self.parse_record(record)
            except Exception:
                self.log.exception("record failed", extra={"message_id": record.get("messageId")})
                failures.append({"itemIdentifier": record["messageId"]})
                continue
            if found is not None:
                parsed.append((record, found))
        if not parsed:
            return failures
        try:
            outcomes: Mapping[str, Any] = self.batch([e for _, e in parsed])
        except Exception as error:
            outcomes = {e.event_id: error for _, e in parsed}
        for record, found in parsed:
            self.log.set_correlation_id(found.metadata.correlation_id or None)
            outcome = outcomes.get(found.event_id)
            extra = {
                "detail_type": found.detail_type(),
                "complaint_id": found.data.complaint_id,
                "event_id": found.event_id,
            }
            if isinstance(outcome, Exception) or outcome is None:
                self.log.error(
                    "record failed",
                    extra={**extra, "message_id": record.get("messageId"), "error": repr(outcome)},
                )
                failures.append({"itemIdentifier": record["messageId"]})
            else:
                self.log.info("handled", extra={**extra, "outcome": outcome})
        return failures

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        note_invocation(context)  # the lease of any claim this invocation takes (aduan.lease)
        if self.batch is not None:
            failures = self.handle_batch(event.get("Records", []))
            count("RecordsFailed", len(failures), service=self.service)
            return {"batchItemFailures": failures}
        failures = []
        for record in event.get("Records", []):
            try:
                self.handle_record(record)
            except ClaimHeld as held:
                if not self._come_back_later(record, held):
                    failures.append({"itemIdentifier": record["messageId"]})
            except Exception:
                # Logged with its trace (events carry no personal data); retried by SQS alone.
                self.log.exception("record failed", extra={"message_id": record.get("messageId")})
                failures.append({"itemIdentifier": record["messageId"]})
        count("RecordsFailed", len(failures), service=self.service)
        return {"batchItemFailures": failures}

    def _come_back_later(self, record: dict[str, Any], held: ClaimHeld) -> bool:
        """True: the record is back on its queue, delayed until the claim's lease has run out
        (a second over, for clocks); False: it could not be, so it fails as any other would."""
        delay = min(math.ceil(held.retry_after_s) + 1, MAX_DELAY_S)
        try:
            self.again(record, delay)
        except Exception:
            self.log.exception(
                "record not sent again", extra={"message_id": record.get("messageId")}
            )
            return False
        self.log.info(
            "claim held elsewhere: record comes back later",
            extra={"message_id": record.get("messageId"), "delay_s": delay},
        )
        count("RecordsDelayed", service=self.service)
        return True
