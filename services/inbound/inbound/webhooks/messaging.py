"""`GET|POST /webhooks/messenger` and `/webhooks/instagram`: Meta's handshake, and direct messages.

Both products of the one Meta app sign with its app secret (`META_APP_SECRET`) and answer the
handshake with its verify token (`META_VERIFY_TOKEN`), exactly as WhatsApp does
(`inbound.channels.meta`). Each route takes only its own product's `object`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aduan.http_api import Response
from inbound.channels import messaging, meta
from inbound.channels.messaging import MessagingChannel
from inbound.webhooks import common, wiring

# Meta batches at most a few hundred messaging events in one POST.
MAX_BODY_BYTES = 1024 * 1024


def handshake(event: Mapping[str, Any], channel: MessagingChannel) -> Response:
    token = common.require(wiring.settings().meta_verify_token, "META_VERIFY_TOKEN")
    challenge = meta.verify_handshake(event.get("queryStringParameters") or {}, token)
    return Response(status_code=200, content_type="text/plain", body=challenge)


def receive(event: Mapping[str, Any], channel: MessagingChannel) -> Response:
    secret = common.require(wiring.settings().meta_app_secret, "META_APP_SECRET")
    raw = common.body(event, MAX_BODY_BYTES)
    # Meta signs the raw bytes (non-ASCII escaped as \u00e9): verify them before parsing.
    meta.verify_signature(raw, common.header(event, meta.SIGNATURE_HEADER), secret)
    messages, skipped = messaging.parse(raw, channel)
    accepted = common.accept_all(messages, common.intake(event))
    if skipped:
        common.log.info("messaging events skipped", extra={"channel": channel, "skipped": skipped})
    return common.ok({"ok": True, "messages": len(accepted), "skipped": skipped})


def messenger_handshake(event: Mapping[str, Any]) -> Response:
    return handshake(event, "messenger")


def messenger(event: Mapping[str, Any]) -> Response:
    return receive(event, "messenger")


def instagram_handshake(event: Mapping[str, Any]) -> Response:
    return handshake(event, "instagram")


def instagram(event: Mapping[str, Any]) -> Response:
    return receive(event, "instagram")
