"""WhatsApp Cloud API (Meta) webhooks: the handshake, the signature, the `messages` payload.

- The handshake and `X-Hub-Signature-256` are Meta's, shared with Messenger and Instagram: one
  implementation in `inbound.channels.meta` (re-exported here for the WhatsApp route).
- One POST may batch many changes: `entry[].changes[].value` with `metadata.phone_number_id`,
  `contacts[]` (profile names), `messages[]` (what citizens wrote) and `statuses[]` (what
  happened to what we sent).
- Business-scoped user ids (BSUID, from 2026): `contacts[].user_id` and `messages[].from_user_id`
  (e.g. `ID.1502576394655843`) come with every message, and the phone number (`from`, `wa_id`)
  is left out for users who chose a username. The sender is then the BSUID, so a conversation
  keeps one key whether or not the number shows; the number, when it comes too, is kept only as
  `previous_sender` (to find a conversation that began under it). A BSUID is never a phone number.
"""

from __future__ import annotations

from typing import Any

from aduan.api import InvalidJson, parse_json
from aduan.model import ValidationError

from .inbound import (
    DeliveryStatus,
    GeoPoint,
    InboundMessage,
    MalformedPayload,
    MediaRef,
    describe,
    utc_from_epoch,
)
from .meta import SIGNATURE_HEADER, signature_header, verify_handshake, verify_signature

__all__ = ["SIGNATURE_HEADER", "parse", "signature_header", "verify_handshake", "verify_signature"]

_DELIVERY_STATES = {"sent", "delivered", "read", "failed"}


def parse(raw_body: bytes) -> tuple[list[InboundMessage], list[DeliveryStatus]]:
    """Every citizen message and every delivery status in one webhook POST."""
    try:
        payload = parse_json(raw_body)
    except InvalidJson as exc:
        raise MalformedPayload(exc.message) from exc
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
            people = _Contacts(_list(value, "contacts"))
            try:
                for raw in _list(value, "messages"):
                    messages.append(_message(raw, phone_number_id, people))
                for raw in _list(value, "statuses"):
                    status = _status(raw)
                    if status is not None:
                        statuses.append(status)
            except ValidationError as exc:
                raise MalformedPayload(f"unexpected field value: {describe(exc)}") from exc
    return messages, statuses


class _Contacts:
    """`contacts[]`: profile names, and which BSUID goes with which phone number."""

    def __init__(self, contacts: list[dict[str, Any]]) -> None:
        self.names: dict[str, Any] = {}
        self.bsuid_of: dict[str, str] = {}
        for contact in contacts:
            name = (contact.get("profile") or {}).get("name")
            phone, bsuid = contact.get("wa_id"), contact.get("user_id")
            for key in (phone, bsuid):
                if key:
                    self.names[str(key)] = name
            if phone and bsuid:
                self.bsuid_of[str(phone)] = str(bsuid)
        self.only = [str(c["user_id"]) for c in contacts if c.get("user_id")]


def _message(raw: dict[str, Any], phone_number_id: str, people: _Contacts) -> InboundMessage:
    wamid, kind = raw.get("id"), raw.get("type")
    phone = str(raw["from"]) if raw.get("from") else None
    bsuid = raw.get("from_user_id") or (people.bsuid_of.get(phone) if phone else None)
    if not bsuid and not phone and len(people.only) == 1:
        bsuid = people.only[0]  # one sender in this change: its contact names them
    if not wamid or not (phone or bsuid) or not kind:
        raise MalformedPayload("messages[] need id, from (or from_user_id) and type")
    if not phone_number_id:
        # Without it no reply can be sent: the message would be a dead end.
        raise MalformedPayload("metadata.phone_number_id is missing")
    # Keyed on the BSUID whenever there is one: it stays when the number is hidden.
    sender = str(bsuid) if bsuid else str(phone)
    text, media, location = "", [], None
    if kind == "text":
        text = str(_obj(raw, "text").get("body") or "")
    elif kind == "image":
        image = _obj(raw, "image")
        if not image.get("id"):
            raise MalformedPayload("image messages need image.id")
        text = str(image.get("caption") or "")
        media.append(
            MediaRef.checked(
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
            location = GeoPoint.checked(
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
    return InboundMessage.checked(
        channel="whatsapp",
        provider_message_id=str(wamid),
        sender=sender,
        previous_sender=phone if bsuid else None,
        sender_name=people.names.get(sender) or (people.names.get(phone) if phone else None),
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
    return DeliveryStatus.checked(
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
