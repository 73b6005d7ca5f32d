"""Messenger and Instagram replies through Meta's Send API: `POST {graph}/{version}/{id}/messages`.

Meta lets a business answer a person only for a while after that person last wrote:
- within 24 hours, any message (`messaging_type: RESPONSE`);
- within 7 days, a message a human agent wrote, tagged `HUMAN_AGENT` — here an officer's answer
  or an officer's question to the citizen, never an automatic notice;
- after that, nothing: the message is not sent (and recorded so), and the citizen hears of the
  step only on the other channels they gave.
The account id is the Facebook Page's (Messenger) or the Instagram professional account's; the
recipient is the PSID or IGSID the citizen wrote from.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Literal

from aduan.provider_http import NotSent, SendFailed, post
from aduan.settings import Settings

WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
# Sent a little before a window closes, the message might arrive after it: keep a margin.
MARGIN = timedelta(minutes=10)
# Templates whose words an officer wrote to this citizen (the answer, a deferral's question).
HUMAN_TEMPLATES = frozenset({"answered", "deferred"})
# Messenger takes 2,000 characters of text; Instagram 1,000 bytes of UTF-8.
MESSENGER_MAX_CHARS = 2000
INSTAGRAM_MAX_BYTES = 1000

Mode = Literal["RESPONSE", "HUMAN_AGENT"]


def mode_for(last_inbound_at: datetime | None, now: datetime, template: str) -> Mode | None:
    """How a message may go out now (pure): None when Meta allows nothing."""
    if last_inbound_at is None:
        return None
    quiet = now - last_inbound_at
    if quiet < WINDOW - MARGIN:
        return "RESPONSE"
    if template in HUMAN_TEMPLATES and quiet < HUMAN_AGENT_WINDOW - MARGIN:
        return "HUMAN_AGENT"
    return None


def clip(channel: str, text: str) -> str:
    if channel == "instagram":
        data = text.encode()
        if len(data) <= INSTAGRAM_MAX_BYTES:
            return text
        return data[: INSTAGRAM_MAX_BYTES - 3].decode(errors="ignore") + "…"
    return text if len(text) <= MESSENGER_MAX_CHARS else text[: MESSENGER_MAX_CHARS - 1] + "…"


def request_body(channel: str, to: str, text: str, mode: Mode) -> dict[str, Any]:
    """The Send API body for one text (pure)."""
    body: dict[str, Any] = {"recipient": {"id": to}, "message": {"text": clip(channel, text)}}
    if mode == "RESPONSE":
        body["messaging_type"] = "RESPONSE"
    else:
        body["messaging_type"] = "MESSAGE_TAG"
        body["tag"] = "HUMAN_AGENT"
    return body


def endpoint(settings: Settings, channel: str) -> tuple[str, str]:
    """The Send API URL and the access token for a channel."""
    if channel == "messenger":
        base, account, token = (
            settings.meta_api_base_url,
            settings.messenger_page_id,
            settings.messenger_page_access_token,
        )
        names = "MESSENGER_PAGE_ID, MESSENGER_PAGE_ACCESS_TOKEN"
    elif channel == "instagram":
        base, account, token = (
            settings.instagram_api_base_url,
            settings.instagram_account_id,
            settings.instagram_access_token,
        )
        names = "INSTAGRAM_ACCOUNT_ID, INSTAGRAM_ACCESS_TOKEN"
    else:
        raise SendFailed(f"the Send API has no channel {channel}", permanent=True)
    if not (account and token):
        raise SendFailed(f"{channel} is not configured ({names})", permanent=True)
    return f"{base.rstrip('/')}/{settings.meta_api_version}/{account}/messages", token


def send_message(settings: Settings, channel: str, to: str, text: str, mode: Mode | None) -> str:
    if mode is None:
        raise NotSent(
            f"{channel}: outside Meta's messaging window (24 hours; 7 days for an officer's answer)"
        )
    url, token = endpoint(settings, channel)
    answer = post(
        url,
        json.dumps(request_body(channel, to, text, mode)).encode(),
        # A bearer header, not ?access_token=: the token stays out of URLs and their logs.
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        settings.http_timeout_seconds,
    )
    message_id = answer.body.get("message_id") if isinstance(answer.body, dict) else None
    if not message_id:
        raise SendFailed(
            f"the Send API answered without a message_id: {answer.body}", permanent=True
        )
    return str(message_id)
