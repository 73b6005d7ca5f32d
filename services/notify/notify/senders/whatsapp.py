"""WhatsApp through the Cloud API: `POST {graph}/{version}/{phone_number_id}/messages`.

Meta allows free-form text only within 24 hours of the citizen's last message (the customer
service window); outside it, only an approved template message is delivered. The fallback is
one utility template (WHATSAPP_TEMPLATE_NAME, body "{{1}}") carrying the text as its parameter,
so every step the citizen would have read still reaches them.

A business-scoped user id (BSUID, e.g. `ID.1502576394655843`) is addressed in `recipient`
instead of `to`: Meta routes it to the user whether or not their phone number is known.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from aduan.conversations import is_bsuid
from aduan.provider_http import SendFailed, post
from aduan.settings import Settings

WINDOW = timedelta(hours=24)
# Sent a little before the window closes, the text might arrive after it: keep a margin.
MARGIN = timedelta(minutes=10)
TEMPLATE_NAME = "aduan_pemberitahuan"
_PARAM_LIMIT = 1000


def window_open(last_inbound_at: datetime | None, now: datetime) -> bool:
    return last_inbound_at is not None and now - last_inbound_at < WINDOW - MARGIN


def request_body(to: str, text: str, *, window: bool, language: str = "id") -> dict[str, Any]:
    """The Graph API body: text inside the window, the template outside it (pure)."""
    # A BSUID as Meta gave it; a wa_id without its "+".
    address = {"recipient": to} if is_bsuid(to) else {"to": to.lstrip("+")}
    if window:
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            **address,
            "type": "text",
            "text": {"body": text[:4096], "preview_url": False},
        }
    # Template parameters may not hold newlines, tabs or runs of spaces.
    flat = re.sub(r"\s*\n\s*", " | ", text.strip())
    flat = re.sub(r"[\t ]{2,}", " ", flat)[:_PARAM_LIMIT]
    return {
        "messaging_product": "whatsapp",
        **address,
        "type": "template",
        "template": {
            "name": TEMPLATE_NAME,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": flat}]}],
        },
    }


def send_whatsapp(
    settings: Settings, to: str, text: str, *, window: bool, language: str = "id"
) -> str:
    if not (settings.whatsapp_access_token and settings.whatsapp_phone_number_id):
        raise SendFailed(
            "WhatsApp is not configured (WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID)",
            permanent=True,
        )
    base = settings.whatsapp_api_base_url.rstrip("/")
    url = f"{base}/{settings.whatsapp_api_version}/{settings.whatsapp_phone_number_id}/messages"
    answer = post(
        url,
        json.dumps(request_body(to, text, window=window, language=language)).encode(),
        {
            "Authorization": f"Bearer {settings.whatsapp_access_token}",
            "Content-Type": "application/json",
        },
        settings.http_timeout_seconds,
    )
    messages = answer.body.get("messages") if isinstance(answer.body, dict) else None
    if not messages or not messages[0].get("id"):
        raise SendFailed(f"WhatsApp answered without a message id: {answer.body}", permanent=True)
    return str(messages[0]["id"])
