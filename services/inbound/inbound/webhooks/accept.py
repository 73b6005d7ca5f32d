"""Accepting one inbound message: one DynamoDB transaction, and nothing else in the request.

The transaction (``ComplaintRepository.accept_inbound``, which keeps the keys and conditions)
holds, all or nothing:
  0. the dedupe item `D#<channel>#<provider id>` (conditional put, TTL): a provider retrying
     for days, or delivering twice at once, gets exactly one complaint and one reply;
  1. the conversation item `K#<channel>#<hmac>` (conditional on the version read): two messages
     of one chat at once are decided one after the other, never both on the same state;
  2. what the message means (see `conversation.plan`): a new complaint (META, reporter with the
     encrypted address, ComplaintReceived), or a follow-up (META, message item, CitizenReplied),
     or a command's reply (ChannelReplyRequested); photos add a MediaReceived.
Replies, routing and media fetching follow from those history items on the bus. A refused
dedupe item means "seen before": the provider gets its 2xx and nothing happens twice. Any other
refusal (the conversation or complaint moved meanwhile) re-reads and decides again. The dedupe
item is not read before: a retry is decided like a new delivery and refused by the transaction,
so a new message (nearly every one) costs the conversation's read, its complaint's, and the
transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from aduan.answer_check import detect_language
from aduan.channel_events import (
    ChannelReplyRequested,
    ChannelReplyRequestedData,
    MediaItem,
    MediaReceived,
    MediaReceivedData,
)
from aduan.complaint import Complaint, received_event
from aduan.conversations import conversation_key, provider_ref
from aduan.errors import AlreadyProcessed, Conflict, VersionConflict
from aduan.events import DomainEvent, EventMetadata, LocationData
from aduan.lifecycle import Action
from aduan.observability import count
from aduan.repository import InboundChange, InboundRecord
from aduan.status import Status
from aduan.store import ComplaintStore
from aduan.tracking import new_tracking_id
from aduan.workflow import CITIZEN, Change, Clock, apply, at_receipt, load_clock
from inbound.channels.inbound import InboundMessage
from inbound.webhooks import conversation as conv
from inbound.webhooks.conversation import (
    AnswerStatus,
    Conversation,
    FollowUp,
    NewComplaint,
    NoOpenComplaint,
    PromptNew,
)

# Meta retries a webhook for up to 7 days, Telegram for about a day: the dedupe item outlives both.
DEDUPE_TTL = timedelta(days=14)
# WhatsApp and Telegram timestamps are inside the signed body: an authentic message older than
# this is a replay the dedupe item may already have forgotten, so it is dropped.
MAX_AGE = timedelta(days=10)
SIGNED_TIMESTAMP_CHANNELS = frozenset({"whatsapp", "telegram", "messenger", "instagram"})
ATTEMPTS = 5
# Where each channel's address lives in the encrypted identity (notify reads it back by channel).
IDENTITY_FIELD = {
    "whatsapp": "whatsapp",
    "telegram": "telegram",
    "sms": "phone",
    "email": "email",
    "messenger": "messenger",
    "instagram": "instagram",
}

Encrypt = Callable[[dict[str, Any], str], str]


class Outcome(StrEnum):
    CREATED = "created"
    FOLLOWED_UP = "followed_up"
    ANSWERED = "answered"  # a command's reply (status, prompt)
    DUPLICATE = "duplicate"
    STALE = "stale"


@dataclass(frozen=True)
class Accepted:
    outcome: Outcome
    complaint_id: str | None = None


class MessageIntake:
    def __init__(
        self,
        repository: ComplaintStore,
        *,
        hash_key: str,
        encrypt: Encrypt,
        public_base_url: str,
        now: Callable[[], datetime],
        correlation_id: str = "",
        clock: Callable[[], Clock] | None = None,
    ) -> None:
        self.repository = repository
        # The city's working-day calendar and deadlines (reference data, cached per container).
        self.clock = clock or (lambda: load_clock(repository))
        self.hash_key = hash_key
        self.encrypt = encrypt
        self.public_base_url = public_base_url.rstrip("/")
        self.now = now
        self.correlation_id = correlation_id

    def accept(self, message: InboundMessage, media: list[MediaItem] | None = None) -> Accepted:
        """`media` replaces the message's own references (e-mail parks its attachments first)."""
        now = self.now()
        if message.channel in SIGNED_TIMESTAMP_CHANNELS and now - message.received_at > MAX_AGE:
            return Accepted(Outcome.STALE)
        ref = self._ref(message)
        # No read of the dedupe item first: the transaction's conditional put of it is the check
        # (a delivery seen before is refused as AlreadyProcessed below). A provider retries
        # rarely; reading first cost every new message a strongly consistent GetItem and a
        # round trip before its 200.
        items = media if media is not None else [_media_item(m) for m in message.media]
        address = conv.normalized_address(message)
        key = conversation_key(message.channel, address, self.hash_key)
        for _ in range(ATTEMPTS):
            chat = self._conversation_of(message, key)
            command = conv.command_of(message)
            current = self.repository.get(chat.complaint_id) if chat.complaint_id else None
            wanted = conv.asked_id(command) if command.kind == "check" else None
            asked = self.repository.get(wanted) if wanted else None
            decision = conv.plan(message, command, chat, current, asked)
            outcome, complaint_id, change = self._writes(
                decision, message, chat, address, items, now
            )
            record = InboundRecord(
                message.channel, ref, outcome.value, complaint_id, now, now + DEDUPE_TTL
            )
            try:
                self.repository.accept_inbound(record, change)
            except AlreadyProcessed:
                # A concurrent delivery of the same message won the race: answer with the
                # complaint it filed (the LAPOR! bridge links its record by this id).
                won = self.repository.inbound_seen(message.channel, ref) or {}
                return Accepted(Outcome.DUPLICATE, won.get("complaint_id"))
            except VersionConflict:
                continue  # the conversation or the complaint changed meanwhile: decide again
            if outcome is Outcome.CREATED:
                count("ComplaintsReceived", channel=message.channel)
            return Accepted(outcome, complaint_id)
        raise Conflict("this conversation kept changing; the provider will retry")

    def _conversation_of(self, message: InboundMessage, key: str) -> Conversation:
        chat = Conversation.from_item(key, self.repository.conversation(key))
        if chat.version or not message.previous_sender:
            return chat
        # A WhatsApp chat that began under the phone number alone goes on under the BSUID: its
        # open complaint and BARU state carry over; the new item is written under the new key.
        earlier = conversation_key(message.channel, message.previous_sender, self.hash_key)
        found = self.repository.conversation(earlier)
        if found is None:
            return chat
        return dataclasses.replace(Conversation.from_item(key, found), version=0)

    # --- the transaction for each decision ---------------------------------------------------

    def _writes(
        self,
        decision: conv.Decision,
        message: InboundMessage,
        chat: Conversation,
        address: str,
        media: list[MediaItem],
        now: datetime,
    ) -> tuple[Outcome, str | None, InboundChange]:
        if isinstance(decision, NewComplaint):
            complaint, events, reporter = self._new_complaint(
                decision, message, chat, address, media, now
            )
            change = self._conversation(
                chat, message, address, complaint.id, fresh=False, events=events
            )
            return (
                Outcome.CREATED,
                complaint.id,
                dataclasses.replace(change, created=(complaint, reporter)),
            )
        if isinstance(decision, FollowUp):
            return (
                Outcome.FOLLOWED_UP,
                decision.complaint.id,
                self._follow_up(decision.complaint, message, chat, address, media, now),
            )
        # Commands: the conversation keeps its complaint; a reply is asked for.
        fresh = isinstance(decision, PromptNew) or chat.fresh
        reply = self._command_reply(decision, message, chat, now)
        change = self._conversation(
            chat, message, address, chat.complaint_id, fresh=fresh, events=[reply]
        )
        about = reply.data.complaint_id if reply.data.complaint_id != chat.key else None
        return Outcome.ANSWERED, about, change

    def _new_complaint(
        self,
        decision: NewComplaint,
        message: InboundMessage,
        chat: Conversation,
        address: str,
        media: list[MediaItem],
        now: datetime,
    ) -> tuple[Complaint, list[DomainEvent], dict[str, Any]]:
        tracking_id = new_tracking_id()
        language = detect_language(f"{decision.title} {decision.description}")
        location = _location(message)
        lapor = message.lapor
        complaint = Complaint(
            id=tracking_id,
            status=Status.RECEIVED,
            channel=message.channel,
            title=decision.title,
            description=decision.description,
            location=location,
            anonymous=bool(lapor and lapor.anonim),
            confidential=bool(lapor and lapor.rahasia),
            language=language,
            version=1,
            received_at=now,
            updated_at=now,
            # The other system's tracking id, beside ours (and on the ExternalRef index).
            external_refs={"lapor": lapor.tracking_id} if lapor else {},
            lapor_category=lapor.category if lapor else None,
        )
        # The verify deadline runs from receipt, as for the web form.
        complaint = at_receipt(complaint, self.clock())
        # LAPOR! reporters hear from LAPOR! (the bridge forwards our steps), not from us.
        contacts = [] if message.channel == "lapor" else [message.channel]
        received = received_event(complaint, contacts, self.correlation_id)
        events: list[DomainEvent] = [received, *self._media_event(tracking_id, message, media, now)]
        reporter = {
            "identity": self.encrypt(_identity(message, address), tracking_id),
            "contact_channels": contacts,
            "language": language,
            "channel": message.channel,
            # Which chat the replies go to (and whose 24-hour WhatsApp window counts).
            "conversation": chat.key,
        }
        return complaint, events, reporter

    def _follow_up(
        self,
        current: Complaint,
        message: InboundMessage,
        chat: Conversation,
        address: str,
        media: list[MediaItem],
        now: datetime,
    ) -> InboundChange:
        # The officers' workflow decides what a reply does (a deferral answered goes back to
        # verification, an answer reopened goes back to the bidang) and with which deadlines.
        text = conv.clipped(message.text) or conv.new_complaint(message, "").description
        change = Change(Action.CITIZEN_REPLY, CITIZEN, text=text, channel=message.channel)
        outcome = apply(current, change, self.clock(), now, self.correlation_id or current.id)
        updated = outcome.complaint
        pin = message.location
        if pin is not None and updated.location.lat is None:
            updated = updated.replace(location=updated.location.replace(lat=pin.lat, lon=pin.lon))
        events: list[DomainEvent] = list(outcome.events)
        if message.channel != "lapor":
            template = (
                "followup_reopened" if current.status is Status.DEFERRED else "followup_received"
            )
            events.append(
                self._reply(
                    current.id,
                    chat,
                    message,
                    template,
                    self._status_values(updated),
                    updated.language,
                    now,
                )
            )
        events += self._media_event(current.id, message, media, now)
        provenance = {"provider_message_id": self._ref(message), "media_count": len(media)}
        written = self._conversation(chat, message, address, current.id, fresh=False, events=events)
        return dataclasses.replace(
            written,
            changed=(updated, current.version),
            messages=[{**m, **provenance} for m in outcome.messages],
        )

    def _command_reply(
        self, decision: conv.Decision, message: InboundMessage, chat: Conversation, now: datetime
    ) -> ChannelReplyRequested:
        if isinstance(decision, AnswerStatus) and decision.complaint is not None:
            found = decision.complaint
            return self._reply(
                found.id,
                chat,
                message,
                "status_answer",
                self._status_values(found),
                found.language,
                now,
            )
        if isinstance(decision, AnswerStatus):
            return self._reply(
                chat.key,
                chat,
                message,
                "status_unknown",
                {"tracking_id": decision.asked[:40]},
                "id",
                now,
            )
        template = (
            "status_no_open" if isinstance(decision, NoOpenComplaint) else "new_complaint_prompt"
        )
        return self._reply(
            chat.key, chat, message, template, {}, detect_language(message.text), now
        )

    # --- items and events --------------------------------------------------------------------

    def _conversation(
        self,
        chat: Conversation,
        message: InboundMessage,
        address: str,
        complaint_id: str | None,
        *,
        fresh: bool,
        events: list[DomainEvent],
    ) -> InboundChange:
        """The conversation as this message leaves it, with the events the message records."""
        last = max(filter(None, (chat.last_inbound_at, message.received_at)))
        contact = {
            "address": address,
            "name": message.sender_name,
            "reply_to": dict(message.reply_to),
        }
        fields = {
            "channel": message.channel,
            "complaint_id": complaint_id,
            "fresh": fresh,
            # The citizen's own clock (WhatsApp allows free-form replies for 24 h after it).
            "last_inbound_at": last.astimezone(UTC).isoformat(),
            "contact": self.encrypt(contact, chat.key),
        }
        return InboundChange(chat.key, chat.version, fields, events)

    def _reply(
        self,
        about: str,
        chat: Conversation,
        message: InboundMessage,
        template: str,
        values: dict[str, str],
        language: str,
        now: datetime,
    ) -> ChannelReplyRequested:
        return ChannelReplyRequested(
            metadata=self._metadata(about, now),
            data=ChannelReplyRequestedData.checked(
                complaint_id=about,
                conversation=chat.key,
                channel=message.channel,
                template=template,
                language=language,
                values=values,
                in_reply_to=self._ref(message),
            ),
        )

    def _ref(self, message: InboundMessage) -> str:
        # The provider's id as we keep it: a wamid, for one, carries the sender's number.
        return provider_ref(message.channel, message.provider_message_id, self.hash_key)

    def _media_event(
        self, complaint_id: str, message: InboundMessage, media: list[MediaItem], now: datetime
    ) -> list[DomainEvent]:
        if not media:
            return []
        data = MediaReceivedData(
            complaint_id=complaint_id,
            channel=message.channel,
            message_id=self._ref(message),
            items=media,
        )
        return [MediaReceived(metadata=self._metadata(complaint_id, now), data=data)]

    def _status_values(self, complaint: Complaint) -> dict[str, str]:
        english = complaint.language == "en"
        return {
            "tracking_id": complaint.id,
            "status": complaint.status.value,
            "status_label": complaint.status.label_en if english else complaint.status.label,
            # The tracking page (HTML): a chat citizen acts by chat, so no access key here.
            "status_url": f"{self.public_base_url}/lacak/{complaint.id}",
        }

    def _metadata(self, complaint_id: str, now: datetime) -> EventMetadata:
        return EventMetadata(correlation_id=self.correlation_id or complaint_id, occurred_at=now)


def _media_item(ref: Any) -> MediaItem:
    # Bytes never travel in an event: inline content (e-mail) is parked by the route first.
    return MediaItem(
        provider_ref=ref.provider_ref,
        url=ref.url,
        mime_type=ref.mime_type,
        size=ref.size,
        sha256=ref.sha256,
        filename=ref.filename,
    )


def _location(message: InboundMessage) -> LocationData:
    pin = message.location
    if pin is None:
        return LocationData()
    address = ", ".join(part for part in (pin.name, pin.address) if part) or None
    return LocationData(lat=pin.lat, lon=pin.lon, address=address[:300] if address else None)


def _identity(message: InboundMessage, address: str) -> dict[str, Any]:
    identity: dict[str, Any] = {"name": message.sender_name} if message.sender_name else {}
    if message.channel in IDENTITY_FIELD:
        identity[IDENTITY_FIELD[message.channel]] = (
            address.lstrip("+") if message.channel == "whatsapp" else address
        )
    elif message.lapor is not None:
        identity.update(
            {
                k: v
                for k, v in (
                    ("phone", message.lapor.reporter_phone),
                    ("email", message.lapor.reporter_email),
                )
                if v
            }
        )
    return identity
