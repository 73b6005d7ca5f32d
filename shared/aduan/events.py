"""Event contracts: versioned models (aduan.model), the only shape services share.

On the bus an event is `source` = `aduan.<service>`, `detail-type` = the class name, and
detail = `{"metadata": {...}, "data": {...}}`. Events never carry personal data: a consumer that
needs the reporter's contact reads the encrypted reporter item itself.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from aduan.model import Fact, Instant, field

Channel = Literal[
    "web", "whatsapp", "telegram", "sms", "email", "lapor", "open311", "messenger", "instagram"
]
# The channels a citizen can be answered on.
ContactChannel = Literal["email", "sms", "whatsapp", "telegram", "messenger", "instagram"]
ComplaintType = Literal["pengaduan", "aspirasi", "permintaan_informasi"]
Language = Literal["id", "en"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _new_event_id() -> str:
    return str(uuid.uuid4())


class EventMetadata(Fact, kw_only=True, frozen=True):
    event_id: str = field(default_factory=_new_event_id)
    event_version: str = "1"
    correlation_id: str = ""
    occurred_at: Instant = field(default_factory=utcnow)


class EventData(Fact, kw_only=True, frozen=True, forbid_unknown_fields=True):
    complaint_id: str


class DomainEvent(Fact, kw_only=True, frozen=True):
    """Base of every event. Subclasses set SOURCE and narrow `data`."""

    SOURCE: ClassVar[str] = ""
    metadata: EventMetadata = field(default_factory=EventMetadata)
    data: EventData

    @classmethod
    def detail_type(cls) -> str:
        return cls.__name__

    def detail_json(self) -> str:
        return self.to_json()

    @property
    def event_id(self) -> str:
        return self.metadata.event_id


# --- data shapes -------------------------------------------------------------------------------


class LocationData(Fact, kw_only=True, frozen=True, forbid_unknown_fields=True):
    kecamatan: str | None = None
    kelurahan: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None


class ComplaintReceivedData(EventData, kw_only=True, frozen=True):
    channel: Channel
    type: ComplaintType | None = None
    title: str
    description: str
    category_hint: str | None = None
    location: LocationData = LocationData()
    anonymous: bool = False
    confidential: bool = False
    language: Language = "id"
    version: int = 1
    received_at: Instant
    # Which contacts exist (not the contacts themselves): notify decides whom to acknowledge.
    contact_channels: list[ContactChannel] = []


class RoutingData(EventData, kw_only=True, frozen=True):
    type: ComplaintType
    category: str
    category_confidence: float
    kecamatan: str | None = None
    kelurahan: str | None = None
    unit_id: str | None = None
    rule_id: str | None = None
    reasons: list[str] = []
    version: int


class NotificationSentData(EventData, kw_only=True, frozen=True):
    trigger_event_id: str
    channel: ContactChannel
    template: str
    provider_message_id: str | None = None
    # not_sent: the channel's rules allowed no message now (Meta's windows); nothing was tried.
    status: Literal["sent", "failed", "not_sent"]
    error: str | None = None


# --- events --------------------------------------------------------------------------------------


class ComplaintReceived(DomainEvent, kw_only=True, frozen=True):
    SOURCE: ClassVar[str] = "aduan.intake"
    data: ComplaintReceivedData


class ComplaintRouted(DomainEvent, kw_only=True, frozen=True):
    """Routing is confident: the complaint waits for verification with a proposed unit."""

    SOURCE: ClassVar[str] = "aduan.routing"
    data: RoutingData


class ComplaintNeedsTriage(DomainEvent, kw_only=True, frozen=True):
    """Routing is unsure: the coordinator's triage queue decides."""

    SOURCE: ClassVar[str] = "aduan.routing"
    data: RoutingData


class NotificationSent(DomainEvent, kw_only=True, frozen=True):
    SOURCE: ClassVar[str] = "aduan.notify"
    data: NotificationSentData


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.detail_type(): cls
    for cls in (ComplaintReceived, ComplaintRouted, ComplaintNeedsTriage, NotificationSent)
}


def register(cls: type[DomainEvent]) -> type[DomainEvent]:
    """Add an event class defined in another module of the layer to the registry."""
    EVENT_TYPES[cls.detail_type()] = cls
    return cls


# Modules of the layer that define more events; each registers its classes when imported.
EVENT_MODULES = ("aduan.workflow_events", "aduan.channel_events")


def load_all_events() -> dict[str, type[DomainEvent]]:
    """Every event type. Imported on demand: a function imports only the events it uses, and
    in Lambda each function is its own process, so the registry must not rely on another
    function having imported a module."""
    import importlib

    for module in EVENT_MODULES:
        importlib.import_module(module)
    return EVENT_TYPES


def parse_event(detail_type: str, detail: dict[str, Any] | str) -> DomainEvent:
    """Rebuild a typed event from an EventBridge detail (dict) or the outbox's JSON."""
    cls = EVENT_TYPES.get(detail_type) or load_all_events().get(detail_type)
    if cls is None:
        raise UnknownEvent(detail_type)
    if isinstance(detail, str):
        return cls.parse_json(detail)
    return cls.parse(detail)


class UnknownEvent(ValueError):
    pass
