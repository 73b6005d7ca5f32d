"""The reports' figures: aggregate writes per complaint lifecycle, the read cost of a 12-month
summary, and the time to export 10,000 complaints.

    .venv/bin/python -m bench.reports [--complaints 10000]

On an embedded moto server (real DynamoDB API calls over HTTP). Read cost is counted from what
each Query returned, with DynamoDB's rule for eventually consistent reads: 0.5 RCU per 4 KB of
items per page (item sizes estimated as DynamoDB counts them: attribute names + values).
Figures only: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [
    str(ROOT),
    str(ROOT / "shared"),
    str(ROOT / "services" / "reports"),
    str(ROOT / "services" / "web"),
    str(ROOT / "services" / "routing"),
]


def _value_size(value: dict[str, Any]) -> int:
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode())
    if kind == "N":
        return math.ceil(len(raw.strip("-").replace(".", "")) / 2) + 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + _value_size(v) + 1 for k, v in raw.items())
    if kind == "L":
        return 3 + sum(_value_size(v) + 1 for v in raw)
    return 1


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


class ReadMeter:
    """Counts Query pages, items and RCUs through botocore's event hooks."""

    def __init__(self) -> None:
        self.pages = self.items = 0
        self.rcu = 0.0

    def __call__(self, http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
        if "Items" not in parsed:
            return
        self.pages += 1
        self.items += len(parsed["Items"])
        size = sum(item_size(i) for i in parsed["Items"])
        self.rcu += 0.5 * max(1, math.ceil(size / 4096))


def lifecycle_writes(repo: Any) -> tuple[int, list[tuple[str, int]]]:
    """One complaint, received to rated, through the real workflow; aggregate items each event adds to."""
    from aduan import reference
    from aduan.calendar import load_zone
    from aduan.complaint import ComplaintForm
    from aduan.events import parse_event
    from aduan.lifecycle import Action, Role
    from aduan.workflow import CITIZEN, Actor, Change, act, load_clock
    from reports.count import count_all
    from reports.facts import EVENTS
    from reports.store import ReportStore
    from web.complaints import submit

    wib = load_zone("Asia/Jakarta")
    at = datetime(2026, 11, 9, 9, tzinfo=wib)
    reference.forget()
    form = ComplaintForm.checked(
        title="Jalan berlubang",
        description="Jalan berlubang besar di depan sekolah, berbahaya.",
        location={"kecamatan": "klojen", "kelurahan": "klojen-oro-oro-dowo"},
    )
    complaint = submit(form, repo, "", at).complaint
    clock = load_clock(repo)
    coord, admin = (
        Actor(Role.COORDINATOR, "c", "diskominfo"),
        Actor(Role.UNIT_ADMIN, "a", "dpuprpkp"),
    )
    bidang = Actor(Role.BIDANG, "b", "dpuprpkp", "dpuprpkp.bina-marga")
    answer = "Yth. Bapak/Ibu Pelapor, terima kasih atas laporan Anda. Jalan berlubang telah kami tambal dan dapat dilalui kembali dengan aman. Terima kasih."
    steps = [
        (Change(Action.VERIFY, coord, unit_id="dpuprpkp"), 1),
        (Change(Action.DISPATCH, admin, bidang_id="dpuprpkp.bina-marga"), 2),
        (Change(Action.DRAFT_ANSWER, bidang, text=answer), 3),
        (Change(Action.RELEASE, admin), 3),
        (Change(Action.RATE, CITIZEN, score=5), 4),
    ]
    store = ReportStore(repo)
    written: list[tuple[str, int]] = []
    original = store.transact

    def transact(items: list[dict[str, Any]]) -> None:
        adds = [
            i for i in items if "Update" in i and i["Update"]["Key"]["PK"]["S"].startswith("RPT#")
        ]
        written.append(("", len(adds)))
        original(items)

    store.transact = transact  # type: ignore[method-assign]
    seen: set[str] = set()
    names: list[str] = []

    def deliver() -> None:
        # As the queue would: each new event of the consumer's rule, right after its step.
        _, history = repo.with_history(complaint.id)
        for entry in history:
            if entry.event_id not in seen and entry.detail_type in EVENTS:
                seen.add(entry.event_id)
                event = parse_event(entry.detail_type, entry.detail)
                outcome = count_all(store, [event], clock, datetime.now(UTC))[event.event_id]
                if outcome == "counted":
                    names.append(entry.detail_type)

    deliver()
    for change, day in steps:
        act(repo, complaint.id, change, clock, at + timedelta(days=day, hours=1))
        deliver()
    per_event = [(name, n) for name, (_, n) in zip(names, written, strict=True)]
    return sum(n for _, n in per_event), per_event


def read_cost(repo: Any, months: int = 12) -> dict[str, Any]:
    """A city with every unit active for 12 months: what the summary and the league read."""
    from aduan import aws
    from aduan.workflow import load_clock
    from reports import service
    from reports.store import ReportStore

    store = ReportStore(repo)
    units = [json.loads(u["body"])["id"] for u in repo.reference("unit")]
    typical = {
        "received": 40,
        "verified": 38,
        "verify_d1": 20,
        "verify_d2": 12,
        "verify_d3": 6,
        "verify_on_time": 35,
        "verify_late": 3,
        "answered": 35,
        "answers": 37,
        "answer_d2": 10,
        "answer_d3": 12,
        "answer_d4": 9,
        "answer_d6": 6,
        "answer_on_time": 30,
        "answer_late": 7,
        "closed": 33,
        "closed_rating": 20,
        "closed_auto": 13,
        "close_d7": 15,
        "close_d12": 18,
        "ended": 36,
        "archived": 3,
        "archived_spam": 2,
        "archived_duplicate": 1,
        "rated": 20,
        "rating_sum": 82,
        "rating_4": 8,
        "rating_5": 10,
        "rating_3": 2,
        "breached": 5,
        "breached_answer": 5,
        "escalated": 2,
        "escalated_answer": 2,
        "returned": 1,
        "reopened": 1,
    }
    month_names = [f"2026-{m:02d}" for m in range(1, months + 1)]
    requests = [
        store.put_aggregate(("all", m, "kota"), {k: v * len(units) for k, v in typical.items()})
        for m in month_names
    ]
    requests += [store.put_aggregate(("unit", m, u), typical) for m in month_names for u in units]
    store.batch_write(requests)
    meter = ReadMeter()
    ddb = aws.client("dynamodb")
    ddb.meta.events.register("after-call.dynamodb.Query", meter)
    ctx = service.Context(store, load_clock(repo).calendar, datetime(2026, 12, 15, tzinfo=UTC))
    period = service.Period(month_names[0], month_names[-1])
    figures: dict[str, Any] = {}
    for name, run in (
        ("summary", lambda: service.summary(ctx, period, "all", "kota", None, public=True)),
        ("units", lambda: service.units_table(ctx, period, public=True)),
    ):
        ctx.labels()  # reference data is cached per container; measure the report's own reads
        meter.pages = meter.items = 0
        meter.rcu = 0.0
        started = time.perf_counter()
        run()
        figures[name] = {
            "queries": meter.pages,
            "items": meter.items,
            "rcu": meter.rcu,
            "ms": round(1000 * (time.perf_counter() - started), 1),
        }
    ddb.meta.events.unregister("after-call.dynamodb.Query", meter)
    figures["units_count"] = len(units)
    return figures


def export_time(n: int) -> dict[str, float]:
    """Rows and files for n complaints of one unit (the part after the reads)."""
    from aduan.calendar import load_zone
    from aduan.complaint import Complaint, Rating
    from aduan.status import Status
    from reports import lists
    from reports.formats import Sheet, to_csv, to_xlsx

    wib = load_zone("Asia/Jakarta")
    start = datetime(2026, 1, 1, 8, tzinfo=wib)
    statuses = list(Status)
    complaints = [
        Complaint.checked(
            id=f"C{i:05d}-X",
            status=statuses[i % len(statuses)],
            channel="web",
            type="pengaduan",
            title=f"Jalan berlubang nomor {i}",
            description="-",
            category="roads",
            location={"kecamatan": "klojen", "kelurahan": "klojen-oro-oro-dowo"},
            unit_id="dpuprpkp",
            bidang_id="dpuprpkp.bina-marga",
            received_at=start + timedelta(minutes=37 * i),
            updated_at=start + timedelta(minutes=37 * i),
            deadlines={"answer": start + timedelta(days=i % 30)},
            rating=Rating(score=1 + i % 5, at=start + timedelta(days=i % 30))
            if i % 3 == 0
            else None,
        )
        for i in range(n)
    ]
    labels = {
        "category": {"roads": "Jalan, Jembatan dan Trotoar"},
        "kecamatan": {"klojen": "Klojen"},
        "kelurahan": {"klojen-oro-oro-dowo": "Oro-oro Dowo"},
        "unit": {"dpuprpkp": "DPUPRPKP"},
        "bidang": {"dpuprpkp.bina-marga": "Bina Marga"},
    }
    now = datetime(2026, 12, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    rows = [lists.row(c, labels, now, wib, "id") for c in complaints]
    sheet = Sheet("Daftar aduan", lists.headers("id"), lists.cells(rows), "Daftar aduan")
    t1 = time.perf_counter()
    csv = to_csv(sheet)
    t2 = time.perf_counter()
    xlsx = to_xlsx([sheet])
    t3 = time.perf_counter()
    return {
        "rows_s": t1 - t0,
        "csv_s": t2 - t1,
        "xlsx_s": t3 - t2,
        "csv_kb": len(csv) / 1024,
        "xlsx_kb": len(xlsx) / 1024,
    }


def main() -> None:
    import os

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--complaints", type=int, default=10_000)
    args = parser.parse_args()

    from aduan import aws, reference
    from aduan.repository import ComplaintRepository
    from infra.local import template
    from infra.local.cloud import free_port
    from infra.local.emulator import EmbeddedMoto
    from infra.seeding import load_seed

    port = free_port()
    server = EmbeddedMoto(port)
    server.start()
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "ap-southeast-3",
        }
    )
    aws.reset_clients()
    try:
        props = template.to_cloudformation(template.load())["Resources"]["ComplaintTable"][
            "Properties"
        ]
        ddb = aws.client("dynamodb")
        ddb.create_table(
            TableName="bench-reports",
            AttributeDefinitions=props["AttributeDefinitions"],
            KeySchema=props["KeySchema"],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=props["GlobalSecondaryIndexes"],
        )
        repo = ComplaintRepository("bench-reports")
        repo.put_items(reference.seed_items(load_seed()))

        total, per_event = lifecycle_writes(repo)
        print(
            f"aggregate items written per complaint lifecycle (received -> rated, {len(per_event)} events): {total}"
        )
        for name, n in per_event:
            print(f"  {name:<28} {n:>3} aggregate items (+ marker + report state, one transaction)")
        cost = read_cost(repo)
        s, u = cost["summary"], cost["units"]
        print(
            f"12-month public summary: {s['queries']} Query, {s['items']} items read, {s['rcu']:.1f} RCU (eventually consistent), {s['ms']} ms on moto"
        )
        print(
            f"12-month unit league ({cost['units_count']} units): {u['queries']} Query pages, {u['items']} items read, {u['rcu']:.1f} RCU, {u['ms']} ms on moto"
        )
        exported = export_time(args.complaints)
        print(
            f"export of {args.complaints} complaints (rows + file, after the reads): rows {exported['rows_s']:.2f} s, "
            f"CSV {exported['csv_s']:.2f} s ({exported['csv_kb']:.0f} KB), XLSX {exported['xlsx_s']:.2f} s ({exported['xlsx_kb']:.0f} KB)"
        )
        print(
            json.dumps(
                {"lifecycle_aggregate_items": total, "summary": s, "units": u, "export": exported}
            )
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
