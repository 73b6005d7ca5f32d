"""Inbound: the channels' webhooks (HTTP API, payload v2) - WhatsApp, Telegram, SMS, e-mail, LAPOR!.

Each route imports its provider's module when called (see `inbound.webhooks`), so a Telegram
update never pays for SNS's `cryptography`.
"""

from __future__ import annotations

from typing import Any

from aduan.api import install_error_handlers
from aduan.http_api import Resolver
from aduan.observability import logger
from aduan.settings import needs
from inbound.webhooks import router as webhooks_router
from inbound.webhooks import wiring

log = logger("inbound")
app = Resolver()
app.include_router(webhooks_router)
install_error_handlers(app, log, invalid_message="the message is not valid")


@log.inject_lambda_context(correlation_id_path="requestContext.requestId")
@needs(
    "table_name",
    "kms_key_id",
    "public_base_url",
    "conversation_hash_key",
    settings=lambda: wiring.settings(),
)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
