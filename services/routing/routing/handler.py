"""Routing: classify each new complaint and propose the unit that can answer it.

Consumes ComplaintReceived from its SQS queue. Partial batch failures are reported, so only the
failed records come back (and reach the DLQ after maxReceiveCount).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from aduan import reference
from aduan.complaint import Complaint
from aduan.consumer import EventConsumer
from aduan.events import ComplaintReceived
from aduan.observability import count, logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings, needs
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
    from routing.duplicates import CANDIDATES, since, suggest

    if not (complaint.category and complaint.location.kecamatan):
        return []
    candidates = repository().similar_recent(
        complaint.category, complaint.location.kecamatan, since(complaint.received_at), CANDIDATES
    )
    return suggest(complaint.id, f"{complaint.title} {complaint.description}", candidates)


def route(event: ComplaintReceived) -> str:
    outcome = record_proposal(
        event, repository(), propose, possible_duplicates, now=datetime.now(UTC)
    )
    if outcome in ("routed", "triage"):
        count("ComplaintsRouted", outcome=outcome)
    return outcome


# The events this consumer handles; its rule in template.yaml must deliver exactly these.
HANDLERS = {"ComplaintReceived": route}


consumer = EventConsumer("routing", HANDLERS)


@log.inject_lambda_context
@needs("table_name")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return consumer(event, context)
