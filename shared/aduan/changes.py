"""One change of one complaint, the same way for every writer: read, decide, write, retry.

Every writer of the complaint (the officers' and the citizens' actions, routing, the SLA sweep,
the media worker) hands ``change`` a pure ``decide(current) -> Outcome | None``: the new state
with the history events (the outbox) and messages that record it, or None for "nothing to do
here". ``change`` reads the complaint, decides, and writes the outcome as one conditional
transaction on the version it read (``save``). A lost race (someone wrote in between) is decided
again on the fresh state; when every attempt lost, ``ChangeRaced`` carries the state that won.

The errors are the store's one mapping: ``NotFound`` (no such complaint), ``AlreadyProcessed``
(the ``marker`` of this delivery is written already: nothing happens twice), ``Conflict`` (an
event of the change is in the history already), ``VersionConflict``/``ChangeRaced`` (lost the
race). What ``decide`` raises (a refusal of the lifecycle, a stale screen) passes through
unchanged, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aduan.complaint import Complaint
from aduan.errors import NotFound, VersionConflict
from aduan.events import DomainEvent


@dataclass(frozen=True)
class Outcome:
    """A decided change: the new state (`version` still the one it was read at), the history
    events that record it, and the messages written with it."""

    complaint: Complaint
    events: list[DomainEvent]
    messages: list[dict[str, Any]] = field(default_factory=list)


Decide = Callable[[Complaint], Outcome | None]


class ChangeRaced(VersionConflict):
    """Every attempt of a change lost its race to another writer; `latest` is the state that won
    (None: the complaint is gone)."""

    def __init__(self, complaint_id: str, latest: Complaint | None) -> None:
        super().__init__(f"complaint {complaint_id} kept changing; reload it")
        self.latest = latest


class ChangeLoop:
    """The loop every complaint store shares; a store supplies ``get`` and ``save``."""

    def get(self, complaint_id: str) -> Complaint | None:
        raise NotImplementedError

    def save(
        self,
        complaint: Complaint,
        expected_version: int,
        events: list[DomainEvent],
        marker: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        before: Complaint | None = None,
    ) -> Complaint:
        raise NotImplementedError

    def change(
        self,
        complaint_id: str,
        decide: Decide,
        *,
        marker: str | None = None,
        attempts: int = 3,
        read: Complaint | None = None,
        known: Complaint | None = None,
    ) -> Outcome | None:
        """Decide on the complaint as stored and write the outcome; None: nothing was decided.

        ``read``: the complaint as the caller has just read it, decided on first (a second read
        saved); every retry reads afresh. ``known``: the complaint as an event told it, which
        need not be the whole item (what the event does not carry is at its defaults): decided
        on first without any read, and only what the decision changed on it is written, on its
        version (`save`'s ``before``); if the complaint moved on since, the retry reads the
        whole item. ``marker`` makes a consumer idempotent on its event id within the same
        transaction.
        """
        first = known if known is not None else read
        for attempt in range(attempts):
            current = first if (attempt == 0 and first is not None) else self.get(complaint_id)
            if current is None:
                raise NotFound("no complaint has this tracking id")
            outcome = decide(current)
            if outcome is None:
                if attempt == 0 and known is not None:
                    continue  # nothing to do on what the event said: see what is stored
                return None
            # `before` only when there is one: stores (and tests' fakes) without it still fit.
            partial = {"before": known} if attempt == 0 and known is not None else {}
            try:
                saved = self.save(
                    outcome.complaint,
                    current.version,
                    outcome.events,
                    marker=marker,
                    messages=outcome.messages,
                    **partial,
                )
            except VersionConflict:
                continue  # someone wrote in between: decide again on what they wrote
            return Outcome(saved, outcome.events, outcome.messages)
        raise ChangeRaced(complaint_id, self.get(complaint_id))
