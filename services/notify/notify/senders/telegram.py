"""Telegram through the Bot API: `POST {api}/bot{token}/sendMessage`.

Telegram answers 429 with `Retry-After` (and `parameters.retry_after`); aduan.provider_http
honours the header. A chat that blocked the bot answers 403: permanent, not retried.
"""

from __future__ import annotations

import json

from aduan.provider_http import SendFailed, post
from aduan.settings import Settings

MAX_TEXT = 4096


def send_telegram(settings: Settings, chat_id: str, text: str) -> str:
    if not settings.telegram_bot_token:
        raise SendFailed("Telegram is not configured (TELEGRAM_BOT_TOKEN)", permanent=True)
    url = (
        f"{settings.telegram_api_base_url.rstrip('/')}/bot{settings.telegram_bot_token}/sendMessage"
    )
    body = {"chat_id": chat_id, "text": text[:MAX_TEXT], "disable_web_page_preview": True}
    answer = post(
        url,
        json.dumps(body).encode(),
        {"Content-Type": "application/json"},
        settings.http_timeout_seconds,
    )
    result = answer.body.get("result") if isinstance(answer.body, dict) else None
    if not (isinstance(answer.body, dict) and answer.body.get("ok") and isinstance(result, dict)):
        raise SendFailed(f"Telegram refused the message: {answer.body}", permanent=True)
    # Message ids are per chat: the chat makes the id unique.
    return f"{chat_id}:{result['message_id']}"
