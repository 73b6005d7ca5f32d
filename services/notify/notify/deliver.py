"""Sending a step's messages: at least once overall, once per (event, recipient) in practice.

A step (the messages one event asks for) is claimed as a whole before anything is sent, with one
conditional write, and the claim ends in the transaction that records what was sent: each
message's done item and its NotificationSent history entry, and the step's claim marked done. So
a step costs one claim write and one transaction, however many messages it has. A redelivered
event finds the step's claim done and sends nothing. A transient failure of one message records
the others and leaves the step's claim 'released' in the same transaction (the record fails, so
SQS redelivers it, and the DLQ has it after that); the retry that takes a released or expired
claim over reads which messages are done (one Query, only then) and sends the rest. The
acknowledgement's claim is on the reporter item instead (`AcknowledgementClaim`): taking it
reads who to tell in the same write, and its end drops the access key kept for the link.

A claim still pending is another invocation's: one sending now, or one that died after its claim
(a crash, a timeout) and left it behind. The lease says which: NotifyFunction's Timeout (30 s in
template.yaml, read from the invocation's context: aduan.lease) is the longest any invocation lives, so a claim older than that belongs to an
invocation that has ended, and the next delivery takes it over (and sends: at least once; a
crash between the provider's answer and the record below is the one way a message goes twice,
as no provider here takes an idempotency key). A longer lease only keeps a dead claim longer;
the old 2 minutes outlived the local queues' 1-second redelivery, and the retries, each one a
receive towards maxReceiveCount, parked the acknowledgement in the DLQ. So a delivery that meets
a live claim does not fail: it raises `ClaimHeld` with the lease's time left, and the consumer
puts the record back on the queue delayed until then (aduan.consumer). In AWS the queue's
visibility timeout (180 s) exceeds the lease, so a redelivery after a crash already finds the
claim expired; tests/contract checks both bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from aduan.conversations import provider_ref
from aduan.errors import Conflict
from aduan.events import DomainEvent, EventMetadata, NotificationSent, NotificationSentData
from aduan.lease import claim_lease
from aduan.observability import count
from aduan.provider_http import NotSent, SendFailed
from aduan.repository import ComplaintRepository
from notify.messages import Message

Send = Callable[[Message], str]


class DeliveryIncomplete(Exception):
    """Some messages failed transiently: the record is retried; the sent ones stay sent."""


def deliver(
    complaint_id: str,
    trigger_event_id: str,
    correlation_id: str,
    messages: list[Message],
    send: Send,
    repository: ComplaintRepository,
    hash_key: str,
    claim: Claim | None = None,
) -> list[DomainEvent]:
    """Send and record `messages`, the step `trigger_event_id` asks for. `claim`: the step's
    claim, taken already by the caller (the acknowledgement's, on the reporter item); without
    it the step is claimed here on its own item."""
    recorded: list[DomainEvent] = []
    done: list[dict] = []
    retry: list[str] = []
    step = f"N#{trigger_event_id}"
    if claim is None:
        if not messages:
            return recorded
        claim = StepClaim.take(repository, complaint_id, step)  # ClaimHeld: wait
        if claim is None:
            return recorded  # done by an earlier delivery of the same event
    # An earlier delivery got part of the way (it released the step, or died holding it): what
    # it recorded is not sent again.
    already = repository.claims_done(complaint_id, f"{step}#") if claim.taken_over else set()
    for message in messages:
        key = f"{step}#{message.recipient.channel}"
        if message.audience != "citizen":
            key = f"{step}#{message.audience}#{message.recipient.channel}"
        if key in already:
            continue
        try:
            provider_id, status, error = send(message), "sent", None
        except SendFailed as failure:
            if not failure.permanent:
                retry.append(f"{message.recipient.channel}: {failure}")
                continue
            status = "not_sent" if isinstance(failure, NotSent) else "failed"
            provider_id, error = None, str(failure)[:500]
        # Kept and announced as a keyed hash: some providers' ids embed the citizen's address.
        if provider_id:
            provider_id = provider_ref(message.recipient.channel, provider_id, hash_key)
        count(
            "NotificationsSent" if status == "sent" else "NotificationsFailed",
            channel=message.recipient.channel,
            audience=message.audience,
        )
        data: dict[str, Any] = dict(
            complaint_id=complaint_id,
            trigger_event_id=trigger_event_id,
            channel=message.recipient.channel,
            template=message.template,
            provider_message_id=provider_id,
            status=status,
            error=error,
        )
        event: DomainEvent
        if message.audience == "citizen":
            event = NotificationSent(
                metadata=EventMetadata(correlation_id=correlation_id),
                data=NotificationSentData(**data),
            )
        else:
            # Officers' messages are internal history: never on the citizen's public timeline.
            from aduan.workflow_events import OfficerNotified, OfficerNotifiedData

            officer = OfficerNotifiedData(**data, recipient_role=message.audience)
            event = OfficerNotified(
                metadata=EventMetadata(correlation_id=correlation_id), data=officer
            )
        done.append(
            repository.claim_done(
                complaint_id, key, {"status": status, "provider_message_id": provider_id}
            )
        )
        if provider_id:
            # The delivery record the provider's status reports are filed under.
            done.append(
                repository.delivery_put(
                    message.recipient.channel,
                    provider_id,
                    complaint_id=complaint_id,
                    claim=key,
                    template=message.template,
                    sent_at=datetime.now(UTC),
                )
            )
        recorded.append(event)
    if recorded:
        # One transaction records every message of this step with its history entry, and ends
        # the step's claim: done, or released for the retry of what failed.
        done.append(claim.end(done=not retry))
        repository.append_events(complaint_id, recorded, extra=done)
    elif retry:
        claim.release()
    else:
        repository.transact([claim.end(done=True)])  # nothing left to send
    if retry:
        raise DeliveryIncomplete("; ".join(retry))
    return recorded


class Claim(Protocol):
    """A step's claim, taken: whether an earlier delivery got part of the way, and how it ends."""

    taken_over: bool

    def end(self, done: bool) -> dict[str, Any]: ...

    def release(self) -> None: ...


@dataclass
class StepClaim:
    """The step's own claim item, `N#<event id>`."""

    repository: ComplaintRepository
    complaint_id: str
    key: str
    taken_over: bool

    @classmethod
    def take(cls, repository: ComplaintRepository, complaint_id: str, key: str) -> StepClaim | None:
        old = repository.claim_step(complaint_id, key, claim_lease())
        return None if old is None else cls(repository, complaint_id, key, bool(old))

    def end(self, done: bool) -> dict[str, Any]:
        return self.repository.claim_end(self.complaint_id, self.key, done=done)

    def release(self) -> None:
        self.repository.release_step(self.complaint_id, self.key)


@dataclass
class AcknowledgementClaim:
    """The acknowledgement's claim, on the reporter item: taking it reads the reporter (who to
    tell) in the same write, and its end drops the access key kept for the acknowledgement."""

    repository: ComplaintRepository
    complaint_id: str
    reporter: dict[str, Any]
    taken_over: bool

    @classmethod
    def take(
        cls, repository: ComplaintRepository, complaint_id: str
    ) -> AcknowledgementClaim | None:
        """None: acknowledged before. NotFound: no reporter item. ClaimHeld: wait."""
        old = repository.claim_acknowledgement(complaint_id, claim_lease())
        if old is None:
            return None
        return cls(repository, complaint_id, old, taken_over="ack_state" in old)

    def end(self, done: bool) -> dict[str, Any]:
        return self.repository.acknowledgement_end(self.complaint_id, done=done)

    def release(self) -> None:
        self.repository.release_acknowledgement(self.complaint_id)


__all__ = ["deliver", "DeliveryIncomplete", "Conflict"]
