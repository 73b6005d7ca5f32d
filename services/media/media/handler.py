"""Media: fetches and stores the photos citizens send (MediaReceived), from its own queue."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from aduan.channel_events import MediaReceived
from aduan.consumer import EventConsumer
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings, needs

log = logger("media")


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


def media(event: MediaReceived) -> str:
    from media.media import store_media

    return store_media(event, repository(), get_settings(), datetime.now(UTC))


# The events this consumer handles; its rule in template.yaml must deliver exactly these.
HANDLERS = {"MediaReceived": media}


consumer = EventConsumer("media", HANDLERS)


@log.inject_lambda_context
@needs("table_name", "media_bucket_name")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return consumer(event, context)
