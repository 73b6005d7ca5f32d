"""Story (a) on the local cloud: a web complaint is verified, dispatched to a kelurahan, dispatched
to a bidang, answered, released and rated, and the citizen hears of each step; plus the
deferral and duplicate stories."""

from __future__ import annotations

import pytest

from tests.e2e.officer_client import (
    KEL,
    KEL_SERVICES,
    Officers,
    as_citizen,
    outbox,
    submit,
    unique_email,
)
from tests.support import eventually, http

pytestmark = pytest.mark.e2e

COORD, ADMIN, BIDANG = "koordinator", "admin.oro-oro-dowo", "pelayanan.oro-oro-dowo"


def mails(cloud, to, tracking_id, count):
    def enough():
        found = outbox(cloud, channel="email", to=to, contains=tracking_id)
        return found if len(found) >= count else None

    return eventually(enough, what=f"{count} e-mail(s) to {to}")


def test_story_verified_dispatched_to_a_kelurahan_and_a_bidang_answered_released_rated(cloud):
    officers = Officers(cloud)
    citizen = unique_email()
    tracking_id = submit(
        cloud,
        "Sampah menumpuk di Jalan Kawi",
        "Sampah rumah tangga menumpuk di pinggir Jalan Kawi dekat taman, tidak diangkut sejak minggu lalu.",
        "Klojen",
        "Oro-oro Dowo",
        email=citizen,
    )
    mails(cloud, citizen, tracking_id, 1)  # the acknowledgement

    # the coordinator verifies it and dispositions it to the kelurahan (not routing's proposal)
    seen = officers.detail(COORD, tracking_id)
    assert "verify" in seen["allowed_actions"] and seen["reporter"]["email"] == citizen
    verified = officers.act(
        COORD, tracking_id, action="verify", unit_id=KEL, version=seen["complaint"]["version"]
    )
    assert verified.status == 200, verified
    assert verified.json["events"] == ["ComplaintVerified", "ComplaintDispatched"]
    assert verified.json["complaint"]["status"] == "dispatched"
    # the citizen hears which unit has it; the kelurahan's admin hears of new work
    told = mails(cloud, citizen, tracking_id, 2)[-1]
    assert "Kelurahan Oro-oro Dowo" in told["text"] and told["subject"].startswith(
        f"[{tracking_id}]"
    )
    mails(cloud, f"pengaduan.{KEL}@malangkota.example.go.id", tracking_id, 1)

    # it is in the kelurahan's inbox, due soonest first
    inbox = officers.get(ADMIN, "/v1/officer/inbox?status=dispatched&limit=100").json
    assert tracking_id in [row["id"] for row in inbox["items"]]

    # the kelurahan's admin dispositions it to the bidang (seksi) that can answer
    assigned = officers.act(ADMIN, tracking_id, action="dispatch", bidang_id=KEL_SERVICES)
    assert assigned.status == 200 and assigned.json["complaint"]["status"] == "in_progress", (
        assigned
    )
    mails(
        cloud,
        f"{KEL}.bidang.pemberdayaan-masyarakat-dan-pelayanan@malangkota.example.go.id",
        tracking_id,
        1,
    )

    # the bidang starts from the city's response template for the category and fills the blanks
    templates = officers.get(BIDANG, "/v1/officer/templates?category=waste").json["templates"]
    text = (
        templates[0]["text"]
        .replace("[LOKASI]", "Jalan Kawi")
        .replace("[TANGGAL]", "hari Senin")
        .replace("[NAMA UNIT]", "Kelurahan Oro-oro Dowo")
    )
    drafted = officers.act(BIDANG, tracking_id, action="draft_answer", text=text)
    assert drafted.status == 200 and drafted.json["warnings"] == [], drafted
    note = officers.post(
        BIDANG,
        f"/v1/officer/complaints/{tracking_id}/notes",
        {"text": "Foto sebelum/sesudah ada di grup."},
    )
    assert note.status == 201, note

    # the admin releases it: the citizen gets the answer (and the public page shows it)
    released = officers.act(ADMIN, tracking_id, action="release")
    assert released.status == 200 and released.json["complaint"]["status"] == "responded", released
    answer_mail = mails(cloud, citizen, tracking_id, 3)[-1]
    assert "Jalan Kawi" in answer_mail["text"] and "penilaian" in answer_mail["text"]
    public = http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json
    assert public["answer"]["text"] == text and public["status"] == "responded"
    assert public["unit"]["name"] == "Kelurahan Oro-oro Dowo"

    # a stranger who knows the tracking id cannot rate (and so close) it
    stranger = http("POST", f"{cloud.gateway_url}/v1/complaints/{tracking_id}/rating", {"score": 1})
    assert stranger.status == 403 and stranger.json["error"]["code"] == "access_key_required"
    # the citizen rates it: closed, and the rating is on the complaint
    rated = http(
        "POST",
        f"{cloud.gateway_url}/v1/complaints/{tracking_id}/rating",
        {"score": 5, "comment": "Cepat sekali, terima kasih"},
        headers=as_citizen(tracking_id),
    )
    assert rated.status == 200 and rated.json["status"] == "closed", rated
    again = http(
        "POST",
        f"{cloud.gateway_url}/v1/complaints/{tracking_id}/rating",
        {"score": 1},
        headers=as_citizen(tracking_id),
    )
    assert again.status == 409 and again.json["error"]["code"] == "already_rated"

    detail = officers.detail(COORD, tracking_id)
    assert detail["complaint"]["rating"]["score"] == 5
    assert [m["kind"] for m in detail["messages"]] == ["draft", "note", "answer", "rating_comment"]
    history = [h["event"] for h in detail["history"]]
    for step in (
        "ComplaintVerified",
        "ComplaintDispatched",
        "ComplaintAssignedToBidang",
        "AnswerDrafted",
        "InternalNoteAdded",
        "ComplaintResponded",
        "ComplaintRated",
    ):
        assert history.count(step) == 1, (step, history)
    # the public timeline shows the citizen's steps, never the internal ones
    timeline = [
        entry["event"]
        for entry in http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json[
            "timeline"
        ]
    ]
    assert "ComplaintDispatched" in timeline and "ComplaintResponded" in timeline
    assert not {"AnswerDrafted", "InternalNoteAdded", "OfficerNotified"} & set(timeline)


def test_story_deferral_question_and_the_citizens_reply_bring_it_back(cloud):
    officers = Officers(cloud)
    citizen = unique_email()
    tracking_id = submit(
        cloud,
        "Lampu jalan mati",
        "Lampu penerangan jalan mati sudah tiga malam, gelap sekali.",
        "Klojen",
        "Oro-oro Dowo",
        email=citizen,
    )
    deferred = officers.act(
        COORD,
        tracking_id,
        action="defer",
        text="Mohon sebutkan nama jalan dan nomor tiang lampunya.",
    )
    assert deferred.status == 200 and deferred.json["complaint"]["status"] == "deferred", deferred
    question = mails(cloud, citizen, tracking_id, 2)[-1]
    assert "nomor tiang lampunya" in question["text"]
    reply = http(
        "POST",
        f"{cloud.gateway_url}/v1/complaints/{tracking_id}/replies",
        {"text": "Jalan Kawi, tiang nomor 17."},
        headers=as_citizen(tracking_id),
    )
    assert reply.status == 200 and reply.json["status"] == "received", reply
    detail = officers.detail(COORD, tracking_id)
    assert [d["kind"] for d in detail["complaint"]["deadlines"]] == ["verify"]
    assert [m["text"] for m in detail["messages"] if m["kind"] == "reply"] == [
        "Jalan Kawi, tiang nomor 17."
    ]


def test_story_a_duplicate_is_suggested_and_archived_with_the_complaint_to_follow(cloud):
    officers = Officers(cloud)
    first = submit(
        cloud,
        "Saluran air tersumbat di Jalan Semeru",
        "Got di Jalan Semeru tersumbat sampah, air meluap ke jalan setiap hujan.",
        "Klojen",
        "Oro-oro Dowo",
    )
    citizen = unique_email()
    second = submit(
        cloud,
        "Got mampet Jalan Semeru",
        "Selokan Jalan Semeru mampet tersumbat sampah, air meluap sampai jalan kalau hujan.",
        "Klojen",
        "Oro-oro Dowo",
        email=citizen,
    )
    detail = officers.detail(COORD, second)
    assert first in detail["complaint"]["possible_duplicates"]
    assert "PossibleDuplicateFound" in [h["event"] for h in detail["history"]]
    archived = officers.act(
        COORD,
        second,
        action="archive",
        reason_code="duplicate",
        duplicate_of=first,
        text="Masalah yang sama sudah dilaporkan dan sedang ditangani.",
    )
    assert archived.status == 200 and archived.json["complaint"]["status"] == "archived", archived
    told = mails(cloud, citizen, second, 2)[-1]
    assert first in told["text"] and "sedang ditangani" in told["text"]
    unknown = officers.act(
        COORD,
        first,
        action="archive",
        reason_code="duplicate",
        duplicate_of="ZZZZZ-ZZZZZ",
        text="x",
    )
    assert unknown.status == 422 and unknown.json["error"]["code"] == "unknown_complaint"


def test_release_refuses_an_answer_that_is_not_santun_with_the_problems(cloud):
    officers = Officers(cloud)
    tracking_id = submit(
        cloud,
        "Jalan rusak",
        "Jalan berlubang di depan SD Oro-oro Dowo, bahaya untuk anak sekolah.",
        "Klojen",
        "Oro-oro Dowo",
    )
    officers.act(COORD, tracking_id, action="verify", unit_id=KEL)
    officers.act(ADMIN, tracking_id, action="dispatch", bidang_id=KEL_SERVICES)
    drafted = officers.act(BIDANG, tracking_id, action="draft_answer", text="sudah diperbaiki")
    assert drafted.status == 200 and {w["code"] for w in drafted.json["warnings"]} >= {
        "no_greeting",
        "no_closing",
    }
    refused = officers.act(ADMIN, tracking_id, action="release")
    assert refused.status == 422 and refused.json["error"]["code"] == "answer_not_ready", refused
    assert {p["code"] for p in refused.json["error"]["details"]["problems"]} >= {
        "too_short",
        "no_greeting",
        "no_closing",
    }
    assert officers.detail(ADMIN, tracking_id)["complaint"]["status"] == "in_progress"
