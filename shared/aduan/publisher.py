"""The EventBridge publisher: the only code that calls PutEvents.

PutEvents can answer 200 while some entries failed (`FailedEntryCount`); those entries are
retried with backoff, and whatever still fails is returned to the caller, never dropped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aduan import aws

if TYPE_CHECKING:
    # Only the relay imports this module at run time, and it forwards stored JSON: building
    # the event models would cost its cold start ~15 ms for a type it never touches.
    from aduan.events import DomainEvent

MAX_ENTRIES = 10  # PutEvents' per-call limit


@dataclass(frozen=True)
class OutboxRecord:
    """An event as stored in the outbox: enough to publish it without parsing it."""

    key: str  # whatever the caller uses to report failures (e.g. a stream sequence number)
    source: str
    detail_type: str
    detail: str

    @classmethod
    def of(cls, event: DomainEvent, key: str = "") -> OutboxRecord:
        return cls(key or event.event_id, event.SOURCE, event.detail_type(), event.detail_json())


class EventPublisher:
    def __init__(
        self, bus_name: str, client: Any | None = None, attempts: int = 4, backoff_s: float = 0.05
    ) -> None:
        self.bus_name = bus_name
        self._client = client
        self.attempts = attempts
        self.backoff_s = backoff_s

    @property
    def events(self) -> Any:
        return self._client or aws.client("events")

    def publish(self, records: list[OutboxRecord]) -> list[OutboxRecord]:
        """Publish in order, 10 per call. Returns the records that failed after every retry."""
        failed: list[OutboxRecord] = []
        for start in range(0, len(records), MAX_ENTRIES):
            failed += self._publish_chunk(records[start : start + MAX_ENTRIES])
        return failed

    def _publish_chunk(self, chunk: list[OutboxRecord]) -> list[OutboxRecord]:
        pending = chunk
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                answer = self.events.put_events(Entries=[self._entry(r) for r in pending])
            except Exception as error:  # a throttled or unreachable bus: retry the whole chunk
                if attempt == self.attempts - 1:
                    raise error
                continue
            if not answer.get("FailedEntryCount"):
                return []
            # Results are positional: entry i of the answer belongs to entry i of the request.
            pending = [
                r
                for r, result in zip(pending, answer["Entries"], strict=True)
                if result.get("ErrorCode")
            ]
        return pending

    def _entry(self, record: OutboxRecord) -> dict[str, Any]:
        return {
            "EventBusName": self.bus_name,
            "Source": record.source,
            "DetailType": record.detail_type,
            "Detail": record.detail,
        }
