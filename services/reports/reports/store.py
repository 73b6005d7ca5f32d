"""The reports' adapter on the complaint table: history in, aggregate items out.

Three kinds of item: a complaint's history (``E#`` items, read only), its report state (``RPT``
in the complaint's partition: the contribution last added to the aggregates, the compacted
entries of the events counted so far, and a revision for optimistic locking) and the aggregate
items (partition ``RPT#<dimension>``). A consumer's write is one transaction for a whole batch:
a marker per event, the new report state per complaint, and one ``ADD`` per aggregate item that
changes (the sum over the batch's complaints), so an event counts once or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aduan.dynamo import deserialize, serialize, value
from aduan.repository import ComplaintRepository, complaint_pk
from reports.aggregates import (
    PREFIX,
    decode,
    decode_entries,
    encode,
    encode_entries,
    item_key,
    key_of,
)
from reports.facts import DIMENSIONS, AggregateKey, Contribution, Entry

STATE_SK = "RPT"
MARKER_TTL = timedelta(days=30)
MAX_TRANSACTION_ITEMS = 100


class TooManyChanges(RuntimeError):
    """One event would change more aggregate items than a transaction holds."""


@dataclass(frozen=True)
class ReportState:
    contribution: Contribution
    rev: int  # 0: no state yet
    # The compacted entries counted so far; None for a state written before they were kept.
    entries: list[Entry] | None


class ReportStore:
    def __init__(self, repository: ComplaintRepository) -> None:
        self.repository = repository
        self.table_name = repository.table_name

    @property
    def ddb(self) -> Any:
        return self.repository.ddb

    # --- one complaint ------------------------------------------------------------------------

    def history(self, complaint_id: str) -> list[dict[str, Any]]:
        return list(
            self._query(
                {
                    "KeyConditionExpression": "PK = :pk AND begins_with(SK, :e)",
                    "ExpressionAttributeValues": {
                        ":pk": value(complaint_pk(complaint_id)),
                        ":e": value("E#"),
                    },
                    "ConsistentRead": True,
                }
            )
        )

    def states(self, complaint_ids: Iterable[str]) -> dict[str, ReportState]:
        """The report states of several complaints, strongly consistent, in one BatchGetItem
        per 100 (a complaint without a state is left out)."""
        wanted = sorted(set(complaint_ids))
        found: dict[str, ReportState] = {}
        for start in range(0, len(wanted), 100):
            keys = [
                serialize({"PK": complaint_pk(cid), "SK": STATE_SK})
                for cid in wanted[start : start + 100]
            ]
            pending: dict[str, Any] = {self.table_name: {"Keys": keys, "ConsistentRead": True}}
            while pending:
                answer = self.ddb.batch_get_item(RequestItems=pending)
                for raw in answer.get("Responses", {}).get(self.table_name, []):
                    item = deserialize(raw)
                    raw_entries = item.get("entries")
                    found[str(item["PK"]).removeprefix("C#")] = ReportState(
                        decode(item.get("contribution")),
                        int(item.get("rev", 0)),
                        decode_entries(raw_entries) if raw_entries else None,
                    )
                pending = answer.get("UnprocessedKeys") or {}
        return found

    def marker_op(self, complaint_id: str, marker: str, now: datetime) -> dict[str, Any]:
        return self._marker(complaint_id, marker, now)

    def state_op(
        self,
        complaint_id: str,
        contribution: Contribution,
        entries: list[Entry],
        rev: int,
        now: datetime,
    ) -> dict[str, Any]:
        """The new state at rev + 1, only if the state is still at `rev` (0: none yet)."""
        return self._state_put(complaint_id, contribution, rev, now, entries)

    def add_ops(self, delta: Contribution) -> list[dict[str, Any]]:
        return [self._add(key, counters) for key, counters in sorted(delta.items())]

    def transact(self, items: list[dict[str, Any]]) -> None:
        """Raises the repository's ConditionsFailed with the refused positions."""
        if len(items) > MAX_TRANSACTION_ITEMS:
            raise TooManyChanges(f"{len(items)} items (limit {MAX_TRANSACTION_ITEMS})")
        self.repository.transact(items)

    # --- aggregates -----------------------------------------------------------------------------

    def aggregates(
        self, dimension: str, first_month: str | None, last_month: str
    ) -> list[dict[str, Any]]:
        """Aggregate items of one dimension for months in [first_month, last_month] (None: from
        the first month there is). One Query, paged."""
        names = {":pk": value(f"{PREFIX}{dimension}"), ":to": value(f"{last_month}#\uffff")}
        if first_month:
            condition = "PK = :pk AND SK BETWEEN :from AND :to"
            names[":from"] = value(f"{first_month}#")
        else:
            condition = "PK = :pk AND SK <= :to"
        return list(
            self._query({"KeyConditionExpression": condition, "ExpressionAttributeValues": names})
        )

    def all_aggregates(self) -> dict[AggregateKey, dict[str, Any]]:
        found: dict[AggregateKey, dict[str, Any]] = {}
        for dimension in DIMENSIONS:
            for item in self._query(
                {
                    "KeyConditionExpression": "PK = :pk",
                    "ExpressionAttributeValues": {":pk": value(f"{PREFIX}{dimension}")},
                    "ConsistentRead": True,
                }
            ):
                found[key_of(item)] = item
        return found

    def put_aggregate(self, key: AggregateKey, counters: dict[str, int]) -> dict[str, Any]:
        return {"PutRequest": {"Item": serialize(self._aggregate_item(key, counters))}}

    def delete_aggregate(self, key: AggregateKey) -> dict[str, Any]:
        return {"DeleteRequest": {"Key": serialize(item_key(key))}}

    def state_put_request(
        self,
        complaint_id: str,
        contribution: Contribution,
        rev: int,
        now: datetime,
        entries: list[Entry] | None = None,
    ) -> dict[str, Any]:
        return {
            "PutRequest": {
                "Item": serialize(self._state_item(complaint_id, contribution, rev, now, entries))
            }
        }

    def batch_write(self, requests: list[dict[str, Any]]) -> None:
        for start in range(0, len(requests), 25):
            pending = {self.table_name: requests[start : start + 25]}
            while pending:
                pending = (
                    self.ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                )

    # --- the whole table (the rebuild only) -----------------------------------------------------

    def scan_history_and_states(self) -> Iterator[dict[str, Any]]:
        """Every history item and report state, in no particular order (an admin tool's Scan)."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "FilterExpression": "begins_with(PK, :c) AND (begins_with(SK, :e) OR SK = :state)",
            "ExpressionAttributeValues": {
                ":c": value("C#"),
                ":e": value("E#"),
                ":state": value(STATE_SK),
            },
        }
        while True:
            page = self.ddb.scan(**kwargs)
            yield from (deserialize(i) for i in page["Items"])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # --- internals ------------------------------------------------------------------------------

    def _query(self, kwargs: dict[str, Any]) -> Iterator[dict[str, Any]]:
        kwargs = {"TableName": self.table_name, **kwargs}
        while True:
            page = self.ddb.query(**kwargs)
            yield from (deserialize(i) for i in page["Items"])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _marker(self, complaint_id: str, marker: str, now: datetime) -> dict[str, Any]:
        item = {
            "PK": complaint_pk(complaint_id),
            "SK": f"P#{marker}",
            "kind": "processed",
            "ttl": int((now + MARKER_TTL).timestamp()),
        }
        return self.repository.put_op(item, "attribute_not_exists(PK)")

    def _state_item(
        self,
        complaint_id: str,
        contribution: Contribution,
        rev: int,
        now: datetime,
        entries: list[Entry] | None = None,
    ) -> dict[str, Any]:
        item = {
            "PK": complaint_pk(complaint_id),
            "SK": STATE_SK,
            "kind": "report_state",
            "contribution": encode(contribution),
            "rev": rev,
            "updated_at": now.astimezone(UTC).isoformat(),
        }
        if entries is not None:
            item["entries"] = encode_entries(entries)
        return item

    def _state_put(
        self,
        complaint_id: str,
        contribution: Contribution,
        rev: int,
        now: datetime,
        entries: list[Entry] | None = None,
    ) -> dict[str, Any]:
        item = self._state_item(complaint_id, contribution, rev + 1, now, entries)
        if rev == 0:
            return self.repository.put_op(item, "attribute_not_exists(PK)")
        return self.repository.put_op(
            item, "#rev = :rev", names={"#rev": "rev"}, values={":rev": rev}
        )

    def _aggregate_item(self, key: AggregateKey, counters: dict[str, int]) -> dict[str, Any]:
        dimension, month, val = key
        return {
            **item_key(key),
            "kind": "report",
            "dim": dimension,
            "month": month,
            "value": val,
            **counters,
        }

    def _add(self, key: AggregateKey, counters: dict[str, int]) -> dict[str, Any]:
        dimension, month, val = key
        names = {"#kind": "kind", "#dim": "dim", "#month": "month", "#value": "value"}
        values: dict[str, Any] = {
            ":kind": value("report"),
            ":dim": value(dimension),
            ":month": value(month),
            ":value": value(val),
        }
        adds = []
        for index, (name, n) in enumerate(sorted(counters.items())):
            names[f"#c{index}"] = name
            values[f":c{index}"] = value(n)
            adds.append(f"#c{index} :c{index}")
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": serialize(item_key(key)),
                "UpdateExpression": "SET #kind = :kind, #dim = :dim, #month = :month, #value = :value ADD "
                + ", ".join(adds),
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
