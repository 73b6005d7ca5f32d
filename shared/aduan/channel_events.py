"""Events of the citizen channels: replies asked for, photos, deliveries, LAPOR!.

A citizen's follow-up on an open complaint is `aduan.workflow_events.CitizenReplied` (one event
for a reply, whatever the channel); these are the channel-specific rest. Like every event, none
carries personal data: a reply names the conversation (an HMAC of the address, see
`inbound.webhooks.conversation`), and notify reads the encrypted address from its item.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from aduan.events import DomainEvent, EventData, Language, register
from aduan.model import Fact
from aduan.status import Status

ReplyChannel = Literal["whatsapp", "telegram", "sms", "email", "messenger", "instagram"]
ReplyTemplate = Literal[
    "status_answer",  # CEK <id>: the complaint's status
    "status_unknown",  # CEK <id> for an id we do not know
    "status_no_open",  # CEK alone, and the chat has no open complaint
    "new_complaint_prompt",  # BARU alone: "send your new complaint"
    "followup_received",  # a follow-up was added to the open complaint
    "followup_reopened",  # ... and it sent a deferred complaint back to verification
]


class ChannelReplyRequestedData(EventData, kw_only=True, frozen=True):
    """A reply to a chat, asked for by the message that came in (the outbox of the reply).

    `complaint_id` is the complaint the reply is about; a reply that concerns none (an unknown
    tracking id) belongs to the conversation, and `complaint_id` is then the conversation key
    (`K#<channel>#<hash>`), so the reply is still recorded and sent once.
    """

    conversation: str  # the conversation item's key: whom to answer
    channel: ReplyChannel
    template: ReplyTemplate
    language: Language = "id"
    # Template values (tracking id, status, status label, status URL): never personal data.
    values: dict[str, str] = {}
    in_reply_to: str  # the provider's id of the citizen's message


class MediaItem(Fact, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A photo or attachment as the provider refers to it (ids and provider URLs only)."""

    provider_ref: str
    url: str | None = None
    mime_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    filename: str | None = None
    # E-mail attachments arrive inline; the webhook parks them in the media bucket's inbox.
    inbox_key: str | None = None


class MediaReceivedData(EventData, kw_only=True, frozen=True):
    # web: photos the browser uploaded through presigned POSTs (they wait in the inbox too).
    channel: Literal[
        "whatsapp", "telegram", "sms", "email", "lapor", "messenger", "instagram", "open311", "web"
    ]
    message_id: str  # the provider's id of the message that carried them
    items: list[MediaItem]


class StoredMedia(Fact, kw_only=True, frozen=True, forbid_unknown_fields=True):
    key: str  # S3 key under complaints/<id>/media/
    mime_type: str
    size: int
    sha256: str
    provider_ref: str


class RejectedMedia(Fact, kw_only=True, frozen=True, forbid_unknown_fields=True):
    provider_ref: str
    reason: str  # too_large | type_not_allowed | host_not_allowed | digest_mismatch | not_found | metadata_not_removable


class MediaStoredData(EventData, kw_only=True, frozen=True):
    message_id: str
    stored: list[StoredMedia] = []
    rejected: list[RejectedMedia] = []
    version: int


class NotificationDeliveryFailedData(EventData, kw_only=True, frozen=True):
    """The provider could not deliver a message we sent (WhatsApp `failed`, Twilio `undelivered`)."""

    channel: ReplyChannel
    provider_message_id: str
    status: str
    error: str | None = None


class ForwardedToLaporData(EventData, kw_only=True, frozen=True):
    lapor_tracking_id: str
    status: Status
    version: int  # the complaint version whose status was forwarded


# --- events ------------------------------------------------------------------------------------


class ChannelReplyRequested(DomainEvent, kw_only=True, frozen=True):
    SOURCE: ClassVar[str] = "aduan.intake"
    data: ChannelReplyRequestedData


class MediaReceived(DomainEvent, kw_only=True, frozen=True):
    """Photos came with a message; the channels' media worker fetches them."""

    SOURCE: ClassVar[str] = "aduan.intake"
    data: MediaReceivedData


class MediaStored(DomainEvent, kw_only=True, frozen=True):
    SOURCE: ClassVar[str] = "aduan.media"
    data: MediaStoredData


class NotificationDeliveryFailed(DomainEvent, kw_only=True, frozen=True):
    SOURCE: ClassVar[str] = "aduan.intake"
    data: NotificationDeliveryFailedData


class ForwardedToLapor(DomainEvent, kw_only=True, frozen=True):
    """The complaint's status as SP4N-LAPOR! was told it (the outbound bridge)."""

    SOURCE: ClassVar[str] = "aduan.lapor"
    data: ForwardedToLaporData


for _cls in (
    ChannelReplyRequested,
    MediaReceived,
    MediaStored,
    NotificationDeliveryFailed,
    ForwardedToLapor,
):
    register(_cls)
