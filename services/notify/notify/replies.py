"""Replies on the citizen's own channel: the chat senders, and the replies a message asked for.

`send_on_channel` is notify's sender for the chats — WhatsApp, Telegram, Messenger, Instagram
(notify.handler.send hands those channels here) — whoever the message is for. Meta's windows are
decided here, from the conversation's last inbound time: WhatsApp sends text while Meta allows
it and the template after; Messenger and Instagram send within 24 hours, an officer's own words
tagged HUMAN_AGENT up to 7 days, and nothing after that (recorded as not sent).

`reply` answers a ChannelReplyRequested (a status asked with CEK, a follow-up received, ...):
the address is the conversation's (encrypted in its item), not the complaint reporter's, since
anyone holding a tracking id may ask its status.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aduan import crypto
from aduan.answer_check import detect_language
from aduan.channel_events import ChannelReplyRequested
from aduan.conversations import conversation_key
from aduan.events import DomainEvent
from aduan.provider_http import SendFailed
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings
from notify.deliver import Send, deliver
from notify.messages import Message, Recipient, render


@functools.cache
def _repository(table_name: str) -> ComplaintRepository:
    return ComplaintRepository(table_name)


def last_inbound_at(channel: str, address: str, repository: ComplaintRepository) -> datetime | None:
    """When this address last wrote to us on this channel (None: never)."""
    settings = get_settings()
    if not settings.conversation_hash_key:
        return None
    item = repository.conversation(
        conversation_key(channel, address, settings.conversation_hash_key)
    )
    last = (item or {}).get("last_inbound_at")
    return datetime.fromisoformat(last) if last else None


def send_on_channel(
    message: Message, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> str:
    settings = get_settings()
    recipient = message.recipient
    if recipient.channel == "whatsapp":
        from notify.senders.whatsapp import send_whatsapp, window_open

        last = last_inbound_at("whatsapp", recipient.address, _repository(settings.table_name))
        return send_whatsapp(
            settings,
            recipient.address,
            message.text,
            window=window_open(last, now()),
            language=detect_language(message.text),
        )
    if recipient.channel in ("messenger", "instagram"):
        from notify.senders.messenger_platform import mode_for, send_message

        last = last_inbound_at(
            recipient.channel, recipient.address, _repository(settings.table_name)
        )
        mode = mode_for(last, now(), message.template)
        return send_message(settings, recipient.channel, recipient.address, message.text, mode)
    if recipient.channel == "telegram":
        from notify.senders.telegram import send_telegram

        return send_telegram(settings, recipient.address, message.text)
    raise SendFailed(f"no sender for channel {recipient.channel}", permanent=True)


def reply(
    event: ChannelReplyRequested,
    repository: ComplaintRepository,
    send: Send,
    templates: dict[str, Any],
) -> int:
    data = event.data
    item = repository.conversation(data.conversation)
    if item is None or not item.get("contact"):
        # Written in the same transaction as the event: a missing item is a bug, not a race.
        raise LookupError(f"conversation {data.conversation} not found")
    contact = crypto.decrypt_json(item["contact"], context=data.conversation)
    recipient = Recipient(data.channel, str(contact["address"]), contact.get("name"))
    settings = get_settings()
    values = {"city_name": settings.city_name, **data.values}
    message = render(templates, data.template, data.language, recipient, values)
    return len(
        deliver(
            data.complaint_id,
            event.event_id,
            event.metadata.correlation_id,
            [message],
            send,
            repository,
            get_settings().conversation_hash_key,
        )
    )


def handlers(
    repository: Callable[[], ComplaintRepository],
    send: Send,
    templates: Callable[[], dict[str, Any]],
) -> dict[str, Callable[[DomainEvent], int]]:
    """notify's handler entries for the channels' events (its rule delivers exactly these)."""

    def handle(event: DomainEvent) -> int:
        assert isinstance(event, ChannelReplyRequested)
        return reply(event, repository(), send, templates())

    return {ChannelReplyRequested.detail_type(): handle}
