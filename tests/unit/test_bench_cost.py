"""The benchmark's bill: DynamoDB request units by DynamoDB's sizing rules (the local runtime's
accounting of each call, infra/local/worker.py) and the cost lines (bench/cost.py). Pure."""

from __future__ import annotations

import pytest

from bench.cost import Index, Measured, cost_lines, load_prices, write_units
from infra.local.worker import Usage, attribute_sizes, item_size


def s(text: str) -> dict[str, str]:
    return {"S": text}


def test_item_sizes_follow_dynamodb_rules():
    # Names and values in UTF-8 bytes; a number about half its digits plus one.
    assert item_size({"PK": s("C#1"), "n": {"N": "12345"}}) == 2 + 3 + 1 + 4
    assert attribute_sizes({"PK": s("ab")}) == {"PK": 4}


def test_reads_are_units_of_4_kb_and_half_when_eventually_consistent():
    usage = Usage()
    big = {"PK": s("a"), "SK": s("b"), "v": s("x" * 5000)}
    usage.after("dynamodb", "GetItem", {"Item": big}, {"ConsistentRead": True})
    usage.after("dynamodb", "Query", {"Items": [big, big]}, {})  # 10 KB read: 3 units, halved
    assert usage.figures["dynamodb:rru"] == 2 + 1.5


def test_writes_in_a_transaction_count_twice_and_updates_are_sized_later():
    usage = Usage()
    item = {"PK": s("C#1"), "SK": s("META"), "v": s("x" * 1500)}
    usage.before(
        "dynamodb",
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"Item": item}},
                {"Update": {"Key": {"PK": s("RPT#all"), "SK": s("2026-12#kota")}}},
            ]
        },
    )
    put, update = usage.writes
    assert put[:3] == ["C#1", "META", 2] and sum(put[3].values()) == item_size(item)
    assert update == ["RPT#all", "2026-12#kota", 2, None]


def test_write_units_add_a_write_per_index_the_item_is_in():
    indexes = [
        Index("Inbox", ("GSI1PK", "GSI1SK"), "ALL"),
        Index("Keys", ("GSI2PK",), "KEYS_ONLY"),
        Index("Unused", ("GSI9PK",), "ALL"),
    ]
    sizes = {"PK": 10, "SK": 10, "GSI1PK": 20, "GSI1SK": 20, "GSI2PK": 20, "body": 1500}
    table, index = write_units([(2, sizes, None)], indexes)
    assert (table, index) == (2 * 2, 2 + 1)  # 1.58 KB: 2 units, twice; ALL index 2, keys 1
    # An update is sized by the item the table holds afterwards; a deleted item as 1 KB.
    assert write_units([(1, None, {"PK": 10, "SK": 10}), (1, None, None)], indexes) == (2, 0)


def test_cost_lines_scale_the_run_to_a_million_complaints():
    prices = load_prices()
    measured = Measured(complaints=10, emails=10, event_entries=30)
    lines = {line.service: line.dollars_per_million for line in cost_lines(measured, prices)}
    assert lines["SES"] == pytest.approx(1_000_000 * prices["ses"]["emails_per_thousand"] / 1000)
    assert lines["EventBridge"] == pytest.approx(3 * prices["eventbridge"]["events_per_million"])
    assert prices["region_wanted"] == "ap-southeast-3" and prices["read_on"]
