"""Telegram Bot API webhooks: the secret-token header and the `Update` object.

`setWebhook(secret_token=...)` makes Telegram send `X-Telegram-Bot-Api-Secret-Token` on every
call; that header is the only proof of origin. An Update carries at most one of `message`,
`edited_message`, `channel_post`, ...; only `message` is something a citizen wrote to us now.
`update_id` is unique per bot and stable across Telegram's retries: it is the dedupe id.
"""

from __future__ import annotations

import hmac
from typing import Any

from aduan.model import ValidationError

from .inbound import (
    GeoPoint,
    InboundMessage,
    MalformedPayload,
    MediaRef,
    SignatureError,
    describe,
    utc_from_epoch,
)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# Update fields that are not a citizen's new message, and why we answer 200 and move on
# (answering an error would only make Telegram retry them).
_IGNORED = {
    "edited_message": "an edit of a message already received; the original is what counts",
    "channel_post": "a channel post, not a citizen writing to the bot",
    "edited_channel_post": "an edit of a channel post",
    "callback_query": "a button press; the bot sends no inline keyboards",
    "my_chat_member": "the bot's membership changed (blocked/unblocked), not a message",
}
# Message content kinds we know the name of, to say what was unsupported.
_OTHER_KINDS = (
    "document",
    "video",
    "voice",
    "audio",
    "sticker",
    "animation",
    "video_note",
    "contact",
    "poll",
    "dice",
)


def verify_secret(header: str | None, secret: str) -> None:
    if not secret:
        raise ValueError("TELEGRAM_SECRET_TOKEN is not configured")
    if not header:
        raise SignatureError(f"{SECRET_HEADER} header is missing")
    if not hmac.compare_digest(header.encode(), secret.encode()):
        raise SignatureError(f"{SECRET_HEADER} does not match")


def parse(body: dict[str, Any]) -> list[InboundMessage]:
    """The citizen message in this Update: a list of one, or empty (see `skip_reason`)."""
    update_id = _update_id(body)
    message = body.get("message")
    if message is None:
        return []
    if not isinstance(message, dict):
        raise MalformedPayload("message must be an object")
    try:
        return [_message(message, update_id)]
    except ValidationError as exc:
        raise MalformedPayload(f"unexpected field value: {describe(exc)}") from exc


def skip_reason(body: dict[str, Any]) -> str | None:
    """Why `parse` returned nothing for this Update (for the log), or None if it did not."""
    _update_id(body)
    if "message" in body:
        return None
    for field, reason in _IGNORED.items():
        if field in body:
            return f"{field}: {reason}"
    kinds = sorted(k for k in body if k != "update_id")
    return f"{', '.join(kinds) or 'empty update'}: not a message to the bot"


def _update_id(body: Any) -> str:
    if not isinstance(body, dict):
        raise MalformedPayload("an Update must be a JSON object")
    update_id = body.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise MalformedPayload("update_id must be an integer")
    return str(update_id)


def _message(message: dict[str, Any], update_id: str) -> InboundMessage:
    chat = message.get("chat")
    if not isinstance(chat, dict) or chat.get("id") is None:
        raise MalformedPayload("message.chat.id is missing")
    chat_id = str(chat["id"])
    text = str(message.get("text") or message.get("caption") or "")
    media: list[MediaRef] = []
    location = None

    photos = message.get("photo")
    if photos:
        largest = _largest(photos)
        media.append(
            MediaRef.checked(
                provider_ref=str(largest["file_id"]),
                mime_type="image/jpeg",  # Telegram re-encodes every `photo` as JPEG
                caption=message.get("caption"),
                size=largest.get("file_size"),
            )
        )
    venue = message.get("venue") if isinstance(message.get("venue"), dict) else None
    loc = (venue or {}).get("location") or message.get("location")
    if loc is not None:
        try:
            location = GeoPoint.checked(
                lat=float(loc["latitude"]),
                lon=float(loc["longitude"]),
                name=(venue or {}).get("title"),
                address=(venue or {}).get("address"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise MalformedPayload("location needs numeric latitude and longitude") from exc

    if not text and not media and location is None:
        kind = next((k for k in _OTHER_KINDS if k in message), "message")
        text = f"[unsupported: {kind}]"

    sender = message.get("from")
    if not isinstance(sender, dict):
        sender = {}
    name = " ".join(p for p in (sender.get("first_name"), sender.get("last_name")) if p)
    reply_to = {"chat_id": chat_id}
    if message.get("message_id") is not None:
        reply_to["reply_to_message_id"] = str(message["message_id"])
    return InboundMessage.checked(
        channel="telegram",
        provider_message_id=update_id,
        # The chat, not the user: replies go to the chat, and in a private chat they are one.
        sender=chat_id,
        sender_name=name or chat.get("title") or None,
        text=text,
        media=media,
        location=location,
        received_at=utc_from_epoch(message.get("date")),
        reply_to=reply_to,
    )


def _largest(photos: Any) -> dict[str, Any]:
    # `photo` lists the same picture in several sizes; keep the best one only.
    if not isinstance(photos, list) or not all(
        isinstance(p, dict) and p.get("file_id") for p in photos
    ):
        raise MalformedPayload("message.photo must be a list of PhotoSize with file_id")

    def area(p: dict[str, Any]) -> tuple[int, int]:
        return int(p.get("width") or 0) * int(p.get("height") or 0), int(p.get("file_size") or 0)

    try:
        return max(photos, key=area)
    except (TypeError, ValueError) as exc:
        raise MalformedPayload("message.photo sizes must be numbers") from exc
