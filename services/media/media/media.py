"""Photos that came with a message: fetched from the provider, checked, stored, linked.

Handles MediaReceived (written by the webhook in the message's own transaction). Each item is
fetched from its provider the way that provider serves media (WhatsApp: Graph media id -> URL;
Telegram: getFile -> file path; Twilio, LAPOR!, Messenger and Instagram: the URL in the
message; e-mail: the inbox object the webhook parked), only from allowed origins (media.fetch). A photo must be one of
the image types below, within MEDIA_MAX_BYTES, and match the provider's digest when it gives
one. Its metadata (EXIF: GPS position, time, camera; PNG/WebP text) is removed before it is
stored (aduan.photo_metadata): nobody, officer or public, ever sees the original. Stored photos go to `complaints/<id>/media/<sha256>.<ext>` (a retry overwrites, never
adds) and are linked on the complaint (`Complaint.media`) with a MediaStored history event, once
per MediaReceived event (a marker in the same write).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from aduan.changes import Outcome
from aduan.channel_events import (
    MediaItem,
    MediaReceived,
    MediaStored,
    MediaStoredData,
    RejectedMedia,
    StoredMedia,
)
from aduan.complaint import Complaint, MediaLink
from aduan.errors import AlreadyProcessed
from aduan.events import EventMetadata
from aduan.repository import ComplaintRepository
from aduan.settings import Settings
from aduan.store import ComplaintStore
from media import fetch, store
from media.fetch import MediaRejected

# What a photo may be, by its own first bytes (a provider's Content-Type is not trusted alone).
IMAGE_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "image/heif": "heif",
}
MAX_PER_MESSAGE = 10
ATTEMPTS = 3
CONSUMER = "media"


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"heif"):
        return "image/heic"
    return None


@dataclass(frozen=True)
class Provider:
    """How to reach one provider's media (settings, read once per record)."""

    settings: Settings

    @property
    def allowed(self) -> frozenset[str]:
        s = self.settings
        configured = [
            s.whatsapp_api_base_url,
            s.telegram_api_base_url,
            s.sms_api_base_url,
            s.lapor_api_base_url,
            s.meta_api_base_url,
            s.instagram_api_base_url,
        ]
        return fetch.allowed_origins([*configured, *s.media_allowed_origins.split(",")])

    def download(self, channel: str, item: MediaItem) -> fetch.Downloaded:
        s, limit = self.settings, self.settings.media_max_bytes
        if channel == "whatsapp":
            auth = {"Authorization": f"Bearer {s.whatsapp_access_token}"}
            info_url = f"{s.whatsapp_api_base_url.rstrip('/')}/{s.whatsapp_api_version}/{quote(item.provider_ref, safe='')}"
            info = json.loads(
                fetch.get(info_url, self.allowed, max_bytes=64 * 1024, headers=auth).data
            )
            if not info.get("url"):
                raise MediaRejected("not_found", "no media URL")
            return fetch.get(info["url"], self.allowed, max_bytes=limit, headers=auth)
        if channel == "telegram":
            api = f"{s.telegram_api_base_url.rstrip('/')}"
            answer = fetch.get(
                f"{api}/bot{s.telegram_bot_token}/getFile?file_id={quote(item.provider_ref, safe='')}",
                self.allowed,
                max_bytes=64 * 1024,
            )
            path = (json.loads(answer.data).get("result") or {}).get("file_path")
            if not path:
                raise MediaRejected("not_found", "no file_path")
            return fetch.get(
                f"{api}/file/bot{s.telegram_bot_token}/{path}", self.allowed, max_bytes=limit
            )
        if channel == "sms" and item.url:
            basic = base64.b64encode(
                f"{s.twilio_account_sid}:{s.twilio_auth_token}".encode()
            ).decode()
            return fetch.get(
                item.url, self.allowed, max_bytes=limit, headers={"Authorization": f"Basic {basic}"}
            )
        if channel == "lapor" and item.url:
            return fetch.get(
                item.url,
                self.allowed,
                max_bytes=limit,
                headers={"Authorization": f"Bearer {s.lapor_api_token}"},
            )
        if channel in ("messenger", "instagram", "open311") and item.url:
            # Meta's CDN URLs are signed in their query, and an Open311 client app's own photo
            # link needs none: no token goes with either (it would leak off-origin). Only an
            # allowed origin (MediaAllowedOrigins) is ever fetched, as for every download.
            return fetch.get(item.url, self.allowed, max_bytes=limit)
        raise MediaRejected("not_found", f"no way to fetch {channel} media")


def checked(item: MediaItem, data: bytes, content_type: str | None, max_bytes: int) -> StoredMedia:
    """The photo as it will be stored, or MediaRejected (pure)."""
    if len(data) > max_bytes:
        raise MediaRejected("too_large", f"{len(data)} bytes")
    kind = sniff(data)
    if kind is None or kind not in IMAGE_TYPES:
        raise MediaRejected("type_not_allowed", content_type or item.mime_type or "unknown")
    digest = hashlib.sha256(data).hexdigest()
    if item.sha256 and item.sha256.lower() != digest:
        raise MediaRejected("digest_mismatch")
    return StoredMedia(
        key="", mime_type=kind, size=len(data), sha256=digest, provider_ref=item.provider_ref
    )


def without_metadata(photo: StoredMedia, data: bytes) -> tuple[StoredMedia, bytes]:
    """The photo as it is stored: its metadata removed, its size and digest those of the result
    (pure). A file whose metadata cannot be removed is not stored at all."""
    from aduan.photo_metadata import MetadataError, strip

    try:
        cleaned = strip(data, photo.mime_type)
    except MetadataError as error:
        raise MediaRejected("metadata_not_removable", str(error)) from error
    digest = hashlib.sha256(cleaned).hexdigest()
    return photo.replace(size=len(cleaned), sha256=digest), cleaned


def store_media(
    event: MediaReceived,
    repository: ComplaintRepository,
    settings: Settings,
    now: datetime,
) -> str:
    data = event.data
    bucket = settings.media_bucket_name
    if not bucket:
        raise ValueError("MEDIA_BUCKET_NAME is not configured")
    provider = Provider(settings)
    stored: list[StoredMedia] = []
    rejected: list[RejectedMedia] = []
    parked: list[str] = []
    for item in data.items[:MAX_PER_MESSAGE]:
        try:
            if item.inbox_key:
                taken = store.take_from_inbox(bucket, item.inbox_key, settings.media_max_bytes)
                if taken is None:
                    raise MediaRejected("not_found", "inbox object gone")
                body, content_type = taken
                if content_type == "too_large":
                    raise MediaRejected("too_large")
                parked.append(item.inbox_key)
            else:
                downloaded = provider.download(data.channel, item)
                body, content_type = downloaded.data, downloaded.content_type
            photo, body = without_metadata(
                checked(item, body, content_type, settings.media_max_bytes), body
            )
            key = f"complaints/{data.complaint_id}/media/{photo.sha256[:32]}.{IMAGE_TYPES[photo.mime_type]}"
            store.put(bucket, key, body, photo.mime_type)
            stored.append(photo.replace(key=key))
        except MediaRejected as refusal:
            rejected.append(RejectedMedia(provider_ref=item.provider_ref, reason=refusal.reason))
    rejected += [
        RejectedMedia(provider_ref=i.provider_ref, reason="too_many")
        for i in data.items[MAX_PER_MESSAGE:]
    ]
    outcome = _link(event, stored, rejected, repository, now)
    for key in parked:
        store.forget_inbox(bucket, key)  # after the link: a crash before it retries from the inbox
    return outcome


def _link(
    event: MediaReceived,
    stored: list[StoredMedia],
    rejected: list[RejectedMedia],
    repository: ComplaintStore,
    now: datetime,
) -> str:
    def decide(complaint: Complaint) -> Outcome:
        known = {m.key for m in complaint.media}
        links = [
            MediaLink(
                key=s.key,
                mime_type=s.mime_type,
                size=s.size,
                message_id=event.data.message_id,
                at=now,
            )
            for s in stored
            if s.key not in known
        ]
        updated = complaint.replace(media=[*complaint.media, *links], updated_at=now)
        recorded = MediaStored(
            metadata=EventMetadata(correlation_id=event.metadata.correlation_id, occurred_at=now),
            data=MediaStoredData(
                complaint_id=complaint.id,
                message_id=event.data.message_id,
                stored=stored,
                rejected=rejected,
                version=complaint.version + 1,
            ),
        )
        return Outcome(updated, [recorded])

    try:
        repository.change(
            event.data.complaint_id,
            decide,
            marker=f"{CONSUMER}#{event.event_id}",
            attempts=ATTEMPTS,
        )
    except AlreadyProcessed:
        return "duplicate"
    return f"stored {len(stored)}, rejected {len(rejected)}"
