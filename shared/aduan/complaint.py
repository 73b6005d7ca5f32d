"""The complaint as services see it, and the web form that creates one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StringConstraints,
    field_validator,
    model_validator,
)

from aduan.events import (
    Channel,
    ComplaintReceived,
    ComplaintReceivedData,
    ComplaintType,
    EventMetadata,
    Language,
    LocationData,
)
from aduan.status import Status, SubState

_UPLOAD_KEY = re.compile(r"^inbox/web/[0-9a-f]{32}$")


def _one_needs_the_other(a: str, b: str) -> dict[str, Any]:
    number = {"properties": {a: {"type": "number"}}, "required": [a]}
    return {"if": number, "then": {"properties": {b: {"type": "number"}}, "required": [b]}}


class Location(BaseModel):
    # The document says what the validator below refuses: a coordinate comes with its partner.
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        defer_build=True,
        json_schema_extra={
            "allOf": [_one_needs_the_other("lat", "lon"), _one_needs_the_other("lon", "lat")]
        },
    )

    kecamatan: str | None = Field(default=None, max_length=80)
    kelurahan: str | None = Field(default=None, max_length=80)
    address: str | None = Field(default=None, max_length=300)
    # Strict: true/false are not coordinates (plain float would read them as 1 and 0).
    lat: StrictFloat | None = Field(default=None, ge=-90, le=90)
    lon: StrictFloat | None = Field(default=None, ge=-180, le=180)

    @field_validator("lat", "lon")
    @classmethod
    def _to_the_centimetre(cls, degrees: float | None) -> float | None:
        # Seven decimals is about a centimetre; more is noise, and a value like 1e-215 is
        # beyond what DynamoDB can store as a number.
        return None if degrees is None else round(degrees, 7)

    @model_validator(mode="after")
    def _both_coordinates(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        return self


class Reporter(BaseModel):
    """Personal data: only ever stored encrypted, apart from the complaint text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    name: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=20, pattern=r"^\+?[0-9][0-9 \-]{6,18}$")
    # A plain shape check: deliverability is the mail provider's business, not the form's.
    email: str | None = Field(
        default=None,
        max_length=254,
        pattern=r"^[^@ \t\n\r\f\v]+@[^@ \t\n\r\f\v]+\.[^@ \t\n\r\f\v]+$",
    )
    # Chat addresses (WhatsApp wa_id, Telegram chat id) come from the channels, not the form.
    whatsapp: str | None = None
    telegram: str | None = None

    @field_validator("phone")
    @classmethod
    def _e164(cls, phone: str | None) -> str | None:
        if phone is None:
            return None
        digits = "".join(ch for ch in phone if ch.isdigit())
        # Indonesian numbers are written 08…; providers want E.164 (+62 8…).
        if phone.startswith("0"):
            digits = "62" + digits[1:]
        return "+" + digits

    def contact_channels(self) -> list[str]:
        found = [c for c in ("email", "whatsapp", "telegram") if getattr(self, c)]
        if self.phone:
            found.append("sms")
        return found


_Text = Annotated[str, StringConstraints(strip_whitespace=False, pattern=r"\S")]


class ComplaintForm(BaseModel):
    """`POST /v1/complaints`: the web form / city app JSON."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    # Lengths count the text as sent (what the document says); it must hold a visible
    # character, and is stored without its surrounding spaces.
    title: _Text = Field(min_length=3, max_length=200)
    description: _Text = Field(min_length=10, max_length=10_000)
    type: ComplaintType | None = None
    category: str | None = Field(default=None, max_length=60)
    location: Location = Location()
    reporter: Reporter = Reporter()
    # Strict: a 0 or a "no" is not a privacy choice; the form sends true or false.
    anonymous: StrictBool = False
    confidential: StrictBool = False
    language: Language = "id"
    # Keys of photos the browser uploaded through `POST /v1/uploads` (the media bucket's inbox).
    photos: list[Annotated[str, Field(pattern=_UPLOAD_KEY.pattern)]] = Field(
        default=[], max_length=3, json_schema_extra={"uniqueItems": True}
    )

    @field_validator("photos")
    @classmethod
    def _each_once(cls, photos: list[str]) -> list[str]:
        if len(set(photos)) != len(photos):
            raise ValueError("each photo once")
        return photos

    @field_validator("title", "description")
    @classmethod
    def _stripped(cls, text: str) -> str:
        return text.strip()


# --- the typed parts of a complaint, each written by one step of its work ----------------------


class Draft(BaseModel):
    """An answer a bidang wrote, waiting for the unit admin's release (or rework)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    text: str
    message_id: str
    bidang_id: str | None = None
    at: datetime


class Answer(BaseModel):
    """The answer released to the citizen, and who answered."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    text: str
    released_at: datetime
    unit_id: str | None = None
    bidang_id: str | None = None


class ArchiveReason(StrEnum):
    SPAM = "spam"
    DUPLICATE = "duplicate"
    OUT_OF_SCOPE = "out_of_scope"
    OTHER = "other"


class Archive(BaseModel):
    """Why the coordinator archived it: the code, the reason the citizen reads, and for a
    duplicate the complaint to follow instead."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    reason_code: ArchiveReason
    reason: str
    duplicate_of: str | None = None


class Rating(BaseModel):
    """The citizen's score of the answer (once; the comment is a message)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    score: int = Field(ge=1, le=5)
    at: datetime


class MediaLink(BaseModel):
    """A stored photo of the complaint (the media worker links it, once per key)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

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


class Complaint(BaseModel):
    """The `META` item of a complaint (no personal data lives here)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

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

    @model_validator(mode="before")
    @classmethod
    def _lift_extra(cls, data: Any) -> Any:
        """An item stored with the old `extra` map loads into the typed parts (what is written
        now has them as fields of their own)."""
        if not isinstance(data, dict) or not isinstance(data.get("extra"), dict):
            return data
        lifted = {k: v for k, v in data.items() if k != "extra"}
        extra = data["extra"]
        for key in _LEGACY_EXTRA:
            if extra.get(key) is not None:
                lifted.setdefault(key, extra[key])
        return lifted


def received_event(
    complaint: Complaint, contact_channels: Sequence[str], correlation_id: str
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
