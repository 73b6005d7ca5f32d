"""Aggregate items and the arithmetic on them: keys, differences, sums, quantiles. Pure.

An aggregate item is one (dimension, month, value) with its counters, stored in the partition
``RPT#<dimension>`` under the sort key ``<YYYY-MM>#<value>``: a month range of one dimension is
one Query, whatever the number of units or areas.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from reports.facts import HISTOGRAM_CAP, AggregateKey, Contribution, Entry, parse_time

PREFIX = "RPT#"
# Attributes of an aggregate item that are not counters.
KEY_ATTRIBUTES = frozenset({"PK", "SK", "kind", "dim", "month", "value"})


def item_key(key: AggregateKey) -> dict[str, str]:
    dimension, month, value = key
    return {"PK": f"{PREFIX}{dimension}", "SK": f"{month}#{value}"}


def key_of(item: Mapping[str, Any]) -> AggregateKey:
    month, value = str(item["SK"]).split("#", 1)
    return (str(item["PK"]).removeprefix(PREFIX), month, value)


def counters_of(item: Mapping[str, Any]) -> dict[str, int]:
    return {
        k: int(v)
        for k, v in item.items()
        if k not in KEY_ATTRIBUTES and isinstance(v, int | float) and int(v) != 0
    }


def difference(new: Contribution, old: Contribution) -> Contribution:
    """What to add to the aggregates to replace ``old`` by ``new`` (zeros left out)."""
    out: Contribution = {}
    for key in new.keys() | old.keys():
        now, before = new.get(key, {}), old.get(key, {})
        delta = {
            name: now.get(name, 0) - before.get(name, 0) for name in now.keys() | before.keys()
        }
        delta = {name: n for name, n in delta.items() if n}
        if delta:
            out[key] = delta
    return out


def total(contributions: Iterable[Contribution]) -> Contribution:
    out: Contribution = {}
    for one in contributions:
        for key, counters in one.items():
            into = out.setdefault(key, {})
            for name, n in counters.items():
                into[name] = into.get(name, 0) + n
    return {k: {n: v for n, v in c.items() if v} for k, c in out.items() if any(c.values())}


def encode(contribution: Contribution) -> str:
    """A contribution as the JSON kept on the complaint's report state item."""
    return json.dumps(
        sorted([[*key, counters] for key, counters in contribution.items()]), separators=(",", ":")
    )


def decode(raw: str | None) -> Contribution:
    if not raw:
        return {}
    return {(d, m, v): dict(c) for d, m, v, c in json.loads(raw)}


def encode_entries(entries: Iterable[Entry]) -> str:
    """The compacted entries a report state keeps (reports.facts.compact), oldest first."""
    ordered = sorted(entries, key=lambda e: (e.occurred_at, e.sort))
    return json.dumps(
        [[e.event_id, e.sort, e.detail_type, e.occurred_at.isoformat(), e.data] for e in ordered],
        separators=(",", ":"),
        default=str,
    )


def decode_entries(raw: str) -> list[Entry]:
    return [
        Entry(detail_type, parse_time(occurred_at), data, sort, event_id)
        for event_id, sort, detail_type, occurred_at, data in json.loads(raw)
    ]


def merge_entries(*groups: Iterable[Entry]) -> list[Entry]:
    """One entry per event (by its id, else its sort key); a later group's copy is dropped."""
    found: dict[str, Entry] = {}
    for group in groups:
        for entry in group:
            found.setdefault(entry.event_id or entry.sort, entry)
    return list(found.values())


# --- reading: counters of many items -> figures --------------------------------------------------


def merge(counters: Iterable[Mapping[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for one in counters:
        for name, n in one.items():
            out[name] = out.get(name, 0) + int(n)
    return out


def histogram(counters: Mapping[str, int], metric: str) -> list[int]:
    """Counts of 0, 1, ..., HISTOGRAM_CAP working days (the last: that many or more)."""
    return [int(counters.get(f"{metric}_d{d}", 0)) for d in range(HISTOGRAM_CAP + 1)]


def quantile(hist: list[int], q: float) -> int | None:
    """The nearest-rank quantile of a histogram of whole days: the smallest d with at least
    ceil(q * n) values at or below it. Exact for whole working days (the data's resolution);
    a value in the last bucket reads as HISTOGRAM_CAP ("that many or more")."""
    n = sum(hist)
    if n == 0:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for days, count in enumerate(hist):
        seen += count
        if seen >= rank:
            return days
    return len(hist) - 1  # pragma: no cover - seen reaches n


def mean(hist: list[int]) -> float | None:
    n = sum(hist)
    return round(sum(d * c for d, c in enumerate(hist)) / n, 2) if n else None


def share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None
