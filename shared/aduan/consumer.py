"""Every event consumer reads the same thing: SQS batches of EventBridge envelopes.

`EventConsumer` turns each record into its typed event and calls the consumer's handler for that
detail-type. Partial failures are reported (ReportBatchItemFailures in the template): a record
whose handler raises comes back alone, the others are deleted, and it reaches the DLQ after the
queue's maxReceiveCount. An event type the consumer does not handle is acknowledged and logged.

Why not Powertools' BatchProcessor: importing it pulls in the parser's pydantic models of every
event source (~150 ms here, half a bare `import boto3`) into every consumer's cold start, for
what is this loop. The contract is the same: `{"batchItemFailures": [{"itemIdentifier": id}]}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from aduan.events import DomainEvent, parse_event
from aduan.observability import logger

Handler = Callable[[Any], Any]


class EventConsumer:
    def __init__(self, service: str, handlers: Mapping[str, Handler]) -> None:
        self.handlers = handlers
        self.log = logger(service)

    def handle_record(self, record: dict[str, Any]) -> None:
        envelope = json.loads(record["body"])
        detail_type = envelope["detail-type"]
        handler = self.handlers.get(detail_type)
        if handler is None:
            self.log.warning("event not handled here", extra={"detail_type": detail_type})
            return
        event: DomainEvent = parse_event(detail_type, envelope["detail"])
        outcome = handler(event)
        self.log.info(
            "handled",
            extra={"detail_type": detail_type, "complaint_id": event.data.complaint_id, "event_id": event.event_id, "outcome": outcome},
        )

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        failures = []
        for record in event.get("Records", []):
            try:
                self.handle_record(record)
            except Exception:
                # Logged with its trace (events carry no personal data); retried by SQS alone.
                self.log.exception("record failed", extra={"message_id": record.get("messageId")})
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}
