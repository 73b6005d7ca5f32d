"""Figures for people, from aggregate items: months, totals, groups, the unit league. Pure.

Public views hold back any group smaller than ``MIN_GROUP`` complaints (a kelurahan with two
complaints in a month could point at a neighbour), and rating figures on fewer than
``MIN_GROUP`` ratings; officers see every figure of what they may reach.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reports.aggregates import counters_of, histogram, mean, merge, quantile, share
from reports.facts import ARCHIVE_REASONS, SCORES

MIN_GROUP = 5


@dataclass(frozen=True)
class Period:
    first: str  # "YYYY-MM"
    last: str

    def months(self) -> list[str]:
        year, month = map(int, self.first.split("-"))
        found = []
        while f"{year:04d}-{month:02d}" <= self.last:
            found.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def __contains__(self, month: object) -> bool:
        return isinstance(month, str) and self.first <= month <= self.last


def durations(counters: Mapping[str, int], metric: str) -> dict[str, Any]:
    hist = histogram(counters, metric)
    return {
        "count": sum(hist),
        "median": quantile(hist, 0.5),
        "p90": quantile(hist, 0.9),
        "mean": mean(hist),
    }


def figures(
    c: Mapping[str, int], backlog: int | None = None, public: bool = False
) -> dict[str, Any]:
    """Every figure of one group over one period (its counters merged)."""
    g = c.get
    verify_measured = g("verify_on_time", 0) + g("verify_late", 0)
    answer_measured = g("answer_on_time", 0) + g("answer_late", 0)
    rated = g("rated", 0)
    out: dict[str, Any] = {
        "received": g("received", 0),
        "confidential": g("confidential", 0),
        "verified": g("verified", 0),
        "deferred": g("deferred", 0),
        "returned": g("returned", 0),
        "answered": g("answered", 0),
        "answers": g("answers", 0),
        "reopened": g("reopened", 0),
        "closed": g("closed", 0),
        "closed_by": {how: g(f"closed_{how}", 0) for how in ("rating", "coordinator", "auto")},
        "archived": g("archived", 0),
        "archived_by_reason": {reason: g(f"archived_{reason}", 0) for reason in ARCHIVE_REASONS},
        "backlog_end": backlog,
        "verify_days": durations(c, "verify"),
        "answer_days": durations(c, "answer"),
        "close_days": durations(c, "close"),
        "sla": {
            "verify_measured": verify_measured,
            "verify_on_time_pct": share(g("verify_on_time", 0), verify_measured),
            "answer_measured": answer_measured,
            "answer_on_time_pct": share(g("answer_on_time", 0), answer_measured),
            "breached": g("breached", 0),
            "escalated": g("escalated", 0),
        },
        "satisfaction": {
            "rated": rated,
            "mean": round(g("rating_sum", 0) / rated, 2) if rated else None,
            "distribution": {str(s): g(f"rating_{s}", 0) for s in SCORES},
            "rated_share_pct": share(rated, g("answered", 0)),
        },
    }
    if public and 0 < rated < MIN_GROUP:
        out["satisfaction"] = {
            "rated": None,
            "mean": None,
            "distribution": None,
            "rated_share_pct": None,
            "suppressed": True,
        }
    return out


def size(c: Mapping[str, int]) -> int:
    """How many complaints a group's figures are about (for the small-group rule)."""
    return max(
        c.get("received", 0),
        c.get("verified", 0),
        c.get("answered", 0),
        c.get("ended", 0),
        c.get("rated", 0),
    )


def _by_month(items: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, dict[str, int]]]:
    """value -> month -> counters."""
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for item in items:
        out[str(item["value"])][str(item["month"])] = counters_of(item)
    return out


def _backlog(months: Mapping[str, Mapping[str, int]], until: str) -> int:
    return sum(c.get("received", 0) - c.get("ended", 0) for m, c in months.items() if m <= until)


def summary(
    items: Iterable[Mapping[str, Any]], period: Period, public: bool = False
) -> dict[str, Any]:
    """One value's months and totals (``items``: its aggregate items up to ``period.last``, all
    earlier months included, which the backlog needs)."""
    months = next(iter(_by_month(items).values()), {})
    rows = [
        {"month": m, **figures(months.get(m, {}), _backlog(months, m), public)}
        for m in period.months()
    ]
    in_range = merge(c for m, c in months.items() if m in period)
    return {
        "period": {"from": period.first, "to": period.last},
        "total": figures(in_range, _backlog(months, period.last), public),
        "months": rows,
    }


def groups(
    items: Iterable[Mapping[str, Any]],
    period: Period,
    labels: Mapping[str, str],
    public: bool = False,
    only: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Every value of one dimension over the period, most complaints first. ``only`` limits the
    values (an officer's own unit); a public group below ``MIN_GROUP`` shows no figure."""
    rows = []
    for value, months in _by_month(items).items():
        if only is not None and value not in only:
            continue
        in_range = merge(c for m, c in months.items() if m in period)
        backlog = _backlog(months, period.last)
        if not any(in_range.values()) and backlog <= 0:
            continue
        n = max(size(in_range), backlog)
        row: dict[str, Any] = {"value": value, "label": labels.get(value, value), "complaints": n}
        if public and n < MIN_GROUP:
            row.update(complaints=None, suppressed=True, figures=None)
        else:
            row["figures"] = figures(in_range, backlog, public)
        rows.append(row)
    rows.sort(key=lambda r: (-(r["complaints"] or 0), r["value"]))
    return rows


# --- flat rows for CSV and spreadsheets ----------------------------------------------------------

# (key, Indonesian header, English header)
COLUMNS: list[tuple[str, str, str]] = [
    ("received", "Aduan masuk", "Received"),
    ("verified", "Terverifikasi", "Verified"),
    ("verify_on_time_pct", "% verifikasi ≤ tenggat", "% verified on time"),
    ("verify_median", "Median hari kerja verifikasi", "Median working days to verify"),
    ("verify_p90", "P90 hari kerja verifikasi", "P90 working days to verify"),
    ("answered", "Dijawab", "Answered"),
    ("answer_on_time_pct", "% jawaban ≤ tenggat", "% answered on time"),
    ("answer_median", "Median hari kerja jawab", "Median working days to answer"),
    ("answer_p90", "P90 hari kerja jawab", "P90 working days to answer"),
    ("close_median", "Median hari kerja selesai", "Median working days to close"),
    ("close_p90", "P90 hari kerja selesai", "P90 working days to close"),
    ("returned", "Bukan wewenang", "Not our authority"),
    ("reopened", "Dibuka kembali", "Reopened"),
    ("closed", "Selesai", "Closed"),
    ("closed_rating", "Selesai (dinilai)", "Closed by rating"),
    ("closed_auto", "Selesai otomatis", "Auto-closed"),
    ("closed_coordinator", "Ditutup koordinator", "Closed by coordinator"),
    ("archived", "Diarsipkan", "Archived"),
    ("archived_spam", "Arsip: spam", "Archived: spam"),
    ("archived_duplicate", "Arsip: duplikat", "Archived: duplicate"),
    ("archived_out_of_scope", "Arsip: di luar lingkup", "Archived: out of scope"),
    ("archived_other", "Arsip: lainnya", "Archived: other"),
    ("backlog_end", "Belum selesai di akhir periode", "Open at the end"),
    ("breached", "Lewat tenggat", "Deadlines breached"),
    ("escalated", "Dieskalasi ke koordinator", "Escalated to the coordinator"),
    ("rated", "Dinilai", "Rated"),
    ("rating_mean", "Rata-rata penilaian", "Mean rating"),
    ("rated_share_pct", "% jawaban dinilai", "% of answered rated"),
    *[(f"rating_{s}", f"Nilai {s}", f"Rating {s}") for s in SCORES],
]


def flat(f: Mapping[str, Any] | None) -> dict[str, Any]:
    """One row of ``COLUMNS`` from ``figures`` (None: a suppressed group, every cell empty)."""
    if f is None:
        return {key: None for key, _, _ in COLUMNS}
    sat, sla = f["satisfaction"], f["sla"]
    row = {
        **{
            k: f[k]
            for k in (
                "received",
                "verified",
                "answered",
                "returned",
                "reopened",
                "closed",
                "archived",
                "backlog_end",
            )
        },
        "verify_on_time_pct": sla["verify_on_time_pct"],
        "answer_on_time_pct": sla["answer_on_time_pct"],
        "breached": sla["breached"],
        "escalated": sla["escalated"],
        **{
            f"{m}_{q}": f[f"{m}_days"][q]
            for m in ("verify", "answer", "close")
            for q in ("median", "p90")
        },
        **{f"closed_{how}": n for how, n in f["closed_by"].items()},
        **{f"archived_{reason}": n for reason, n in f["archived_by_reason"].items()},
        "rated": sat["rated"],
        "rating_mean": sat["mean"],
        "rated_share_pct": sat["rated_share_pct"],
    }
    distribution = sat["distribution"] or {}
    row.update({f"rating_{s}": distribution.get(str(s)) for s in SCORES})
    return row


def headers(language: str) -> list[str]:
    return [en if language == "en" else id_ for _, id_, en in COLUMNS]


def table(
    first: list[tuple[str, str]],
    rows: list[tuple[list[Any], Mapping[str, Any] | None]],
    language: str,
) -> tuple[list[str], list[list[Any]]]:
    """Headers and cells: leading columns (``first``: (id, en) headers) then every figure."""
    head = [en if language == "en" else id_ for id_, en in first] + headers(language)
    body = [lead + [flat(f)[key] for key, _, _ in COLUMNS] for lead, f in rows]
    return head, body
