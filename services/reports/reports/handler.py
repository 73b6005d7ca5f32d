"""The reports consumer: lifecycle events -> aggregate items (see reports.facts for the figures).

Fed by its own rule -> SQS queue (with a DLQ) like every consumer; partial batch failures are
reported, so only a failed record comes back. A batch is counted at once (reports.count): one
read of the complaints' report states and one transaction for all of its events.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from aduan.consumer import EventConsumer
from aduan.events import DomainEvent
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings
from reports.facts import EVENTS

log = logger("reports")


@functools.cache
def store() -> Any:
    from reports.store import ReportStore

    return ReportStore(ComplaintRepository(get_settings().table_name))


def on_batch(events: list[DomainEvent]) -> dict[str, str | Exception]:
    from aduan.workflow import load_clock
    from reports.count import count_all

    reports = store()
    return count_all(reports, events, load_clock(reports.repository), datetime.now(UTC))


def on_event(event: DomainEvent) -> str:
    """One event alone: counted | duplicate."""
    outcome = on_batch([event])[event.event_id]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


# The events this consumer handles; its rule in template.yaml must deliver exactly these.
HANDLERS = {detail_type: on_event for detail_type in EVENTS}

consumer = EventConsumer("reports", HANDLERS, batch=on_batch)


@log.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return consumer(event, context)
