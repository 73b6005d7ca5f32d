"""What a citizen's message means in its conversation (pure: no I/O).

A conversation is one address on one channel (see aduan.conversations for its key). Its item
`K#<channel>#<hmac>` points at the complaint it has open, so the next message is a follow-up
rather than a new complaint, and keeps the encrypted address replies go to.

`plan` decides, from the message, the command it carries and the complaints it concerns:
  - `CEK <id>` / `STATUS <id>`  -> answer the status (any complaint; the id is the secret)
  - `CEK`                       -> the status of the chat's open complaint
  - `BARU` alone                -> the next message starts a new complaint (prompt)
  - `BARU <isi>`, `SAMBAT <isi>`-> a new complaint now, even with one open
  - anything else               -> a follow-up on the open complaint, else a new complaint
E-mail is not a chat: a mail is a follow-up only when its subject names the open complaint's
tracking id (a reply to our acknowledgement); LAPOR! reports carry no commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aduan.complaint import Complaint
from aduan.conversations import normalize_address
from aduan.tracking import normalize_tracking_id
from inbound.channels.commands import Command, parse_command
from inbound.channels.inbound import InboundMessage

TITLE_CHARS = 80
# As the web form's limit: an e-mail or a LAPOR! report may be longer than a complaint item holds.
MAX_TEXT = 10_000
# Our tracking ids as they appear in a subject ("Re: [7K3MQ-9XWT2] Pengaduan ...").
_SUBJECT_ID = re.compile(r"\b([0-9A-Za-z]{5}-[0-9A-Za-z]{5})\b")


def normalized_address(message: InboundMessage) -> str:
    return normalize_address(message.channel, message.sender)


@dataclass(frozen=True)
class Conversation:
    key: str
    version: int = 0  # 0: no item yet
    complaint_id: str | None = None
    fresh: bool = False  # BARU was sent: the next message starts a new complaint
    last_inbound_at: datetime | None = None

    @classmethod
    def from_item(cls, key: str, item: dict[str, Any] | None) -> Conversation:
        if item is None:
            return cls(key)
        last = item.get("last_inbound_at")
        return cls(
            key,
            version=int(item.get("version", 0)),
            complaint_id=item.get("complaint_id"),
            fresh=bool(item.get("fresh", False)),
            last_inbound_at=datetime.fromisoformat(last) if last else None,
        )


# --- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewComplaint:
    title: str
    description: str


@dataclass(frozen=True)
class FollowUp:
    complaint: Complaint


@dataclass(frozen=True)
class AnswerStatus:
    asked: str  # what the citizen typed (canonical when it could be read)
    complaint: Complaint | None  # None: no complaint has this id


@dataclass(frozen=True)
class NoOpenComplaint:
    """`CEK` alone from a chat with nothing open."""


@dataclass(frozen=True)
class PromptNew:
    """`BARU` alone: the next message starts a new complaint."""


Decision = NewComplaint | FollowUp | AnswerStatus | NoOpenComplaint | PromptNew


def command_of(message: InboundMessage) -> Command:
    if message.channel == "lapor":
        return Command(kind="text", body=message.text)
    return parse_command(message.text)


def asked_id(command: Command) -> str | None:
    """The canonical tracking id a `CEK <id>` asks about (None: not readable as one of ours)."""
    return normalize_tracking_id(command.tracking_id) if command.tracking_id else None


def plan(
    message: InboundMessage,
    command: Command,
    conversation: Conversation,
    current: Complaint | None,
    asked: Complaint | None = None,
) -> Decision:
    """`current`: the conversation's complaint (None when it has none); `asked`: the complaint a
    `CEK <id>` names, looked up by the caller (None when unknown)."""
    open_complaint = current if current is not None and current.status.is_open else None
    if command.kind == "check":
        if command.tracking_id:
            return AnswerStatus(asked_id(command) or command.tracking_id, asked)
        if open_complaint is None:
            return NoOpenComplaint()
        return AnswerStatus(open_complaint.id, open_complaint)
    if command.kind in ("new_forced", "new"):
        if not command.body and not message.media and message.location is None:
            return PromptNew()
        return new_complaint(message, command.body)
    if conversation.fresh or open_complaint is None:
        return new_complaint(message, command.body)
    if message.channel == "email" and not _subject_names(message.subject, open_complaint.id):
        return new_complaint(message, command.body)
    return FollowUp(open_complaint)


def new_complaint(message: InboundMessage, text: str) -> NewComplaint:
    text = clipped(text)
    description = text or _placeholder(message)
    subject = (message.subject or "").strip()
    return NewComplaint(
        title=subject[:200] if subject else _title(description), description=description
    )


def clipped(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _title(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    if len(first) <= TITLE_CHARS:
        return first
    cut = first[:TITLE_CHARS].rsplit(" ", 1)[0]
    return (cut or first[:TITLE_CHARS]).rstrip(" ,.;:") + "…"


def _placeholder(message: InboundMessage) -> str:
    # A photo or a pin without words is still a complaint; officers see what came.
    if message.media:
        return "(foto tanpa keterangan)"
    if message.location is not None:
        return "(lokasi tanpa keterangan)"
    return "(pesan kosong)"


def _subject_names(subject: str | None, tracking_id: str) -> bool:
    return any(
        normalize_tracking_id(found) == tracking_id for found in _SUBJECT_ID.findall(subject or "")
    )
