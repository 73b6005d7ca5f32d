"""`POST /webhooks/sms` (incoming SMS) and `POST /webhooks/sms/status` (delivery callbacks).

Twilio signs the URL it called: behind API Gateway that is PUBLIC_BASE_URL + the path, not the
host the Lambda sees. The answer is TwiML; it is empty because the acknowledgement goes out
through notify (recorded and retried like every other reply), not in the HTTP answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aduan.http_api import Response
from inbound.channels import sms
from inbound.channels.inbound import DeliveryStatus, MalformedPayload
from inbound.webhooks import common, wiring
from inbound.webhooks.deliveries import record_statuses

MAX_BODY_BYTES = 64 * 1024
# Twilio's MessageStatus values -> what we record; queued/accepted/sending are not news.
_STATES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
}


def receive(event: Mapping[str, Any]) -> Response:
    params = _verified_form(event)
    message = sms.parse(params, now=wiring.now())
    common.accept_all([message], common.intake(event))
    return _twiml(sms.twiml_empty())


def status(event: Mapping[str, Any]) -> Response:
    params = _verified_form(event)
    sid, state = _first(params, "MessageSid"), _first(params, "MessageStatus")
    if not sid or not state:
        raise MalformedPayload("MessageSid and MessageStatus are required")
    if state in _STATES:
        error = _first(params, "ErrorCode")
        report = DeliveryStatus.checked(
            channel="sms",
            provider_message_id=sid,
            status=_STATES[state],
            at=wiring.now(),
            error=f"Twilio {error}" if error else None,
        )
        record_statuses(
            [report], wiring.repository(), wiring.now(), wiring.settings().conversation_hash_key
        )
    return _twiml(sms.twiml_empty())


def _verified_form(event: Mapping[str, Any]) -> dict[str, Any]:
    settings = wiring.settings()
    token = common.require(settings.twilio_auth_token, "TWILIO_AUTH_TOKEN")
    raw = common.body(event, MAX_BODY_BYTES)
    params = sms.decode_form(raw, False)
    url = sms.public_url(
        settings.public_base_url,
        str(event.get("rawPath") or ""),
        event.get("rawQueryString") or None,
    )
    sms.verify_twilio_signature(url, params, common.header(event, sms.SIGNATURE_HEADER), token)
    return params


def _first(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    return value[0] if isinstance(value, list) else value


def _twiml(xml: str) -> Response:
    return Response(status_code=200, content_type="text/xml", body=xml)
