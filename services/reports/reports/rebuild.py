"""Recompute every aggregate from the history items (an admin tool: it reads the whole table).

For a new figure, a fixed definition or after restoring a backup: it sums the contribution of
every complaint (``reports.facts``, the consumer's own function), writes the aggregate items
that differ, deletes those that should not exist, and writes each complaint's report state so
the consumer goes on from there. Run it with the reports queue's event source paused (events
wait in the queue) and resume it after: a delivery counted while it runs would be counted twice.

    python -m infra.reports rebuild --table <ComplaintTableName>   [--dry-run]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aduan.workflow import Clock
from reports.aggregates import counters_of, decode, total
from reports.facts import Contribution, Entry, compact, contribution, entries_of
from reports.store import STATE_SK, ReportStore


@dataclass(frozen=True)
class Rebuilt:
    complaints: int
    aggregates: int  # aggregate items there should be
    written: int  # aggregate items written because they differed or were missing
    deleted: int  # aggregate items that should not exist
    states: int


def contributions(
    items: Iterable[Mapping[str, Any]], clock: Clock
) -> tuple[
    dict[str, Contribution], dict[str, tuple[Contribution, int, bool]], dict[str, list[Entry]]
]:
    """Each complaint's contribution from its history items, the report states found (with
    whether they keep their entries) and each complaint's compacted entries."""
    history: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    states: dict[str, tuple[Contribution, int, bool]] = {}
    for item in items:
        complaint_id = str(item["PK"]).removeprefix("C#")
        if item["SK"] == STATE_SK:
            states[complaint_id] = (
                decode(item.get("contribution")),
                int(item.get("rev", 0)),
                bool(item.get("entries")),
            )
        else:
            history[complaint_id].append(item)
    entries = {cid: [compact(e) for e in entries_of(found)] for cid, found in history.items()}
    computed = {
        cid: contribution(found, clock.calendar, clock.category_deadlines)
        for cid, found in entries.items()
    }
    return computed, states, entries


def rebuild(store: ReportStore, clock: Clock, now: datetime, dry_run: bool = False) -> Rebuilt:
    computed, states, entries = contributions(store.scan_history_and_states(), clock)
    wanted = total(computed.values())
    # An item whose counters all came back to zero (a complaint counted under its category hint
    # before routing, then moved) reads as absent everywhere: it is neither stale nor wrong.
    existing = {
        key: counters
        for key, item in store.all_aggregates().items()
        if (counters := counters_of(item))
    }
    requests = [
        store.put_aggregate(key, counters)
        for key, counters in sorted(wanted.items())
        if existing.get(key) != counters
    ]
    written = len(requests)
    stale = [key for key in existing if key not in wanted]
    requests += [store.delete_aggregate(key) for key in sorted(stale)]
    # A state is written where its contribution differs, or where it lacks the entries the
    # consumer goes on from (one written before they were kept).
    none: tuple[Contribution, int, bool] = ({}, 0, False)
    state_requests = [
        store.state_put_request(cid, found, states.get(cid, none)[1] + 1, now, entries[cid])
        for cid, found in sorted(computed.items())
        if states.get(cid, none)[0] != found or (cid in states and not states[cid][2])
    ]
    if not dry_run:
        store.batch_write(requests + state_requests)
    return Rebuilt(len(computed), len(wanted), written, len(stale), len(state_requests))
