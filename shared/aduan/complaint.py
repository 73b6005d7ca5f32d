"""The complaint as services see it, and the web form that creates one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from aduan.events import (
    Channel,
    ComplaintReceived,
    ComplaintReceivedData,
    ComplaintType,
    ContactChannel,
    EventMetadata,
    Language,
    LocationData,
)
from aduan.model import Form, Meta, Model, field
from aduan.status import Status, SubState

_UPLOAD_KEY = re.compile(r"^inbox/web/[0-9a-f]{32}$")


def _one_needs_the_other(a: str, b: str) -> dict[str, Any]:
    number = {"properties": {a: {"type": "number"}}, "required": [a]}
    return {"if": number, "then": {"properties": {b: {"type": "number"}}, "required": [b]}}


_Area = Annotated[str, Meta(max_length=80)]
_Address = Annotated[str, Meta(max_length=300)]
_Name = Annotated[str, Meta(max_length=120)]
_CategoryId = Annotated[str, Meta(max_length=60)]


class Location(Form, kw_only=True):
    kecamatan: _Area | None = None
    kelurahan: _Area | None = None
    address: _Address | None = None
    # A float: true/false are not coordinates (msgspec refuses a bool where a number goes).
    lat: Annotated[float, Meta(ge=-90, le=90)] | None = None
    lon: Annotated[float, Meta(ge=-180, le=180)] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        # Seven decimals is about a centimetre; more is noise, and a value like 1e-215 is
        # beyond what DynamoDB can store as a number.
        if self.lat is not None and self.lon is not None:
            self.lat, self.lon = round(self.lat, 7), round(self.lon, 7)


# The document says what Location's check refuses: a coordinate comes with its partner.
_BOTH_OR_NEITHER = [_one_needs_the_other("lat", "lon"), _one_needs_the_other("lon", "lat")]
_LOCATION = Annotated[Location, Meta(extra_json_schema={"allOf": _BOTH_OR_NEITHER})]


_Phone = Annotated[str, Meta(max_length=20, pattern=r"^\+?[0-9][0-9 \-]{6,18}$")]
_Email = Annotated[
    str, Meta(max_length=254, pattern=r"^[^@ \t\n\r\f\v]+@[^@ \t\n\r\f\v]+\.[^@ \t\n\r\f\v]+$")
]


class Reporter(Form, kw_only=True):
    """Personal data: only ever stored encrypted, apart from the complaint text."""

    name: _Name | None = None
    phone: _Phone | None = None
    # A plain shape check: deliverability is the mail provider's business, not the form's.
    email: _Email | None = None
    # Chat addresses (WhatsApp wa_id, Telegram chat id) come from the channels, not the form.
    whatsapp: str | None = None
    telegram: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.phone is not None:
            digits = "".join(ch for ch in self.phone if ch.isdigit())
            # Indonesian numbers are written 08…; providers want E.164 (+62 8…).
            if self.phone.startswith("0"):
                digits = "62" + digits[1:]
            self.phone = "+" + digits

    def contact_channels(self) -> list[ContactChannel]:
        chats: tuple[ContactChannel, ...] = ("email", "whatsapp", "telegram")
        found = [c for c in chats if getattr(self, c)]
        if self.phone:
            found.append("sms")
        return found


class ComplaintForm(Form, kw_only=True):
    """`POST /v1/complaints`: the web form / city app JSON."""

    # Lengths count the text as sent (what the document says); it must hold a visible
    # character, and is stored without its surrounding spaces.
    title: Annotated[str, Meta(min_length=3, max_length=200, pattern=r"\S")]
    description: Annotated[str, Meta(min_length=10, max_length=10_000, pattern=r"\S")]
    type: ComplaintType | None = None
    category: _CategoryId | None = None
    location: _LOCATION = field(default_factory=Location)
    reporter: Reporter = field(default_factory=Reporter)
    # true or false: a 0 or a "no" is not a privacy choice.
    anonymous: bool = False
    confidential: bool = False
    language: Language = "id"
    # Keys of photos the browser uploaded through `POST /v1/uploads` (the media bucket's inbox).
    photos: Annotated[
        list[Annotated[str, Meta(pattern=_UPLOAD_KEY.pattern)]],
        Meta(max_length=3, extra_json_schema={"uniqueItems": True}),
    ] = []

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(set(self.photos)) != len(self.photos):
            raise ValueError("photos: each photo once")


# --- the typed parts of a complaint, each written by one step of its work ----------------------


class Draft(Model, kw_only=True):
    """An answer a bidang wrote, waiting for the unit admin's release (or rework)."""

    text: str
    message_id: str
    bidang_id: str | None = None
    at: datetime


class Answer(Model, kw_only=True):
    """The answer released to the citizen, and who answered."""

    text: str
    released_at: datetime
    unit_id: str | None = None
    bidang_id: str | None = None


class ArchiveReason(StrEnum):
    SPAM = "spam"
    DUPLICATE = "duplicate"
    OUT_OF_SCOPE = "out_of_scope"
    OTHER = "other"


class Archive(Model, kw_only=True):
    """Why the coordinator archived it: the code, the reason the citizen reads, and for a
    duplicate the complaint to follow instead."""

    reason_code: ArchiveReason
    reason: str
    duplicate_of: str | None = None


class Rating(Model, kw_only=True):
    """The citizen's score of the answer (once; the comment is a message)."""

    score: Annotated[int, Meta(ge=1, le=5)]
    at: datetime


class MediaLink(Model, kw_only=True):
    """A stored photo of the complaint (the media worker links it, once per key)."""

    key: str
    mime_type: str
    size: int
    message_id: str
    at: datetime


# Items written before the parts were typed kept them in one free-form map.
_LEGACY_EXTRA = (
    "draft",
    "answer",
    "archive",
    "rating",
    "media",
    "possible_duplicates",
    "lapor_category",
)


class Complaint(Model, kw_only=True):
    """The `META` item of a complaint (no personal data lives here).

    Its times (and its parts') are plain datetimes, so an item is read as it was written:
    RFC 3339, with or without an offset (every writer here gives one).
    """

    id: str
    status: Status
    sub_state: SubState | None = None
    channel: Channel
    type: ComplaintType | None = None
    title: str
    description: str
    category: str | None = None
    category_hint: str | None = None
    category_confidence: float | None = None
    location: LocationData = LocationData()
    proposed_unit_id: str | None = None
    unit_id: str | None = None
    bidang_id: str | None = None
    anonymous: bool = False
    confidential: bool = False
    language: Language = "id"
    version: int = 1
    received_at: datetime
    updated_at: datetime
    deadlines: dict[str, datetime] = {}
    # The SLA sweep's bookkeeping (aduan.workflow.schedule_sla keeps both): the step keys already
    # emitted, and the earliest checkpoint still to come, which buckets the Deadlines index.
    sla_emitted: list[str] = []
    sla_next_at: datetime | None = None
    external_refs: dict[str, str] = {}
    draft: Draft | None = None
    answer: Answer | None = None
    archive: Archive | None = None
    rating: Rating | None = None
    media: list[MediaLink] = []
    # Routing's suggestion for the coordinator: recent complaints that may be the same one.
    possible_duplicates: list[str] = []
    # The category a LAPOR! record came with (its own taxonomy, not ours).
    lapor_category: str | None = None
    # The hash of the citizen's access key (aduan.access_key); None for complaints from chat
    # channels, whose citizens act through their verified address instead.
    access_key_hash: str | None = None

    @classmethod
    def parse(cls, data: Any) -> Complaint:
        """An item stored with the old `extra` map loads into the typed parts (what is written
        now has them as fields of their own)."""
        if isinstance(data, dict) and isinstance(data.get("extra"), dict):
            lifted = {k: v for k, v in data.items() if k != "extra"}
            extra = data["extra"]
            for key in _LEGACY_EXTRA:
                if extra.get(key) is not None:
                    lifted.setdefault(key, extra[key])
            data = lifted
        return super().parse(data)


def received_event(
    complaint: Complaint, contact_channels: Sequence[ContactChannel], correlation_id: str
) -> ComplaintReceived:
    """The event that announces a new complaint, whatever channel it came in on (pure).

    It carries which contacts exist, never the contacts themselves.
    """
    return ComplaintReceived(
        metadata=EventMetadata(
            correlation_id=correlation_id or complaint.id, occurred_at=complaint.received_at
        ),
        data=ComplaintReceivedData(
            complaint_id=complaint.id,
            channel=complaint.channel,
            type=complaint.type,
            title=complaint.title,
            description=complaint.description,
            category_hint=complaint.category_hint,
            location=complaint.location,
            anonymous=complaint.anonymous,
            confidential=complaint.confidential,
            language=complaint.language,
            version=complaint.version,
            received_at=complaint.received_at,
            contact_channels=list(contact_channels),
        ),
    )


def as_announced(event: ComplaintReceived) -> Complaint:
    """The new complaint as its ComplaintReceived tells it (pure): not the whole item (no
    deadlines, references or access key hash; the event does not carry them), so a writer hands
    it to the store as `known`, which writes only what its decision changed on it."""
    data = event.data
    return Complaint(
        id=data.complaint_id,
        status=Status.RECEIVED,
        channel=data.channel,
        type=data.type,
        title=data.title,
        description=data.description,
        category_hint=data.category_hint,
        location=data.location,
        anonymous=data.anonymous,
        confidential=data.confidential,
        language=data.language,
        version=data.version,
        received_at=data.received_at,
        updated_at=data.received_at,
    )
