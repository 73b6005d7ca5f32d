"""Date-times as GeoReport writes them: the W3C subset of ISO 8601, always with a zone (pure)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from web.open311.documents import Open311Error

# Date, or date and time to minutes or seconds (fraction allowed), then Z or +HH:MM.
_W3 = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$")


def parse_w3(text: str, field: str) -> datetime:
    """A client's date-time; a zone is required (the spec says so, and Jakarta is not UTC)."""
    value = text.strip()
    if not _W3.match(value):
        raise Open311Error(
            400,
            f"{field} harus berformat W3C dengan zona waktu, mis. 2026-11-01T00:00:00+07:00",
            f"{field} must be a W3C date-time with a zone, e.g. 2026-11-01T00:00:00+07:00",
        )
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400, f"{field} bukan tanggal yang ada", f"{field} is not a real date"
        ) from None
    # A bare date (allowed by the W3C note) is the start of that day in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def w3(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
