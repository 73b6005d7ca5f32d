"""Notify: tells the citizen about each step, on the channels they gave or used.

Consumes its SQS queue (EventBridge envelopes). Messages are sent at least once and recorded
once per (event, recipient); see notify.deliver.
"""

from __future__ import annotations

import functools
from typing import Any

from aduan import access_key, crypto, reference
from aduan.consumer import EventConsumer
from aduan.errors import NotFound
from aduan.events import ComplaintReceived
from aduan.observability import logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings, needs
from notify.deliver import AcknowledgementClaim, deliver
from notify.messages import Message, recipients_of, render
from notify.replies import handlers as channel_handlers
from notify.workflow import handlers as workflow_handlers

log = logger("notify")


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


def send(message: Message) -> str:
    settings = get_settings()
    if message.recipient.channel == "email":
        from notify.senders.email import send_email

        return send_email(settings, message.recipient.address, message.subject or "", message.text)
    if message.recipient.channel == "sms":
        from notify.senders.sms import send_sms

        return send_sms(settings, message.recipient.address, message.text)
    # WhatsApp and Telegram: the chat senders, with WhatsApp's 24-hour rule.
    from notify.replies import send_on_channel

    return send_on_channel(message)


def acknowledge(event: ComplaintReceived) -> int:
    """The acknowledgement with the tracking id, to every contact the citizen gave.

    A web complaint's acknowledgement links to the citizen's private tracking page (its access
    key after `#`); the key waits encrypted on the reporter item only until this is sent. The
    claim is taken on the reporter item, which reads it in the same write; the transaction that
    records the step ends the claim and drops the key (notify.deliver.AcknowledgementClaim).
    """
    data = event.data
    if not data.contact_channels:
        return 0  # nobody to tell: an anonymous web complaint without contacts
    try:
        claim = AcknowledgementClaim.take(repository(), data.complaint_id)  # ClaimHeld: wait
    except NotFound:
        return 0
    if claim is None:
        return 0  # acknowledged by an earlier delivery of the same event
    reporter = claim.reporter
    identity = crypto.decrypt_json(reporter["identity"], context=data.complaint_id)
    key = None
    if reporter.get("ack_key"):
        key = crypto.decrypt_json(reporter["ack_key"], context=f"{data.complaint_id}#ack")["key"]
    settings = get_settings()
    values = {
        "tracking_id": data.complaint_id,
        "title": data.title,
        "status_url": access_key.private_link(settings.public_base_url, data.complaint_id, key),
        "city_name": settings.city_name,
    }
    templates = reference.cached("template", repository().reference, build=_by_name)
    messages = [
        render(templates, "acknowledgement", data.language, recipient, values)
        for recipient in recipients_of(
            identity, reporter.get("contact_channels", data.contact_channels)
        )
    ]
    sent = deliver(
        data.complaint_id,
        event.event_id,
        event.metadata.correlation_id,
        messages,
        send,
        repository(),
        settings.conversation_hash_key,
        claim=claim,
    )
    return len(sent)


def _by_name(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    # Each template item's body is {"name": ..., "id": {...}, "en": {...}}.
    return {body["name"]: body for body in bodies}


# The events this consumer handles; its rule in template.yaml must deliver exactly these.
HANDLERS = {"ComplaintReceived": acknowledge}
# The officers' workflow: citizens and officers hear of each step.
HANDLERS.update(
    workflow_handlers(
        repository,
        send,
        lambda: reference.cached("template", repository().reference, build=_by_name),
    )
)
# The channels: replies a citizen's message asked for (CEK, follow-ups, BARU).
HANDLERS.update(
    channel_handlers(
        repository,
        send,
        lambda: reference.cached("template", repository().reference, build=_by_name),
    )
)


consumer = EventConsumer("notify", HANDLERS)


@log.inject_lambda_context
@needs("table_name", "kms_key_id", "conversation_hash_key")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return consumer(event, context)
