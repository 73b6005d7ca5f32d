"""The complaint store as a port: what the writers need from storage, and an in-memory store.

``ComplaintStore`` names the part of ``ComplaintRepository`` (the DynamoDB adapter) that the
complaint's writers use: ``change`` (``aduan.changes``: read, decide, one conditional write,
retried on a lost race), the chat channels' ``accept_inbound`` (a message's dedupe record, its
conversation and its complaint in one write) and the reads around them.
``InMemoryComplaintStore`` keeps the same promises without a table (the same contract tests run
against both), so the workflow can be driven through thousands of random steps in a unit test:

- a change is all or nothing: the complaint, its history events and its messages are written
  together, or nothing is;
- ``save`` writes only if the version read is still the stored one (``VersionConflict``), and
  bumps it by one;
- an event id is written once (the outbox item's ``attribute_not_exists`` condition), a marker
  once and a provider's message once (``AlreadyProcessed``);
- the SLA bucket of a complaint is derived from the complaint with the adapter's own
  ``index_attributes``, never kept by hand.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol

from aduan.changes import ChangeLoop, Decide, Outcome
from aduan.complaint import Complaint
from aduan.errors import AlreadyProcessed, Collision, Conflict, VersionConflict
from aduan.events import DomainEvent
from aduan.repository import (
    HistoryEntry,
    InboundChange,
    InboundRecord,
    index_attributes,
    sort_key,
)


class ComplaintStore(Protocol):
    def get(self, complaint_id: str) -> Complaint | None: ...

    def create(
        self,
        complaint: Complaint,
        events: list[DomainEvent],
        reporter: dict[str, Any] | None = None,
    ) -> None: ...

    def save(
        self,
        complaint: Complaint,
        expected_version: int,
        events: list[DomainEvent],
        marker: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        before: Complaint | None = None,
    ) -> Complaint: ...

    def change(
        self,
        complaint_id: str,
        decide: Decide,
        *,
        marker: str | None = None,
        attempts: int = 3,
        read: Complaint | None = None,
        known: Complaint | None = None,
    ) -> Outcome | None: ...

    def with_history(self, complaint_id: str) -> tuple[Complaint | None, list[HistoryEntry]]: ...

    def with_history_and_messages(
        self, complaint_id: str
    ) -> tuple[Complaint | None, list[HistoryEntry], list[dict[str, Any]]]: ...

    def due_for_sweep(self, bucket_day: str, until: datetime) -> list[str]: ...

    def reference(self, kind: str) -> list[dict[str, Any]]: ...

    # The chat channels: a message's dedupe record and its conversation, with the complaint.

    def inbound_seen(self, channel: str, provider_ref: str) -> dict[str, Any] | None: ...

    def conversation(self, key: str) -> dict[str, Any] | None: ...

    def accept_inbound(self, record: InboundRecord, change: InboundChange) -> None: ...


class InMemoryComplaintStore(ChangeLoop):
    """A ``ComplaintStore`` in dictionaries, for tests of the workflow (one process, no I/O)."""

    def __init__(self, reference: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self._complaints: dict[str, Complaint] = {}
        self._history: dict[str, list[HistoryEntry]] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._reporters: dict[str, dict[str, Any]] = {}
        self._markers: set[tuple[str, str]] = set()
        self._event_ids: set[str] = set()
        self._inbound: dict[tuple[str, str], dict[str, Any]] = {}
        self._conversations: dict[str, dict[str, Any]] = {}
        self._reference = reference or {}

    # --- writes ------------------------------------------------------------------------------

    def create(
        self,
        complaint: Complaint,
        events: list[DomainEvent],
        reporter: dict[str, Any] | None = None,
    ) -> None:
        if complaint.id in self._complaints:
            raise Collision(f"the tracking id {complaint.id} is taken")
        self._check_events(events)
        self._complaints[complaint.id] = complaint
        self._history[complaint.id] = []
        self._messages[complaint.id] = []
        if reporter is not None:
            self._reporters[complaint.id] = dict(reporter)
        self._append(complaint.id, events)

    def save(
        self,
        complaint: Complaint,
        expected_version: int,
        events: list[DomainEvent],
        marker: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        before: Complaint | None = None,
    ) -> Complaint:
        stored = self._complaints.get(complaint.id)
        if marker is not None and (complaint.id, marker) in self._markers:
            raise AlreadyProcessed("event already processed")
        if stored is None or stored.version != expected_version:
            raise VersionConflict("the complaint was changed by someone else; reload it")
        self._check_events(events)
        if before is not None:
            # Only what the change made different from `before` (what the caller knew) is written.
            changed = {
                name: getattr(complaint, name)
                for name in type(complaint).field_names()
                if getattr(complaint, name) != getattr(before, name)
            }
            complaint = stored.replace(**changed)
        saved = complaint.replace(version=expected_version + 1)
        # Every check is done: now the whole change is written, as one transaction would.
        self._complaints[complaint.id] = saved
        if marker is not None:
            self._markers.add((complaint.id, marker))
        self._append(complaint.id, events)
        self._messages[complaint.id] += [dict(m) for m in messages or []]
        self._messages[complaint.id].sort(key=lambda m: (m["at"], m["message_id"]))
        return saved

    def accept_inbound(self, record: InboundRecord, change: InboundChange) -> None:
        if (record.channel, record.provider_ref) in self._inbound:
            raise AlreadyProcessed("message accepted before")
        chat = self._conversations.get(change.conversation_key)
        if (chat["version"] if chat else 0) != change.conversation_version:
            raise VersionConflict("the conversation changed meanwhile")
        if change.created is not None and change.created[0].id in self._complaints:
            raise VersionConflict("the tracking id is taken")
        if change.changed is not None:
            complaint, version = change.changed
            stored = self._complaints.get(complaint.id)
            if stored is None or stored.version != version:
                raise VersionConflict("the complaint changed meanwhile")
        self._check_events(change.events)
        # Every check is done: now the whole message is written, as one transaction would.
        self._inbound[(record.channel, record.provider_ref)] = {
            "outcome": record.outcome,
            "complaint_id": record.complaint_id,
            "at": record.at.isoformat(),
        }
        self._conversations[change.conversation_key] = {
            **change.conversation,
            "version": change.conversation_version + 1,
        }
        if change.created is not None:
            complaint, reporter = change.created
            self.create(complaint, change.events, reporter)
        elif change.changed is not None:
            complaint, version = change.changed
            self.save(complaint, version, change.events, messages=change.messages)
        else:
            for event in change.events:
                self._history.setdefault(event.data.complaint_id, [])
                self._append(event.data.complaint_id, [event])

    # --- reads -------------------------------------------------------------------------------

    def inbound_seen(self, channel: str, provider_ref: str) -> dict[str, Any] | None:
        found = self._inbound.get((channel, provider_ref))
        return dict(found) if found else None

    def conversation(self, key: str) -> dict[str, Any] | None:
        found = self._conversations.get(key)
        return dict(found) if found else None

    def get(self, complaint_id: str) -> Complaint | None:
        return self._complaints.get(complaint_id)

    def get_reporter(self, complaint_id: str) -> dict[str, Any] | None:
        return self._reporters.get(complaint_id)

    def with_history(self, complaint_id: str) -> tuple[Complaint | None, list[HistoryEntry]]:
        return self._complaints.get(complaint_id), list(self._history.get(complaint_id, []))

    def messages(self, complaint_id: str) -> list[dict[str, Any]]:
        return list(self._messages.get(complaint_id, []))

    def with_history_and_messages(
        self, complaint_id: str
    ) -> tuple[Complaint | None, list[HistoryEntry], list[dict[str, Any]]]:
        complaint, history = self.with_history(complaint_id)
        return complaint, history, self.messages(complaint_id)

    def due_for_sweep(self, bucket_day: str, until: datetime) -> list[str]:
        # The same bucket and sort key as the Deadlines index, from the adapter's own function.
        limit = f"{sort_key(until)}#~"
        found: list[tuple[str, str]] = []
        for complaint in self._complaints.values():
            attrs = index_attributes(complaint)
            if attrs.get("GSI2PK") == f"DUE#{bucket_day}" and attrs["GSI2SK"] <= limit:
                found.append((attrs["GSI2SK"], complaint.id))
        return [complaint_id for _, complaint_id in sorted(found)]

    def reference(self, kind: str) -> list[dict[str, Any]]:
        return list(self._reference.get(kind, []))

    # --- internals ---------------------------------------------------------------------------

    def _check_events(self, events: list[DomainEvent]) -> None:
        ids = [e.event_id for e in events]
        if len(set(ids)) != len(ids) or self._event_ids.intersection(ids):
            raise Conflict("an event of this change is in the history already")

    def _append(self, complaint_id: str, events: list[DomainEvent]) -> None:
        for event in events:
            self._event_ids.add(event.event_id)
            self._history[complaint_id].append(
                HistoryEntry(
                    event.event_id,
                    event.detail_type(),
                    event.SOURCE,
                    event.metadata.occurred_at.isoformat(),
                    json.loads(event.detail_json()),
                )
            )
        # The history sorts by time, as the table's sort key does.
        self._history[complaint_id].sort(
            key=lambda h: (datetime.fromisoformat(h.occurred_at), h.event_id)
        )
