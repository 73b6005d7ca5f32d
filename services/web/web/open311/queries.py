"""The filters of `GET requests` and `GET servicerequestupdates`, read and checked (pure).

The spec's rules: `service_request_id` (comma-separated) overrides every other filter; the
date range defaults to the last 90 days and may not span more than 90; at most 1,000 requests
come back, newest first. Empty parameters count as absent ("optional" in the spec).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from web.open311.documents import Open311Error
from web.open311.timestamps import parse_w3

MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 100
STATUSES = frozenset({"open", "closed"})


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...] = ()  # when set, every other filter is ignored (the spec says so)
    service_codes: frozenset[str] = frozenset()  # empty: every service
    statuses: frozenset[str] = frozenset()  # empty: open and closed
    window: Window | None = None
    limit: int = MAX_RESULTS

    def wants(self, service_code: str, status: str) -> bool:
        return (not self.service_codes or service_code in self.service_codes) and (
            not self.statuses or status in self.statuses
        )


def _list(params: Mapping[str, str], name: str) -> list[str]:
    return [part.strip() for part in (params.get(name) or "").split(",") if part.strip()]


def window(params: Mapping[str, str], now: datetime) -> Window:
    """`start_date`/`end_date`: the last 90 days by default; a missing end follows the start."""
    start_text, end_text = (
        (params.get("start_date") or "").strip(),
        (params.get("end_date") or "").strip(),
    )
    start = parse_w3(start_text, "start_date") if start_text else None
    end = parse_w3(end_text, "end_date") if end_text else None
    if start is None:
        return Window(now - MAX_SPAN, now) if end is None else Window(end - MAX_SPAN, end)
    if end is None:
        end = min(start + MAX_SPAN, max(now, start))
    if end < start:
        raise Open311Error(
            400, "end_date lebih awal dari start_date", "end_date is before start_date"
        )
    if end - start > MAX_SPAN:
        raise Open311Error(
            400,
            "rentang start_date sampai end_date paling lama 90 hari",
            "start_date to end_date may not span more than 90 days",
        )
    return Window(start, end)


def request_query(
    params: Mapping[str, str], now: datetime, known_services: frozenset[str]
) -> RequestQuery:
    ids = _list(params, "service_request_id")
    if ids:
        if len(ids) > MAX_IDS:
            raise Open311Error(
                400,
                f"paling banyak {MAX_IDS} service_request_id sekaligus",
                f"at most {MAX_IDS} service_request_id at once",
            )
        return RequestQuery(ids=tuple(dict.fromkeys(ids)))
    codes = frozenset(_list(params, "service_code"))
    unknown = sorted(codes - known_services)
    if unknown:
        raise Open311Error(
            400,
            f"service_code '{unknown[0][:60]}' tidak dikenal",
            f"service_code '{unknown[0][:60]}' is not known",
        )
    statuses = frozenset(s.lower() for s in _list(params, "status"))
    if statuses - STATUSES:
        raise Open311Error(400, "status hanya open atau closed", "status is open or closed")
    return RequestQuery(service_codes=codes, statuses=statuses, window=window(params, now))
