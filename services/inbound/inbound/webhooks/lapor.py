"""`POST /webhooks/lapor`: the SP4N-LAPOR! bridge (Standard Webhooks; see inbound.channels.lapor).

The answer names our tracking id, so the bridge can keep it beside LAPOR!'s own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aduan.http_api import Response
from inbound.channels import lapor
from inbound.webhooks import common, wiring

MAX_BODY_BYTES = 1024 * 1024


def receive(event: Mapping[str, Any]) -> Response:
    secret = common.require(wiring.settings().lapor_webhook_secret, "LAPOR_WEBHOOK_SECRET")
    raw = common.body(event, MAX_BODY_BYTES)
    webhook_id = lapor.verify_standard_webhook(
        raw, event.get("headers") or {}, secret, wiring.now()
    )
    message = lapor.parse(common.json_of(raw), webhook_id)
    [accepted] = common.accept_all([message], common.intake(event))
    return common.ok(
        {"ok": True, "outcome": accepted.outcome.value, "tracking_id": accepted.complaint_id}
    )
