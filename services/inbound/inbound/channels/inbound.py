"""The one shape every channel's inbound message takes, and the errors a webhook maps to HTTP.

Each provider module (whatsapp, telegram, sms, email, lapor) checks the provider's proof of
origin and turns its payload into `InboundMessage` (a citizen wrote) or `DeliveryStatus` (a
message we sent changed state). Nothing after this layer knows a provider's format; the only
channel-specific thing that travels on is `reply_to`, which is what a reply needs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from aduan.errors import AduanError
from aduan.model import Fact, Meta, ValidationError, field, problems

Channel = Literal["whatsapp", "telegram", "sms", "email", "lapor", "messenger", "instagram"]
DeliveryState = Literal["sent", "delivered", "read", "failed"]


class _Frozen(Fact, kw_only=True, frozen=True, forbid_unknown_fields=True):
    # Parsed provider input is a fact about the past: nothing downstream may rewrite it. Each
    # channel builds these with `checked`, so a provider's odd value is refused here.
    pass


_Filled = Annotated[str, Meta(min_length=1)]
_Size = Annotated[int, Meta(ge=0)]
# The provider's timestamp, in UTC (Twilio sends none: the receipt time stands in).
_Aware = Annotated[datetime, Meta(tz=True)]


class MediaRef(_Frozen, kw_only=True, frozen=True):
    """A photo or attachment as the provider refers to it; fetching it is the caller's job."""

    provider_ref: _Filled  # media id / file_id / media SID
    url: str | None = None
    mime_type: str | None = None
    caption: str | None = None
    filename: str | None = None
    size: _Size | None = None
    sha256: str | None = None  # the provider's digest, to check a download
    # Only e-mail carries the bytes inline (the MIME message is in the notification itself).
    content_b64: str | None = None


class GeoPoint(_Frozen, kw_only=True, frozen=True):
    lat: Annotated[float, Meta(ge=-90, le=90)]
    lon: Annotated[float, Meta(ge=-180, le=180)]
    name: str | None = None
    address: str | None = None


class LaporReport(_Frozen, kw_only=True, frozen=True):
    """What the SP4N-LAPOR! bridge adds to a message: their id, kept beside ours."""

    tracking_id: _Filled
    event: Literal["report.created", "report.followup"] = "report.created"
    category: str | None = None
    anonim: bool = False
    rahasia: bool = False
    # The reporter's contact, when LAPOR! shares it. Personal data: encrypt, never log.
    reporter_phone: str | None = None
    reporter_email: str | None = None


class InboundMessage(_Frozen, kw_only=True, frozen=True):
    channel: Channel
    # The provider's own id (wamid, update_id, MessageSid, SES messageId, webhook-id): the
    # dedupe key, so a provider retrying for days never makes a second complaint.
    provider_message_id: _Filled
    # The citizen's address on the channel: wa_id (or WhatsApp's business-scoped user id),
    # chat id, E.164 phone, e-mail address, Messenger PSID, Instagram IGSID, or the LAPOR!
    # tracking id (a LAPOR! report is its own conversation).
    sender: _Filled
    # The address this citizen's conversation may have begun under (a WhatsApp number, before
    # the business-scoped user id came with it): only used to find that conversation.
    previous_sender: str | None = None
    sender_name: str | None = None
    text: str = ""
    subject: str | None = None
    media: list[MediaRef] = field(default_factory=list)
    location: GeoPoint | None = None
    received_at: _Aware
    # What a reply on the same channel needs (phone_number_id, chat_id, To/From, ...).
    reply_to: dict[str, str] = field(default_factory=dict)
    lapor: LaporReport | None = None

    @property
    def dedupe_key(self) -> str:
        """`<channel>#<provider id>`: the channel dedupe item's key suffix."""
        return f"{self.channel}#{self.provider_message_id}"


class DeliveryStatus(_Frozen, kw_only=True, frozen=True):
    """A provider's report on a message we sent (WhatsApp `statuses[]`)."""

    channel: Channel
    provider_message_id: _Filled
    status: DeliveryState
    at: _Aware
    error: str | None = None
    recipient: str | None = None


def utc_from_epoch(seconds: object) -> datetime:
    """Provider epoch seconds (WhatsApp sends them as a string) -> aware UTC datetime."""
    try:
        return datetime.fromtimestamp(int(seconds), tz=UTC)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise MalformedPayload(f"timestamp {seconds!r} is not epoch seconds") from exc


def describe(exc: ValidationError) -> str:
    """A refused value as `where: what`, without the value (it may be personal data)."""
    first = problems(exc)[0]
    return f"{first['field'] or 'payload'}: {first['problem']}"


# --- errors: each knows its HTTP answer, so every webhook route answers the same way ----------


class ChannelError(AduanError):
    """A provider's delivery refused, answered like every other error of the house (one
    mapping, `aduan.api.install_error_handlers`): its own status, since providers retry on 5xx
    and some expect 403 where others say 401, and a message that names a header or field, never
    the body or who sent it."""

    status = 400
    code = "channel_error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class SignatureError(ChannelError):
    """The proof of origin is missing, forged or made with another secret: nothing is stored.

    401 by default; 403 where the provider's convention says so (Meta's handshake, Twilio).
    """

    status = 401
    code = "invalid_signature"


class StaleMessage(ChannelError):
    """Correctly signed but outside the accepted time window: a replay."""

    status = 401
    code = "stale_message"


class MalformedPayload(ChannelError):
    """Authentic (or unauthenticated-but-checked) input that is not the provider's format."""

    status = 400
    code = "malformed_payload"
