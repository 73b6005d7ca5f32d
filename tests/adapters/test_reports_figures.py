"""The reports are right to the complaint: seven complaints through the real workflow on a moto
server, with a fixed clock across the Nyepi / Idul Fitri holidays and cuti bersama of March 2026,
Good Friday and 1 May; deferral, bukan wewenang, breaches and escalations by the SLA sweep, a
reopened answer, auto-close, ratings before and after closing, a duplicate and a spam archive,
a rahasia complaint. Every event is delivered to the reports consumer in shuffled order, some
twice. The expected figures below were counted by hand from the calendar (working days listed
in each comment), not by the reports code. Then the rebuild must write exactly the same items.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from aduan import reference
from aduan.calendar import load_zone
from aduan.complaint import ComplaintForm
from aduan.events import parse_event
from aduan.lifecycle import Action, Role
from aduan.repository import ComplaintRepository
from aduan.workflow import CITIZEN, Actor, Change, act, load_clock
from reports import handler as reports_handler
from reports.aggregates import counters_of, histogram, merge, quantile
from reports.facts import DIMENSIONS
from reports.rebuild import rebuild
from reports.store import ReportStore

WIB = load_zone("Asia/Jakarta")
A = Action
COORD = Actor(Role.COORDINATOR, "sub-coord", "diskominfo")
ROADS_ADMIN = Actor(Role.UNIT_ADMIN, "sub-pu", "dpuprpkp")
ROADS_BIDANG = Actor(Role.BIDANG, "sub-pu-bm", "dpuprpkp", "dpuprpkp.bina-marga")
TRAFFIC_ADMIN = Actor(Role.UNIT_ADMIN, "sub-dishub", "dishub")
TRAFFIC_BIDANG = Actor(Role.BIDANG, "sub-dishub-ll", "dishub", "dishub.lalu-lintas")
ANSWER = (
    "Yth. Bapak/Ibu Pelapor, terima kasih atas laporan Anda. Jalan berlubang di Jalan Ijen telah "
    "kami tambal pada hari Selasa dan dapat dilalui kembali dengan aman. Terima kasih atas perhatian Bapak/Ibu."
)


def wib(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def world(aws_env, complaint_table, monkeypatch):
    from infra.seeding import load_seed
    from routing import handler as routing_handler

    name, _ = complaint_table
    repo = ComplaintRepository(name)
    repo.put_items(reference.seed_items(load_seed()))
    reference.forget()
    monkeypatch.setattr(routing_handler, "repository", lambda: repo)
    yield repo
    reference.forget()


def submit(
    repo: ComplaintRepository, at: datetime, title: str, description: str, **form: Any
) -> str:
    from routing import handler as routing_handler
    from routing.assign import record_proposal
    from web.complaints import submit as intake_submit

    complaint = intake_submit(
        ComplaintForm.checked(
            title=title,
            description=description,
            location={"kecamatan": "klojen", "kelurahan": "klojen-oro-oro-dowo"},
            **form,
        ),
        repo,
        "",
        at,
    ).complaint
    _, history = repo.with_history(complaint.id)
    received = parse_event(history[0].detail_type, history[0].detail)
    routed = record_proposal(received, repo, routing_handler.propose, now=datetime.now(UTC))
    assert routed in ("routed", "triage")
    return complaint.id


def do(
    repo: ComplaintRepository,
    complaint_id: str,
    at: datetime,
    action: Action,
    actor: Actor,
    **change: Any,
) -> None:
    act(repo, complaint_id, Change(action, actor, **change), load_clock(repo), at)


def release(
    repo: ComplaintRepository, complaint_id: str, at: datetime, admin: Actor, bidang: Actor
) -> None:
    do(repo, complaint_id, at.replace(hour=8), A.DRAFT_ANSWER, bidang, text=ANSWER)
    do(repo, complaint_id, at, A.RELEASE, admin)


def sweep(repo: ComplaintRepository, at: datetime) -> dict[str, Any]:
    from casework import sweep as sla_sweep

    return sla_sweep.run(at, repo)


def story(repo: ComplaintRepository) -> dict[str, str]:
    """The seven complaints, in the order things happened."""
    road = (
        "Jalan berlubang besar",
        "Jalan berlubang dan aspal rusak parah di depan sekolah, membahayakan pengendara motor.",
    )
    ids: dict[str, str] = {}
    # C1: Mon 2 Mar 09:00. Verified + to DPUPRPKP Wed 4 Mar (2 wd: 3, 4; due end Thu 5: on time).
    ids["c1"] = submit(repo, wib(3, 2), *road)
    do(repo, ids["c1"], wib(3, 4, 10), A.VERIFY, COORD, unit_id="dpuprpkp")
    do(repo, ids["c1"], wib(3, 4, 11), A.DISPATCH, ROADS_ADMIN, bidang_id="dpuprpkp.bina-marga")
    # Answered Tue 10 Mar (4 wd from Wed 4: 5, 6, 9, 10; due end Wed 11: on time); rated 5 on
    # Wed 11 Mar: closed by the rating, 7 wd after receipt (3, 4, 5, 6, 9, 10, 11).
    release(repo, ids["c1"], wib(3, 10, 10), ROADS_ADMIN, ROADS_BIDANG)
    do(repo, ids["c1"], wib(3, 11, 12), A.RATE, CITIZEN, score=5)
    # C3: Sat 7 Mar, archived as a duplicate of C1 on Mon 9 Mar.
    ids["c3"] = submit(repo, wib(3, 7, 10), *road)
    do(
        repo,
        ids["c3"],
        wib(3, 9, 8),
        A.ARCHIVE,
        COORD,
        reason_code="duplicate",
        text="Sudah dilaporkan.",
        duplicate_of=ids["c1"],
    )
    # C4: Mon 9 Mar 17:00 (after office hours). Deferred Tue 10; the citizen answers Mon 16 10:00
    # (the verify clock restarts: 17, 25, 26 -> due end Thu 26 Mar).
    ids["c4"] = submit(
        repo,
        wib(3, 9, 17),
        "Lampu lalu lintas mati",
        "Lampu lalu lintas di perempatan mati sejak kemarin malam, macet parah.",
    )
    do(repo, ids["c4"], wib(3, 10, 9), A.DEFER, COORD, text="Di perempatan mana tepatnya?")
    do(
        repo,
        ids["c4"],
        wib(3, 16, 10),
        A.CITIZEN_REPLY,
        CITIZEN,
        text="Perempatan Jalan Ijen dan Jalan Semeru.",
    )
    # C2: Tue 17 Mar 15:00, just before the holidays (18-24 Mar are all off).
    ids["c2"] = submit(repo, wib(3, 17, 15), *road)
    # C2 verified + to DPUPRPKP Wed 25 Mar 09:00: 1 wd (25); due end Fri 27: on time.
    do(repo, ids["c2"], wib(3, 25, 9), A.VERIFY, COORD, unit_id="dpuprpkp")
    do(repo, ids["c2"], wib(3, 25, 10), A.DISPATCH, ROADS_ADMIN, bidang_id="dpuprpkp.bina-marga")
    # C4 verified + to DPUPRPKP Thu 26 Mar 14:00: 8 wd after receipt (10, 11, 12, 13, 16, 17, 25,
    # 26); on time against the restarted clock. DPUPRPKP returns it (bukan wewenang) Fri 27;
    # the coordinator sends it to Dishub Mon 30 Mar.
    do(repo, ids["c4"], wib(3, 26, 14), A.VERIFY, COORD, unit_id="dpuprpkp")
    do(
        repo,
        ids["c4"],
        wib(3, 27, 9),
        A.NOT_AUTHORITY,
        ROADS_ADMIN,
        text="Lampu lalu lintas wewenang Dishub.",
    )
    do(repo, ids["c4"], wib(3, 30, 9), A.DISPATCH, COORD, unit_id="dishub")
    do(repo, ids["c4"], wib(3, 30, 10), A.DISPATCH, TRAFFIC_ADMIN, bidang_id="dishub.lalu-lintas")
    # C5: Wed 1 Apr, rahasia, archived as spam the same hour.
    ids["c5"] = submit(
        repo,
        wib(4, 1, 10),
        "Promo pinjaman",
        "Pinjaman cepat tanpa jaminan hubungi nomor ini sekarang juga.",
        confidential=True,
    )
    do(
        repo,
        ids["c5"],
        wib(4, 1, 11),
        A.ARCHIVE,
        COORD,
        reason_code="spam",
        text="Bukan pengaduan.",
    )
    # C4 answered Wed 1 Apr (2 wd from Mon 30: 31, 1; on time), closed by the coordinator Thu 2
    # Apr (13 wd: 10-13, 16, 17, 25-27, 30, 31, 1, 2), rated 4 on Fri 3 Apr (after closing).
    release(repo, ids["c4"], wib(4, 1, 13), TRAFFIC_ADMIN, TRAFFIC_BIDANG)
    # C2's answer was due end Wed 1 Apr (26, 27, 30, 31, 1): the sweep of Thu 2 Apr breaches it.
    sweep(repo, wib(4, 2, 8))
    do(repo, ids["c4"], wib(4, 2, 9), A.CLOSE, COORD)
    do(repo, ids["c4"], wib(4, 3, 9), A.RATE, CITIZEN, score=4)
    # Sat 4 Apr: still breached after the unit head's working day (Thu 2; Fri 3 is Good Friday):
    # escalated to the coordinator.
    sweep(repo, wib(4, 4, 8))
    # C7: Mon 6 Apr 09:00; verify due end Thu 9 Apr.
    ids["c7"] = submit(
        repo,
        wib(4, 6),
        "Sampah menumpuk",
        "Sampah menumpuk di pinggir jalan dan belum diangkut selama seminggu.",
    )
    # C2 answered Mon 6 Apr: 7 wd from Wed 25 Mar (26, 27, 30, 31, 1, 2, 6): late. The citizen
    # reopens it Tue 7 Apr (new answer clock: 8, 9, 10, 13, 14); answered again Thu 9 Apr (2 wd:
    # 8, 9; on time).
    release(repo, ids["c2"], wib(4, 6, 10), ROADS_ADMIN, ROADS_BIDANG)
    do(
        repo,
        ids["c2"],
        wib(4, 7, 9),
        A.CITIZEN_REPLY,
        CITIZEN,
        text="Lubangnya masih ada, belum ditambal.",
    )
    do(repo, ids["c2"], wib(4, 7, 10), A.DISPATCH, ROADS_ADMIN, bidang_id="dpuprpkp.bina-marga")
    release(repo, ids["c2"], wib(4, 9, 10), ROADS_ADMIN, ROADS_BIDANG)
    # C7's verification is breached Fri 10 Apr, escalated Tue 14 Apr (after Mon 13, the unit
    # head's day); verified + to DPUPRPKP Tue 14 Apr 10:00: 6 wd (7, 8, 9, 10, 13, 14): late.
    sweep(repo, wib(4, 10, 8))
    sweep(repo, wib(4, 14, 8))
    do(repo, ids["c7"], wib(4, 14, 10), A.VERIFY, COORD, unit_id="dpuprpkp")
    # Fri 24 Apr: C2 auto-closed (10 wd after Thu 9 Apr: 10, 13-17, 20-23), 22 wd after receipt
    # (25-27, 30, 31 Mar; 1, 2, 6-10, 13-17, 20-24 Apr). C7's answer (due end Tue 21: 15, 16,
    # 17, 20, 21) is breached and, a working day on, escalated, both in this one sweep.
    sweep(repo, wib(4, 24, 8))
    # C2 rated 2 after the auto-close, Mon 27 Apr.
    do(repo, ids["c2"], wib(4, 27, 9), A.RATE, CITIZEN, score=2)
    # C6: Thu 30 Apr 10:00, verified without a unit Mon 4 May: 1 wd (1 May holiday, then the
    # weekend: 4); due end Wed 6 May: on time.
    ids["c6"] = submit(
        repo,
        wib(4, 30, 10),
        "Pohon tumbang",
        "Pohon besar tumbang menutup jalan di dekat taman kota sejak pagi.",
    )
    do(repo, ids["c6"], wib(5, 4, 10), A.VERIFY, COORD, verify_only=True)
    return ids


def hist(**days: int) -> dict[str, int]:
    return dict(days)


CITY_EXPECTED = {
    "2026-03": {
        "received": 4,
        "verified": 3,
        "verify_d1": 1,
        "verify_d2": 1,
        "verify_d8": 1,
        "verify_on_time": 3,
        "deferred": 1,
        "returned": 1,
        "answered": 1,
        "answers": 1,
        "answer_d4": 1,
        "answer_on_time": 1,
        "archived": 1,
        "archived_duplicate": 1,
        "closed": 1,
        "closed_rating": 1,
        "close_d7": 1,
        "ended": 2,
        "rated": 1,
        "rating_sum": 5,
        "rating_5": 1,
    },
    "2026-04": {
        "received": 3,
        "confidential": 1,
        "verified": 1,
        "verify_d6": 1,
        "verify_late": 1,
        "answered": 2,
        "answers": 3,
        "answer_d2": 2,
        "answer_d7": 1,
        "answer_on_time": 2,
        "answer_late": 1,
        "reopened": 1,
        "archived": 1,
        "archived_spam": 1,
        "closed": 2,
        "closed_coordinator": 1,
        "close_d13": 1,
        "closed_auto": 1,
        "close_d22": 1,
        "ended": 3,
        "rated": 2,
        "rating_sum": 6,
        "rating_4": 1,
        "rating_2": 1,
        "breached": 3,
        "breached_answer": 2,
        "breached_verify": 1,
        "escalated": 3,
        "escalated_answer": 2,
        "escalated_verify": 1,
    },
    "2026-05": {"verified": 1, "verify_d1": 1, "verify_on_time": 1},
}

# DPUPRPKP: C1, C2, C7 are its complaints now; it answered C1 and C2 (twice), returned C4 and
# had the breaches of C2 and C7's answer; C7's verify breach had no unit yet (city-wide only).
ROADS_EXPECTED = {
    "2026-03": {
        "received": 2,
        "verified": 2,
        "verify_d2": 1,
        "verify_d1": 1,
        "verify_on_time": 2,
        "returned": 1,
        "answered": 1,
        "answers": 1,
        "answer_d4": 1,
        "answer_on_time": 1,
        "closed": 1,
        "closed_rating": 1,
        "close_d7": 1,
        "ended": 1,
        "rated": 1,
        "rating_sum": 5,
        "rating_5": 1,
    },
    "2026-04": {
        "received": 1,
        "verified": 1,
        "verify_d6": 1,
        "verify_late": 1,
        "answered": 1,
        "answers": 2,
        "answer_d7": 1,
        "answer_d2": 1,
        "answer_on_time": 1,
        "answer_late": 1,
        "reopened": 1,
        "closed": 1,
        "closed_auto": 1,
        "close_d22": 1,
        "ended": 1,
        "rated": 1,
        "rating_sum": 2,
        "rating_2": 1,
        "breached": 2,
        "breached_answer": 2,
        "escalated": 2,
        "escalated_answer": 2,
    },
}
# Dishub: C4 (received in March, counted where it is now), answered, closed and rated 4.
TRAFFIC_EXPECTED = {
    "2026-03": {"received": 1, "deferred": 1, "verified": 1, "verify_d8": 1, "verify_on_time": 1},
    "2026-04": {
        "answered": 1,
        "answers": 1,
        "answer_d2": 1,
        "answer_on_time": 1,
        "closed": 1,
        "closed_coordinator": 1,
        "close_d13": 1,
        "ended": 1,
        "rated": 1,
        "rating_sum": 4,
        "rating_4": 1,
    },
}


def deliveries(repo: ComplaintRepository, ids: dict[str, str]) -> list[dict[str, Any]]:
    """Every history event as the SQS record the consumer receives (EventBridge envelope)."""
    records = []
    for complaint_id in ids.values():
        _, history = repo.with_history(complaint_id)
        for entry in history:
            envelope = {
                "detail-type": entry.detail_type,
                "source": entry.source,
                "detail": entry.detail,
            }
            records.append({"messageId": entry.event_id, "body": json.dumps(envelope)})
    return records


def by_month(store: ReportStore, dimension: str, value: str) -> dict[str, dict[str, int]]:
    items = store.aggregates(dimension, None, "2026-12")
    return {
        item["month"]: counters_of(item)
        for item in items
        if item["value"] == value and counters_of(item)
    }


def test_figures_match_a_hand_count_and_the_rebuild_writes_the_same_items(world, monkeypatch):
    repo = world
    ids = story(repo)
    store = ReportStore(repo)
    monkeypatch.setattr(reports_handler, "store", lambda: store)

    records = deliveries(repo, ids)
    kinds = {json.loads(r["body"])["detail-type"] for r in records}
    assert {
        "DeadlineBreached",
        "ComplaintAutoClosed",
        "CitizenReplied",
        "ComplaintNotAuthority",
        "ComplaintRated",
    } <= kinds
    random.Random(10).shuffle(records)
    redelivered = random.Random(11).sample(records, 15)
    for start in range(0, len(records), 10):  # batches of 10, as the queue delivers them
        assert reports_handler.consumer({"Records": records[start : start + 10]}, None) == {
            "batchItemFailures": []
        }
    assert reports_handler.consumer({"Records": redelivered}, None) == {"batchItemFailures": []}
    again = json.loads(redelivered[0]["body"])
    assert (
        reports_handler.on_event(parse_event(again["detail-type"], again["detail"])) == "duplicate"
    )

    assert by_month(store, "all", "kota") == CITY_EXPECTED
    assert by_month(store, "unit", "dpuprpkp") == ROADS_EXPECTED
    assert by_month(store, "unit", "dishub") == TRAFFIC_EXPECTED
    # Each dimension adds up to the city: every complaint has exactly one value per dimension.
    for dimension in ("category", "kecamatan", "kelurahan", "channel", "type"):
        rows = store.aggregates(dimension, None, "2026-12")
        assert merge(counters_of(i) for i in rows)["received"] == 7
    # (An item whose counters came back to zero reads as absent: a receipt counted before its
    # routing counts under the category hint first, then moves.)
    categories = {repo.get(cid).category for cid in ids.values()}
    counted = [i for i in store.aggregates("category", None, "2026-12") if counters_of(i)]
    assert {i["value"] for i in counted} == categories
    counted = [i for i in store.aggregates("kelurahan", None, "2026-12") if counters_of(i)]
    assert {i["value"] for i in counted} == {"klojen-oro-oro-dowo"}

    # Quantiles from the histograms: March verify times 1, 2, 8 -> median 2, p90 8; April's
    # three answers 2, 2, 7 -> median 2, p90 7.
    march = CITY_EXPECTED["2026-03"]
    assert (
        quantile(histogram(march, "verify"), 0.5) == 2
        and quantile(histogram(march, "verify"), 0.9) == 8
    )
    april = CITY_EXPECTED["2026-04"]
    assert (
        quantile(histogram(april, "answer"), 0.5) == 2
        and quantile(histogram(april, "answer"), 0.9) == 7
    )

    live = {key: counters_of(item) for key, item in store.all_aggregates().items()}
    assert {key[0] for key in live} == set(DIMENSIONS)
    clock = load_clock(repo)
    first = rebuild(store, clock, datetime(2026, 5, 5, tzinfo=UTC), dry_run=True)
    assert (first.complaints, first.written, first.deleted, first.states) == (7, 0, 0, 0), first

    # Break the aggregates (a lost item, a wrong count, a stray one); the rebuild restores them.
    some_key = sorted(live)[0]
    store.batch_write(
        [
            store.delete_aggregate(("unit", "2026-03", "dpuprpkp")),
            store.put_aggregate(some_key, {"received": 99}),
            store.put_aggregate(("unit", "2026-01", "nobody"), {"received": 1}),
        ]
    )
    fixed = rebuild(store, clock, datetime(2026, 5, 5, tzinfo=UTC))
    assert (fixed.written, fixed.deleted) == (2, 1), fixed
    assert {key: counters_of(item) for key, item in store.all_aggregates().items()} == live


def test_the_rebuild_command_reports_what_it_would_write(world, capsys):
    from infra import reports as admin

    # One complaint, not yet dispositioned: city, category, kecamatan, kelurahan, channel, type.
    submit(
        world,
        wib(3, 2),
        "Jalan berlubang besar",
        "Jalan berlubang dan aspal rusak parah di depan sekolah.",
    )
    admin.main(["rebuild", "--table", world.table_name, "--dry-run"])
    dry = capsys.readouterr().out
    assert dry.startswith(
        "1 complaints, 6 aggregate items: would write 6, deleted 0 stale, 1 report states"
    )
    admin.main(["rebuild", "--table", world.table_name])
    admin.main(["rebuild", "--table", world.table_name])
    assert (
        capsys.readouterr().out.splitlines()[-1]
        == "1 complaints, 6 aggregate items: wrote 0, deleted 0 stale, 0 report states"
    )


def test_the_reports_read_from_the_aggregates_on_the_same_story(world, monkeypatch):
    from aduan.officers import Officer
    from reports import service
    from reports.formats import to_csv

    repo = world
    ids = story(repo)
    store = ReportStore(repo)
    monkeypatch.setattr(reports_handler, "store", lambda: store)
    assert reports_handler.consumer({"Records": deliveries(repo, ids)}, None) == {
        "batchItemFailures": []
    }
    ctx = service.Context(store, load_clock(repo).calendar, wib(5, 5, 10))
    spring = service.Period("2026-03", "2026-05")

    body, sheets = service.summary(ctx, spring, "all", "kota", "unit", public=True)
    total = body["total"]
    assert (total["received"], total["backlog_end"], total["confidential"]) == (7, 2, 1)
    assert [m["backlog_end"] for m in body["months"]] == [2, 2, 2]
    # Verify times 2, 1, 8, 6, 1; answer times 4, 7, 2, 2 (working days, counted above).
    assert total["verify_days"] == {"count": 5, "median": 2, "p90": 8, "mean": 3.6}
    assert total["answer_days"] == {"count": 4, "median": 2, "p90": 7, "mean": 3.75}
    assert total["sla"] == {
        "verify_measured": 5,
        "verify_on_time_pct": 80.0,
        "answer_measured": 4,
        "answer_on_time_pct": 75.0,
        "breached": 3,
        "escalated": 3,
    }
    assert total["satisfaction"]["suppressed"]  # three ratings: too few to publish
    # Public groups under five complaints show no figure (DPUPRPKP has 3, Dishub 1).
    assert {g["value"]: g["figures"] for g in body["groups"]} == {"dpuprpkp": None, "dishub": None}
    assert sheets[1].rows[0][2] is None

    officer_body, _ = service.summary(ctx, spring, "all", "kota", None, public=False)
    satisfaction = officer_body["total"]["satisfaction"]
    assert satisfaction == {
        "rated": 3,
        "mean": 3.67,
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
        "rated_share_pct": 100.0,
    }

    admin = Officer(
        sub="sub-pu", username="admin.dpuprpkp", role=Role.UNIT_ADMIN, unit_id="dpuprpkp"
    )
    late, _ = service.overdue(ctx, admin, "dpuprpkp")
    # C7's answer was due at the end of Tue 21 Apr and it is still with the unit.
    assert [(r["id"], r["due"], r["overdue"]) for r in late["items"]] == [
        (ids["c7"], "2026-04-21 23:59", "Ya")
    ]
    listed, sheets = service.complaints(
        ctx, admin, "dpuprpkp", service.Period("2026-03", "2026-04")
    )
    assert [r["id"] for r in listed["items"]] == [ids["c1"], ids["c2"], ids["c7"]]
    assert (
        listed["items"][0]["received_at"] == "2026-03-02 09:00"
        and listed["items"][0]["rating"] == 5
    )
    text = to_csv(sheets[0]).decode("utf-8")
    assert text.count("\n") == 5 and "Nomor aduan,Diterima (WIB)" in text

    recap, recap_sheets = service.recap(
        ctx, service.Period("2026-04", "2026-04"), admin, "dpuprpkp"
    )
    assert recap["total"]["answers"] == 2 and [g["value"] for g in recap["bidang"]] == [
        "dpuprpkp.bina-marga"
    ]
    assert [s.title for s in recap_sheets] == ["Per bidang", "Bulanan"]


def test_each_event_in_order_from_the_state_alone_matches_the_rebuild(world, monkeypatch):
    """Delivered as production does (in order, a batch per event) the consumer reads no history:
    it goes on from the report state's own entries, and lands where the rebuild does."""
    from reports.facts import EVENTS, compact, contribution, entries_of

    repo = world
    ids = story(repo)
    store = ReportStore(repo)
    monkeypatch.setattr(reports_handler, "store", lambda: store)
    clock = load_clock(repo)
    for complaint_id in ids.values():
        # What the state keeps of each event gives the same figures as the whole history.
        entries = entries_of(store.history(complaint_id))
        assert contribution([compact(e) for e in entries], clock.calendar) == contribution(
            entries, clock.calendar
        )
    records = [r for r in deliveries(repo, ids) if json.loads(r["body"])["detail-type"] in EVENTS]
    records.sort(
        key=lambda r: datetime.fromisoformat(
            json.loads(r["body"])["detail"]["metadata"]["occurred_at"]
        )
    )
    calls: list[str] = []
    repo.ddb.meta.events.register(
        "before-call.dynamodb",
        lambda model, **_: calls.append(model.name),
        unique_id="reports-calls",
    )
    try:
        for record in records:
            assert reports_handler.consumer({"Records": [record]}, None) == {
                "batchItemFailures": []
            }
    finally:
        repo.ddb.meta.events.unregister("before-call.dynamodb", unique_id="reports-calls")
    assert set(calls) == {"BatchGetItem", "TransactWriteItems"}
    assert calls.count("BatchGetItem") == calls.count("TransactWriteItems") == len(records)
    checked = rebuild(store, clock, datetime(2026, 5, 5, tzinfo=UTC), dry_run=True)
    assert (checked.complaints, checked.written, checked.deleted, checked.states) == (7, 0, 0, 0)


def test_a_batch_of_several_complaints_is_one_read_and_one_transaction(world, monkeypatch):
    repo = world
    ids = [
        submit(repo, wib(3, 2, hour), "Lampu jalan mati", "Lampu PJU mati sudah seminggu, gelap.")
        for hour in (9, 10, 11)
    ]
    store = ReportStore(repo)
    monkeypatch.setattr(reports_handler, "store", lambda: store)
    records = deliveries(repo, {cid: cid for cid in ids})
    assert len(records) == 6  # each: received and routed
    calls: list[str] = []
    repo.ddb.meta.events.register(
        "before-call.dynamodb",
        lambda model, **_: calls.append(model.name),
        unique_id="reports-batch",
    )
    try:
        assert reports_handler.consumer({"Records": records + records[:2]}, None) == {
            "batchItemFailures": []
        }
    finally:
        repo.ddb.meta.events.unregister("before-call.dynamodb", unique_id="reports-batch")
    assert calls == ["BatchGetItem", "TransactWriteItems"]
    assert merge(counters_of(i) for i in store.aggregates("all", None, "2026-12"))["received"] == 3
    # Delivered again: every event a duplicate, nothing added.
    again = json.loads(records[0]["body"])
    assert (
        reports_handler.on_event(parse_event(again["detail-type"], again["detail"])) == "duplicate"
    )
    assert merge(counters_of(i) for i in store.aggregates("all", None, "2026-12"))["received"] == 3
