"""Channels: fetches and stores the photos citizens send (MediaReceived), from its own queue."""

from __future__ import annotations

import functools
from typing import Any

from aduan.channel_events import MediaReceived
from aduan.consumer import EventConsumer
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings

log = logger("channels")


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


def media(event: MediaReceived) -> str:
    from channels.media import store_media

    return store_media(event, repository(), get_settings())


# The events this consumer handles; its rule in template.yaml must deliver exactly these.
HANDLERS = {"MediaReceived": media}


consumer = EventConsumer("channels", HANDLERS)


@log.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return consumer(event, context)
