"""The channel webhooks, as a Powertools router the inbound function's resolver includes.

Each route imports its channel's module when called (`_run`), so a web-form request never pays
for a webhook, and a WhatsApp POST never for SNS's `cryptography`. Every route answers the same
way: proof of origin first (forged or missing -> 401/403, nothing stored), then the size (413)
and the payload (malformed -> 400), then one transaction per message (see `accept`). The
providers' typed errors (inbound.channels.inbound.ChannelError) are the house's AduanErrors with
their own HTTP status, answered in one place (aduan.api.install_error_handlers).
"""

from __future__ import annotations

import importlib

from aduan.http_api import Response, Router

router = Router()


def _run(channel: str, action: str = "receive", module_name: str | None = None) -> Response:
    from inbound.channels.inbound import ChannelError
    from inbound.webhooks import common

    # Messenger and Instagram share one module (`messaging`); the log names the channel.
    module = importlib.import_module(f"inbound.webhooks.{module_name or channel}")
    try:
        return getattr(module, action)(router.current_event.raw_event)
    except ChannelError as error:
        # Someone can see why a provider's delivery was refused (a rotated secret, a wrong public
        # URL); the reason names a header or field, never the body or who sent it. The answer
        # is made where every error's is (aduan.api.install_error_handlers).
        common.log.warning(
            "webhook refused",
            extra={
                "channel": channel,
                "status": error.status,
                "code": error.code,
                "reason": error.message[:200],
            },
        )
        raise


@router.get("/webhooks/whatsapp")
def whatsapp_handshake() -> Response:
    return _run("whatsapp", "handshake")


@router.post("/webhooks/whatsapp")
def whatsapp_messages() -> Response:
    return _run("whatsapp")


@router.get("/webhooks/messenger")
def messenger_handshake() -> Response:
    return _run("messenger", "messenger_handshake", "messaging")


@router.post("/webhooks/messenger")
def messenger_messages() -> Response:
    return _run("messenger", "messenger", "messaging")


@router.get("/webhooks/instagram")
def instagram_handshake() -> Response:
    return _run("instagram", "instagram_handshake", "messaging")


@router.post("/webhooks/instagram")
def instagram_messages() -> Response:
    return _run("instagram", "instagram", "messaging")


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
