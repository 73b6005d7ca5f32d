"""Channels: fetches and stores the photos citizens send (MediaReceived), from its own queue."""

from __future__ import annotations

import functools
import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from aduan.channel_events import MediaReceived
from aduan.events import parse_event
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings

log = logger("channels")
processor = BatchProcessor(event_type=EventType.SQS)


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


def media(event: MediaReceived) -> str:
    from channels.media import store_media

    return store_media(event, repository(), get_settings())


# The events this consumer handles; its rule in template.yaml must deliver exactly these.
HANDLERS = {"MediaReceived": media}


def handle_record(record: Any) -> None:
    envelope = json.loads(record.body)
    handler = HANDLERS.get(envelope["detail-type"])
    if handler is None:
        log.warning("ignored event", extra={"detail_type": envelope["detail-type"]})
        return
    event = parse_event(envelope["detail-type"], envelope["detail"])
    outcome = handler(event)
    log.info("media", extra={"complaint_id": event.data.complaint_id, "outcome": outcome, "event_id": event.event_id})


@log.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
