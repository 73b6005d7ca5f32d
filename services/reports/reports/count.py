"""Counting a batch of events: recompute each complaint's contribution and add the difference, once.

Idempotent twice over: the marker of each event id in the same transaction makes a redelivery a
no-op, and since the contribution is recomputed from every event of the complaint counted so
far, an event that arrives after a later one of the same complaint (SQS does not keep order)
changes nothing it should not.

What the contribution is recomputed from is the report state's own copy of the events already
counted (compacted to the fields the figures read) plus the events in hand, which carry all the
figures need: so a batch costs one BatchGetItem of the states and one transaction, not a history
Query and a state read per event. The history is read only when the state cannot stand for it: a
complaint with no state whose batch does not start it (its receipt was never counted here, or is
still in flight), or a state written before it kept its events.

The whole batch is one transaction (split only beyond DynamoDB's 100 items): a marker per
event, the new state per complaint (conditional on its revision, so two deliveries racing on
one complaint cannot both add), and one ADD per aggregate item with the sum of every
complaint's difference. A refused marker is a duplicate; any other refusal reads again and
retries what is left.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aduan.errors import Conflict
from aduan.events import DomainEvent
from aduan.repository import ConditionsFailed, event_sk
from aduan.workflow import Clock
from reports.aggregates import difference, merge_entries, total
from reports.facts import Contribution, Entry, compact, contribution, entries_of
from reports.store import MAX_TRANSACTION_ITEMS, ReportState, ReportStore

CONSUMER = "reports"
ATTEMPTS = 5
STARTS = "ComplaintReceived"  # the event a complaint's counting starts from


@dataclass(frozen=True)
class _Plan:
    complaint_id: str
    events: list[DomainEvent]
    entries: list[Entry]
    contribution: Contribution
    rev: int
    delta: Contribution


def event_entry(event: DomainEvent) -> Entry:
    """The compacted history entry of an event: the event carries what its history item holds."""
    detail = json.loads(event.detail_json())
    return compact(
        Entry(
            event.detail_type(),
            event.metadata.occurred_at,
            detail.get("data", {}),
            event_sk(event),
            event.event_id,
        )
    )


def count_all(
    store: ReportStore, events: Iterable[DomainEvent], clock: Clock, now: datetime
) -> dict[str, str | Exception]:
    """Per event id: counted | duplicate, or the error that left it uncounted (SQS retries it)."""
    outcomes: dict[str, str | Exception] = {}
    pending: dict[str, DomainEvent] = {}
    for event in events:
        pending.setdefault(event.event_id, event)  # the same event twice in one batch counts once
    for _ in range(ATTEMPTS):
        if not pending:
            break
        by_complaint: dict[str, list[DomainEvent]] = {}
        for event in pending.values():
            by_complaint.setdefault(event.data.complaint_id, []).append(event)
        states = store.states(by_complaint)
        plans: list[_Plan] = []
        for complaint_id, found in sorted(by_complaint.items()):
            try:
                plans.append(_plan(store, complaint_id, found, states.get(complaint_id), clock))
            except Exception as error:
                for event in found:
                    outcomes[event.event_id] = error
                    pending.pop(event.event_id)
        for chunk in _chunks(plans):
            items, markers = _transaction(store, chunk, now)
            try:
                store.transact(items)
            except ConditionsFailed as refused:
                for position in refused.refused:
                    if position in markers:
                        outcomes[markers[position]] = "duplicate"
                        pending.pop(markers[position], None)
                continue  # a state moved on (or a concurrent transaction): read again
            except Exception as error:
                for plan in chunk:
                    for event in plan.events:
                        outcomes[event.event_id] = error
                        pending.pop(event.event_id)
                continue
            for plan in chunk:
                for event in plan.events:
                    outcomes[event.event_id] = "counted"
                    pending.pop(event.event_id)
    for event in pending.values():
        # Left to SQS: the record comes back after its visibility timeout and is counted then.
        outcomes[event.event_id] = Conflict(
            f"complaint {event.data.complaint_id} kept changing while counting it"
        )
    return outcomes


def _plan(
    store: ReportStore,
    complaint_id: str,
    events: list[DomainEvent],
    state: ReportState | None,
    clock: Clock,
) -> _Plan:
    known: list[Entry]
    if state is not None and state.entries is not None:
        known = state.entries
    elif state is None and any(e.detail_type() == STARTS for e in events):
        known = []  # the complaint's first count: nothing before it to read
    else:
        known = [compact(e) for e in entries_of(store.history(complaint_id))]
    entries = merge_entries(known, [event_entry(e) for e in events])
    new = contribution(entries, clock.calendar, clock.category_deadlines)
    old, rev = (state.contribution, state.rev) if state is not None else ({}, 0)
    return _Plan(complaint_id, events, entries, new, rev, difference(new, old))


def _size(plans: list[_Plan]) -> int:
    keys = {key for plan in plans for key in plan.delta}
    return sum(len(plan.events) + 1 for plan in plans) + len(keys)


def _chunks(plans: list[_Plan]) -> list[list[_Plan]]:
    """Plans grouped into transactions of at most 100 items (a plan is never split)."""
    chunks: list[list[_Plan]] = []
    for plan in plans:
        if chunks and _size([*chunks[-1], plan]) <= MAX_TRANSACTION_ITEMS:
            chunks[-1].append(plan)
        else:
            chunks.append([plan])
    return chunks


def _transaction(
    store: ReportStore, chunk: list[_Plan], now: datetime
) -> tuple[list[dict[str, Any]], Mapping[int, str]]:
    """The items, and which positions are which event's marker."""
    items: list[dict[str, Any]] = []
    markers: dict[int, str] = {}
    for plan in chunk:
        for event in plan.events:
            markers[len(items)] = event.event_id
            items.append(store.marker_op(plan.complaint_id, f"{CONSUMER}#{event.event_id}", now))
        items.append(
            store.state_op(plan.complaint_id, plan.contribution, plan.entries, plan.rev, now)
        )
    items += store.add_ops(total(plan.delta for plan in chunk))
    return items, markers
