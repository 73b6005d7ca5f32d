"""What one complaint adds to the city's figures, read from its history. Pure.

A complaint's *contribution* is a set of counters per aggregate (dimension, month, value), e.g.
``("unit", "2026-03", "dpuprpkp") -> {"received": 1, "verify_d2": 1, "verify_on_time": 1}``. It
is recomputed from the complaint's whole history each time one of its events arrives, so the
order in which events are delivered does not matter, and a re-routed complaint moves its counts
from the old unit to the new one. The consumer writes the difference between the new and the
recorded contribution; the rebuild sums the contributions of every complaint. Both use this
module, so the two agree by construction and a test checks that they do.

Definitions (what a city official reads in the report):

* Months are calendar months in the city's time zone (WIB for Malang).
* Durations are working days on the deadlines' calendar, ``WorkingCalendar.working_days_between``
  (weekends, libur nasional and cuti bersama skipped; the first day excluded, the last included).
  Each duration goes into an exact histogram of whole working days (``verify_d0`` ...
  ``verify_d60``; 60 means "60 or more"), so medians and 90th percentiles are exact at the
  resolution of a working day and histograms of months and units simply add up.
* ``received``: the month of receipt. ``verified``: the first verification, with the time from
  receipt and whether it came before the verify deadline in force (counted as the workflow sets
  it: from receipt, or from the citizen's answer to a deferral, in the category's working days).
* An *answer cycle* runs from a disposition to a unit (or a citizen reopening an answer) to the
  released answer: ``answer_d<n>`` and ``answer_on_time``/``answer_late`` against the answer
  deadline carried by the event that opened the cycle. ``answered`` counts complaints (their
  first answer); the cycles also count reopened answers.
* ``returned``: bukan wewenang by a unit, counted for the unit that returned it.
* ``closed_rating`` / ``closed_coordinator`` / ``closed_auto``, ``archived_<reason>``; a complaint
  ends (``ended``) once, and the backlog at the end of a month is received minus ended, summed
  over every month up to it.
* ``breached``: a deadline passed (the first escalation, to the unit head); ``escalated``: it was
  still breached a working day later and went to the coordinator.
* ``rated``, ``rating_sum`` and ``rating_<1..5>``: the citizen's rating.

Who a figure belongs to: the unit and bidang of the step itself for answers, returns, breaches,
reopenings and ratings; the complaint's current unit and bidang for the rest. Category, area,
channel and type are the complaint's current values. A complaint counts in every dimension, a
confidential (rahasia) one too (``confidential`` counts them): figures are counts, never text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aduan.calendar import WorkingCalendar
from aduan.deadlines import DeadlineRules

DIMENSIONS = ("all", "unit", "bidang", "category", "kecamatan", "kelurahan", "channel", "type")
CITY = "kota"  # the one value of the "all" dimension
UNKNOWN = "none"  # a dimension the complaint has no value for yet (e.g. no kelurahan given)
HISTOGRAM_CAP = 60  # working days; the last bucket holds 60 and more
DURATIONS = ("verify", "answer", "close")
ARCHIVE_REASONS = ("spam", "duplicate", "out_of_scope", "other")
SCORES = (1, 2, 3, 4, 5)

# The events that change a complaint's figures (the consumer's rule delivers exactly these).
EVENTS = (
    "ComplaintReceived",
    "ComplaintRouted",
    "ComplaintNeedsTriage",
    "ComplaintReclassified",
    "ComplaintVerified",
    "ComplaintDeferred",
    "ComplaintDispatched",
    "ComplaintAssignedToBidang",
    "ComplaintNotAuthority",
    "ComplaintArchived",
    "ComplaintResponded",
    "ComplaintClosed",
    "ComplaintAutoClosed",
    "CitizenReplied",
    "ComplaintRated",
    "DeadlineBreached",
)

AggregateKey = tuple[str, str, str]  # (dimension, month "YYYY-MM", value)
Contribution = dict[AggregateKey, dict[str, int]]


@dataclass(frozen=True)
class Entry:
    """One history item: what the repository stores as ``E#`` items."""

    detail_type: str
    occurred_at: datetime
    data: Mapping[str, Any]
    sort: str = ""  # the item's SK: ties (events of one change) keep their written order
    event_id: str = ""


# The fields of an event's data that the figures read (a `location` and the `deadlines` only in
# part): what the report state keeps of each event it has counted, so the next event of the same
# complaint needs no history read. Keys are kept only where present (`"status" in data` counts).
FACT_FIELDS = frozenset(
    {
        "received_at",
        "channel",
        "type",
        "category_hint",
        "confidential",
        "category",
        "kecamatan",
        "kelurahan",
        "status",
        "unit_id",
        "bidang_id",
        "actor_role",
        "from_unit_id",
        "reason_code",
        "score",
        "reopened",
        "answered_deferral",
        "escalated_to",
        "kind",
    }
)


def compact(entry: Entry) -> Entry:
    """The entry with only what the figures read (its contribution is the same, a test checks)."""
    data = entry.data
    kept: dict[str, Any] = {k: data[k] for k in FACT_FIELDS if k in data}
    location = data.get("location")
    if location:
        kept["location"] = {
            k: location[k] for k in ("kecamatan", "kelurahan") if location.get(k) is not None
        }
    deadlines = data.get("deadlines")
    if deadlines and deadlines.get("answer"):
        kept["deadlines"] = {"answer": deadlines["answer"]}
    return Entry(entry.detail_type, entry.occurred_at, kept, entry.sort, entry.event_id)


@dataclass
class _Fact:
    at: datetime
    counters: dict[str, int]
    unit: str | None = None  # the step's own unit/bidang (None: the complaint's current ones)
    bidang: str | None = None
    own_unit: bool = False


@dataclass
class _Cycle:
    start: datetime
    due: datetime | None
    unit: str | None
    bidang: str | None


@dataclass
class _State:
    received_at: datetime | None = None
    channel: str | None = None
    type: str | None = None
    category_hint: str | None = None
    category: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    unit: str | None = None
    bidang: str | None = None
    status: str = "received"
    verify_start: datetime | None = None
    verify_category: str | None = None
    verified: bool = False
    answered: bool = False
    ended: bool = False
    cycle: _Cycle | None = None
    facts: list[_Fact] = field(default_factory=list)


def histogram_field(metric: str, days: int) -> str:
    return f"{metric}_d{min(max(days, 0), HISTOGRAM_CAP)}"


def parse_time(raw: Any) -> datetime:
    return (
        raw
        if isinstance(raw, datetime)
        else datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    )


def entries_of(items: Iterable[Mapping[str, Any]]) -> list[Entry]:
    """History entries from table items or ``HistoryEntry``-like dicts (``detail`` parsed or JSON)."""
    import json

    found = []
    for item in items:
        detail = item["detail"]
        if isinstance(detail, str):
            detail = json.loads(detail)
        found.append(
            Entry(
                item["detail_type"],
                parse_time(item["occurred_at"]),
                detail.get("data", {}),
                item.get("SK", ""),
                item.get("event_id", ""),
            )
        )
    return found


def contribution(
    entries: Iterable[Entry],
    calendar: WorkingCalendar,
    category_deadlines: Mapping[str, Mapping[str, int]] | None = None,
) -> Contribution:
    """The complaint's counters per aggregate, from its history (any order; sorted here)."""
    ordered = sorted(entries, key=lambda e: (e.occurred_at, e.sort))
    state = _State()
    for entry in ordered:
        _STEPS.get(entry.detail_type, _ignore)(state, entry, calendar, category_deadlines or {})
    if state.received_at is None:
        return {}  # the receipt is the complaint's first item: without it nothing counts yet
    return _spread(state, calendar)


# --- one step per event type ------------------------------------------------------------------


def _ignore(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    return None


def _transition(state: _State, entry: Entry) -> str:
    """Keep the complaint's current unit, bidang and status; the status before this step."""
    before = state.status
    data = entry.data
    if "status" in data:
        state.status = data["status"]
    if "unit_id" in data:
        state.unit = data.get("unit_id")
        state.bidang = data.get("bidang_id")
    return before


def _received(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    data = entry.data
    location = data.get("location") or {}
    state.received_at = parse_time(data.get("received_at") or entry.occurred_at)
    state.channel = data.get("channel")
    state.type = data.get("type") or state.type
    state.category_hint = data.get("category_hint")
    state.kecamatan = state.kecamatan or location.get("kecamatan")
    state.kelurahan = state.kelurahan or location.get("kelurahan")
    state.verify_start, state.verify_category = (
        state.received_at,
        state.category or state.category_hint,
    )
    counters = {"received": 1}
    if data.get("confidential"):
        counters["confidential"] = 1
    state.facts.append(_Fact(state.received_at, counters))


def _routed(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    data = entry.data
    state.category = data.get("category") or state.category
    state.type = data.get("type") or state.type
    state.kecamatan = data.get("kecamatan") or state.kecamatan
    state.kelurahan = data.get("kelurahan") or state.kelurahan


def _reclassified(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    """An officer corrected the category or the area: the complaint counts under the new ones."""
    _transition(state, entry)
    data = entry.data
    state.category = data.get("category") or state.category
    state.kecamatan = data.get("kecamatan") or state.kecamatan
    state.kelurahan = data.get("kelurahan")


def _verified(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    _transition(state, entry)
    state.category = entry.data.get("category") or state.category
    if state.verified or state.received_at is None:
        return
    state.verified = True
    counters = {
        "verified": 1,
        histogram_field(
            "verify", calendar.working_days_between(state.received_at, entry.occurred_at)
        ): 1,
    }
    start = state.verify_start or state.received_at
    due = DeadlineRules(calendar, deadlines.get(state.verify_category or "")).verify_due(start)
    counters["verify_on_time" if entry.occurred_at <= due else "verify_late"] = 1
    state.facts.append(_Fact(entry.occurred_at, counters))


def _deferred(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    _transition(state, entry)
    state.facts.append(_Fact(entry.occurred_at, {"deferred": 1}))


def _open_cycle(state: _State, entry: Entry) -> None:
    data = entry.data
    due = (data.get("deadlines") or {}).get("answer")
    state.cycle = _Cycle(
        entry.occurred_at,
        parse_time(due) if due else None,
        data.get("unit_id"),
        data.get("bidang_id"),
    )


def _dispatched(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    _transition(state, entry)
    _open_cycle(state, entry)  # a re-route starts the new unit's clock afresh


def _assigned(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    _transition(state, entry)
    if state.cycle is not None:
        state.cycle.bidang = entry.data.get("bidang_id")


def _not_authority(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    _transition(state, entry)
    data = entry.data
    if data.get("actor_role") == "unit_admin":
        state.facts.append(
            _Fact(entry.occurred_at, {"returned": 1}, unit=data.get("from_unit_id"), own_unit=True)
        )
    if data.get("from_unit_id"):
        state.cycle = None  # the unit no longer has it: its clock stops unanswered


def _archived(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    _transition(state, entry)
    reason = entry.data.get("reason_code") or "other"
    counters = {f"archived_{reason}": 1, "archived": 1}
    _end(state, counters)
    state.cycle = None
    state.facts.append(_Fact(entry.occurred_at, counters))


def _end(state: _State, counters: dict[str, int]) -> None:
    if not state.ended:
        state.ended = True
        counters["ended"] = 1


def _responded(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    _transition(state, entry)
    data = entry.data
    if not state.answered:
        state.answered = True
        state.facts.append(_Fact(entry.occurred_at, {"answered": 1}))
    cycle = state.cycle
    if cycle is None:
        return
    counters = {
        "answers": 1,
        histogram_field("answer", calendar.working_days_between(cycle.start, entry.occurred_at)): 1,
    }
    if cycle.due is not None:
        counters["answer_on_time" if entry.occurred_at <= cycle.due else "answer_late"] = 1
    state.facts.append(
        _Fact(
            entry.occurred_at,
            counters,
            unit=data.get("unit_id"),
            bidang=data.get("bidang_id"),
            own_unit=True,
        )
    )
    state.cycle = None


def _closed(state: _State, entry: Entry, how: str, calendar: WorkingCalendar) -> None:
    counters = {f"closed_{how}": 1, "closed": 1}
    if state.received_at is not None:
        counters[
            histogram_field(
                "close", calendar.working_days_between(state.received_at, entry.occurred_at)
            )
        ] = 1
    _end(state, counters)
    state.facts.append(_Fact(entry.occurred_at, counters))


def _closed_by_coordinator(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    before = _transition(state, entry)
    if before != "closed":
        _closed(state, entry, "coordinator", calendar)


def _auto_closed(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    before = _transition(state, entry)
    if before != "closed":
        _closed(state, entry, "auto", calendar)


def _rated(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    before = _transition(state, entry)
    data = entry.data
    score = int(data.get("score") or 0)
    if score in SCORES:
        counters = {"rated": 1, "rating_sum": score, f"rating_{score}": 1}
        state.facts.append(
            _Fact(
                entry.occurred_at,
                counters,
                unit=data.get("unit_id"),
                bidang=data.get("bidang_id"),
                own_unit=True,
            )
        )
    if before == "responded":
        _closed(state, entry, "rating", calendar)


def _citizen_replied(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    _transition(state, entry)
    data = entry.data
    if data.get("reopened"):
        _open_cycle(state, entry)
        state.facts.append(
            _Fact(
                entry.occurred_at,
                {"reopened": 1},
                unit=data.get("unit_id"),
                bidang=data.get("bidang_id"),
                own_unit=True,
            )
        )
    if data.get("answered_deferral"):
        # The verify clock starts again from the citizen's answer, with the category known now.
        state.verify_start, state.verify_category = (
            entry.occurred_at,
            state.category or state.category_hint,
        )


def _breached(
    state: _State, entry: Entry, calendar: WorkingCalendar, deadlines: Mapping[str, Any]
) -> None:
    data = entry.data
    name = "escalated" if data.get("escalated_to") == "coordinator" else "breached"
    counters = {name: 1, f"{name}_{data.get('kind', 'verify')}": 1}
    state.facts.append(
        _Fact(
            entry.occurred_at,
            counters,
            unit=data.get("unit_id"),
            bidang=data.get("bidang_id"),
            own_unit=True,
        )
    )


_STEPS = {
    "ComplaintReceived": _received,
    "ComplaintRouted": _routed,
    "ComplaintNeedsTriage": _routed,
    "ComplaintReclassified": _reclassified,
    "ComplaintVerified": _verified,
    "ComplaintDeferred": _deferred,
    "ComplaintDispatched": _dispatched,
    "ComplaintAssignedToBidang": _assigned,
    "ComplaintNotAuthority": _not_authority,
    "ComplaintArchived": _archived,
    "ComplaintResponded": _responded,
    "ComplaintClosed": _closed_by_coordinator,
    "ComplaintAutoClosed": _auto_closed,
    "CitizenReplied": _citizen_replied,
    "ComplaintRated": _rated,
    "DeadlineBreached": _breached,
}


# --- facts -> aggregates ------------------------------------------------------------------------


def month_of(moment: datetime, calendar: WorkingCalendar) -> str:
    return calendar.to_local(moment).strftime("%Y-%m")


def _spread(state: _State, calendar: WorkingCalendar) -> Contribution:
    """Each fact counted in every dimension the complaint has a value in."""
    common = {
        "all": CITY,
        "category": state.category or state.category_hint or UNKNOWN,
        "kecamatan": state.kecamatan or UNKNOWN,
        "kelurahan": state.kelurahan or UNKNOWN,
        "channel": state.channel or UNKNOWN,
        "type": state.type or UNKNOWN,
    }
    out: Contribution = {}
    for fact in state.facts:
        month = month_of(fact.at, calendar)
        unit, bidang = (fact.unit, fact.bidang) if fact.own_unit else (state.unit, state.bidang)
        values = {**common, "unit": unit, "bidang": bidang}
        for dimension in DIMENSIONS:
            value = values[dimension]
            if value is None:
                continue  # no unit yet (the coordinator's stage): counted city-wide, not per unit
            counters = out.setdefault((dimension, month, value), {})
            for name, n in fact.counters.items():
                counters[name] = counters.get(name, 0) + n
    return out
