"""Story (b) on the local cloud: nobody acts, and the SLA sweep (fired at chosen moments) sends
the reminder, the breach to the unit head, then the escalation to the coordinator, each once;
an answer the citizen leaves alone is closed with a request to rate."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from aduan.calendar import WorkingCalendar
from aduan.deadlines import escalation_at
from tests.e2e.officer_client import KEL, KEL_SERVICES, Officers, outbox, submit, unique_email
from tests.support import eventually

pytestmark = pytest.mark.e2e

CALENDAR = WorkingCalendar.from_seed(
    json.loads((Path(__file__).resolve().parents[2] / "infra/seed/calendar.json").read_text())
)
MINUTE = timedelta(minutes=1)
DLH_ADMIN = "pengaduan.dlh@malangkota.example.go.id"
DLH_HEAD = "kepala.dlh@malangkota.example.go.id"
COORDINATOR = "pengaduan.diskominfo@malangkota.example.go.id"


@pytest.fixture(scope="module")
def cloud(own_cloud):
    """Its own cloud: the sweep fired days ahead would otherwise remind, breach and auto-close
    every complaint the rest of the suite filed, and their notifications would queue ahead of
    this module's own."""
    return own_cloud


def sweep(cloud, now: datetime) -> dict:
    summary = cloud.schedulers["SlaSweepFunction"].fire(now)
    assert summary is not None, "the sweep failed"
    return summary


def deadline_events(officers, tracking_id):
    history = officers.detail("koordinator", tracking_id)["history"]
    return [
        (h["event"], h["data"].get("escalated_to"))
        for h in history
        if h["event"].startswith("Deadline")
    ]


def mails(cloud, to, tracking_id, subject_word):
    return [
        m
        for m in outbox(cloud, channel="email", to=to, contains=tracking_id)
        if subject_word in (m.get("subject") or "")
    ]


def test_story_nobody_acts_reminder_breach_unit_head_then_coordinator_each_once(cloud):
    officers = Officers(cloud)
    citizen = unique_email()
    tracking_id = submit(
        cloud,
        "Sampah dibuang di sungai",
        "Warga membuang sampah ke sungai Brantas di belakang pasar, air jadi kotor dan bau.",
        "Klojen",
        "Oro-oro Dowo",
        email=citizen,
    )
    assert officers.act("koordinator", tracking_id, action="verify", unit_id="dlh").status == 200
    due = datetime.fromisoformat(
        officers.detail("koordinator", tracking_id)["complaint"]["deadlines"][0]["due"]
    )
    reminder, escalation = CALENDAR.reminder_at(due), escalation_at(due, CALENDAR)

    # before the reminder's moment: nothing
    sweep(cloud, reminder - MINUTE)
    assert deadline_events(officers, tracking_id) == []

    # one working day before the deadline: the unit admin is reminded, once
    sweep(cloud, reminder + MINUTE)
    sweep(cloud, reminder + 2 * MINUTE)
    assert deadline_events(officers, tracking_id) == [("DeadlineApproaching", None)]
    eventually(
        lambda: mails(cloud, DLH_ADMIN, tracking_id, "Pengingat"), what="the reminder e-mail"
    )

    # the deadline passes: the unit head hears of it, once
    sweep(cloud, due + MINUTE)
    sweep(cloud, due + 5 * MINUTE)
    assert deadline_events(officers, tracking_id) == [
        ("DeadlineApproaching", None),
        ("DeadlineBreached", "unit_head"),
    ]
    eventually(
        lambda: mails(cloud, DLH_HEAD, tracking_id, "ESKALASI"), what="the unit head's escalation"
    )
    assert officers.detail("koordinator", tracking_id)["complaint"]["sla"]["state"] != "escalated"

    # a working day later it is still breached: the coordinator hears of it, once
    sweep(cloud, escalation - MINUTE)
    assert len(deadline_events(officers, tracking_id)) == 2
    sweep(cloud, escalation + MINUTE)
    sweep(cloud, escalation + 10 * MINUTE)
    assert deadline_events(officers, tracking_id) == [
        ("DeadlineApproaching", None),
        ("DeadlineBreached", "unit_head"),
        ("DeadlineBreached", "coordinator"),
    ]
    eventually(
        lambda: mails(cloud, COORDINATOR, tracking_id, "ESKALASI"),
        what="the coordinator's escalation",
    )
    # The badge says what the sweep did, recorded on the complaint, not what today's calendar
    # expects: the sweep was fired days ahead, and the officers' badge says "escalated" today.
    assert officers.detail("koordinator", tracking_id)["complaint"]["sla"]["state"] == "escalated"
    row = officers.get("admin.dlh", "/v1/officer/inbox?queue=new_dispositions").json["items"]
    assert [r["sla"]["state"] for r in row if r["id"] == tracking_id] == ["escalated"]
    # each officer got each message once, and the citizen none of them
    assert len(mails(cloud, DLH_ADMIN, tracking_id, "Pengingat")) == 1
    assert len(mails(cloud, DLH_HEAD, tracking_id, "ESKALASI")) == 1
    assert len(mails(cloud, COORDINATOR, tracking_id, "ESKALASI")) == 1
    assert not [
        m
        for m in outbox(cloud, channel="email", to=citizen)
        if "ESKALASI" in m["subject"] or "Pengingat" in m["subject"]
    ]
    # every step done: the complaint has left the sparse Deadlines index
    item = cloud.client("dynamodb").get_item(
        TableName=cloud.resources["ComplaintTable"],
        Key={"PK": {"S": f"C#{tracking_id}"}, "SK": {"S": "META"}},
    )["Item"]
    assert "GSI2PK" not in item and "GSI1PK" in item


def test_an_unanswered_answer_is_closed_after_ten_working_days_with_a_request_to_rate(cloud):
    officers = Officers(cloud)
    citizen = unique_email()
    tracking_id = submit(
        cloud,
        "Pohon tumbang",
        "Pohon besar tumbang menutup separuh Jalan Kawi sejak kemarin sore.",
        "Klojen",
        "Oro-oro Dowo",
        email=citizen,
    )
    officers.act("koordinator", tracking_id, action="verify", unit_id=KEL)
    officers.act("admin.oro-oro-dowo", tracking_id, action="dispatch", bidang_id=KEL_SERVICES)
    answer = (
        "Yth. Bapak/Ibu Pelapor, terima kasih atas laporannya. Pohon yang tumbang di Jalan Kawi telah kami "
        "potong dan angkut bersama petugas DLH, dan jalan sudah dapat dilalui kembali. Terima kasih."
    )
    officers.act("pelayanan.oro-oro-dowo", tracking_id, action="draft_answer", text=answer)
    assert officers.act("admin.oro-oro-dowo", tracking_id, action="release").status == 200
    deadlines = officers.detail("koordinator", tracking_id)["complaint"]["deadlines"]
    assert [d["kind"] for d in deadlines] == ["auto_close"]
    due = datetime.fromisoformat(deadlines[0]["due"])
    sweep(cloud, due - MINUTE)
    assert officers.detail("koordinator", tracking_id)["complaint"]["status"] == "responded"
    sweep(cloud, due + MINUTE)
    sweep(cloud, due + 2 * MINUTE)
    detail = officers.detail("koordinator", tracking_id)
    assert detail["complaint"]["status"] == "closed"
    assert [h["event"] for h in detail["history"]].count("ComplaintAutoClosed") == 1
    closed = eventually(
        lambda: [
            m
            for m in outbox(cloud, channel="email", to=citizen, contains=tracking_id)
            if "selesai" in m["subject"]
        ],
        what="the closing e-mail",
    )
    assert "penilaian" in closed[0]["text"]
