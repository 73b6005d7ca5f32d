"""Each report: what it reads, for whom, and its JSON body and sheets (for CSV/XLSX).

Shared by the HTTP API and the background export worker, so a file made in the background is
the same as one answered at once. Who may see what (an officer's own unit) is decided here from
``aduan.officers``, the same rule the officer API holds every complaint to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from aduan import reference
from aduan.calendar import WorkingCalendar
from aduan.errors import Forbidden, Unprocessable
from aduan.lifecycle import Role
from aduan.officers import NotYourUnit, Officer, may_reach
from aduan.repository import COORDINATOR_QUEUE, ComplaintRepository
from reports import lists, views
from reports.facts import CITY, DIMENSIONS
from reports.formats import Sheet
from reports.store import ReportStore
from reports.views import Period

MAX_MONTHS = 60
PUBLIC_BY = ("category", "kecamatan", "kelurahan", "channel", "type", "unit")
CHANNELS = {
    "web": "Web",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "sms": "SMS",
    "email": "E-mail",
    "lapor": "SP4N-LAPOR!",
    "open311": "Open311",
}
TYPES = {
    "id": {
        "pengaduan": "Pengaduan",
        "aspirasi": "Aspirasi",
        "permintaan_informasi": "Permintaan informasi",
    },
    "en": {
        "pengaduan": "Complaint",
        "aspirasi": "Aspiration",
        "permintaan_informasi": "Information request",
    },
}
DIMENSION_HEADERS = {
    "all": ("Kota", "City"),
    "unit": ("Unit", "Unit"),
    "bidang": ("Bidang", "Bidang"),
    "category": ("Kategori", "Category"),
    "kecamatan": ("Kecamatan", "Kecamatan"),
    "kelurahan": ("Kelurahan", "Kelurahan"),
    "channel": ("Kanal", "Channel"),
    "type": ("Jenis", "Type"),
}


class BadQuery(Unprocessable):
    code = "invalid_query"


# --- parameters ---------------------------------------------------------------------------------


def month_of(text: str | None, what: str) -> str | None:
    if text is None:
        return None
    try:
        parsed = datetime.strptime(text, "%Y-%m")
    except ValueError:
        raise BadQuery(
            f"Parameter {what} harus berbentuk TTTT-BB, misalnya 2026-03. ({what} must be YYYY-MM.)"
        ) from None
    return parsed.strftime("%Y-%m")


def period_of(
    first: str | None,
    last: str | None,
    now: datetime,
    calendar: WorkingCalendar,
    default_months: int = 12,
) -> Period:
    """The months asked for; by default the ``default_months`` up to this one (city's zone)."""
    this_month = calendar.to_local(now).strftime("%Y-%m")
    last_month = month_of(last, "to") or this_month
    if first is None:
        year, month = map(int, last_month.split("-"))
        index = year * 12 + month - 1 - (default_months - 1)
        first = f"{index // 12:04d}-{index % 12 + 1:02d}"
    first_month = month_of(first, "from")
    assert first_month is not None
    if first_month > last_month:
        raise BadQuery(
            "Parameter from harus sebelum atau sama dengan to. (from must not be after to.)"
        )
    period = Period(first_month, last_month)
    if len(period.months()) > MAX_MONTHS:
        raise BadQuery(f"Rentang paling panjang {MAX_MONTHS} bulan. (At most {MAX_MONTHS} months.)")
    return period


def language_of(text: str | None) -> str:
    return "en" if text == "en" else "id"


# --- labels -------------------------------------------------------------------------------------


def _units(bodies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {body["id"]: body for body in bodies}


def _categories(bodies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {body["id"]: body for body in bodies}


def _areas(bodies: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    kecamatan: dict[str, str] = {}
    kelurahan: dict[str, str] = {}
    for k in (bodies[0] if bodies else {}).get("kecamatan", []):
        kecamatan[k["id"]] = k["name"]
        for kel in k.get("kelurahan", []):
            kelurahan[kel["id"]] = kel["name"]
    return {"kecamatan": kecamatan, "kelurahan": kelurahan}


@dataclass(frozen=True)
class Context:
    """What every report needs: the store, the reference data, the calendar and the moment."""

    store: ReportStore
    calendar: WorkingCalendar
    now: datetime
    language: str = "id"

    @property
    def repository(self) -> ComplaintRepository:
        return self.store.repository

    def units(self) -> dict[str, dict[str, Any]]:
        return reference.cached("unit", self.repository.reference, build=_units)

    def labels(self) -> dict[str, dict[str, str]]:
        units = self.units()
        categories = reference.cached("category", self.repository.reference, build=_categories)
        areas = reference.cached("area", self.repository.reference, build=_areas)
        name = "name_en" if self.language == "en" else "name_id"
        none = "(unknown)" if self.language == "en" else "(belum diketahui)"
        return {
            "all": {CITY: "Kota" if self.language == "id" else "City"},
            "unit": {u: body.get("name", u) for u, body in units.items()},
            "bidang": {
                b["id"]: b.get("name", b["id"])
                for body in units.values()
                for b in body.get("bidang", [])
            },
            "category": {
                c: body.get(name) or body.get("name_id") or c for c, body in categories.items()
            },
            "kecamatan": areas["kecamatan"],
            "kelurahan": areas["kelurahan"],
            "channel": CHANNELS,
            "type": TYPES[self.language],
            "none": {"none": none},
        }

    def label_map(self, dimension: str) -> dict[str, str]:
        labels = self.labels()
        return {**labels["none"], **labels[dimension]}


# --- who sees what ------------------------------------------------------------------------------


def officer_unit(officer: Officer, requested: str | None, units: Mapping[str, Any]) -> str | None:
    """The unit an officer's report is about: the coordinator any (None: the city), everyone
    else only their own."""
    if officer.role is Role.COORDINATOR:
        if requested and requested != COORDINATOR_QUEUE and requested not in units:
            raise BadQuery(f"Unit {requested!r} tidak dikenal. (Unknown unit.)")
        return requested or None
    if requested and requested != officer.unit_id:
        raise NotYourUnit(
            "Anda hanya dapat melihat laporan unit Anda. You can only see your own unit's reports."
        )
    return officer.unit_id


def _caption(title: str, period: Period, ctx: Context) -> str:
    span = period.first if period.first == period.last else f"{period.first} s.d. {period.last}"
    zone = (
        "WIB"
        if ctx.calendar.timezone_name in ("Asia/Jakarta", "Asia/Pontianak")
        else ctx.calendar.timezone_name
    )
    return f"{title} — {span} ({zone})"


# --- the reports --------------------------------------------------------------------------------


def summary(
    ctx: Context,
    period: Period,
    dimension: str,
    value: str,
    by: str | None,
    public: bool,
    only_prefix: str | None = None,
) -> tuple[dict[str, Any], list[Sheet]]:
    """Months and totals of one group (the city, or one unit), and optionally its breakdown."""
    items = [i for i in ctx.store.aggregates(dimension, None, period.last) if i["value"] == value]
    body = views.summary(items, period, public=public)
    body.update(dimension=dimension, value=value, label=ctx.label_map(dimension).get(value, value))
    month_header = ("Bulan", "Month")
    head, rows = views.table(
        [month_header], [([m["month"]], m) for m in body["months"]], ctx.language
    )
    total_row = views.table(
        [month_header],
        [(["Jumlah" if ctx.language == "id" else "Total"], body["total"])],
        ctx.language,
    )[1]
    title = ("Rekap bulanan" if ctx.language == "id" else "Monthly recap") + f": {body['label']}"
    sheets = [
        Sheet(
            "Bulanan" if ctx.language == "id" else "Monthly",
            head,
            rows + total_row,
            _caption(title, period, ctx),
        )
    ]
    if by:
        only = None
        if only_prefix is not None:
            only = {v for v in ctx.label_map(by) if v.startswith(only_prefix)} | {
                str(i["value"])
                for i in ctx.store.aggregates(by, None, period.last)
                if str(i["value"]).startswith(only_prefix)
            }
        body["by"] = by
        body["groups"] = group_rows = views.groups(
            ctx.store.aggregates(by, None, period.last),
            period,
            ctx.label_map(by),
            public=public,
            only=only,
        )
        sheets.append(_groups_sheet(ctx, period, by, group_rows))
    return body, sheets


def _groups_sheet(ctx: Context, period: Period, by: str, rows: list[dict[str, Any]]) -> Sheet:
    head, cells = views.table(
        [("Kode", "Code"), DIMENSION_HEADERS[by]],
        [([r["value"], r["label"]], r["figures"]) for r in rows],
        ctx.language,
    )
    per = DIMENSION_HEADERS[by][1 if ctx.language == "en" else 0]
    title = f"Per {per.lower()}" if ctx.language == "id" else f"By {per.lower()}"
    return Sheet(title, head, cells, _caption(title, period, ctx))


def units_table(
    ctx: Context, period: Period, public: bool, only: set[str] | None = None
) -> tuple[dict[str, Any], list[Sheet]]:
    """The unit league table: volume, SLA %, median days, satisfaction per unit."""
    rows = views.groups(
        ctx.store.aggregates("unit", None, period.last),
        period,
        ctx.label_map("unit"),
        public=public,
        only=only,
    )
    body = {"period": {"from": period.first, "to": period.last}, "units": rows}
    return body, [_groups_sheet(ctx, period, "unit", rows)]


def recap(
    ctx: Context, period: Period, officer: Officer, unit: str | None
) -> tuple[dict[str, Any], list[Sheet]]:
    """The monthly recap for the evaluation meeting: the coordinator's has every unit (and the
    city total); a unit's has the unit and each of its bidang."""
    if unit is None:
        city, sheets = summary(ctx, period, "all", CITY, None, public=False)
        table, unit_sheets = units_table(ctx, period, public=False)
        body = {"period": city["period"], "total": city["total"], "units": table["units"]}
        return body, unit_sheets + sheets
    own, sheets = summary(ctx, period, "unit", unit, "bidang", public=False, only_prefix=f"{unit}.")
    return {
        "period": own["period"],
        "unit": unit,
        "label": own["label"],
        "total": own["total"],
        "bidang": own["groups"],
    }, [sheets[1], sheets[0]]


def overdue(ctx: Context, officer: Officer, unit: str | None) -> tuple[dict[str, Any], list[Sheet]]:
    owner = unit or COORDINATOR_QUEUE
    late = lists.overdue(
        ctx.repository,
        owner,
        ctx.now,
        lambda c: owner == COORDINATOR_QUEUE or may_reach(officer, c),
    )
    rows = [lists.row(c, ctx.labels(), ctx.now, ctx.calendar.tz, ctx.language) for c in late]
    title = "Aduan lewat tenggat" if ctx.language == "id" else "Overdue complaints"
    stamp = lists.wib_text(ctx.now, ctx.calendar.tz)
    body = {"unit": owner, "as_of": ctx.now.isoformat(), "count": len(rows), "items": rows}
    return body, [
        Sheet(
            title,
            lists.headers(ctx.language),
            lists.cells(rows),
            f"{title}: {ctx.label_map('unit').get(owner, owner)} — {stamp} WIB",
        )
    ]


def complaints(
    ctx: Context, officer: Officer, unit: str | None, period: Period
) -> tuple[dict[str, Any], list[Sheet]]:
    if unit is None:
        raise BadQuery("Pilih unit (parameter unit). (Choose a unit with the unit parameter.)")
    first = date.fromisoformat(f"{period.first}-01")
    year, month = map(int, period.last.split("-"))
    after = date(year + (month == 12), month % 12 + 1, 1)
    last = date.fromordinal(after.toordinal() - 1)
    found = lists.received_between(
        ctx.repository,
        unit,
        first,
        last,
        ctx.calendar.tz,
        lambda c: unit == COORDINATOR_QUEUE or may_reach(officer, c),
    )
    rows = [lists.row(c, ctx.labels(), ctx.now, ctx.calendar.tz, ctx.language) for c in found]
    title = "Daftar aduan" if ctx.language == "id" else "Complaint list"
    body = {
        "unit": unit,
        "period": {"from": period.first, "to": period.last},
        "count": len(rows),
        "items": rows,
    }
    return body, [
        Sheet(
            title,
            lists.headers(ctx.language),
            lists.cells(rows),
            _caption(f"{title}: {ctx.label_map('unit').get(unit, unit)}", period, ctx),
        )
    ]


def ensure_by(by: str | None, allowed: tuple[str, ...]) -> str | None:
    if by is None:
        return None
    if by not in allowed:
        raise BadQuery(
            f"Parameter by harus salah satu dari: {', '.join(allowed)}. (by must be one of them.)"
        )
    return by


def ensure_coordinator(officer: Officer) -> None:
    if officer.role is not Role.COORDINATOR:
        raise Forbidden(
            "Hanya koordinator yang dapat melihat laporan ini. Only the coordinator may see this report.",
            code="coordinator_only",
        )


ALL_BY = tuple(d for d in DIMENSIONS if d != "all")
