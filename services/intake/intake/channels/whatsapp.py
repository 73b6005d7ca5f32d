"""WhatsApp Cloud API (Meta) webhooks: the handshake, the signature, the `messages` payload.

- `GET` handshake: Meta calls with `hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`
  and expects the raw challenge back as text/plain; anything else gets 403.
- `POST`: `X-Hub-Signature-256: sha256=<hex>` is HMAC-SHA256 of the *raw* body keyed with the
  app secret. Meta escapes non-ASCII as `\\u00e9` in the bytes it signs, so the body must be
  verified exactly as received; a parsed-and-re-serialised body no longer verifies.
- One POST may batch many changes: `entry[].changes[].value` with `metadata.phone_number_id`,
  `contacts[]` (profile names), `messages[]` (what citizens wrote) and `statuses[]` (what
  happened to what we sent).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .inbound import (
    DeliveryStatus,
    GeoPoint,
    InboundMessage,
    MalformedPayload,
    MediaRef,
    SignatureError,
    describe,
    utc_from_epoch,
)

SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="
_DELIVERY_STATES = {"sent", "delivered", "read", "failed"}


def verify_handshake(params: Mapping[str, str] | None, verify_token: str) -> str:
    """Return `hub.challenge` to echo back (text/plain) or raise SignatureError (403)."""
    if not verify_token:
        raise ValueError("WHATSAPP_VERIFY_TOKEN is not configured")
    params = params or {}
    if params.get("hub.mode") != "subscribe":
        raise SignatureError("hub.mode must be 'subscribe'", status_code=403)
    given = params.get("hub.verify_token") or ""
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        raise SignatureError("hub.verify_token does not match", status_code=403)
    challenge = params.get("hub.challenge")
    if not challenge:
        raise SignatureError("hub.challenge is missing", status_code=403)
    return challenge


def signature_header(raw_body: bytes, app_secret: str) -> str:
    """The header value Meta would send for these bytes (for the fake provider)."""
    digest = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return _PREFIX + digest


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> None:
    if not app_secret:
        raise ValueError("WHATSAPP_APP_SECRET is not configured")
    if not header:
        raise SignatureError(f"{SIGNATURE_HEADER} header is missing")
    if not header.startswith(_PREFIX):
        raise SignatureError(f"{SIGNATURE_HEADER} must be 'sha256=<hex>'")
    given = header[len(_PREFIX) :].strip().lower()
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise SignatureError(f"{SIGNATURE_HEADER} does not match the body")


def parse(raw_body: bytes) -> tuple[list[InboundMessage], list[DeliveryStatus]]:
    """Every citizen message and every delivery status in one webhook POST."""
    try:
        payload = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedPayload("body is not JSON") from exc
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise MalformedPayload("object must be 'whatsapp_business_account'")

    messages: list[InboundMessage] = []
    statuses: list[DeliveryStatus] = []
    for entry in _list(payload, "entry"):
        for change in _list(entry, "changes"):
            # Other subscribed fields (template status, account updates) are not citizens.
            if change.get("field", "messages") != "messages":
                continue
            value = change.get("value")
            if not isinstance(value, dict):
                raise MalformedPayload("entry[].changes[].value must be an object")
            phone_number_id = str((value.get("metadata") or {}).get("phone_number_id") or "")
            names = {
                str(c.get("wa_id")): (c.get("profile") or {}).get("name")
                for c in _list(value, "contacts")
            }
            try:
                for raw in _list(value, "messages"):
                    messages.append(_message(raw, phone_number_id, names))
                for raw in _list(value, "statuses"):
                    status = _status(raw)
                    if status is not None:
                        statuses.append(status)
            except ValidationError as exc:
                raise MalformedPayload(f"unexpected field value: {describe(exc)}") from exc
    return messages, statuses


def _message(raw: dict[str, Any], phone_number_id: str, names: dict[str, Any]) -> InboundMessage:
    wamid, sender, kind = raw.get("id"), raw.get("from"), raw.get("type")
    if not wamid or not sender or not kind:
        raise MalformedPayload("messages[] need id, from and type")
    if not phone_number_id:
        # Without it no reply can be sent: the message would be a dead end.
        raise MalformedPayload("metadata.phone_number_id is missing")
    sender = str(sender)
    text, media, location = "", [], None
    if kind == "text":
        text = str(_obj(raw, "text").get("body") or "")
    elif kind == "image":
        image = _obj(raw, "image")
        if not image.get("id"):
            raise MalformedPayload("image messages need image.id")
        text = str(image.get("caption") or "")
        media.append(
            MediaRef(
                provider_ref=str(image["id"]),
                url=image.get("url"),
                mime_type=image.get("mime_type"),
                caption=image.get("caption"),
                sha256=image.get("sha256"),
            )
        )
    elif kind == "location":
        loc = _obj(raw, "location")
        try:
            location = GeoPoint(
                lat=float(loc["latitude"]),
                lon=float(loc["longitude"]),
                name=loc.get("name"),
                address=loc.get("address"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise MalformedPayload("location needs numeric latitude and longitude") from exc
    else:
        # Kept (not dropped) so the citizen still gets an answer and officers see it came.
        text = f"[unsupported: {kind}]"
    return InboundMessage(
        channel="whatsapp",
        provider_message_id=str(wamid),
        sender=sender,
        sender_name=names.get(sender),
        text=text,
        media=media,
        location=location,
        received_at=utc_from_epoch(raw.get("timestamp")),
        reply_to={"phone_number_id": phone_number_id, "to": sender},
    )


def _status(raw: dict[str, Any]) -> DeliveryStatus | None:
    state = raw.get("status")
    if state not in _DELIVERY_STATES:
        # Meta has more ("deleted", "played" for voice notes); none changes what we record.
        return None
    if not raw.get("id"):
        raise MalformedPayload("statuses[] need id")
    errors = [e for e in raw.get("errors") or [] if isinstance(e, dict)]
    return DeliveryStatus(
        channel="whatsapp",
        provider_message_id=str(raw["id"]),
        status=state,
        at=utc_from_epoch(raw.get("timestamp")),
        error="; ".join(_error_text(e) for e in errors) or None,
        recipient=str(raw["recipient_id"]) if raw.get("recipient_id") else None,
    )


def _error_text(error: dict[str, Any]) -> str:
    details = (error.get("error_data") or {}).get("details")
    words = [str(error.get("code", "")), error.get("title") or error.get("message") or ""]
    if details:
        words.append(f"({details})")
    return " ".join(w for w in words if w)


def _list(obj: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(obj, dict):
        raise MalformedPayload(f"{key} must be inside an object")
    items = obj.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise MalformedPayload(f"{key} must be a list of objects")
    return items


def _obj(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise MalformedPayload(f"{raw.get('type')} messages need a '{key}' object")
    return value
