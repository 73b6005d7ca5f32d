"""Sending a step's messages: at least once overall, once per (event, recipient) in practice.

Each message is claimed before it is sent and marked done, with its NotificationSent history
entry, after; a redelivered event finds the claim done and sends nothing. A transient failure
releases its claim and fails the record, so SQS redelivers it (and the DLQ has it after that).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aduan.errors import Conflict
from aduan.events import DomainEvent, EventMetadata, NotificationSent, NotificationSentData
from aduan.repository import ComplaintRepository
from notify.messages import Message
from notify.senders import SendFailed

CLAIM_LEASE = timedelta(minutes=2)
DELIVERY_TTL = timedelta(days=90)

Send = Callable[[Message], str]


class DeliveryIncomplete(Exception):
    """Some messages failed transiently: the record is retried; the sent ones stay sent."""


def deliver(
    complaint_id: str, trigger_event_id: str, correlation_id: str, messages: list[Message], send: Send, repository: ComplaintRepository
) -> list[DomainEvent]:
    recorded: list[DomainEvent] = []
    done: list[dict] = []
    retry: list[str] = []
    for message in messages:
        key = f"N#{trigger_event_id}#{message.recipient.channel}"
        if message.audience != "citizen":
            key = f"N#{trigger_event_id}#{message.audience}#{message.recipient.channel}"
        if not repository.claim(complaint_id, key, CLAIM_LEASE):
            continue  # done by an earlier delivery of the same event
        try:
            provider_id, status, error = send(message), "sent", None
        except SendFailed as failure:
            if not failure.permanent:
                repository.release(complaint_id, key)
                retry.append(f"{message.recipient.channel}: {failure}")
                continue
            provider_id, status, error = None, "failed", str(failure)[:500]
        data = dict(
            complaint_id=complaint_id,
            trigger_event_id=trigger_event_id,
            channel=message.recipient.channel,
            template=message.template,
            provider_message_id=provider_id,
            status=status,
            error=error,
        )
        if message.audience == "citizen":
            event = NotificationSent(metadata=EventMetadata(correlation_id=correlation_id), data=NotificationSentData(**data))
        else:
            # Officers' messages are internal history: never on the citizen's public timeline.
            from aduan.workflow_events import OfficerNotified, OfficerNotifiedData

            officer = OfficerNotifiedData(**data, recipient_role=message.audience)
            event = OfficerNotified(metadata=EventMetadata(correlation_id=correlation_id), data=officer)
        done.append(repository.claim_done(complaint_id, key, {"status": status, "provider_message_id": provider_id}))
        if provider_id:
            # The delivery record the provider's status reports are filed under (issue 3).
            done.append(repository.put_op(delivery_item(message.recipient.channel, provider_id, complaint_id, key, message.template)))
        recorded.append(event)
    if recorded:
        # One transaction records every message of this step with its history entry.
        repository.append_events(complaint_id, recorded, extra=done)
    if retry:
        raise DeliveryIncomplete("; ".join(retry))
    return recorded


def delivery_item(channel: str, provider_id: str, complaint_id: str, claim_key: str, template: str) -> dict:
    """`S#<channel>#<provider id>`: which complaint and notification a provider's id belongs to."""
    expires = int((datetime.now(UTC) + DELIVERY_TTL).timestamp())
    return {"PK": f"S#{channel}#{provider_id}", "SK": "S", "kind": "delivery", "complaint_id": complaint_id, "claim": claim_key, "template": template, "ttl": expires}


__all__ = ["deliver", "DeliveryIncomplete", "Conflict"]
