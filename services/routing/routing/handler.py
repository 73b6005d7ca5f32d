"""Routing: classify each new complaint and propose the unit that can answer it.

Consumes ComplaintReceived from its SQS queue. Partial batch failures are reported, so only the
failed records come back (and reach the DLQ after maxReceiveCount).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from aduan import reference
from aduan.complaint import Complaint
from aduan.events import ComplaintReceived, parse_event
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings
from routing.assign import record_proposal

log = logger("routing")
processor = BatchProcessor(event_type=EventType.SQS)


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


def propose(complaint: Complaint) -> Any:
    from routing.classify import as_categories
    from routing.gazetteer import Gazetteer
    from routing.rules import as_rules, propose_route

    load = repository().reference
    return propose_route(
        f"{complaint.title}. {complaint.description}. {complaint.location.address or ''}",
        complaint.location.kecamatan,
        complaint.location.kelurahan,
        reference.cached("category", load, build=as_categories),
        reference.cached("area", load, build=lambda bodies: Gazetteer.from_seed(bodies[0])),
        reference.cached("rule", load, build=as_rules),
        category_hint=complaint.category_hint,
    )


def possible_duplicates(complaint: Complaint) -> list[str]:
    """Recent similar complaints (same category and kecamatan), from the index: never a Scan."""
    from routing.duplicates import since, suggest

    if not (complaint.category and complaint.location.kecamatan):
        return []
    candidates = repository().similar_recent(complaint.category, complaint.location.kecamatan, since(complaint.received_at))
    return suggest(complaint.id, f"{complaint.title} {complaint.description}", candidates)


def route(event: ComplaintReceived) -> str:
    return record_proposal(event, repository(), propose, possible_duplicates)


# The events this consumer handles; its rule in template.yaml must deliver exactly these.
HANDLERS = {"ComplaintReceived": route}


def handle_record(record: Any) -> None:
    envelope = json.loads(record.body)
    handler = HANDLERS.get(envelope["detail-type"])
    if handler is None:
        log.warning("ignored event", extra={"detail_type": envelope["detail-type"]})
        return
    event = parse_event(envelope["detail-type"], envelope["detail"])
    outcome = handler(event)
    log.info("routing", extra={"complaint_id": event.data.complaint_id, "outcome": outcome, "event_id": event.event_id})


@log.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
