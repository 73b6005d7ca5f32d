"""Creating a complaint and showing it to the public: the web function's decisions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aduan import access_key, crypto
from aduan.calendar import WorkingCalendar
from aduan.channel_events import MediaItem, MediaReceived, MediaReceivedData
from aduan.complaint import Complaint, ComplaintForm, Reporter, received_event
from aduan.deadlines import OPEN_DEADLINES
from aduan.errors import Collision
from aduan.events import Channel, ComplaintReceived, DomainEvent, EventMetadata, LocationData
from aduan.repository import ComplaintRepository, HistoryEntry
from aduan.status import Status
from aduan.timeline import public_label
from aduan.tracking import new_tracking_id


def build_complaint(
    form: ComplaintForm,
    channel: Channel,
    now: datetime,
    tracking_id: str,
    correlation_id: str,
    access_key_hash: str | None = None,
) -> tuple[Complaint, ComplaintReceived]:
    """The new complaint and the event that announces it (pure: no I/O)."""
    location = LocationData(**form.location.to_dict())
    complaint = Complaint(
        id=tracking_id,
        status=Status.RECEIVED,
        channel=channel,
        type=form.type,
        title=form.title,
        description=form.description,
        category_hint=form.category,
        location=location,
        anonymous=form.anonymous,
        confidential=form.confidential,
        language=form.language,
        version=1,
        received_at=now,
        updated_at=now,
        access_key_hash=access_key_hash,
    )
    event = received_event(complaint, form.reporter.contact_channels(), correlation_id)
    return complaint, event


def photos_event(
    form: ComplaintForm, complaint: Complaint, correlation_id: str
) -> MediaReceived | None:
    """The photos the browser uploaded, for the media function to check, clean and store (pure)."""
    if not form.photos:
        return None
    items = [MediaItem(provider_ref=key, inbox_key=key) for key in form.photos]
    return MediaReceived(
        metadata=EventMetadata(
            correlation_id=correlation_id or complaint.id, occurred_at=complaint.received_at
        ),
        data=MediaReceivedData(
            complaint_id=complaint.id, channel="web", message_id=f"web-{complaint.id}", items=items
        ),
    )


def reporter_item(
    reporter: Reporter,
    complaint_id: str,
    language: str,
    kms_key_id: str,
    key_for_acknowledgement: str | None = None,
) -> dict[str, Any] | None:
    """The reporter item: identity encrypted, bound to the complaint id; None when nobody is named.

    The acknowledgement carries the citizen's private link, so notify needs the access key once:
    it waits here, encrypted, only while there is somebody to acknowledge, and notify removes it
    as soon as the acknowledgement is sent (after that only its hash exists).
    """
    identity = reporter.to_dict(exclude_none=True)
    if not identity:
        return None
    item: dict[str, Any] = {
        "identity": crypto.encrypt_json(identity, kms_key_id, context=complaint_id),
        "contact_channels": reporter.contact_channels(),
        "language": language,
    }
    if key_for_acknowledgement and item["contact_channels"]:
        item["ack_key"] = crypto.encrypt_json(
            {"key": key_for_acknowledgement}, kms_key_id, context=f"{complaint_id}#ack"
        )
    return item


# A collision needs the same 50-bit id drawn twice; three draws in a row is not going to happen.
ID_DRAWS = 3


@dataclass(frozen=True)
class Submitted:
    complaint: Complaint
    access_key: str  # shown to the citizen once; only its hash is stored


def submit(
    form: ComplaintForm,
    repository: ComplaintRepository,
    kms_key_id: str,
    now: datetime,
    channel: Channel = "web",
    correlation_id: str = "",
    also: Callable[[Complaint], list[DomainEvent]] | None = None,
    once: Callable[[Complaint, str], dict[str, Any]] | None = None,
) -> Submitted:
    """One transaction: complaint, reporter, the ComplaintReceived (and photos) history/outbox items.

    `also` adds events that belong to the new complaint (the photos an Open311 client linked),
    written in the same transaction. `once(complaint, access key)`: an item written with it
    only if absent (the request's idempotency record; AlreadyProcessed when it is there).
    """
    from aduan.workflow import at_receipt, load_clock

    clock = load_clock(repository)
    for attempt in range(ID_DRAWS):
        tracking_id = new_tracking_id()
        key = access_key.new_key()
        complaint, event = build_complaint(
            form, channel, now, tracking_id, correlation_id, access_key.digest(tracking_id, key)
        )
        # The verify deadline runs from receipt (working days; the category's count, if the
        # citizen chose one), and puts the complaint in the sparse Deadlines index for the sweep.
        complaint = at_receipt(complaint, clock)
        events: list[DomainEvent] = [event, *(also(complaint) if also else [])]
        photos = photos_event(form, complaint, correlation_id)
        if photos is not None:
            events.append(photos)
        try:
            repository.create(
                complaint,
                events,
                reporter_item(form.reporter, complaint.id, form.language, kms_key_id, key),
                once=once(complaint, key) if once else None,
            )
        except Collision:
            if attempt == ID_DRAWS - 1:
                raise
            continue  # an id drawn twice: nothing was written, draw another
        return Submitted(complaint, key)
    raise AssertionError("unreachable")  # the loop returns or raises


def _local(moment: datetime | str, calendar: WorkingCalendar | None, with_time: bool = True) -> str:
    """`09-12-2026 23.59 WIB`: how dates read on the city's pages."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if calendar is not None:
        when = calendar.to_local(when)
    return when.strftime("%d-%m-%Y %H.%M WIB" if with_time else "%d-%m-%Y")


def _question(history: list[HistoryEntry]) -> str | None:
    """The officer's latest question to the citizen (a deferral), if any."""
    for entry in reversed(history):
        if entry.detail_type == "ComplaintDeferred":
            data = entry.detail.get("data", entry.detail)
            return data.get("question") or None
    return None


def citizen_actions(complaint: Complaint) -> dict[str, bool]:
    """What the holder of the access key may do now (the lifecycle decides the rest)."""
    return {
        "reply": complaint.status.is_open,
        "rate": complaint.status in (Status.RESPONDED, Status.CLOSED)
        and complaint.rating is None
        and complaint.answer is not None,
    }


def public_view(
    complaint: Complaint,
    history: list[HistoryEntry],
    unit_names: dict[str, str],
    language: str = "id",
    *,
    can_act: bool = False,
    now: datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> dict[str, Any]:
    """What anyone holding the tracking id may see: never the reporter's identity, and of the
    history only the citizen's steps. `can_act`: the access key came with the request, so the
    view says what its holder may do. A confidential (rahasia) complaint shows its status only
    (and to nobody without the key: the handler answers as for an unknown id).
    """
    view: dict[str, Any] = {
        "tracking_id": complaint.id,
        "status": complaint.status.value,
        "status_label": complaint.status.label if language == "id" else complaint.status.label_en,
    }
    if can_act:
        view["can_act"] = True
        view["actions"] = citizen_actions(complaint)
        view["rated"] = complaint.rating is not None
    if complaint.confidential:
        view["confidential"] = True
        return view
    unit_id = complaint.unit_id
    view.update(
        type=complaint.type,
        title=complaint.title,
        category=complaint.category,
        location={
            "kecamatan": complaint.location.kecamatan,
            "kelurahan": complaint.location.kelurahan,
        },
        unit={"id": unit_id, "name": unit_names.get(unit_id, unit_id)} if unit_id else None,
        received_at=complaint.received_at.isoformat(),
        received_local=_local(complaint.received_at, calendar),
        updated_at=complaint.updated_at.isoformat(),
        timeline=[
            {
                "at": entry.occurred_at,
                "at_local": _local(entry.occurred_at, calendar),
                "event": entry.detail_type,
                "label": label,
            }
            for entry in history
            if (label := public_label(entry.detail_type, language))
        ],
    )
    if now is not None and calendar is not None:
        open_kinds = {str(kind) for kind in OPEN_DEADLINES.get(complaint.status, frozenset())}
        view["deadlines"] = [
            {
                "kind": kind,
                "due": due.isoformat(),
                "due_local": _local(due, calendar, with_time=False),
                "working_days_left": calendar.working_days_between(now, due),
            }
            for kind, due in sorted(complaint.deadlines.items(), key=lambda pair: pair[1])
            if kind in open_kinds
        ]
    if complaint.status is Status.DEFERRED and (question := _question(history)):
        view["question"] = question
    if complaint.answer is not None:
        view["answer"] = {
            "text": complaint.answer.text,
            "released_at": complaint.answer.released_at.isoformat(),
        }
    return view
