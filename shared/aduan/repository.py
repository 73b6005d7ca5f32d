"""The complaint repository: the only code that touches the complaint table.

Every state change is one transaction: the new `META` item (conditional on the version read) and
the history items, which are also the outbox the stream relay publishes. So a change never
exists without its event, nor an event without its change.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aduan import aws
from aduan.calendar import sort_key
from aduan.changes import ChangeLoop
from aduan.complaint import Complaint
from aduan.dynamo import deserialize, serialize, value
from aduan.errors import (
    AlreadyProcessed,
    ClaimHeld,
    Collision,
    Conflict,
    NotFound,
    VersionConflict,
)
from aduan.events import DomainEvent
from aduan.status import Status
from aduan.timeline import PUBLIC_STEPS

MARKER_TTL = timedelta(days=30)
# A provider's delivery record and the statuses it reports: long enough for a late status or
# an officer asking why a citizen never got a reply.
DELIVERY_TTL = timedelta(days=90)
COORDINATOR_QUEUE = "coordinator"
OPEN311_CLIENTS = "OPEN311#CLIENTS"


# A claim another delivery may take over: given back ('released'), or 'pending' past its lease
# (its invocation has ended: aduan.lease). `#s` and `#at` name the claim's state and its time.
_TAKEABLE = "#s = :released OR (#s = :pending AND #at < :stale)"


def _takeable_values(now: datetime, lease: timedelta) -> dict[str, Any]:
    return {
        ":pending": value("pending"),
        ":released": value("released"),
        ":stale": value((now - lease).isoformat()),
    }


def _raise_if_held(
    state: Any, claimed_at: Any, lease: timedelta, now: datetime, what: str, cause: Exception
) -> None:
    """A claim found 'pending' within its lease is a live one: ClaimHeld with its time left."""
    if state == "pending":
        left = datetime.fromisoformat(claimed_at) + lease - now
        raise ClaimHeld(
            f"{what} is being handled by another worker",
            retry_after_s=max(left.total_seconds(), 0.0),
        ) from cause


def complaint_pk(complaint_id: str) -> str:
    return f"C#{complaint_id}"


def event_sk(event: DomainEvent) -> str:
    return f"E#{event.metadata.occurred_at.isoformat()}#{event.event_id}"


def index_attributes(complaint: Complaint) -> dict[str, Any]:
    """Sparse index keys derived from the complaint, never kept by hand.

    Inbox: the owner (its unit, or the coordinator's queue before disposition) and status, due
    soonest first, and among the same due (deadlines end at 23.59 WIB, so a day's complaints
    share one) the longest waiting first: reversed, the newest is on top. Deadlines: only open deadlines, bucketed by due date, so the SLA sweep reads
    today's bucket and never scans.
    """
    owner = complaint.unit_id or COORDINATOR_QUEUE
    due = min(complaint.deadlines.values()) if complaint.deadlines else None
    attrs: dict[str, Any] = {
        "GSI1PK": f"UNIT#{owner}#{complaint.status.value}",
        "GSI1SK": f"{sort_key(due) if due else '9999'}#{sort_key(complaint.received_at)}"
        f"#{complaint.id}",
    }
    # Bucketed by the next SLA checkpoint (a reminder comes a working day before the deadline),
    # not by the deadline itself, so the sweep finds the complaint in time for each step.
    checkpoint = complaint.sla_next_at
    if checkpoint is not None and complaint.status.is_open:
        attrs["GSI2PK"] = deadline_bucket(checkpoint)
        attrs["GSI2SK"] = f"{sort_key(checkpoint)}#{complaint.id}"
    # Duplicate suggestions look for recent complaints of the same category in the same area.
    if (
        complaint.category
        and complaint.location.kecamatan
        and complaint.status is not Status.ARCHIVED
    ):
        attrs["GSI4PK"] = similar_partition(complaint.category, complaint.location.kecamatan)
        attrs["GSI4SK"] = f"{sort_key(complaint.received_at)}#{complaint.id}"
    for system, ref in complaint.external_refs.items():
        attrs["GSI3PK"] = f"X#{system}#{ref}"
        attrs["GSI3SK"] = complaint.id
    # The public listing (Open311 GET requests): never a rahasia complaint, by month received.
    if not complaint.confidential:
        attrs["GSI5PK"] = public_partition("PUB", complaint.received_at)
        attrs["GSI5SK"] = f"{sort_key(complaint.received_at)}#{complaint.id}"
    return attrs


def public_partition(family: str, moment: datetime) -> str:
    """`PUB#2026-12` (requests by month received) or `UPD#2026-12` (public steps by month)."""
    return f"{family}#{moment.astimezone(UTC).strftime('%Y-%m')}"


def months_between(start: datetime, end: datetime) -> list[datetime]:
    """The first instant of every UTC month from start's to end's, oldest first."""
    month = start.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    found = []
    while month <= end:
        found.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return found


def deadline_bucket(moment: datetime) -> str:
    return f"DUE#{moment.astimezone(UTC).date().isoformat()}"


def similar_partition(category: str, kecamatan: str) -> str:
    return f"SIM#{category}#{kecamatan}"


def meta_item(complaint: Complaint) -> dict[str, Any]:
    body = complaint.to_dict(exclude_none=True)
    return {
        "PK": complaint_pk(complaint.id),
        "SK": "META",
        "kind": "complaint",
        **body,
        **index_attributes(complaint),
    }


def event_item(event: DomainEvent) -> dict[str, Any]:
    """A history entry that is also the outbox record the relay publishes."""
    item = {
        "PK": complaint_pk(event.data.complaint_id),
        "SK": event_sk(event),
        "kind": "event",
        "event_id": event.event_id,
        "source": event.SOURCE,
        "detail_type": event.detail_type(),
        "occurred_at": event.metadata.occurred_at.isoformat(),
        "detail": event.detail_json(),
    }
    # Steps the public may learn of (Open311 service request updates), by month. Whether the
    # complaint is rahasia is checked when they are read: the step alone does not say.
    if item["detail_type"] in PUBLIC_STEPS:
        occurred = event.metadata.occurred_at
        item["GSI5PK"] = public_partition("UPD", occurred)
        item["GSI5SK"] = f"{sort_key(occurred)}#{event.event_id}"
    return item


class ConditionsFailed(Conflict):
    """A `transact` was refused; `refused` holds the positions of the items whose condition failed."""

    def __init__(self, refused: frozenset[int]) -> None:
        super().__init__(f"transaction refused (items {sorted(refused)})")
        self.refused = refused


@dataclass(frozen=True)
class InboundRecord:
    """The dedupe record of one provider message: what accepting it did, kept `keep_until`."""

    channel: str
    provider_ref: str
    outcome: str
    complaint_id: str | None
    at: datetime
    keep_until: datetime


@dataclass(frozen=True)
class InboundChange:
    """What accepting one inbound message writes besides its dedupe record: the conversation
    (written on the version read, 0: none yet), the history events, and a new complaint with its
    reporter's fields, or the complaint changed on the version read with its messages."""

    conversation_key: str
    conversation_version: int
    conversation: dict[str, Any]
    events: list[DomainEvent]
    created: tuple[Complaint, dict[str, Any]] | None = None
    changed: tuple[Complaint, int] | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class DeliveryStatusRecord:
    """One status a provider reported for a message we sent (`sent`, `delivered`, `read`,
    `failed`), recorded at `recorded_at` (kept DELIVERY_TTL from then)."""

    status: str
    at: datetime
    error: str | None
    recorded_at: datetime


def _delivery_pk(channel: str, ref: str) -> str:
    return f"S#{channel}#{ref}"


@dataclass(frozen=True)
class HistoryEntry:
    event_id: str
    detail_type: str
    source: str
    occurred_at: str
    detail: dict[str, Any]


class ComplaintRepository(ChangeLoop):
    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self.table_name = table_name
        self._client = client

    @property
    def ddb(self) -> Any:
        return self._client or aws.client("dynamodb")

    # --- writes ------------------------------------------------------------------------------

    def create(
        self,
        complaint: Complaint,
        events: list[DomainEvent],
        reporter: dict[str, Any] | None = None,
        once: dict[str, Any] | None = None,
    ) -> None:
        """The new complaint in one transaction. `once`: an item written with it only if it is
        not there yet (a request's idempotency record): if it is, nothing is written and
        AlreadyProcessed says so."""
        puts = [self._put(meta_item(complaint), "attribute_not_exists(PK)")]
        if reporter is not None:
            puts.append(self._put(self._reporter_item(complaint.id, reporter)))
        puts += [self._put(event_item(e), "attribute_not_exists(PK)") for e in events]
        if once is not None:
            puts.append(self._put(once, "attribute_not_exists(PK)"))
        try:
            self._transact(puts, marker_index=len(puts) - 1 if once is not None else None)
        except VersionConflict as taken:
            # Nothing was there to change: the id is somebody else's complaint (or being written
            # by a concurrent transaction now), not a complaint changed meanwhile.
            raise Collision(f"the tracking id {complaint.id} is taken") from taken

    def save(
        self,
        complaint: Complaint,
        expected_version: int,
        events: list[DomainEvent],
        marker: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        before: Complaint | None = None,
    ) -> Complaint:
        """Write the new state if nobody changed it since `expected_version`, with its history
        events and messages (the one transaction of ``change``).

        `marker` makes a consumer idempotent inside the same transaction: the first delivery of
        an event writes it, a redelivery fails on it and is reported as AlreadyProcessed.
        `before`: the complaint as the caller knew it (from an event, not the whole item): the
        META item is updated with only the attributes (and index keys) that differ from it, on
        the same version condition, so what the caller did not know stays as stored.
        """
        saved = complaint.replace(version=expected_version + 1)
        meta = (
            self._put(
                meta_item(saved),
                "#v = :v",
                names={"#v": "version"},
                values={":v": value(expected_version)},
            )
            if before is None
            else self._update_meta(before, saved, expected_version)
        )
        items = [meta]
        if marker:
            items.append(self._marker(complaint.id, marker, saved.updated_at))
        items += [self._put(event_item(e), "attribute_not_exists(PK)") for e in events]
        items += [self.message_put(complaint.id, m) for m in messages or []]
        self._transact(items, marker_index=1 if marker else None)
        return saved

    def append_events(
        self,
        complaint_id: str,
        events: list[DomainEvent],
        extra: list[dict[str, Any]] | None = None,
    ) -> None:
        """History entries that do not change the complaint's state (e.g. a notification sent)."""
        self._transact(
            [self._put(event_item(e), "attribute_not_exists(PK)") for e in events] + (extra or [])
        )

    def claim(
        self, complaint_id: str, key: str, lease: timedelta, now: datetime | None = None
    ) -> bool:
        """Claim a side effect (one message to one recipient) before doing it.

        True: this caller does it. False: it is already done. A claim left 'pending' by a crashed
        worker expires after `lease`, so the effect is retried rather than lost; until then
        `ClaimHeld` says how long it has left (the caller comes back then, not before).
        """
        return self.claim_step(complaint_id, key, lease, now) is not None

    def claim_step(
        self, complaint_id: str, key: str, lease: timedelta, now: datetime | None = None
    ) -> dict[str, Any] | None:
        """`claim`, saying what was there before: None, the claim is done; otherwise this caller
        holds it now, and the answer is the claim item it took over (empty: nobody had claimed
        it; a 'released' or expired 'pending' one: an earlier delivery got part of the way). One
        conditional write; `claim_end` closes it in the caller's own transaction."""
        now = now or datetime.now(UTC)
        try:
            old = self.ddb.put_item(
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
                ConditionExpression=f"attribute_not_exists(PK) OR {_TAKEABLE}",
                ExpressionAttributeNames={"#s": "state", "#at": "claimed_at"},
                ExpressionAttributeValues=_takeable_values(now, lease),
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return deserialize(old.get("Attributes", {}))
        except self.ddb.exceptions.ConditionalCheckFailedException as failed:
            old = deserialize(failed.response.get("Item", {}))
            _raise_if_held(old.get("state"), old.get("claimed_at"), lease, now, key, failed)
            return None

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
        """A transaction item that marks a claim done (written with the history entry). It also
        writes a done item nobody claimed on its own (one message of a step claimed as a whole),
        kept as long as a claim is."""
        expires = int((datetime.now(UTC) + MARKER_TTL).timestamp())
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": serialize({"PK": complaint_pk(complaint_id), "SK": key}),
                "UpdateExpression": (
                    "SET #s = :done, #r = :result, #k = if_not_exists(#k, :claim),"
                    " #t = if_not_exists(#t, :ttl)"
                ),
                "ExpressionAttributeNames": {
                    "#s": "state",
                    "#r": "result",
                    "#k": "kind",
                    "#t": "ttl",
                },
                "ExpressionAttributeValues": {
                    ":done": value("done"),
                    ":result": value(result),
                    ":claim": value("claim"),
                    ":ttl": value(expires),
                },
            }
        }

    def claim_end(self, complaint_id: str, key: str, done: bool) -> dict[str, Any]:
        """A transaction item closing a step's claim: done, or released for a retry that finds
        what this one recorded (`claims_done`) and does the rest."""
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": serialize({"PK": complaint_pk(complaint_id), "SK": key}),
                "UpdateExpression": "SET #s = :state",
                "ExpressionAttributeNames": {"#s": "state"},
                "ExpressionAttributeValues": {":state": value("done" if done else "released")},
            }
        }

    def release_step(self, complaint_id: str, key: str) -> None:
        """`claim_end(..., done=False)` on its own: the step recorded nothing this time. Released,
        not deleted: a later claim must still see that an earlier delivery got part of the way."""
        self._release(complaint_id, key, "state")

    def _release(self, complaint_id: str, key: str, attribute: str) -> None:
        """A pending claim given back (`attribute` holds its state)."""
        try:
            self.ddb.update_item(
                TableName=self.table_name,
                Key=serialize({"PK": complaint_pk(complaint_id), "SK": key}),
                UpdateExpression="SET #s = :released",
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames={"#s": attribute},
                ExpressionAttributeValues={
                    ":pending": value("pending"),
                    ":released": value("released"),
                },
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            pass  # taken over or done meanwhile: nothing to give back

    def claims_done(self, complaint_id: str, prefix: str) -> set[str]:
        """The keys of the claims under `prefix` that are done (one Query, strongly consistent)."""
        done: set[str] = set()
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "FilterExpression": "#s = :done",
            "ProjectionExpression": "SK",
            "ExpressionAttributeNames": {"#s": "state"},
            "ExpressionAttributeValues": {
                ":pk": value(complaint_pk(complaint_id)),
                ":prefix": value(prefix),
                ":done": value("done"),
            },
            "ConsistentRead": True,
        }
        while True:
            page = self.ddb.query(**kwargs)
            done.update(deserialize(i)["SK"] for i in page["Items"])
            if "LastEvaluatedKey" not in page:
                return done
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def put_items(self, items: list[dict[str, Any]]) -> None:
        """Plain batch writes for reference data (units, rules, templates) seeded from infra/seed."""
        for start in range(0, len(items), 25):
            requests = [{"PutRequest": {"Item": serialize(i)}} for i in items[start : start + 25]]
            pending = {self.table_name: requests}
            while pending:
                pending = (
                    self.ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                )

    # --- reads -------------------------------------------------------------------------------

    def get(self, complaint_id: str) -> Complaint | None:
        got = self.ddb.get_item(
            TableName=self.table_name,
            Key=serialize({"PK": complaint_pk(complaint_id), "SK": "META"}),
            ConsistentRead=True,
        )
        return Complaint.parse(deserialize(got["Item"])) if "Item" in got else None

    def get_reporter(self, complaint_id: str) -> dict[str, Any] | None:
        got = self.ddb.get_item(
            TableName=self.table_name,
            Key=serialize({"PK": complaint_pk(complaint_id), "SK": "R"}),
            ConsistentRead=True,
        )
        return deserialize(got["Item"]) if "Item" in got else None

    def claim_acknowledgement(
        self, complaint_id: str, lease: timedelta, now: datetime | None = None
    ) -> dict[str, Any] | None:
        """Claim the acknowledgement on the reporter item and read it, in one write: the
        acknowledgement needs the reporter (who to tell) and a claim, and both are this item.
        None: it is done. Otherwise the reporter item as it was, `ack_state` saying whether an
        earlier delivery got part of the way ('released' or an expired 'pending'). `ClaimHeld`
        for a live claim; NotFound when there is no reporter item."""
        now = now or datetime.now(UTC)
        try:
            old = self.ddb.update_item(
                TableName=self.table_name,
                Key=serialize({"PK": complaint_pk(complaint_id), "SK": "R"}),
                UpdateExpression="SET #s = :pending, #at = :now",
                ConditionExpression=(
                    f"attribute_exists(PK) AND (attribute_not_exists(#s) OR {_TAKEABLE})"
                ),
                ExpressionAttributeNames={"#s": "ack_state", "#at": "ack_claimed_at"},
                ExpressionAttributeValues={
                    **_takeable_values(now, lease),
                    ":now": value(now.isoformat()),
                },
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return deserialize(old.get("Attributes", {}))
        except self.ddb.exceptions.ConditionalCheckFailedException as failed:
            old = deserialize(failed.response.get("Item", {}))
            if not old:
                raise NotFound(f"no reporter item for {complaint_id}") from failed
            what = f"the acknowledgement of {complaint_id}"
            _raise_if_held(
                old.get("ack_state"), old.get("ack_claimed_at"), lease, now, what, failed
            )
            return None

    def acknowledgement_end(self, complaint_id: str, done: bool) -> dict[str, Any]:
        """A transaction item closing the acknowledgement's claim: done, which also drops the
        access key kept (encrypted) for it (once it is sent, only the key's hash remains
        anywhere), or released for a retry."""
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": serialize({"PK": complaint_pk(complaint_id), "SK": "R"}),
                "UpdateExpression": "SET #s = :done REMOVE ack_key"
                if done
                else "SET #s = :released",
                "ExpressionAttributeNames": {"#s": "ack_state"},
                "ExpressionAttributeValues": {":done": value("done")}
                if done
                else {":released": value("released")},
            }
        }

    def release_acknowledgement(self, complaint_id: str) -> None:
        """`acknowledgement_end(..., done=False)` on its own: nothing was recorded this time."""
        self._release(complaint_id, "R", "ack_state")

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
            HistoryEntry(
                i["event_id"],
                i["detail_type"],
                i["source"],
                i["occurred_at"],
                json.loads(i["detail"]),
            )
            for i in items
            if i["SK"].startswith("E#")
        ]
        messages = [i for i in items if i["SK"].startswith("M#")]
        return (Complaint.parse(meta) if meta else None), history, messages

    # --- the officers' workflow: messages, inbox, SLA buckets, duplicate candidates ------------

    def message_put(self, complaint_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """A transaction item for a message (`message_id`, `at` ISO, text, author, visibility),
        written with the state change that it belongs to."""
        item = {
            "PK": complaint_pk(complaint_id),
            "SK": f"M#{message['at']}#{message['message_id']}",
            "kind": "message",
            **message,
        }
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
        found = [Complaint.parse(deserialize(i)) for i in page["Items"]]
        last = page.get("LastEvaluatedKey")
        return found, (deserialize(last) if last else None)

    def inbox_page(
        self,
        owner: str,
        status: str,
        limit: int,
        start: dict[str, Any] | None = None,
        forward: bool = True,
    ) -> tuple[list[tuple[dict[str, Any], Complaint]], dict[str, Any] | None]:
        """Like `inbox`, each complaint with its index key (a page may end at any of them), due
        soonest first or (``forward=False``) latest first."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "UnitInbox",
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": {":pk": value(f"UNIT#{owner}#{status}")},
            "Limit": limit,
            "ScanIndexForward": forward,
        }
        if start:
            kwargs["ExclusiveStartKey"] = serialize(start)
        page = self.ddb.query(**kwargs)
        found = []
        for raw in page["Items"]:
            item = deserialize(raw)
            key = {k: item[k] for k in ("PK", "SK", "GSI1PK", "GSI1SK")}
            found.append((key, Complaint.parse(item)))
        last = page.get("LastEvaluatedKey")
        return found, (deserialize(last) if last else None)

    def inbox_all(self, owner: str, status: str) -> list[Complaint]:
        """Every complaint of one inbox partition (for the queues' counts)."""
        found: list[Complaint] = []
        start: dict[str, Any] | None = None
        while True:
            page, start = self.inbox(owner, status, 500, start)
            found.extend(page)
            if start is None:
                return found

    def due_for_sweep(self, bucket_day: str, until: datetime) -> list[str]:
        """Ids of complaints in one Deadlines bucket whose next checkpoint is at or before `until`."""
        ids: list[str] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "Deadlines",
            "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK <= :until",
            "ExpressionAttributeValues": {
                ":pk": value(f"DUE#{bucket_day}"),
                ":until": value(f"{sort_key(until)}#~"),
            },
        }
        while True:
            page = self.ddb.query(**kwargs)
            ids += [deserialize(i)["PK"].removeprefix("C#") for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return ids
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def similar_recent(
        self, category: str, kecamatan: str, since: datetime, limit: int
    ) -> list[dict[str, Any]]:
        """The `limit` newest complaints of one category in one kecamatan since `since` (id,
        title, description, status), newest first: the candidates for a duplicate suggestion.
        One page: its cost is `limit` items whatever the size of the table."""
        page = self.ddb.query(
            TableName=self.table_name,
            IndexName="SimilarComplaints",
            KeyConditionExpression="GSI4PK = :pk AND GSI4SK >= :since",
            ProjectionExpression="id, title, description, #status",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":pk": value(similar_partition(category, kecamatan)),
                ":since": value(sort_key(since)),
            },
            ScanIndexForward=False,
            Limit=limit,
        )
        return [deserialize(i) for i in page["Items"]]

    # --- public reads: Open311 (never a Scan; rahasia complaints are never in the listing) ----

    def get_many(self, complaint_ids: list[str]) -> list[Complaint]:
        """The complaints with these ids that exist, in the order asked (BatchGetItem, 100 a call)."""
        found: dict[str, Complaint] = {}
        unique = list(dict.fromkeys(complaint_ids))
        for start in range(0, len(unique), 100):
            keys = [
                serialize({"PK": complaint_pk(i), "SK": "META"})
                for i in unique[start : start + 100]
            ]
            pending: dict[str, Any] = {self.table_name: {"Keys": keys}}
            while pending:
                answer = self.ddb.batch_get_item(RequestItems=pending)
                for item in answer.get("Responses", {}).get(self.table_name, []):
                    complaint = Complaint.parse(deserialize(item))
                    found[complaint.id] = complaint
                pending = answer.get("UnprocessedKeys") or {}
        return [found[i] for i in unique if i in found]

    def public_requests(
        self, start: datetime, end: datetime, wanted: Callable[[Complaint], bool], limit: int
    ) -> list[Complaint]:
        """Listed (not rahasia) complaints received from `start` to `end`, oldest first, that
        `wanted` keeps, at most `limit`: Queries of the PublicListing index, a month each."""
        found: list[Complaint] = []
        for page in self._public_pages("PUB", start, end):
            found += [c for c in (Complaint.parse(i) for i in page) if wanted(c)]
            if len(found) >= limit:
                break
        return found[:limit]

    def public_updates(self, start: datetime, end: datetime, limit: int) -> list[HistoryEntry]:
        """Public steps from `start` to `end`, oldest first, at most `limit`, leaving out every
        step of a rahasia complaint (the step alone does not say: its complaint is looked up)."""
        entries: list[HistoryEntry] = []
        for page in self._public_pages("UPD", start, end):
            steps = [
                HistoryEntry(
                    i["event_id"],
                    i["detail_type"],
                    i["source"],
                    i["occurred_at"],
                    json.loads(i["detail"]),
                )
                for i in page
            ]
            ids = [e.detail["data"]["complaint_id"] for e in steps]
            listed = {c.id for c in self.get_many(ids) if not c.confidential}
            entries += [e for e in steps if e.detail["data"]["complaint_id"] in listed]
            if len(entries) >= limit:
                break
        return entries[:limit]

    def _public_pages(
        self, family: str, start: datetime, end: datetime
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of the PublicListing index between two instants, oldest first."""
        for month in months_between(start, end):
            kwargs: dict[str, Any] = {
                "TableName": self.table_name,
                "IndexName": "PublicListing",
                "KeyConditionExpression": "GSI5PK = :pk AND GSI5SK BETWEEN :start AND :end",
                "ExpressionAttributeValues": {
                    ":pk": value(public_partition(family, month)),
                    ":start": value(sort_key(start)),
                    ":end": value(f"{sort_key(end)}#~"),
                },
            }
            while True:
                page = self.ddb.query(**kwargs)
                yield [deserialize(i) for i in page["Items"]]
                if "LastEvaluatedKey" not in page:
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # --- Open311 client apps: one item per API key, found by the key's hash ------------------

    def open311_client(self, key_hash: str) -> dict[str, Any] | None:
        return self.get_item(OPEN311_CLIENTS, key_hash)

    def put_open311_client(self, key_hash: str, client: dict[str, Any]) -> None:
        item = {
            "PK": OPEN311_CLIENTS,
            "SK": key_hash,
            "kind": "open311_client",
            "key_hash": key_hash,
            **client,
        }
        self.ddb.put_item(TableName=self.table_name, Item=serialize(item))

    def open311_clients(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": value(OPEN311_CLIENTS)},
        }
        while True:
            page = self.ddb.query(**kwargs)
            items += [deserialize(i) for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

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

    # --- the chat channels: a message is dedupe + conversation + complaint, all or nothing ----

    def inbound_seen(self, channel: str, provider_ref: str) -> dict[str, Any] | None:
        """The dedupe record of a provider message accepted before (outcome, complaint_id)."""
        return self.get_item(f"D#{channel}#{provider_ref}", "D")

    def conversation(self, key: str) -> dict[str, Any] | None:
        return self.get_item(key, "K")

    def accept_inbound(self, record: InboundRecord, change: InboundChange) -> None:
        """One transaction. AlreadyProcessed: the message was accepted before (a concurrent
        delivery won); VersionConflict: the conversation or its complaint moved meanwhile."""
        dedupe = {
            "PK": f"D#{record.channel}#{record.provider_ref}",
            "SK": "D",
            "kind": "dedupe",
            "outcome": record.outcome,
            "complaint_id": record.complaint_id,
            "at": record.at.isoformat(),
            "ttl": int(record.keep_until.timestamp()),
        }
        read = change.conversation_version
        chat = {
            "PK": change.conversation_key,
            "SK": "K",
            "kind": "conversation",
            **change.conversation,
            "version": read + 1,
        }
        items = [
            self._put(dedupe, "attribute_not_exists(PK)"),
            self._put(chat, "attribute_not_exists(PK)")
            if read == 0
            else self._put(chat, "#v = :v", names={"#v": "version"}, values={":v": value(read)}),
        ]
        if change.created is not None:
            complaint, reporter = change.created
            items += self.complaint_ops(complaint, None, change.events)
            items.append(self._put(self._reporter_item(complaint.id, reporter)))
        elif change.changed is not None:
            complaint, version = change.changed
            items += self.complaint_ops(complaint, version, change.events)
            items += [self.message_put(complaint.id, m) for m in change.messages]
        else:
            items += [self._put(event_item(e), "attribute_not_exists(PK)") for e in change.events]
        try:
            self.transact(items)
        except ConditionsFailed as refused:
            if 0 in refused.refused:
                raise AlreadyProcessed("message accepted before") from refused
            raise VersionConflict(
                "the conversation or its complaint changed meanwhile"
            ) from refused

    # --- provider deliveries: what a provider's message id belongs to, and its statuses -------
    # `S#<channel>#<provider ref>` / `S` is written with the message's history entry (notify);
    # each status the provider reports is one more item in that partition (`S#delivered`, …),
    # written once however often the provider repeats it. The ref is notify's keyed hash when
    # the provider's id embeds the citizen's address (`aduan.conversations.provider_ref`).

    def delivery_put(
        self,
        channel: str,
        ref: str,
        *,
        complaint_id: str,
        claim: str,
        template: str,
        sent_at: datetime,
    ) -> dict[str, Any]:
        """A transaction item, written with the message's history entry (`append_events`' extra),
        kept DELIVERY_TTL from `sent_at`."""
        return self._put(
            {
                "PK": _delivery_pk(channel, ref),
                "SK": "S",
                "kind": "delivery",
                "complaint_id": complaint_id,
                "claim": claim,
                "template": template,
                "ttl": int((sent_at + DELIVERY_TTL).timestamp()),
            }
        )

    def delivery(self, channel: str, ref: str) -> dict[str, Any] | None:
        """Which complaint and notification the provider's message belongs to (None: not ours)."""
        return self.get_item(_delivery_pk(channel, ref), "S")

    def record_delivery_status(
        self,
        channel: str,
        ref: str,
        status: DeliveryStatusRecord,
        event: DomainEvent | None = None,
    ) -> bool:
        """The status, once, with its history event if any (a failure goes on the complaint's
        history). False: the provider repeated a status we have."""
        item = {
            "PK": _delivery_pk(channel, ref),
            "SK": f"S#{status.status}",
            "kind": "delivery_status",
            "status": status.status,
            "at": status.at.isoformat(),
            "error": status.error,
            "ttl": int((status.recorded_at + DELIVERY_TTL).timestamp()),
        }
        writes = [self._put(item, "attribute_not_exists(PK)")]
        if event is not None:
            writes.append(self._put(event_item(event), "attribute_not_exists(PK)"))
        try:
            self.transact(writes)
        except ConditionsFailed:
            return False
        return True

    # --- composed writes ------------------------------------------------------------------------

    def put_op(
        self,
        item: dict[str, Any],
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A transaction item putting `item` (values in `values` are plain Python, not typed)."""
        typed = {k: value(v) for k, v in (values or {}).items()} or None
        return self._put(item, condition, names, typed)

    def complaint_ops(
        self, complaint: Complaint, expected_version: int | None, events: list[DomainEvent]
    ) -> list[dict[str, Any]]:
        """The META put and its history puts, for `transact`: a new complaint (`expected_version`
        None) must not exist yet; a changed one is written at `expected_version + 1` only if
        nobody changed it since, exactly as `save` does."""
        if expected_version is None:
            meta = self._put(meta_item(complaint), "attribute_not_exists(PK)")
        else:
            saved = complaint.replace(version=expected_version + 1)
            meta = self._put(
                meta_item(saved),
                "#v = :v",
                names={"#v": "version"},
                values={":v": value(expected_version)},
            )
        return [meta, *(self._put(event_item(e), "attribute_not_exists(PK)") for e in events)]

    def transact(self, items: list[dict[str, Any]]) -> None:
        """Write prepared items in one transaction. Refused conditions raise ConditionsFailed with
        the positions of the refused items (none: it collided with a concurrent transaction)."""
        try:
            self.ddb.transact_write_items(TransactItems=items)
        except self.ddb.exceptions.TransactionCanceledException as cancelled:
            reasons = [r.get("Code") for r in cancelled.response.get("CancellationReasons", [])]
            refused = frozenset(
                i for i, code in enumerate(reasons) if code == "ConditionalCheckFailed"
            )
            if refused or "TransactionConflict" in reasons:
                raise ConditionsFailed(refused) from cancelled
            raise

    def get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        """One item by key, strongly consistent (dedupe and conversation items)."""
        got = self.ddb.get_item(
            TableName=self.table_name, Key=serialize({"PK": pk, "SK": sk}), ConsistentRead=True
        )
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

    def _update_meta(
        self, before: Complaint, after: Complaint, expected_version: int
    ) -> dict[str, Any]:
        """The META item's Update from `before` to `after`: SET what changed, REMOVE what is gone,
        on `expected_version`. Attributes (and index keys) derived from what `before` did not
        know are the same on both sides, so they are not touched."""
        old, new = meta_item(before), meta_item(after)
        names: dict[str, str] = {"#v": "version"}
        values: dict[str, Any] = {":v": value(expected_version)}
        sets, removes = [], []
        for i, name in enumerate(sorted(set(old) | set(new))):
            if old.get(name) == new.get(name):
                continue
            names[f"#a{i}"] = name
            if name in new:
                values[f":a{i}"] = value(new[name])
                sets.append(f"#a{i} = :a{i}")
            else:
                removes.append(f"#a{i}")
        expression = " ".join(
            part
            for part in (
                f"SET {', '.join(sets)}" if sets else "",
                f"REMOVE {', '.join(removes)}" if removes else "",
            )
            if part
        )
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": serialize({"PK": complaint_pk(after.id), "SK": "META"}),
                "UpdateExpression": expression,
                "ConditionExpression": "#v = :v",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    @staticmethod
    def _reporter_item(complaint_id: str, reporter: dict[str, Any]) -> dict[str, Any]:
        return {"PK": complaint_pk(complaint_id), "SK": "R", "kind": "reporter", **reporter}

    def _marker(self, complaint_id: str, marker: str, changed_at: datetime) -> dict[str, Any]:
        # Kept MARKER_TTL past the change it marks (a redelivery comes within SQS's retention).
        expires = int((changed_at + MARKER_TTL).timestamp())
        item = {
            "PK": complaint_pk(complaint_id),
            "SK": f"P#{marker}",
            "kind": "processed",
            "ttl": expires,
        }
        return self._put(item, "attribute_not_exists(PK)")

    def _transact(self, items: list[dict[str, Any]], marker_index: int | None = None) -> None:
        """`transact` for a change whose first item is the complaint: its refusal is a lost race
        (as is a collision with a concurrent transaction), the marker's a delivery seen before;
        any other refusal (an event already in the history) stays a ConditionsFailed."""
        try:
            self.transact(items)
        except ConditionsFailed as refused:
            if marker_index is not None and marker_index in refused.refused:
                raise AlreadyProcessed("event already processed") from refused
            if not refused.refused or 0 in refused.refused:
                raise VersionConflict(
                    "the complaint was changed by someone else; reload it"
                ) from refused
            raise
