"""Messenger and Instagram direct messages: Meta's Messenger Platform webhooks, parsed.

Both products post the same shape, signed as WhatsApp is (`inbound.channels.meta`):
`{"object": "page" | "instagram", "entry": [{"id", "time", "messaging": [event, ...]}]}`, where a
citizen's message is `{"sender": {"id"}, "recipient": {"id"}, "timestamp": <ms>, "message":
{"mid", "text", "attachments": [{"type", "payload": {"url"}}]}}`. The sender id is a page-scoped
id (PSID, Messenger) or an Instagram-scoped id (IGSID): personal data, like a phone number.

Not citizens' messages, so skipped (answered 200, so Meta does not retry): echoes of what the
city sent (`is_echo`), deliveries, reads, reactions, postbacks, deleted messages, and the
`standby` channel of a page whose inbox another app holds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from aduan.api import InvalidJson, parse_json
from aduan.model import ValidationError

from .inbound import GeoPoint, InboundMessage, MalformedPayload, MediaRef, describe

MessagingChannel = Literal["messenger", "instagram"]
# The `object` each product's webhook carries.
OBJECT = {"messenger": "page", "instagram": "instagram"}
# Attachment types that are never a photo of the problem (a sticker is an "image" with a
# sticker_id; a share is someone else's post).
_NOT_PHOTOS = {
    "video",
    "audio",
    "file",
    "fallback",
    "template",
    "share",
    "story_mention",
    "ig_reel",
    "reel",
    "ig_post",
}


def parse(raw_body: bytes, channel: MessagingChannel) -> tuple[list[InboundMessage], int]:
    """The citizens' messages in one webhook POST, and how many other events were skipped."""
    try:
        # The checked parser: a document nested too deep or a lone surrogate is a 400, not a 500.
        payload = parse_json(raw_body)
    except InvalidJson as exc:
        raise MalformedPayload(exc.message) from exc
    if not isinstance(payload, dict) or payload.get("object") != OBJECT[channel]:
        raise MalformedPayload(f"object must be '{OBJECT[channel]}' on the {channel} webhook")
    messages: list[InboundMessage] = []
    skipped = 0
    for entry in _list(payload, "entry"):
        skipped += len(_list(entry, "standby"))
        for event in _list(entry, "messaging"):
            message = event.get("message")
            if not isinstance(message, dict) or message.get("is_echo") or message.get("is_deleted"):
                skipped += 1
                continue
            try:
                messages.append(_message(event, message, channel, str(entry.get("id") or "")))
            except ValidationError as exc:
                raise MalformedPayload(f"unexpected field value: {describe(exc)}") from exc
    return messages, skipped


def _message(
    event: dict[str, Any], message: dict[str, Any], channel: MessagingChannel, account_id: str
) -> InboundMessage:
    sender = _id_of(event, "sender")
    recipient = _id_of(event, "recipient") or account_id
    mid = message.get("mid")
    if not mid or not sender:
        raise MalformedPayload("messaging[] need sender.id and message.mid")
    if not recipient:
        # Without the page (or Instagram account) no reply can be sent: a dead end.
        raise MalformedPayload("messaging[] need recipient.id")
    texts = [str(message.get("text") or "").strip()]
    media: list[MediaRef] = []
    location: GeoPoint | None = None
    attachments = message.get("attachments") or []
    if not isinstance(attachments, list):
        raise MalformedPayload("message.attachments must be a list")
    for n, attachment in enumerate(attachments, start=1):
        if not isinstance(attachment, dict):
            raise MalformedPayload("message.attachments must be a list of objects")
        kind = str(attachment.get("type") or "")
        given = attachment.get("payload")
        body: dict[str, Any] = given if isinstance(given, dict) else {}
        if kind == "image" and body.get("url") and not body.get("sticker_id"):
            media.append(MediaRef.checked(provider_ref=f"{mid}#{n}", url=str(body["url"])))
        elif kind == "location" and isinstance(body.get("coordinates"), dict):
            location = _location(body["coordinates"], attachment.get("title"))
        else:
            # Kept (not dropped) so the citizen still gets an answer and officers see it came.
            texts.append(
                f"[unsupported: {'sticker' if body.get('sticker_id') else kind or 'attachment'}]"
            )
    if message.get("is_unsupported"):
        texts.append("[unsupported: message]")
    return InboundMessage.checked(
        channel=channel,
        provider_message_id=str(mid),
        sender=sender,
        text="\n".join(t for t in texts if t),
        media=media,
        location=location,
        received_at=utc_from_millis(event.get("timestamp")),
        reply_to={"account_id": recipient, "to": sender},
    )


def utc_from_millis(value: Any) -> datetime:
    """The Messenger Platform's timestamps are epoch milliseconds."""
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise MalformedPayload(f"timestamp {value!r} is not epoch milliseconds") from exc


def _location(coordinates: dict[str, Any], title: Any) -> GeoPoint:
    try:
        return GeoPoint.checked(
            lat=float(coordinates["lat"]),
            lon=float(coordinates["long"]),
            name=str(title) if title else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedPayload(
            "location needs numeric coordinates.lat and coordinates.long"
        ) from exc


def _id_of(event: dict[str, Any], key: str) -> str:
    party = event.get(key)
    if party is None:
        return ""
    if not isinstance(party, dict):
        raise MalformedPayload(f"messaging[].{key} must be an object")
    return str(party.get("id") or "")


def _list(obj: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(obj, dict):
        raise MalformedPayload(f"{key} must be inside an object")
    items = obj.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise MalformedPayload(f"{key} must be a list of objects")
    return items
