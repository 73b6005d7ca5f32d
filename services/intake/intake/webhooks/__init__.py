"""The channel webhooks, as a Powertools router the intake's resolver includes.

Each route imports its channel's module when called (`_run`), so a web-form request never pays
for a webhook, and a WhatsApp POST never for SNS's `cryptography`. Every route answers the same
way: proof of origin first (forged or missing -> 401/403, nothing stored), then the size (413)
and the payload (malformed -> 400), then one transaction per message (see `accept`). The
providers' typed errors (intake.channels.inbound.ChannelError) carry their HTTP status.
"""

from __future__ import annotations

import importlib
import json

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

router = APIGatewayHttpRouter()


def _run(channel: str, action: str = "receive") -> Response:
    from intake.channels.inbound import ChannelError

    module = importlib.import_module(f"intake.webhooks.{channel}")
    try:
        return getattr(module, action)(router.current_event.raw_event)
    except ChannelError as error:
        return Response(status_code=error.status_code, content_type="application/json", body=json.dumps(error.to_body()))


@router.get("/webhooks/whatsapp")
def whatsapp_handshake() -> Response:
    return _run("whatsapp", "handshake")


@router.post("/webhooks/whatsapp")
def whatsapp_messages() -> Response:
    return _run("whatsapp")


@router.post("/webhooks/telegram")
def telegram_update() -> Response:
    return _run("telegram")


@router.post("/webhooks/sms")
def sms_message() -> Response:
    return _run("sms")


@router.post("/webhooks/sms/status")
def sms_status() -> Response:
    return _run("sms", "status")


@router.post("/webhooks/email")
def email_notification() -> Response:
    return _run("email")


@router.post("/webhooks/lapor")
def lapor_report() -> Response:
    return _run("lapor")
