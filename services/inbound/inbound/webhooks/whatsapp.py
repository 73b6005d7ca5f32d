"""`GET|POST /webhooks/whatsapp`: Meta's handshake, and messages and statuses, signed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aduan.http_api import Response
from inbound.channels import whatsapp
from inbound.webhooks import common, wiring
from inbound.webhooks.deliveries import record_statuses

# Meta sends up to ~1000 messages (about 3 MB) in one POST.
MAX_BODY_BYTES = 4 * 1024 * 1024


def handshake(event: Mapping[str, Any]) -> Response:
    token = common.require(wiring.settings().whatsapp_verify_token, "WHATSAPP_VERIFY_TOKEN")
    challenge = whatsapp.verify_handshake(event.get("queryStringParameters") or {}, token)
    return Response(status_code=200, content_type="text/plain", body=challenge)


def receive(event: Mapping[str, Any]) -> Response:
    secret = common.require(wiring.settings().whatsapp_app_secret, "WHATSAPP_APP_SECRET")
    raw = common.body(event, MAX_BODY_BYTES)
    # Meta signs the raw bytes (non-ASCII escaped as \u00e9): verify them before parsing.
    whatsapp.verify_signature(raw, common.header(event, whatsapp.SIGNATURE_HEADER), secret)
    messages, statuses = whatsapp.parse(raw)
    accepted = common.accept_all(messages, common.intake(event))
    recorded = (
        record_statuses(
            statuses, wiring.repository(), wiring.now(), wiring.settings().conversation_hash_key
        )
        if statuses
        else 0
    )
    return common.ok({"ok": True, "messages": len(accepted), "statuses": recorded})
