"""Relay: publishes the outbox (history items from the table stream) to the event bus.

Delivery is at least once: a record whose PutEvents entry still fails after the publisher's
retries is reported back, and Lambda re-delivers the stream from it (consumers dedupe on
event_id). After MaximumRetryAttempts the mapping sends it to the relay DLQ.
"""

from __future__ import annotations

import functools
from typing import Any

from aduan.observability import logger
from aduan.publisher import EventPublisher
from aduan.settings import get_settings, needs
from relay.outbox import outbox_records

log = logger("relay")


@functools.cache
def publisher() -> EventPublisher:
    return EventPublisher(get_settings().event_bus_name)


@log.inject_lambda_context
@needs("event_bus_name")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    records = outbox_records(event.get("Records", []))
    failed = publisher().publish(records)
    if failed:
        log.warning(
            "outbox records not published", extra={"failed": len(failed), "of": len(records)}
        )
    # Stream positions are ordered; Lambda resumes from the lowest reported sequence number.
    return {"batchItemFailures": [{"itemIdentifier": r.key} for r in failed]}
