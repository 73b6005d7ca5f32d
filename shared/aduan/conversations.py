"""Conversation keys: one per address and channel, never the address itself.

A conversation (a WhatsApp number or business-scoped user id, a Messenger or Instagram scoped
id, a Telegram chat, a phone number, a mailbox, a LAPOR! report) is keyed `K#<channel>#<HMAC-SHA256(secret, channel:address)>`. Phone numbers are few enough that
a plain hash could be reversed by trying them all; the HMAC's secret (CONVERSATION_HASH_KEY) is
what keeps a key from naming a citizen. Intake writes the item, notify reads it back (the
encrypted address to reply to, and when the citizen last wrote).
"""

from __future__ import annotations

import hashlib
import hmac
import re

# WhatsApp's business-scoped user id: a country code, a dot, an id (a parent BSUID has "ENT.").
_BSUID = re.compile(r"^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$")


def is_bsuid(address: str) -> bool:
    """A WhatsApp business-scoped user id, never a phone number (never SMSed, never digits)."""
    return bool(_BSUID.match(address.strip()))


def normalize_address(channel: str, sender: str) -> str:
    """One spelling per address, so "+62 812-3" and "62812 3" are one conversation."""
    sender = sender.strip()
    if channel == "whatsapp" and is_bsuid(sender):
        return sender  # kept exactly as Meta gave it
    if channel in ("whatsapp", "sms"):
        return "+" + "".join(ch for ch in sender if ch.isdigit())
    if channel == "email":
        return sender.lower()
    return sender


def provider_ref(channel: str, provider_message_id: str, secret: str) -> str:
    """A provider's message id as we keep and announce it (events, delivery items, claims).

    Some ids embed the citizen's address: Telegram's sent-message id is "<chat id>:<message
    id>", a WhatsApp wamid carries the wa_id in its base64. Kept as the same kind of keyed hash
    as a conversation, a status report's id still finds its delivery and names nobody."""
    if not secret:
        raise ValueError("CONVERSATION_HASH_KEY is not configured")
    signed = f"message:{channel}:{provider_message_id}".encode()
    return "h." + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()[:40]


def conversation_key(channel: str, address: str, secret: str) -> str:
    if not secret:
        raise ValueError("CONVERSATION_HASH_KEY is not configured")
    digest = hmac.new(
        secret.encode(), f"{channel}:{normalize_address(channel, address)}".encode(), hashlib.sha256
    ).hexdigest()
    return f"K#{channel}#{digest[:40]}"
