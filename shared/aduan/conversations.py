"""Conversation keys: one per address and channel, never the address itself.

A conversation (a WhatsApp number, a Telegram chat, a phone number, a mailbox, a LAPOR! report)
is keyed `K#<channel>#<HMAC-SHA256(secret, channel:address)>`. Phone numbers are few enough that
a plain hash could be reversed by trying them all; the HMAC's secret (CONVERSATION_HASH_KEY) is
what keeps a key from naming a citizen. Intake writes the item, notify reads it back (the
encrypted address to reply to, and when the citizen last wrote).
"""

from __future__ import annotations

import hashlib
import hmac


def normalize_address(channel: str, sender: str) -> str:
    """One spelling per address, so "+62 812-3" and "62812 3" are one conversation."""
    sender = sender.strip()
    if channel in ("whatsapp", "sms"):
        return "+" + "".join(ch for ch in sender if ch.isdigit())
    if channel == "email":
        return sender.lower()
    return sender


def conversation_key(channel: str, address: str, secret: str) -> str:
    if not secret:
        raise ValueError("CONVERSATION_HASH_KEY is not configured")
    digest = hmac.new(secret.encode(), f"{channel}:{normalize_address(channel, address)}".encode(), hashlib.sha256).hexdigest()
    return f"K#{channel}#{digest[:40]}"
