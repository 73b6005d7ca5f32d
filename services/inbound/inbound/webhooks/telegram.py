"""`POST /webhooks/telegram`: a bot Update, proven by the secret-token header."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aduan.http_api import Response
from inbound.channels import telegram
from inbound.webhooks import common, wiring

MAX_BODY_BYTES = 1024 * 1024


def receive(event: Mapping[str, Any]) -> Response:
    secret = common.require(wiring.settings().telegram_secret_token, "TELEGRAM_SECRET_TOKEN")
    raw = common.body(event, MAX_BODY_BYTES)
    telegram.verify_secret(common.header(event, telegram.SECRET_HEADER), secret)
    update = common.json_of(raw)
    messages = telegram.parse(update)
    if not messages:
        # Edits, button presses, membership changes: answered 200 so Telegram does not retry.
        common.log.info("telegram update skipped", extra={"reason": telegram.skip_reason(update)})
        return common.ok()
    [accepted] = common.accept_all(messages, common.intake(event))
    return common.ok({"ok": True, "outcome": accepted.outcome.value})
