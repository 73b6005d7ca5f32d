"""Charts as SVG drawn on the server from a report's JSON body. Pure; no chart library.

Each chart is an image with a title and a description (``role="img"``, ``<title>``, ``<desc>``)
that say what it shows; the pages put the same figures in a table beside it, so nothing is
only in the picture. Colours are dark enough for 3:1 against white (WCAG non-text contrast),
and the two series also differ in pattern (solid and outlined), not only in colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

CHARTS = ("volume", "answer_days", "satisfaction", "sla")
BLUE, ORANGE, INK, GRID = "#1f5f99", "#a34d00", "#1a1a1a", "#c8c8c8"

TEXT: dict[str, dict[str, str]] = {
    "id": {
        "volume": "Aduan per bulan",
        "volume_desc": "Jumlah aduan masuk dan dijawab setiap bulan",
        "received": "Masuk",
        "answered": "Dijawab",
        "answer_days": "Hari kerja sampai dijawab",
        "answer_days_desc": "Median dan persentil ke-90 hari kerja dari disposisi sampai jawaban, per bulan",
        "median": "Median",
        "p90": "Persentil 90",
        "satisfaction": "Penilaian warga",
        "satisfaction_desc": "Banyaknya penilaian 1 sampai 5 dalam periode",
        "ratings": "Penilaian",
        "sla": "Jawaban tepat waktu per unit (%)",
        "sla_desc": "Persentase jawaban yang dirilis sebelum tenggat, per unit",
        "on_time": "Tepat waktu",
        "empty": "Belum ada data untuk periode ini",
    },
    "en": {
        "volume": "Complaints per month",
        "volume_desc": "Complaints received and answered each month",
        "received": "Received",
        "answered": "Answered",
        "answer_days": "Working days to answer",
        "answer_days_desc": "Median and 90th percentile of working days from disposition to answer, per month",
        "median": "Median",
        "p90": "90th percentile",
        "satisfaction": "Citizens' ratings",
        "satisfaction_desc": "Number of ratings from 1 to 5 in the period",
        "ratings": "Ratings",
        "sla": "Answers on time per unit (%)",
        "sla_desc": "Share of answers released before their deadline, per unit",
        "on_time": "On time",
        "empty": "No data for this period yet",
    },
}


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return float(step * 4)
    return float(value)


def columns(
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    empty: str,
) -> str:
    """Vertical bars: one group per label, one bar per series (name, colour, values)."""
    width, height, left, bottom, top = 600, 320, 44, 60, 44
    plot_w, plot_h = width - left - 16, height - top - bottom
    values = [v for _, _, vs in series for v in vs if v is not None]
    peak = _nice_max(max(values, default=0))
    group = plot_w / max(len(labels), 1)
    bar = min(28.0, (group - 8) / max(len(series), 1))
    parts = [_head(width, height, title, desc), _axis(left, top, plot_w, plot_h, peak)]
    for i, label in enumerate(labels):
        x0 = left + i * group + (group - bar * len(series)) / 2
        for j, (_, colour, vs) in enumerate(series):
            v = vs[i]
            if v is None:
                continue
            h = plot_h * v / peak
            parts.append(_bar(x0 + j * bar, top + plot_h - h, bar - 2, h, colour, outlined=j == 1))
        parts.append(
            f'<text x="{left + i * group + group / 2:.1f}" y="{top + plot_h + 18}" font-size="14" text-anchor="middle" fill="{INK}">{escape(label)}</text>'
        )
    if not values:
        parts.append(
            f'<text x="{width / 2}" y="{top + plot_h / 2}" font-size="16" text-anchor="middle" fill="{INK}">{escape(empty)}</text>'
        )
    parts.append(_legend([(name, colour) for name, colour, _ in series], left, height - 14))
    return "".join(parts) + "</svg>"


def rows(
    title: str, desc: str, labels: Sequence[str], values: Sequence[float], unit: str, empty: str
) -> str:
    """Horizontal bars, one per label (long names: units)."""
    width, line, top, left = 720, 26, 40, 300
    height = top + max(len(labels), 1) * line + 24
    plot_w = width - left - 60
    parts = [_head(width, height, title, desc)]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = top + i * line
        name = label if len(label) <= 42 else label[:41] + "…"
        parts.append(
            f'<text x="{left - 8}" y="{y + 17}" font-size="12" text-anchor="end" fill="{INK}">{escape(name)}</text>'
        )
        parts.append(_bar(left, y + 4, plot_w * v / 100.0, line - 8, BLUE))
        parts.append(
            f'<text x="{left + plot_w * v / 100.0 + 6:.1f}" y="{y + 17}" font-size="12" fill="{INK}">{v:g}{unit}</text>'
        )
    if not labels:
        parts.append(
            f'<text x="{width / 2}" y="{top + 16}" font-size="16" text-anchor="middle" fill="{INK}">{escape(empty)}</text>'
        )
    return "".join(parts) + "</svg>"


def _head(width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="t d" font-family="system-ui, sans-serif">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
        f'<text x="12" y="24" font-size="18" font-weight="bold" fill="{INK}">{escape(title)}</text>'
    )


def _axis(left: float, top: float, plot_w: float, plot_h: float, peak: float) -> str:
    parts = []
    for k in range(5):
        y = top + plot_h - plot_h * k / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="13" text-anchor="end" fill="{INK}">{peak * k / 4:g}</text>'
        )
    return "".join(parts)


def _bar(x: float, y: float, w: float, h: float, colour: str, outlined: bool = False) -> str:
    if outlined:  # the second series: outlined, so it differs without colour too
        return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{colour}"/>'


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> str:
    parts = []
    for i, (name, colour) in enumerate(items):
        cx = x + i * 160
        parts.append(_bar(cx, y - 11, 14, 12, colour, outlined=i == 1))
        parts.append(
            f'<text x="{cx + 20}" y="{y}" font-size="12" fill="{INK}">{escape(name)}</text>'
        )
    return "".join(parts)


def render(chart: str, body: Mapping[str, Any], language: str) -> str:
    """The SVG of one chart from the JSON body of its report (summary, or units for ``sla``)."""
    text = TEXT["en" if language == "en" else "id"]
    if chart == "sla":
        shown = [
            u
            for u in body.get("units", [])
            if u.get("figures") and u["figures"]["sla"]["answer_on_time_pct"] is not None
        ]
        return rows(
            text["sla"],
            text["sla_desc"],
            [u["label"] for u in shown],
            [u["figures"]["sla"]["answer_on_time_pct"] for u in shown],
            "%",
            text["empty"],
        )
    months = body.get("months", [])
    labels = [m["month"][2:] for m in months]  # "26-03": twelve fit at 360 px
    if chart == "volume":
        series = [
            (text["received"], BLUE, [m["received"] for m in months]),
            (text["answered"], ORANGE, [m["answered"] for m in months]),
        ]
        return columns(text["volume"], text["volume_desc"], labels, series, text["empty"])
    if chart == "answer_days":
        series = [
            (text["median"], BLUE, [m["answer_days"]["median"] for m in months]),
            (text["p90"], ORANGE, [m["answer_days"]["p90"] for m in months]),
        ]
        return columns(text["answer_days"], text["answer_days_desc"], labels, series, text["empty"])
    distribution = body["total"]["satisfaction"].get("distribution") or {}
    scores = ["1", "2", "3", "4", "5"]
    return columns(
        text["satisfaction"],
        text["satisfaction_desc"],
        scores,
        [(text["ratings"], BLUE, [distribution.get(s) for s in scores])],
        text["empty"],
    )
