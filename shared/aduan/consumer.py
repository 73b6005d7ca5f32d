"""Every event consumer reads the same thing: SQS batches of EventBridge envelopes.

`EventConsumer` turns each record into its typed event and calls the consumer's handler for that
detail-type. Partial failures are reported (Powertools BatchProcessor, ReportBatchItemFailures in
the template): a record whose handler raises comes back alone and reaches the DLQ after the
queue's maxReceiveCount; an event type the consumer does not handle is acknowledged and logged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from aduan.events import DomainEvent, parse_event
from aduan.observability import logger

Handler = Callable[[Any], Any]


class EventConsumer:
    def __init__(self, service: str, handlers: Mapping[str, Handler]) -> None:
        self.handlers = handlers
        self.log = logger(service)
        self.processor = BatchProcessor(event_type=EventType.SQS)

    def handle_record(self, record: Any) -> None:
        envelope = json.loads(record.body)
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
        return process_partial_response(event=event, record_handler=self.handle_record, processor=self.processor, context=context)
