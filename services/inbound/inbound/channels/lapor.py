"""The SP4N-LAPOR! bridge: an inbound webhook signed the Standard Webhooks way.

The national LAPOR! API is not public, so this module *is* the contract a bridge implements.

Request
-------
``POST /webhooks/lapor`` with ``Content-Type: application/json`` and three headers
(Standard Webhooks 1.0, https://www.standardwebhooks.com/):

- ``webhook-id``: unique per event and the same on every retry of it (our dedupe key),
  e.g. ``msg_2KWPBgLlAfxdpx2AI54pPJ85f4W``.
- ``webhook-timestamp``: when this attempt was sent, integer Unix seconds. Deliveries more
  than 5 minutes old or more than 5 minutes ahead of our clock are refused (401).
- ``webhook-signature``: space-separated ``v1,<base64>`` entries; each is
  base64(HMAC-SHA256(key, ``{webhook-id}.{webhook-timestamp}.{raw body}``)). One matching
  entry is enough, so a bridge can sign with the old and the new secret while rotating.
  The key is ``LAPOR_WEBHOOK_SECRET``: ``whsec_<base64>`` is base64-decoded after the prefix;
  any other value is used as its UTF-8 bytes.

Body
----
::

    {
      "type": "report.created",            // or "report.followup": the reporter wrote again
      "timestamp": "2026-11-29T03:15:00Z", // optional: when the event happened
      "data": {
        "tracking_id": "4812763",          // required: LAPOR!'s own id, kept beside ours
        "title": "Jalan berlubang",        // optional (follow-ups usually have none)
        "content": "Jalan di depan ...",   // required, non-empty: what the reporter wrote
        "category": "Infrastruktur",       // optional: LAPOR!'s category name
        "anonymous": false,                // anonim: hide the reporter from units and public
        "confidential": false,             // rahasia: the report itself is not public
        "reporter": {                      // optional; each field optional; personal data
          "name": "Siti", "phone": "+6281234567890", "email": "siti@example.id"
        },
        "location": {                      // optional
          "lat": -7.9666, "lon": 112.6326, "name": "Jl. Ijen", "address": "Klojen, Malang"
        },
        "attachments": [                   // optional; https URLs the bridge serves
          {"url": "https://...", "mime_type": "image/jpeg", "filename": "a.jpg", "size": 12345}
        ],
        "created_at": "2026-11-29T10:15:00+07:00"  // required, with a UTC offset
      }
    }

Unknown fields are ignored, so the bridge may add some without breaking us. Answers: 2xx
accepted (also for a repeated ``webhook-id``); 400 malformed (do not retry); 401 bad
signature or stale timestamp; 413 too large.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from aduan.model import Meta, Trimmed, ValidationError, field

from .inbound import (
    GeoPoint,
    InboundMessage,
    LaporReport,
    MalformedPayload,
    MediaRef,
    SignatureError,
    StaleMessage,
    describe,
)

ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER = (
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
)
_SECRET_PREFIX = "whsec_"


def sign_standard_webhook(webhook_id: str, timestamp: int, raw_body: bytes, secret: str) -> str:
    """One `v1,<base64>` signature entry (for the fake provider and the outbound side)."""
    signed = f"{webhook_id}.{timestamp}.".encode() + raw_body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_standard_webhook(
    raw_body: bytes,
    headers: Mapping[str, str],
    secret: str,
    now: datetime | float,
    tolerance_s: int = 300,
) -> str:
    """Check a Standard Webhooks signature; return the `webhook-id` (the dedupe key).

    Raises SignatureError (401) for a missing/forged signature, StaleMessage (401) for a
    correctly signed delivery outside the ±`tolerance_s` window.
    """
    key = _key(secret)
    lower = {k.lower(): v for k, v in headers.items()}
    webhook_id = lower.get(ID_HEADER)
    timestamp = lower.get(TIMESTAMP_HEADER)
    signatures = lower.get(SIGNATURE_HEADER)
    if not webhook_id or not timestamp or not signatures:
        raise SignatureError("webhook-id, webhook-timestamp and webhook-signature are required")
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise SignatureError("webhook-timestamp must be integer Unix seconds") from exc

    signed = f"{webhook_id}.{timestamp}.".encode() + raw_body
    expected = hmac.new(key, signed, hashlib.sha256).digest()
    if not any(hmac.compare_digest(expected, given) for given in _v1_signatures(signatures)):
        raise SignatureError("webhook-signature does not match")

    # After the signature, so "stale" only ever describes a genuine (replayed) delivery.
    now_s = now.timestamp() if isinstance(now, datetime) else float(now)
    if now_s - sent_at > tolerance_s:
        raise StaleMessage(f"webhook-timestamp is more than {tolerance_s} s old")
    if sent_at - now_s > tolerance_s:
        raise StaleMessage(f"webhook-timestamp is more than {tolerance_s} s in the future")
    return webhook_id


def parse(body: dict[str, Any], webhook_id: str) -> InboundMessage:
    """A verified LAPOR! report or follow-up -> InboundMessage (sender = LAPOR! tracking id)."""
    try:
        event = _Event.parse(body)
    except ValidationError as exc:
        raise MalformedPayload(f"LAPOR! payload: {describe(exc)}") from exc
    data = event.data
    reporter = data.reporter or _Reporter()
    location = None
    if data.location is not None:
        location = GeoPoint.checked(**data.location.to_dict())
    media = [
        MediaRef.checked(provider_ref=f"{data.tracking_id}/{i}", **a.to_dict())
        for i, a in enumerate(data.attachments, start=1)
    ]
    return InboundMessage.checked(
        channel="lapor",
        provider_message_id=webhook_id,
        # A LAPOR! report is its own conversation: follow-ups find the complaint by it.
        sender=data.tracking_id,
        sender_name=reporter.name,
        text=data.content,
        subject=data.title,
        media=media,
        location=location,
        received_at=data.created_at,
        reply_to={"tracking_id": data.tracking_id},
        lapor=LaporReport.checked(
            tracking_id=data.tracking_id,
            event=event.type,
            category=data.category,
            anonim=data.anonymous,
            rahasia=data.confidential,
            reporter_phone=reporter.phone,
            reporter_email=reporter.email,
        ),
    )


# --- the payload, as published above ---------------------------------------------------------


class _Lenient(Trimmed, kw_only=True):
    # Forward compatible: fields the bridge adds later are ignored, not errors.
    pass


class _Reporter(_Lenient, kw_only=True):
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class _Location(_Lenient, kw_only=True):
    lat: Annotated[float, Meta(ge=-90, le=90)]
    lon: Annotated[float, Meta(ge=-180, le=180)]
    name: str | None = None
    address: str | None = None


class _Attachment(_Lenient, kw_only=True):
    # Which hosts (and schemes) are fetched is the media allowlist's decision (media.fetch),
    # configured per deployment: production allows the bridge's https origin only.
    url: Annotated[str, Meta(pattern=r"^https?://")]
    mime_type: str | None = None
    filename: str | None = None
    size: Annotated[int, Meta(ge=0)] | None = None


class _Report(_Lenient, kw_only=True):
    tracking_id: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"\S")]
    title: str | None = None
    content: Annotated[str, Meta(min_length=1, pattern=r"\S")]
    category: str | None = None
    anonymous: bool = False
    confidential: bool = False
    reporter: _Reporter | None = None
    location: _Location | None = None
    attachments: list[_Attachment] = field(default_factory=list)
    created_at: Annotated[datetime, Meta(tz=True)]


class _Event(_Lenient, kw_only=True):
    type: Literal["report.created", "report.followup"]
    data: _Report


def _key(secret: str) -> bytes:
    if not secret:
        raise ValueError("LAPOR_WEBHOOK_SECRET is not configured")
    if secret.startswith(_SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(_SECRET_PREFIX) :], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("LAPOR_WEBHOOK_SECRET: whsec_ must be followed by base64") from exc
    return secret.encode()


def _v1_signatures(header: str) -> list[bytes]:
    found = []
    for entry in header.split():
        version, _, value = entry.partition(",")
        if version != "v1":
            continue  # other schemes (v1a: asymmetric) are not ours to check
        try:
            found.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            continue
    return found
