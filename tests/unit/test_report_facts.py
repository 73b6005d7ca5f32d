"""What one complaint's history adds to the figures (pure): order does not matter, an officer's
reclassification moves the counts, quantiles of the working-day histograms."""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path

from aduan.calendar import WorkingCalendar, load_zone
from reports.aggregates import difference, histogram, quantile, total
from reports.facts import Entry, contribution

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed"
CALENDAR = WorkingCalendar.from_seed(json.loads((SEED / "calendar.json").read_text()))
WIB = load_zone("Asia/Jakarta")


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=WIB)


def history() -> list[Entry]:
    received = {
        "received_at": at(2).isoformat(),
        "channel": "web",
        "location": {"kecamatan": "klojen", "kelurahan": "klojen-oro-oro-dowo"},
        "confidential": True,
    }
    moved = {
        "status": "dispatched",
        "unit_id": "dpuprpkp",
        "bidang_id": None,
        "actor_role": "coordinator",
        "deadlines": {"answer": at(11, 23).isoformat()},
    }
    return [
        Entry("ComplaintReceived", at(2), received),
        Entry(
            "ComplaintRouted",
            at(2, 10),
            {
                "category": "roads",
                "type": "pengaduan",
                "kecamatan": "klojen",
                "kelurahan": "klojen-oro-oro-dowo",
            },
        ),
        # Mon 2 Nov -> Wed 4 Nov: 2 working days.
        Entry("ComplaintVerified", at(4), {**moved, "category": "roads"}, "E#1"),
        Entry("ComplaintDispatched", at(4), moved, "E#2"),
        Entry(
            "ComplaintReclassified",
            at(5),
            {**moved, "category": "drainage", "kecamatan": "lowokwaru", "kelurahan": None},
        ),
        # Wed 4 -> Mon 9 Nov: 3 working days (5, 6, 9), before the deadline.
        Entry("ComplaintResponded", at(9), {**moved, "status": "responded"}),
    ]


def test_the_order_of_delivery_does_not_change_the_contribution():
    expected = contribution(history(), CALENDAR)
    for seed in range(5):
        shuffled = history()
        random.Random(seed).shuffle(shuffled)
        assert contribution(shuffled, CALENDAR) == expected


def test_a_reclassified_complaint_counts_under_its_new_category_and_area():
    found = contribution(history(), CALENDAR)
    assert found[("category", "2026-11", "drainage")]["received"] == 1
    assert ("category", "2026-11", "roads") not in found
    assert found[("kecamatan", "2026-11", "lowokwaru")]["answer_d3"] == 1
    assert found[("kelurahan", "2026-11", "none")]["received"] == 1
    city = found[("all", "2026-11", "kota")]
    assert city == {
        "received": 1,
        "confidential": 1,
        "verified": 1,
        "verify_d2": 1,
        "verify_on_time": 1,
        "answered": 1,
        "answers": 1,
        "answer_d3": 1,
        "answer_on_time": 1,
    }
    assert found[("unit", "2026-11", "dpuprpkp")]["answer_on_time"] == 1


def test_without_its_receipt_a_complaint_counts_nothing_yet():
    assert contribution(history()[2:], CALENDAR) == {}


def test_difference_and_total_add_up():
    before = contribution(history()[:4], CALENDAR)
    after = contribution(history(), CALENDAR)
    assert total([before, difference(after, before)]) == after


def test_nearest_rank_quantiles_of_a_histogram():
    counters = {"answer_d1": 1, "answer_d2": 1, "answer_d10": 2}
    hist = histogram(counters, "answer")
    assert (quantile(hist, 0.5), quantile(hist, 0.9)) == (2, 10)
    assert quantile(histogram({}, "answer"), 0.5) is None
    assert quantile(histogram({"answer_d60": 1}, "answer"), 0.5) == 60
