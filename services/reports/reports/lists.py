"""Complaint lists of a unit for officers: the overdue ones, and every one received in a period.

Read from the UnitInbox index (one partition per unit and status, due soonest first): never a
Scan. Rows never hold a reporter's identity, contact or the complaint's text: what a unit's
officer may see on their inbox, and dates in the city's time zone (WIB).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from aduan.complaint import Complaint
from aduan.repository import ComplaintRepository
from aduan.status import Status

PAGE = 100
OPEN_FOR_UNIT = (Status.DISPATCHED, Status.IN_PROGRESS)
OPEN_FOR_COORDINATOR = (Status.RECEIVED, Status.VERIFIED)

# (key, Indonesian header, English header)
COLUMNS: list[tuple[str, str, str]] = [
    ("id", "Nomor aduan", "Tracking id"),
    ("received_at", "Diterima (WIB)", "Received (WIB)"),
    ("title", "Judul", "Title"),
    ("channel", "Kanal", "Channel"),
    ("type", "Jenis", "Type"),
    ("category", "Kategori", "Category"),
    ("kecamatan", "Kecamatan", "Kecamatan"),
    ("kelurahan", "Kelurahan", "Kelurahan"),
    ("unit", "Unit", "Unit"),
    ("bidang", "Bidang", "Bidang"),
    ("status", "Status", "Status"),
    ("due", "Tenggat (WIB)", "Deadline (WIB)"),
    ("overdue", "Lewat tenggat", "Overdue"),
    ("answered_at", "Dijawab (WIB)", "Answered (WIB)"),
    ("rating", "Penilaian", "Rating"),
    ("confidential", "Rahasia", "Confidential"),
    ("anonymous", "Anonim", "Anonymous"),
]


def wib_text(moment: datetime | str | None, tz: tzinfo) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def row(
    complaint: Complaint,
    labels: Mapping[str, Mapping[str, str]],
    now: datetime,
    tz: tzinfo,
    language: str,
) -> dict[str, Any]:
    due = (
        min(complaint.deadlines.values())
        if complaint.deadlines and complaint.status.is_open
        else None
    )
    yes, no = ("Yes", "No") if language == "en" else ("Ya", "Tidak")

    def label(kind: str, value: str | None) -> str | None:
        return labels.get(kind, {}).get(value or "", value) if value else None

    return {
        "id": complaint.id,
        "received_at": wib_text(complaint.received_at, tz),
        # A rahasia complaint's title stays in the console, behind the unit rule: files travel.
        "title": None if complaint.confidential else complaint.title,
        "channel": complaint.channel,
        "type": complaint.type,
        "category": label("category", complaint.category or complaint.category_hint),
        "kecamatan": label("kecamatan", complaint.location.kecamatan),
        "kelurahan": label("kelurahan", complaint.location.kelurahan),
        "unit": label("unit", complaint.unit_id),
        "bidang": label("bidang", complaint.bidang_id),
        "status": complaint.status.label_en if language == "en" else complaint.status.label,
        "due": wib_text(due, tz),
        "overdue": yes if due is not None and now > due else no,
        "answered_at": wib_text(complaint.answer.released_at if complaint.answer else None, tz),
        "rating": complaint.rating.score if complaint.rating else None,
        "confidential": yes if complaint.confidential else no,
        "anonymous": yes if complaint.anonymous else no,
    }


def headers(language: str) -> list[str]:
    return [en if language == "en" else id_ for _, id_, en in COLUMNS]


def cells(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r[key] for key, _, _ in COLUMNS] for r in rows]


def _status_pages(
    repository: ComplaintRepository, owner: str, status: Status
) -> Iterator[Complaint]:
    start: dict[str, Any] | None = None
    while True:
        found, start = repository.inbox(owner, status.value, PAGE, start)
        yield from found
        if not start:
            return


def overdue(
    repository: ComplaintRepository,
    owner: str,
    now: datetime,
    may_reach: Callable[[Complaint], bool],
) -> list[Complaint]:
    """Open complaints of one owner (a unit, or the coordinator's queue) whose deadline passed.
    The index sorts by the earliest deadline, so each status stops at the first one not due."""
    statuses = OPEN_FOR_COORDINATOR if owner == "coordinator" else OPEN_FOR_UNIT
    late: list[Complaint] = []
    for status in statuses:
        for complaint in _status_pages(repository, owner, status):
            if not complaint.deadlines or min(complaint.deadlines.values()) >= now:
                break
            if may_reach(complaint):
                late.append(complaint)
    return sorted(late, key=lambda c: min(c.deadlines.values()))


def received_between(
    repository: ComplaintRepository,
    owner: str,
    first: date,
    last: date,
    tz: tzinfo,
    may_reach: Callable[[Complaint], bool],
) -> list[Complaint]:
    """Every complaint of one owner received from ``first`` to ``last`` (local dates), any status."""
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
    found = [
        complaint
        for status in Status
        for complaint in _status_pages(repository, owner, status)
        if start <= complaint.received_at < end and may_reach(complaint)
    ]
    return sorted(found, key=lambda c: (c.received_at, c.id))
