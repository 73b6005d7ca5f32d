"""The complaint as services see it, and the web form that creates one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aduan.events import Channel, ComplaintReceived, ComplaintReceivedData, ComplaintType, EventMetadata, Language, LocationData
from aduan.status import Status


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    kecamatan: str | None = Field(default=None, max_length=80)
    kelurahan: str | None = Field(default=None, max_length=80)
    address: str | None = Field(default=None, max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

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
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
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


class ComplaintForm(BaseModel):
    """`POST /v1/complaints`: the web form / city app JSON."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    title: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=10, max_length=10_000)
    type: ComplaintType | None = None
    category: str | None = Field(default=None, max_length=60)
    location: Location = Location()
    reporter: Reporter = Reporter()
    anonymous: bool = False
    confidential: bool = False
    language: Language = "id"


class Complaint(BaseModel):
    """The `META` item of a complaint (no personal data lives here)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    id: str
    status: Status
    sub_state: str | None = None
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
    extra: dict[str, Any] = {}


def received_event(complaint: Complaint, contact_channels: list[str], correlation_id: str) -> ComplaintReceived:
    """The event that announces a new complaint, whatever channel it came in on (pure).

    It carries which contacts exist, never the contacts themselves.
    """
    return ComplaintReceived(
        metadata=EventMetadata(correlation_id=correlation_id or complaint.id, occurred_at=complaint.received_at),
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
            contact_channels=contact_channels,
        ),
    )
