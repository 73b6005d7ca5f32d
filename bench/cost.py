"""Cost per million complaints, from what a benchmark run measured and bench/prices.toml.

What is measured (in the local cloud, per complaint of the run): each function's invocations
and its billed handler time (rounded up to the millisecond) at the template's memory on arm64;
DynamoDB read request units from the sizes of the items each read answered, and write request
units from the sizes of the items written (a put's own attributes, an update's or delete's item
as the table holds it at the end) plus one write per global secondary index the item is in,
at its projection's size (a lower bound: an index key that changes costs a delete as well);
PutEvents entries; SQS requests (the event source mappings' receives that found messages and
their deletes, EventBridge's delivery of each message, the functions' own); KMS and SES
requests; HTTP API requests; log bytes the functions wrote. Not per complaint, so not here: idle
queue polling, storage, alarms and metrics, the KMS key, data transfer.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PRICES = Path(__file__).with_name("prices.toml")


def load_prices(path: Path = PRICES) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[str, ...]  # its hash key (and range key)
    projection: str  # ALL, KEYS_ONLY or INCLUDE
    included: tuple[str, ...] = ()


def indexes_of(table_properties: Mapping[str, Any]) -> list[Index]:
    found = []
    for gsi in table_properties.get("GlobalSecondaryIndexes") or []:
        projection = gsi.get("Projection") or {}
        found.append(
            Index(
                gsi["IndexName"],
                tuple(k["AttributeName"] for k in gsi["KeySchema"]),
                projection.get("ProjectionType", "ALL"),
                tuple(projection.get("NonKeyAttributes") or ()),
            )
        )
    return found


TABLE_KEYS = ("PK", "SK")


def write_units(
    writes: Iterable[tuple[int, Mapping[str, int] | None, Mapping[str, int] | None]],
    indexes: list[Index],
) -> tuple[float, float]:
    """(table, index) write request units. Each write: its units per KB (2 in a transaction),
    the attribute sizes it put (None: an update or delete) and the item's sizes as the table
    holds it at the end (None: gone)."""
    table = index = 0.0
    for factor, put, final in writes:
        sizes = put if put is not None else final
        if sizes is None:
            table += factor  # a delete of an item that is gone: its size is unknown, 1 KB
            continue
        table += factor * _kb(sum(sizes.values()))
        for ix in indexes:
            if not all(k in sizes for k in ix.keys):
                continue
            if ix.projection == "ALL":
                projected = sum(sizes.values())
            else:
                wanted = {
                    *TABLE_KEYS,
                    *ix.keys,
                    *(ix.included if ix.projection == "INCLUDE" else ()),
                }
                projected = sum(v for k, v in sizes.items() if k in wanted)
            index += _kb(projected)  # index writes are plain writes, also inside a transaction
    return table, index


def _kb(size: int) -> int:
    return max(1, math.ceil(size / 1024))


@dataclass
class Measured:
    """One run's totals (divide by `complaints` for one complaint)."""

    complaints: int
    invocations: dict[str, int] = field(default_factory=dict)  # by function
    billed_s: dict[str, float] = field(default_factory=dict)  # by function
    memory_mb: dict[str, int] = field(default_factory=dict)  # by function
    read_units: float = 0.0
    table_write_units: float = 0.0
    index_write_units: float = 0.0
    write_units_by_function: dict[str, float] = field(default_factory=dict)
    reported_capacity: float = 0.0  # what the emulator answered to ReturnConsumedCapacity
    event_entries: float = 0.0
    sqs_requests: dict[str, float] = field(default_factory=dict)  # by kind
    api_requests: float = 0.0
    kms_requests: float = 0.0
    emails: float = 0.0
    log_bytes: float = 0.0


@dataclass(frozen=True)
class Line:
    service: str
    quantity: str  # what one complaint uses, in words
    dollars_per_million: float


def cost_lines(m: Measured, prices: Mapping[str, Any]) -> list[Line]:
    n = max(m.complaints, 1)
    per_million = 1_000_000 / n  # run totals -> a million complaints
    lam, ddb = prices["lambda"], prices["dynamodb"]
    invocations = sum(m.invocations.values())
    gb_s = sum(m.billed_s[f] * m.memory_mb.get(f, 128) / 1024 for f in m.billed_s)
    sqs = sum(m.sqs_requests.values())
    return [
        Line(
            "Lambda",
            f"{invocations / n:.2f} invocations, {gb_s / n:.3f} GB-s (arm64)",
            per_million
            * (invocations * lam["requests_per_million"] / 1e6 + gb_s * lam["arm64_gb_second"]),
        ),
        Line(
            "DynamoDB",
            f"{m.read_units / n:.1f} RRU, {m.table_write_units / n:.1f} WRU + "
            f"{m.index_write_units / n:.1f} WRU in indexes",
            per_million
            * (
                m.read_units * ddb["read_request_unit_per_million"]
                + (m.table_write_units + m.index_write_units)
                * ddb["write_request_unit_per_million"]
            )
            / 1e6,
        ),
        Line(
            "EventBridge",
            f"{m.event_entries / n:.2f} events",
            per_million * m.event_entries * prices["eventbridge"]["events_per_million"] / 1e6,
        ),
        Line(
            "SQS",
            f"{sqs / n:.2f} requests",
            per_million * sqs * prices["sqs"]["requests_per_million"] / 1e6,
        ),
        Line(
            "API Gateway (HTTP API)",
            f"{m.api_requests / n:.2f} requests",
            per_million * m.api_requests * prices["api_gateway"]["requests_per_million"] / 1e6,
        ),
        Line(
            "KMS",
            f"{m.kms_requests / n:.3f} requests",
            per_million * m.kms_requests * prices["kms"]["requests_per_10k"] / 1e4,
        ),
        Line(
            "SES",
            f"{m.emails / n:.2f} e-mails",
            per_million * m.emails * prices["ses"]["emails_per_thousand"] / 1e3,
        ),
        Line(
            "CloudWatch Logs",
            f"{m.log_bytes / n / 1024:.1f} KB ingested",
            per_million * m.log_bytes / 1024**3 * prices["cloudwatch_logs"]["ingested_gb"],
        ),
    ]
