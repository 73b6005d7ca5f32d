"""Message texts from templates (pure). Templates are reference data, editable without a deploy."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Recipient:
    channel: str  # email | sms | whatsapp | telegram
    address: str
    name: str | None = None


@dataclass(frozen=True)
class Message:
    recipient: Recipient
    template: str
    text: str
    subject: str | None = None
    # "citizen", or the officer's role (coordinator, unit_admin, unit_head, bidang): one event may
    # message the citizen and an officer on the same channel, and each is sent once.
    audience: str = "citizen"


class _Blank(dict):
    """Unknown placeholders render empty rather than failing a citizen's message."""

    def __missing__(self, key: str) -> str:
        return ""


def _fill(text: str, values: dict[str, Any]) -> str:
    return string.Formatter().vformat(text, (), _Blank(values))


def render(
    templates: dict[str, Any],
    name: str,
    language: str,
    recipient: Recipient,
    values: dict[str, Any],
) -> Message:
    """The message for one recipient: the template in the citizen's language (Indonesian if missing)."""
    by_language = templates[name]
    texts = by_language.get(language) or by_language["id"]
    fill = {
        **values,
        "name": recipient.name or "",
        "salutation": salutation(recipient.name, language),
    }
    if recipient.channel == "email":
        return Message(
            recipient, name, _fill(texts["email_body"], fill), _fill(texts["email_subject"], fill)
        )
    key = "sms" if recipient.channel == "sms" else "chat"
    return Message(recipient, name, _fill(texts[key], fill))


def salutation(name: str | None, language: str) -> str:
    """How a letter opens: "Yth. Bapak/Ibu Sri" when the name is known, "Yth. Bapak/Ibu" when not."""
    if language == "id":
        return f"Bapak/Ibu {name}" if name else "Bapak/Ibu"
    return name or "citizen"


def recipients_of(identity: dict[str, Any], channels: list[str]) -> list[Recipient]:
    """Whom to reach, on which channels, from the decrypted identity (pure)."""
    # Each channel reads its own field only: a WhatsApp address (maybe a business-scoped user
    # id) is never an SMS number, a Messenger or Instagram scoped id never anything else.
    address_of = {
        "email": "email",
        "sms": "phone",
        "whatsapp": "whatsapp",
        "telegram": "telegram",
        "messenger": "messenger",
        "instagram": "instagram",
    }
    found = []
    for channel in channels:
        address = identity.get(address_of.get(channel, ""))
        if address:
            found.append(Recipient(channel, str(address), identity.get("name")))
    return found
