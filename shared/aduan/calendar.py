"""The working-day calendar that every deadline is counted in.

A working day is a weekday (Monday–Friday by default) in the city's time zone that is neither a
national holiday (libur nasional, from the `holidays` package, category "public") nor an extra
non-working day given as data: cuti bersama (SKB 3 Menteri) and local days a city declares.

Cuti bersama come from the seed, not from the package's "government" category, on purpose: the
city must be able to add a day the government announces mid-year (as 18 August 2025 was) without
a package upgrade, and to see in one file which days its deadlines skip. A unit test checks that
the seed and the package agree, so a drift between the two is noticed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Indonesia has had no daylight saving since 1964, so its three zones are fixed offsets. If a
# runtime ships without tz data (some minimal Lambda/container images do), these keep working.
_INDONESIAN_FIXED_ZONES = {
    "Asia/Jakarta": timezone(timedelta(hours=7), "WIB"),
    "Asia/Pontianak": timezone(timedelta(hours=7), "WIB"),
    "Asia/Makassar": timezone(timedelta(hours=8), "WITA"),
    "Asia/Jayapura": timezone(timedelta(hours=9), "WIT"),
}

END_OF_DAY = time(23, 59, 59, 999999)
DEFAULT_OFFICE_HOURS_END = time(16, 0)


def load_zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        if name in _INDONESIAN_FIXED_ZONES:
            return _INDONESIAN_FIXED_ZONES[name]
        raise


@dataclass(frozen=True)
class ExtraDay:
    """A non-national day off (or a local observance that is recorded but is not a day off)."""

    day: date
    name: str
    kind: str  # "cuti_bersama" | "local"
    day_off: bool = True


class WorkingCalendar:
    """Working days for one city. All datetimes in and out are timezone-aware.

    Deadline convention (it decides when the city's deadlines fall; tests pin every case):

    * The **receipt day** (day 0) is the calendar day, in the city's time zone, on which the
      complaint (or the disposition, or the answer) arrived, *if* that day is a working day and
      it arrived before the end of office hours (``office_hours_end``, 16:00 by default).
      Otherwise (a weekend, a holiday, cuti bersama, or after office hours) day 0 is the **next
      working day**: the item is treated as if it arrived that morning.
    * Day 0 itself is never counted. The deadline for *n* working days is the **end**
      (23:59:59.999999 local) of the *n*-th working day after day 0.
    * Example: received Monday 10:00, 3 working days: due Thursday 23:59:59.999999.
      Received Monday 17:00 (after hours): day 0 is Tuesday, due at the end of Friday.
      Received Saturday: day 0 is Monday, due at the end of Thursday.
    * ``n == 0`` gives the end of day 0.
    """

    def __init__(
        self,
        *,
        timezone_name: str = "Asia/Jakarta",
        weekend: Iterable[int] = (5, 6),
        extra_days: Iterable[ExtraDay] = (),
        office_hours_end: time = DEFAULT_OFFICE_HOURS_END,
        country: str = "ID",
    ) -> None:
        self.timezone_name = timezone_name
        self.tz = load_zone(timezone_name)
        self.weekend = frozenset(weekend)
        self.office_hours_end = office_hours_end
        self.country = country
        self.extra_days = tuple(extra_days)
        self._extra_off = {d.day: d for d in self.extra_days if d.day_off}
        # National holidays are computed per year on first use: a Lambda container only ever
        # needs one or two years, and building the package's tables for many years is slow.
        self._national: dict[int, Mapping[date, str]] = {}

    @classmethod
    def from_seed(cls, seed: Mapping[str, Any]) -> WorkingCalendar:
        """Build from the seed shape of ``infra/seed/calendar.json``."""
        extra = [
            ExtraDay(
                day=date.fromisoformat(item["date"]),
                name=item["name"],
                kind=item["kind"],
                day_off=item.get("day_off", True),
            )
            for item in seed.get("extra_non_working_days", [])
        ]
        end = seed.get("office_hours_end")
        return cls(
            timezone_name=seed.get("timezone", "Asia/Jakarta"),
            weekend=seed.get("weekend", (5, 6)),
            extra_days=extra,
            office_hours_end=time.fromisoformat(end) if end else DEFAULT_OFFICE_HOURS_END,
            country=seed.get("country", "ID"),
        )

    # -- days -------------------------------------------------------------------------------

    def national_holidays(self, year: int) -> Mapping[date, str]:
        if year not in self._national:
            # Imported here: ~80 ms, plus ~100 ms per year built. Only a function that counts
            # working days pays it, once per container, not every module that imports this one.
            import holidays

            # language="id" pins the names (officers read them) instead of following the locale.
            table = holidays.country_holidays(
                self.country, years=year, categories=("public",), language="id"
            )
            self._national[year] = dict(table)
        return self._national[year]

    def non_working_reason(self, day: date | datetime) -> str | None:
        """Why a day is not a working day (for officers' screens), or None on a working day."""
        d = self.local_date(day)
        if d in self._extra_off:
            return self._extra_off[d].name
        name = self.national_holidays(d.year).get(d)
        if name:
            return name
        if d.weekday() in self.weekend:
            return "Akhir pekan"
        return None

    def is_working_day(self, day: date | datetime) -> bool:
        return self.non_working_reason(day) is None

    def next_working_day(self, day: date | datetime) -> date:
        """The first working day strictly after ``day`` (a datetime is read in the city's zone)."""
        d = self.local_date(day) + timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def previous_working_day(self, day: date | datetime) -> date:
        """The last working day strictly before ``day``."""
        d = self.local_date(day) - timedelta(days=1)
        while not self.is_working_day(d):
            d -= timedelta(days=1)
        return d

    def day_zero(self, received: datetime) -> date:
        """The working day a receipt counts from (see the class docstring)."""
        local = self.to_local(received)
        d = local.date()
        if self.is_working_day(d) and local.time() < self.office_hours_end:
            return d
        return self.next_working_day(d)

    # -- deadlines ---------------------------------------------------------------------------

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The deadline *n* working days after ``start``: the end of that day, local time."""
        if n < 0:
            raise ValueError("n must be >= 0")
        d = self.day_zero(start)
        for _ in range(n):
            d = self.next_working_day(d)
        return self.end_of_day(d)

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days in (a, b]: counted by local date, the first day excluded, the last included.

        Negative when ``b`` is before ``a``. Dates only, office hours are ignored: this measures
        elapsed working days (reports, "one working day after the breach"), it sets no deadline.
        """
        da, db = self.local_date(a), self.local_date(b)
        if db < da:
            return -self.working_days_between(db, da)
        count, d = 0, da
        while d < db:
            d += timedelta(days=1)
            if self.is_working_day(d):
                count += 1
        return count

    def reminder_at(self, deadline: datetime) -> datetime:
        """When to warn "1 working day left": 00:00 local on the last working day before the
        deadline's day. A deadline at the end of Thursday is reminded on Wednesday at 00:00; one at
        the end of Monday on the Friday before (or earlier across holidays)."""
        day = self.previous_working_day(deadline)
        return datetime.combine(day, time(0, 0), tzinfo=self.tz)

    def end_of_day(self, day: date) -> datetime:
        return datetime.combine(day, END_OF_DAY, tzinfo=self.tz)

    # -- time zone ---------------------------------------------------------------------------

    def to_local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC or local)")
        return moment.astimezone(self.tz)

    def local_date(self, day: date | datetime) -> date:
        # datetime is a subclass of date, so test for it first.
        if isinstance(day, datetime):
            return self.to_local(day).date()
        return day

    @property
    def seeded_years(self) -> frozenset[int]:
        """Years for which cuti bersama are in the seed. A year missing here while deadlines run
        into it means its cuti bersama would be counted as working days: ops should alert on it."""
        return frozenset(d.day.year for d in self.extra_days if d.kind == "cuti_bersama")


def sort_key(moment: datetime) -> str:
    """A UTC timestamp that sorts as text (offsets differ between writers; UTC does not)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
