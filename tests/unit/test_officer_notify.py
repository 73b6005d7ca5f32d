"""Who hears of each workflow step, and the templates they read (polite Indonesian, English)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from aduan.answer_check import check_answer
from aduan.calendar import WorkingCalendar, load_zone
from aduan.complaint import Answer, Complaint
from aduan.lifecycle import Action, Role
from aduan.status import Status
from aduan.workflow import Actor, Change, Clock, apply, at_receipt
from aduan.workflow_events import (
    DeadlineApproaching,
    DeadlineBreached,
    DeadlineBreachedData,
    DeadlineData,
)
from notify.messages import Recipient
from notify.workflow import EVENTS, SILENT, messages_for

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed"
TEMPLATES = {
    k: v
    for k, v in json.loads((SEED / "templates.json").read_text()).items()
    if not k.startswith("_")
}
UNITS = {u["id"]: u for u in json.loads((SEED / "units.json").read_text())}
WIB = load_zone("Asia/Jakarta")
NOW = datetime(2026, 11, 9, 10, tzinfo=WIB)
CLOCK = Clock(WorkingCalendar.from_seed(json.loads((SEED / "calendar.json").read_text())), {})
COORD = Actor(Role.COORDINATOR, "c", "diskominfo")
ADMIN = Actor(Role.UNIT_ADMIN, "a", "kel-klojen-oro-oro-dowo")
BIDANG_ID = "kel-klojen-oro-oro-dowo.pemberdayaan-masyarakat-dan-pelayanan"
CITIZEN_MAIL = [Recipient("email", "sri@example.com", "Sri"), Recipient("sms", "+62812")]


def new(language="id") -> Complaint:
    return at_receipt(
        Complaint.checked(
            id="7K3MQ-9XWT2",
            status=Status.RECEIVED,
            channel="web",
            title="Sampah menumpuk",
            description="d",
            language=language,
            received_at=NOW,
            updated_at=NOW,
        ),
        CLOCK,
    )


def step(complaint, change):
    outcome = apply(complaint, change, CLOCK, NOW)
    return outcome.complaint, outcome.events


def send_all(complaint, events, citizen=CITIZEN_MAIL):
    return [
        m
        for e in events
        for m in messages_for(
            e, complaint, citizen, UNITS, TEMPLATES, "https://aduan.example", "Kota Malang"
        )
    ]


def test_verify_with_a_unit_tells_the_citizen_once_which_unit_and_the_unit_admin_of_new_work():
    complaint, events = step(new(), Change(Action.VERIFY, COORD, unit_id="kel-klojen-oro-oro-dowo"))
    messages = send_all(complaint, events)
    citizen = [m for m in messages if m.audience == "citizen"]
    assert {m.template for m in citizen} == {"dispatched"} and len(citizen) == 2  # e-mail and SMS
    mail = next(m for m in citizen if m.recipient.channel == "email")
    assert (
        "Kelurahan Oro-oro Dowo" in mail.text
        and mail.text.startswith("Yth. Bapak/Ibu Sri")
        and "Hormat kami" in mail.text
    )
    assert "16-11-2026" in mail.text  # answer due: five working days
    officers = [m for m in messages if m.audience != "citizen"]
    assert [(m.audience, m.recipient.address, m.template) for m in officers] == [
        (
            "unit_admin",
            "pengaduan.kel-klojen-oro-oro-dowo@malangkota.example.go.id",
            "officer_new_work",
        )
    ]
    assert "didisposisikan kepada unit Anda" in officers[0].text


def test_verify_only_tells_the_citizen_it_is_verified():
    complaint, events = step(new(), Change(Action.VERIFY, COORD, verify_only=True))
    assert [m.template for m in send_all(complaint, events)] == ["verified", "verified"]


def test_a_deferral_asks_the_citizen_the_question():
    complaint, events = step(new(), Change(Action.DEFER, COORD, text="Di RT/RW berapa lokasinya?"))
    texts = [m.text for m in send_all(complaint, events)]
    assert all("Di RT/RW berapa lokasinya?" in t for t in texts)


def test_an_archived_duplicate_tells_the_citizen_which_complaint_to_follow():
    change = Change(
        Action.ARCHIVE,
        COORD,
        reason_code="duplicate",
        text="Masalah yang sama sudah dilaporkan.",
        duplicate_of="AAAAA-BBBBB",
    )
    complaint, events = step(new("en"), change)
    mail = next(m for m in send_all(complaint, events) if m.recipient.channel == "email")
    assert (
        mail.text.startswith("Dear Sri")
        and "AAAAA-BBBBB" in mail.text
        and "https://aduan.example/lacak/AAAAA-BBBBB" in mail.text
    )


def deadline_event(cls, **more):
    data = dict(
        complaint_id="7K3MQ-9XWT2",
        kind="answer",
        due=NOW,
        status=Status.IN_PROGRESS,
        unit_id="kel-klojen-oro-oro-dowo",
        bidang_id=BIDANG_ID,
        step_key="k",
        **more,
    )
    model = DeadlineBreachedData if cls is DeadlineBreached else DeadlineData
    return cls(data=model(**data))


def test_reminders_go_to_whoever_holds_the_complaint_and_breaches_up_the_line():
    complaint = new().replace(
        **{
            "unit_id": "kel-klojen-oro-oro-dowo",
            "bidang_id": BIDANG_ID,
            "status": Status.IN_PROGRESS,
        }
    )
    reminder = send_all(complaint, [deadline_event(DeadlineApproaching)])
    assert [(m.audience, m.recipient.address) for m in reminder] == [
        (
            "bidang",
            "kel-klojen-oro-oro-dowo.bidang.pemberdayaan-masyarakat-dan-pelayanan@malangkota.example.go.id",
        )
    ]
    assert "tinggal satu hari kerja" in reminder[0].text and "jawaban" in reminder[0].subject
    head = send_all(complaint, [deadline_event(DeadlineBreached, escalated_to="unit_head")])
    assert [(m.audience, m.recipient.address) for m in head] == [
        ("unit_head", "kepala.kel-klojen-oro-oro-dowo@malangkota.example.go.id")
    ]
    assert "kepala unit" in head[0].text
    top = send_all(complaint, [deadline_event(DeadlineBreached, escalated_to="coordinator")])
    assert [(m.audience, m.recipient.address) for m in top] == [
        ("coordinator", "pengaduan.diskominfo@malangkota.example.go.id")
    ]
    # nobody tells the citizen about the city's internal deadlines
    assert all(m.audience != "citizen" for m in reminder + head + top)


def test_a_verify_deadline_is_the_coordinators():
    event = DeadlineApproaching(
        data=DeadlineData(
            complaint_id="7K3MQ-9XWT2", kind="verify", due=NOW, status=Status.RECEIVED, step_key="k"
        )
    )
    assert [(m.audience, m.recipient.address) for m in send_all(new(), [event])] == [
        ("coordinator", "pengaduan.diskominfo@malangkota.example.go.id")
    ]


def test_every_workflow_event_has_a_plan_and_notes_and_ratings_are_silent():
    names = {cls.detail_type() for cls in EVENTS}
    assert names >= SILENT
    assert "DeadlineBreached" in names and "ComplaintResponded" in names


def test_the_answered_message_carries_the_answer_in_chat_and_e_mail():
    answer = "Yth. Bapak/Ibu, sampah di lokasi telah diangkut petugas pada hari ini. Terima kasih atas laporan Bapak/Ibu."
    complaint = new().replace(
        **{
            "answer": Answer(text=answer, released_at=NOW),
            "unit_id": "dlh",
            "status": Status.RESPONDED,
        }
    )
    from aduan.workflow_events import AnswerData, ComplaintResponded

    event = ComplaintResponded(
        data=AnswerData(
            complaint_id=complaint.id,
            version=5,
            status=Status.RESPONDED,
            unit_id="dlh",
            actor_role="unit_admin",
            message_id="m",
        )
    )
    messages = send_all(
        complaint,
        [event],
        [Recipient("email", "sri@example.com", "Sri"), Recipient("whatsapp", "62812")],
    )
    assert all(answer in m.text for m in messages)
    assert all("penilaian" in m.text for m in messages)


CITIZEN_TEMPLATES = ("verified", "dispatched", "deferred", "answered", "closed", "archived")
OFFICER_TEMPLATES = (
    "officer_new_work",
    "officer_deadline_approaching",
    "officer_deadline_breached",
)


@pytest.mark.parametrize("name", CITIZEN_TEMPLATES)
def test_citizen_templates_are_polite_and_complete_in_both_languages(name):
    for language in ("id", "en"):
        texts = TEMPLATES[name][language]
        assert {"sms", "chat", "email_subject", "email_body"} <= set(texts)
        assert "{tracking_id}" in texts["email_subject"]
        body = texts["email_body"]
        assert body.startswith("Yth. {salutation}" if language == "id" else "Dear {salutation}")
        assert ("Hormat kami" if language == "id" else "Kind regards") in body
        assert texts["sms"].startswith("Yth. Bapak/Ibu" if language == "id" else "Dear citizen")


@pytest.mark.parametrize("name", OFFICER_TEMPLATES)
def test_officer_templates_exist_in_both_languages(name):
    for language in ("id", "en"):
        assert {"chat", "email_subject", "email_body"} <= set(TEMPLATES[name][language])


def test_response_templates_cover_every_category_and_pass_the_release_check_once_filled():
    categories = [c["id"] for c in json.loads((SEED / "categories.json").read_text())]
    by_category = TEMPLATES["responses"]["by_category"]
    assert set(by_category) == set(categories)
    for category, languages in by_category.items():
        for language in ("id", "en"):
            assert languages[language], (category, language)
            for template in languages[language]:
                # unfilled, the check refuses it (the blanks are there to be filled) ...
                assert "unfilled_placeholder" in check_answer(template["text"], language).codes
                # ... and filled, it passes
                filled = re.sub(r"\[[A-Z_ ]{3,}\]", "Kelurahan Oro-oro Dowo", template["text"])
                assert check_answer(filled, language).ok, (
                    category,
                    language,
                    check_answer(filled, language).codes,
                )


def test_every_unit_and_bidang_has_officer_contacts():
    for unit in UNITS.values():
        assert unit["contacts"]["admin"]["email"] and unit["contacts"]["head"]["email"]
        assert all(b["contacts"]["email"] for b in unit["bidang"])


def test_the_unit_admin_hears_of_a_draft_once_per_round_not_per_redraft():
    bidang = Actor(Role.BIDANG, "b", "kel-klojen-oro-oro-dowo", BIDANG_ID)
    complaint, _ = step(new(), Change(Action.VERIFY, COORD, unit_id="kel-klojen-oro-oro-dowo"))
    complaint, _ = step(complaint, Change(Action.DISPATCH, ADMIN, bidang_id=BIDANG_ID))

    def admin_notices(events):
        return [m for m in send_all(complaint, events) if m.audience == "unit_admin"]

    complaint, drafted = step(complaint, Change(Action.DRAFT_ANSWER, bidang, text="Draf pertama"))
    assert [m.template for m in admin_notices(drafted)] == ["officer_new_work"]
    complaint, redrafted = step(complaint, Change(Action.DRAFT_ANSWER, bidang, text="Draf kedua"))
    assert redrafted[0].data.redraft is True and admin_notices(redrafted) == []
    # returned for rework, the next draft is a new round: the admin hears of it again
    complaint, _ = step(complaint, Change(Action.RETURN_FOR_REWORK, ADMIN, text="Lengkapi foto"))
    complaint, again = step(complaint, Change(Action.DRAFT_ANSWER, bidang, text="Draf ketiga"))
    assert again[0].data.redraft is False and len(admin_notices(again)) == 1
