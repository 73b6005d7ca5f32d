"""What a message means in its conversation (inbound.webhooks.conversation.plan), and its key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aduan.complaint import Complaint
from aduan.conversations import conversation_key, normalize_address
from aduan.status import Status
from inbound.channels.inbound import GeoPoint, InboundMessage, LaporReport, MediaRef
from inbound.webhooks.conversation import (
    AnswerStatus,
    Conversation,
    FollowUp,
    NewComplaint,
    NoOpenComplaint,
    PromptNew,
    command_of,
    plan,
)

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
KEY = "K#whatsapp#abc"


def message(text: str, channel: str = "whatsapp", **more) -> InboundMessage:
    return InboundMessage(
        channel=channel,
        provider_message_id="m1",
        sender="6281234567890",
        text=text,
        received_at=NOW,
        **more,
    )


def complaint(tracking_id: str = "7K3MQ-9XWT2", status: Status = Status.RECEIVED) -> Complaint:
    return Complaint.checked(
        id=tracking_id,
        status=status,
        channel="whatsapp",
        title="Jalan rusak",
        description="Jalan rusak",
        received_at=NOW,
        updated_at=NOW,
    )


def decide(
    text: str,
    current: Complaint | None = None,
    asked: Complaint | None = None,
    fresh: bool = False,
    **more,
):
    msg = message(text, **more)
    chat = Conversation(
        KEY, version=1 if current else 0, complaint_id=current.id if current else None, fresh=fresh
    )
    return plan(msg, command_of(msg), chat, current, asked)


def test_a_first_message_is_a_new_complaint_titled_by_its_first_line():
    decision = decide("Jalan berlubang di Sawojajar\nSudah dua motor jatuh")
    assert decision == NewComplaint(
        title="Jalan berlubang di Sawojajar",
        description="Jalan berlubang di Sawojajar\nSudah dua motor jatuh",
    )


def test_a_long_first_line_is_cut_at_a_word_for_the_title():
    text = "Mohon perhatian bapak ibu petugas karena jalan di depan pasar besar kota sudah lama berlubang dan membahayakan"
    decision = decide(text)
    assert (
        decision.title.endswith("…") and len(decision.title) <= 81 and decision.description == text
    )


def test_a_message_to_an_open_complaint_is_a_follow_up():
    current = complaint()
    assert decide("Lubangnya makin besar", current) == FollowUp(current)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.ARCHIVED])
def test_a_message_after_the_complaint_ended_starts_a_new_one(status):
    assert isinstance(decide("Jalan rusak lagi", complaint(status=status)), NewComplaint)


def test_a_deferred_complaint_takes_the_reply():
    current = complaint(status=Status.DEFERRED)
    assert decide("Lokasinya di depan SDN 3", current) == FollowUp(current)


def test_cek_with_an_id_answers_that_complaint_whoever_asks():
    asked = complaint("AAAAA-11111")
    assert decide("cek aaaaa-11111", complaint(), asked) == AnswerStatus("AAAAA-11111", asked)
    assert decide("STATUS: aaaaa11111.", None, asked) == AnswerStatus("AAAAA-11111", asked)


def test_cek_with_an_unknown_id_says_so():
    assert decide("CEK ZZZZZ-99999") == AnswerStatus("ZZZZZ-99999", None)


def test_cek_alone_answers_the_open_complaint_or_says_there_is_none():
    current = complaint()
    assert decide("CEK", current) == AnswerStatus(current.id, current)
    assert decide("cek") == NoOpenComplaint()


def test_a_sentence_starting_with_cek_is_a_complaint_not_a_command():
    assert isinstance(decide("Cek jalan rusak di Sukun dong"), NewComplaint)


def test_baru_alone_prompts_and_the_next_message_is_new_even_with_one_open():
    current = complaint()
    assert decide("BARU", current) == PromptNew()
    assert isinstance(decide("Sampah menumpuk", current, fresh=True), NewComplaint)


def test_baru_or_sambat_with_text_is_a_new_complaint_at_once():
    current = complaint()
    assert decide("BARU lampu jalan mati", current) == NewComplaint(
        title="lampu jalan mati", description="lampu jalan mati"
    )
    assert decide("sambat: sampah menumpuk", current) == NewComplaint(
        title="sampah menumpuk", description="sampah menumpuk"
    )


def test_a_photo_without_words_is_still_a_complaint():
    photo = MediaRef(provider_ref="123", mime_type="image/jpeg")
    assert decide("", media=[photo]) == NewComplaint(
        title="(foto tanpa keterangan)", description="(foto tanpa keterangan)"
    )
    pin = GeoPoint(lat=-7.97, lon=112.63)
    assert decide("", location=pin).description == "(lokasi tanpa keterangan)"


def test_an_email_is_a_follow_up_only_when_its_subject_names_the_open_complaint():
    current = complaint()
    assert decide(
        "Foto menyusul", current, channel="email", subject="Re: [7k3mq-9xwt2] Pengaduan Anda"
    ) == FollowUp(current)
    assert isinstance(
        decide("Lampu mati", current, channel="email", subject="Lampu jalan"), NewComplaint
    )
    assert decide("Lampu mati", None, channel="email", subject="Lampu jalan").title == "Lampu jalan"


def test_lapor_reports_carry_no_commands():
    report = LaporReport(tracking_id="4812763")
    decision = decide("CEK 12345", channel="lapor", lapor=report)
    assert decision == NewComplaint(title="CEK 12345", description="CEK 12345")


def test_a_conversation_is_one_key_per_address_however_it_is_spelled():
    secret = "k" * 32
    assert conversation_key("sms", "+62 812-3456-7890", secret) == conversation_key(
        "sms", "6281234567890", secret
    )
    assert conversation_key("email", "Warga@Example.COM", secret) == conversation_key(
        "email", "warga@example.com", secret
    )
    assert conversation_key("sms", "+6281234567890", secret) != conversation_key(
        "whatsapp", "+6281234567890", secret
    )
    assert conversation_key("sms", "+6281234567890", secret) != conversation_key(
        "sms", "+6281234567890", "other" * 8
    )


def test_a_conversation_key_never_holds_the_address():
    key = conversation_key("whatsapp", "6281234567890", "k" * 32)
    assert key.startswith("K#whatsapp#") and "81234567890" not in key
    assert normalize_address("whatsapp", "6281234567890") == "+6281234567890"


def test_no_key_without_a_secret():
    with pytest.raises(ValueError):
        conversation_key("sms", "+62812", "")
