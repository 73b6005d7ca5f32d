"""Turning DynamoDB stream records into outbox records (pure)."""

from __future__ import annotations

from typing import Any

from aduan.publisher import OutboxRecord


def outbox_records(stream_records: list[dict[str, Any]]) -> list[OutboxRecord]:
    """History items inserted into the table, keyed by their stream sequence number.

    The event source mapping already filters to INSERTs of `E#` items; this check stays so a
    mapping without the filter (or a replay) cannot publish a complaint's META as an event.
    """
    records = []
    for record in stream_records:
        dynamodb = record.get("dynamodb", {})
        image = dynamodb.get("NewImage") or {}
        if record.get("eventName") != "INSERT" or not image.get("SK", {}).get("S", "").startswith(
            "E#"
        ):
            continue
        records.append(
            OutboxRecord(
                key=dynamodb["SequenceNumber"],
                source=image["source"]["S"],
                detail_type=image["detail_type"]["S"],
                detail=image["detail"]["S"],
            )
        )
    return records
