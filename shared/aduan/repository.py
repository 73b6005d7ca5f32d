"""The complaint repository: the only code that touches the complaint table.

Every state change is one transaction: the new `META` item (conditional on the version read) and
the history items, which are also the outbox the stream relay publishes. So a change never
exists without its event, nor an event without its change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aduan import aws
from aduan.complaint import Complaint
from aduan.dynamo import deserialize, serialize, value
from aduan.errors import AlreadyProcessed, Conflict, VersionConflict
from aduan.events import DomainEvent
from aduan.status import Status

MARKER_TTL = timedelta(days=30)
COORDINATOR_QUEUE = "coordinator"


def complaint_pk(complaint_id: str) -> str:
    return f"C#{complaint_id}"


def event_sk(event: DomainEvent) -> str:
    return f"E#{event.metadata.occurred_at.isoformat()}#{event.event_id}"


def index_attributes(complaint: Complaint) -> dict[str, Any]:
    """Sparse index keys derived from the complaint, never kept by hand.

    Inbox: the owner (its unit, or the coordinator's queue before disposition) and status, due
    soonest first. Deadlines: only open deadlines, bucketed by due date, so the SLA sweep reads
    today's bucket and never scans.
    """
    owner = complaint.unit_id or COORDINATOR_QUEUE
    due = min(complaint.deadlines.values()) if complaint.deadlines else None
    attrs: dict[str, Any] = {
        "GSI1PK": f"UNIT#{owner}#{complaint.status.value}",
        "GSI1SK": f"{sort_key(due) if due else '9999'}#{complaint.id}",
    }
    # Bucketed by the next SLA checkpoint (a reminder comes a working day before the deadline),
    # not by the deadline itself, so the sweep finds the complaint in time for each step.
    checkpoint = complaint.sla_next_at
    if checkpoint is not None and complaint.status.is_open:
        attrs["GSI2PK"] = deadline_bucket(checkpoint)
        attrs["GSI2SK"] = f"{sort_key(checkpoint)}#{complaint.id}"
    # Duplicate suggestions look for recent complaints of the same category in the same area.
    if complaint.category and complaint.location.kecamatan and complaint.status is not Status.ARCHIVED:
        attrs["GSI4PK"] = similar_partition(complaint.category, complaint.location.kecamatan)
        attrs["GSI4SK"] = f"{sort_key(complaint.received_at)}#{complaint.id}"
    for system, ref in complaint.external_refs.items():
        attrs["GSI3PK"] = f"X#{system}#{ref}"
        attrs["GSI3SK"] = complaint.id
    return attrs


def sort_key(moment: datetime) -> str:
    """A UTC timestamp that sorts as text (offsets differ between writers; UTC does not)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def deadline_bucket(moment: datetime) -> str:
    return f"DUE#{moment.astimezone(UTC).date().isoformat()}"


def similar_partition(category: str, kecamatan: str) -> str:
    return f"SIM#{category}#{kecamatan}"


def meta_item(complaint: Complaint) -> dict[str, Any]:
    body = complaint.model_dump(mode="json", exclude_none=True)
    return {"PK": complaint_pk(complaint.id), "SK": "META", "kind": "complaint", **body, **index_attributes(complaint)}


def event_item(event: DomainEvent) -> dict[str, Any]:
    """A history entry that is also the outbox record the relay publishes."""
    return {
        "PK": complaint_pk(event.data.complaint_id),
        "SK": event_sk(event),
        "kind": "event",
        "event_id": event.event_id,
        "source": event.SOURCE,
        "detail_type": event.detail_type(),
        "occurred_at": event.metadata.occurred_at.isoformat(),
        "detail": event.detail_json(),
    }


class ConditionsFailed(Conflict):
    """A `transact` was refused; `refused` holds the positions of the items whose condition failed."""

    def __init__(self, refused: frozenset[int]) -> None:
        super().__init__(f"transaction refused (items {sorted(refused)})")
        self.refused = refused


@dataclass(frozen=True)
class HistoryEntry:
    event_id: str
    detail_type: str
    source: str
    occurred_at: str
    detail: dict[str, Any]


class ComplaintRepository:
    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self.table_name = table_name
        self._client = client

    @property
    def ddb(self) -> Any:
        return self._client or aws.client("dynamodb")

    # --- writes ------------------------------------------------------------------------------

    def create(self, complaint: Complaint, events: list[DomainEvent], reporter: dict[str, Any] | None = None) -> None:
        puts = [self._put(meta_item(complaint), "attribute_not_exists(PK)")]
        if reporter is not None:
            puts.append(self._put({"PK": complaint_pk(complaint.id), "SK": "R", "kind": "reporter", **reporter}))
        puts += [self._put(event_item(e), "attribute_not_exists(PK)") for e in events]
        self._transact(puts)

    def save(
        self,
        complaint: Complaint,
        expected_version: int,
        events: list[DomainEvent],
        marker: str | None = None,
        extra: list[dict[str, Any]] | None = None,
    ) -> Complaint:
        """Write the new state if nobody changed it since `expected_version`.

        `marker` makes a consumer idempotent inside the same transaction: the first delivery of
        an event writes it, a redelivery fails on it and is reported as AlreadyProcessed.
        """
        saved = complaint.model_copy(update={"version": expected_version + 1})
        items = [
            self._put(meta_item(saved), "#v = :v", names={"#v": "version"}, values={":v": value(expected_version)}),
        ]
        if marker:
            items.append(self._marker(complaint.id, marker))
        items += [self._put(event_item(e), "attribute_not_exists(PK)") for e in events]
        items += extra or []
        self._transact(items, marker_index=1 if marker else None)
        return saved

    def append_events(self, complaint_id: str, events: list[DomainEvent], extra: list[dict[str, Any]] | None = None) -> None:
        """History entries that do not change the complaint's state (e.g. a notification sent)."""
        self._transact([self._put(event_item(e), "attribute_not_exists(PK)") for e in events] + (extra or []))

    def claim(self, complaint_id: str, key: str, lease: timedelta, now: datetime | None = None) -> bool:
        """Claim a side effect (one message to one recipient) before doing it.

        True: this caller does it. False: it is already done. A claim left 'pending' by a crashed
        worker expires after `lease`, so the effect is retried rather than lost.
        """
        now = now or datetime.now(UTC)
        try:
            self.ddb.put_item(
                TableName=self.table_name,
                Item=serialize(
                    {
                        "PK": complaint_pk(complaint_id),
                        "SK": key,
                        "kind": "claim",
                        "state": "pending",
                        "claimed_at": now.isoformat(),
                        "ttl": int((now + MARKER_TTL).timestamp()),
                    }
                ),
                ConditionExpression="attribute_not_exists(PK) OR (#s = :pending AND claimed_at < :stale)",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={":pending": value("pending"), ":stale": value((now - lease).isoformat())},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return True
        except self.ddb.exceptions.ConditionalCheckFailedException as failed:
            old = deserialize(failed.response.get("Item", {}))
            if old.get("state") == "pending":
                raise Conflict(f"{key} is being handled by another worker") from failed
            return False

    def release(self, complaint_id: str, key: str) -> None:
        """Give a pending claim back (the effect failed and will be retried)."""
        try:
            self.ddb.delete_item(
                TableName=self.table_name,
                Key=serialize({"PK": complaint_pk(complaint_id), "SK": key}),
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={":pending": value("pending")},
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            pass  # already done or gone: nothing to give back

    def claim_done(self, complaint_id: str, key: str, result: dict[str, Any]) -> dict[str, Any]:
        """A transaction item that marks a claim done (written with the history entry)."""
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": serialize({"PK": complaint_pk(complaint_id), "SK": key}),
                "UpdateExpression": "SET #s = :done, #r = :result",
                "ExpressionAttributeNames": {"#s": "state", "#r": "result"},
                "ExpressionAttributeValues": {":done": value("done"), ":result": value(result)},
            }
        }

    def put_items(self, items: list[dict[str, Any]]) -> None:
        """Plain batch writes for reference data (units, rules, templates) seeded from infra/seed."""
        for start in range(0, len(items), 25):
            requests = [{"PutRequest": {"Item": serialize(i)}} for i in items[start : start + 25]]
            pending = {self.table_name: requests}
            while pending:
                pending = self.ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    # --- reads -------------------------------------------------------------------------------

    def get(self, complaint_id: str) -> Complaint | None:
        got = self.ddb.get_item(
            TableName=self.table_name,
            Key=serialize({"PK": complaint_pk(complaint_id), "SK": "META"}),
            ConsistentRead=True,
        )
        return Complaint.model_validate(deserialize(got["Item"])) if "Item" in got else None

    def get_reporter(self, complaint_id: str) -> dict[str, Any] | None:
        got = self.ddb.get_item(
            TableName=self.table_name, Key=serialize({"PK": complaint_pk(complaint_id), "SK": "R"}), ConsistentRead=True
        )
        return deserialize(got["Item"]) if "Item" in got else None

    def with_history(self, complaint_id: str) -> tuple[Complaint | None, list[HistoryEntry]]:
        """The complaint and its history in one query (the reporter item is never returned)."""
        complaint, history, _ = self.with_history_and_messages(complaint_id)
        return complaint, history

    def with_history_and_messages(
        self, complaint_id: str
    ) -> tuple[Complaint | None, list[HistoryEntry], list[dict[str, Any]]]:
        """The complaint, its history and its messages (`M#` items, oldest first) in one query."""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": value(complaint_pk(complaint_id))},
            "ConsistentRead": True,
        }
        while True:
            page = self.ddb.query(**kwargs)
            items += [deserialize(i) for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        meta = next((i for i in items if i["SK"] == "META"), None)
        history = [
            HistoryEntry(i["event_id"], i["detail_type"], i["source"], i["occurred_at"], json.loads(i["detail"]))
            for i in items
            if i["SK"].startswith("E#")
        ]
        messages = [i for i in items if i["SK"].startswith("M#")]
        return (Complaint.model_validate(meta) if meta else None), history, messages

    # --- the officers' workflow: messages, inbox, SLA buckets, duplicate candidates ------------

    def message_put(self, complaint_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """A transaction item for a message (`message_id`, `at` ISO, text, author, visibility),
        written with the state change that it belongs to."""
        item = {"PK": complaint_pk(complaint_id), "SK": f"M#{message['at']}#{message['message_id']}", "kind": "message", **message}
        return self._put(item, "attribute_not_exists(PK)")

    def inbox(
        self, owner: str, status: str, limit: int, start: dict[str, Any] | None = None
    ) -> tuple[list[Complaint], dict[str, Any] | None]:
        """One page of a unit's (or the coordinator's) complaints in one status, due soonest
        first. `start` is the previous page's last key (None: the first page)."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "UnitInbox",
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": {":pk": value(f"UNIT#{owner}#{status}")},
            "Limit": limit,
        }
        if start:
            kwargs["ExclusiveStartKey"] = serialize(start)
        page = self.ddb.query(**kwargs)
        found = [Complaint.model_validate(deserialize(i)) for i in page["Items"]]
        last = page.get("LastEvaluatedKey")
        return found, (deserialize(last) if last else None)

    def due_for_sweep(self, bucket_day: str, until: datetime) -> list[str]:
        """Ids of complaints in one Deadlines bucket whose next checkpoint is at or before `until`."""
        ids: list[str] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "Deadlines",
            "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK <= :until",
            "ExpressionAttributeValues": {":pk": value(f"DUE#{bucket_day}"), ":until": value(f"{sort_key(until)}#~")},
        }
        while True:
            page = self.ddb.query(**kwargs)
            ids += [deserialize(i)["PK"].removeprefix("C#") for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return ids
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def similar_recent(self, category: str, kecamatan: str, since: datetime, limit: int = 200) -> list[dict[str, Any]]:
        """Recent complaints of one category in one kecamatan (id, title, description, status),
        newest first: the candidates for a duplicate suggestion."""
        page = self.ddb.query(
            TableName=self.table_name,
            IndexName="SimilarComplaints",
            KeyConditionExpression="GSI4PK = :pk AND GSI4SK >= :since",
            ExpressionAttributeValues={":pk": value(similar_partition(category, kecamatan)), ":since": value(sort_key(since))},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [deserialize(i) for i in page["Items"]]

    def reference(self, kind: str) -> list[dict[str, Any]]:
        """All reference items of one kind (partition `REF#<kind>`): units, rules, categories…"""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": value(f"REF#{kind}")},
        }
        while True:
            page = self.ddb.query(**kwargs)
            items += [deserialize(i) for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # --- composed writes: a channel message is dedupe + conversation + complaint, all or nothing ---

    def put_op(
        self, item: dict[str, Any], condition: str | None = None, names: dict[str, str] | None = None, values: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A transaction item putting `item` (values in `values` are plain Python, not typed)."""
        typed = {k: value(v) for k, v in (values or {}).items()} or None
        return self._put(item, condition, names, typed)

    def complaint_ops(self, complaint: Complaint, expected_version: int | None, events: list[DomainEvent]) -> list[dict[str, Any]]:
        """The META put and its history puts, for `transact`: a new complaint (`expected_version`
        None) must not exist yet; a changed one is written at `expected_version + 1` only if
        nobody changed it since, exactly as `save` does."""
        if expected_version is None:
            meta = self._put(meta_item(complaint), "attribute_not_exists(PK)")
        else:
            saved = complaint.model_copy(update={"version": expected_version + 1})
            meta = self._put(meta_item(saved), "#v = :v", names={"#v": "version"}, values={":v": value(expected_version)})
        return [meta, *(self._put(event_item(e), "attribute_not_exists(PK)") for e in events)]

    def transact(self, items: list[dict[str, Any]]) -> None:
        """Write prepared items in one transaction. Refused conditions raise ConditionsFailed with
        the positions of the refused items (none: it collided with a concurrent transaction)."""
        try:
            self.ddb.transact_write_items(TransactItems=items)
        except self.ddb.exceptions.TransactionCanceledException as cancelled:
            reasons = [r.get("Code") for r in cancelled.response.get("CancellationReasons", [])]
            refused = frozenset(i for i, code in enumerate(reasons) if code == "ConditionalCheckFailed")
            if refused or "TransactionConflict" in reasons:
                raise ConditionsFailed(refused) from cancelled
            raise

    def get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        """One item by key, strongly consistent (dedupe and conversation items)."""
        got = self.ddb.get_item(TableName=self.table_name, Key=serialize({"PK": pk, "SK": sk}), ConsistentRead=True)
        return deserialize(got["Item"]) if "Item" in got else None

    # --- internals ---------------------------------------------------------------------------

    def _put(
        self,
        item: dict[str, Any],
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self.table_name, "Item": serialize(item)}
        if condition:
            put["ConditionExpression"] = condition
        if names:
            put["ExpressionAttributeNames"] = names
        if values:
            put["ExpressionAttributeValues"] = values
        return {"Put": put}

    def _marker(self, complaint_id: str, marker: str) -> dict[str, Any]:
        expires = int((datetime.now(UTC) + MARKER_TTL).timestamp())
        item = {"PK": complaint_pk(complaint_id), "SK": f"P#{marker}", "kind": "processed", "ttl": expires}
        return self._put(item, "attribute_not_exists(PK)")

    def _transact(self, items: list[dict[str, Any]], marker_index: int | None = None) -> None:
        try:
            self.ddb.transact_write_items(TransactItems=items)
        except self.ddb.exceptions.TransactionCanceledException as cancelled:
            reasons = [r.get("Code") for r in cancelled.response.get("CancellationReasons", [])]
            if marker_index is not None and len(reasons) > marker_index and reasons[marker_index] == "ConditionalCheckFailed":
                raise AlreadyProcessed("event already processed") from cancelled
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise VersionConflict("the complaint was changed by someone else; reload it") from cancelled
            raise
