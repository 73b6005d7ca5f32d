"""Routing: classify each new complaint and propose the unit that can answer it.

Consumes ComplaintReceived from its SQS queue. Partial batch failures are reported, so only the
failed records come back (and reach the DLQ after maxReceiveCount).
"""

from __future__ import annotations

import functools
from typing import Any

from aduan import reference
from aduan.complaint import Complaint
from aduan.events import ComplaintReceived
from aduan.consumer import EventConsumer
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings
from routing.assign import record_proposal

log = logger("routing")


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


consumer = EventConsumer("routing", HANDLERS)


@log.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return consumer(event, context)
