"""What a message does once it is authentic: dedupe, conversations, commands, statuses.

Through the real inbound handler and a moto table: each message is one transaction (dedupe item,
conversation item, and the complaint, follow-up or reply it means).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from aduan.conversations import conversation_key, provider_ref
from aduan.errors import AlreadyProcessed
from aduan.status import Status
from infra.local import citizen
from tests.webhooks import (  # noqa: F401  (stack_fixture: the `stack` fixture)
    SECRETS,
    a_whatsapp_message,
    an_sms,
    lapor_post,
    sms_post,
    stack_fixture,
    telegram_post,
    whatsapp_post,
)

PHONE = "6281234567890"


def replies(stack, template=None):
    found = [e["detail"]["data"] for e in stack.events("ChannelReplyRequested")]
    return [r for r in found if template is None or r["template"] == template]


def only_complaint(stack):
    [complaint] = stack.complaints()
    return complaint


# --- dedupe --------------------------------------------------------------------------------


def test_a_provider_retrying_the_same_message_gets_one_complaint(stack):
    payload = a_whatsapp_message(message_id="wamid.RETRIED-1")
    for _ in range(3):
        assert whatsapp_post(stack, payload).status == 200
    assert len(stack.complaints()) == 1
    assert len(stack.events("ComplaintReceived")) == 1 and stack.events("CitizenReplied") == []
    [dedupe] = stack.items("D#")
    assert (
        dedupe["PK"]
        == f"D#whatsapp#{provider_ref('whatsapp', 'wamid.RETRIED-1', SECRETS['CONVERSATION_HASH_KEY'])}"
        and dedupe["ttl"] > time.time() + 13 * 24 * 3600
    )


def test_concurrent_deliveries_of_one_message_make_one_complaint(stack):
    payload = a_whatsapp_message(message_id="wamid.CONCURRENT-1")
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda: statuses.append(whatsapp_post(stack, payload).status))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    assert len(stack.complaints()) == 1 and len(stack.events("ComplaintReceived")) == 1
    assert (
        stack.events("CitizenReplied") == [] and len(stack.items("D#")) == 1
    )  # no echo became a follow-up


def test_two_first_messages_of_one_chat_at_once_make_one_complaint_and_one_follow_up(stack):
    from inbound.channels import whatsapp
    from inbound.webhooks import common

    # Accepted side by side as two Lambda instances would (the resolver itself is one per process).
    first, second = (
        whatsapp.parse(citizen.whatsapp_body(a_whatsapp_message(t)))[0][0]
        for t in ("Lampu jalan mati", "Di depan masjid Jl. Ijen")
    )
    acceptor = common.intake({})
    threads = [threading.Thread(target=acceptor.accept, args=(m,)) for m in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stack.complaints()) == 1
    assert len(stack.events("CitizenReplied")) == 1


def test_a_telegram_update_delivered_twice_is_accepted_once(stack):
    update = citizen.telegram_update(4242, text="Pohon tumbang di Jl. Semeru", update_id=777001)
    assert telegram_post(stack, update).json["outcome"] == "created"
    assert telegram_post(stack, update).json["outcome"] == "duplicate"
    assert len(stack.complaints()) == 1


def test_a_lapor_retry_with_the_same_webhook_id_is_accepted_once(stack):
    payload = citizen.lapor_payload("5550001", "Drainase tersumbat di Sukun")
    assert lapor_post(stack, payload, webhook_id="msg_same").json["outcome"] == "created"
    assert lapor_post(stack, payload, webhook_id="msg_same").json["outcome"] == "duplicate"
    assert len(stack.complaints()) == 1


def test_a_repeated_lapor_delivery_is_refused_by_its_transaction_and_names_the_complaint(
    stack, monkeypatch
):
    # Nothing is read before the transaction: a second delivery of one report (a retry, or two
    # at once) is decided as a new one would be, refused on its dedupe item, and answered with
    # the complaint the first filed (the LAPOR! bridge links its record by it).
    payload = citizen.lapor_payload("5550009", "Lampu PJU mati di Jl. Bandung")
    first = lapor_post(stack, payload, webhook_id="msg_race").json
    assert first["outcome"] == "created" and first["tracking_id"]
    real_accept = stack.repository.accept_inbound
    refused = []

    def accept_inbound(record, change):
        try:
            return real_accept(record, change)
        except AlreadyProcessed:
            refused.append(record.provider_ref)
            raise

    monkeypatch.setattr(stack.repository, "accept_inbound", accept_inbound)
    second = lapor_post(stack, payload, webhook_id="msg_race").json
    assert refused, "the transaction did not refuse the repeated delivery"
    assert second == {"ok": True, "outcome": "duplicate", "tracking_id": first["tracking_id"]}
    assert len(stack.complaints()) == 1


def test_one_whatsapp_post_with_many_messages_accepts_each(stack):
    a, b = "6281111111111", "6282222222222"
    messages = [
        citizen.whatsapp_message(s, text=t)
        for s, t in (
            (a, "Jalan rusak"),
            (b, "Sampah menumpuk"),
            (a, "Di Jl. Veteran"),
            (b, "Di TPS Blimbing"),
        )
    ]
    answer = whatsapp_post(stack, citizen.whatsapp_payload(messages, secrets=SECRETS))
    assert answer.status == 200 and answer.json["messages"] == 4
    assert len(stack.complaints()) == 2 and len(stack.events("CitizenReplied")) == 2


# --- conversations -------------------------------------------------------------------------


def test_a_second_message_is_a_follow_up_on_the_open_complaint(stack):
    whatsapp_post(stack, a_whatsapp_message("Jalan berlubang di Jl. Veteran"))
    whatsapp_post(stack, a_whatsapp_message("Lubangnya makin besar setelah hujan"))
    complaint = only_complaint(stack)
    [message] = [i for i in stack.items(f"C#{complaint['id']}") if i["SK"].startswith("M#")]
    assert (
        message["text"] == "Lubangnya makin besar setelah hujan"
        and message["channel"] == "whatsapp"
    )
    [replied] = stack.events("CitizenReplied")
    assert replied["detail"]["data"]["previous_status"] == "received" and complaint["version"] == 2
    [ack] = replies(stack, "followup_received")
    assert (
        ack["complaint_id"] == complaint["id"] and ack["values"]["tracking_id"] == complaint["id"]
    )


def test_a_reply_to_a_deferred_complaint_sends_it_back_to_verification(stack):
    whatsapp_post(stack, a_whatsapp_message("Saluran air tersumbat"))
    complaint = stack.repository.get(only_complaint(stack)["id"])
    stack.repository.save(complaint.replace(status=Status.DEFERRED), complaint.version, [])
    whatsapp_post(stack, a_whatsapp_message("Lokasinya di Jl. Soekarno Hatta depan kampus"))
    again = stack.repository.get(complaint.id)
    assert again.status is Status.RECEIVED
    [replied] = stack.events("CitizenReplied")
    assert replied["detail"]["data"]["answered_deferral"] is True
    assert [r["template"] for r in replies(stack)] == ["followup_reopened"]


@pytest.mark.parametrize(
    "issued", ["7K3MQ-9XWT2", "AENCM-NHHJW"], ids=["with-digits", "digit-less"]
)
def test_cek_answers_the_status_of_any_complaint_to_whoever_asks(stack, issued, monkeypatch):
    # The id is fixed, not drawn: a drawn id has no digit 1 time in 40, and both kinds must work.
    import inbound.webhooks.accept

    monkeypatch.setattr(inbound.webhooks.accept, "new_tracking_id", lambda: issued)
    sms_post(stack, an_sms("SAMBAT lampu jalan mati di Jl. Ijen", sender="+6281111000001"))
    tracking_id = only_complaint(stack)["id"]
    assert tracking_id == issued
    sms_post(stack, an_sms(f"cek {tracking_id.lower()}", sender="+6281111000002"))
    [answer] = replies(stack, "status_answer")
    assert (
        answer["complaint_id"] == tracking_id
        and answer["values"]["status_label"] == "Belum diverifikasi"
    )
    # the reply goes to the asker's conversation, not the reporter's
    assert answer["conversation"] == conversation_key(
        "sms", "+6281111000002", stack.settings.conversation_hash_key
    )
    assert len(stack.complaints()) == 1


def test_cek_with_an_unknown_id_is_answered_in_the_conversation(stack):
    sms_post(stack, an_sms("CEK ZZZZZ-99999", sender="+6281111000003"))
    [answer] = replies(stack, "status_unknown")
    key = conversation_key("sms", "+6281111000003", stack.settings.conversation_hash_key)
    assert answer["complaint_id"] == key and answer["values"]["tracking_id"] == "ZZZZZ-99999"
    assert stack.complaints() == []


def test_cek_alone_answers_the_open_complaint_or_says_there_is_none(stack):
    telegram_post(stack, citizen.telegram_update(5151, text="CEK"))
    assert [r["template"] for r in replies(stack)] == ["status_no_open"]
    telegram_post(
        stack, citizen.telegram_update(5151, text="Pohon tumbang menutup jalan di Tlogomas")
    )
    telegram_post(stack, citizen.telegram_update(5151, text="/cek"))
    [answer] = replies(stack, "status_answer")
    assert answer["complaint_id"] == only_complaint(stack)["id"]


def test_baru_starts_a_new_complaint_even_with_one_open(stack):
    whatsapp_post(stack, a_whatsapp_message("Jalan rusak di Sawojajar"))
    whatsapp_post(stack, a_whatsapp_message("BARU"))
    assert [r["template"] for r in replies(stack)] == ["new_complaint_prompt"]
    whatsapp_post(stack, a_whatsapp_message("Sampah tidak diangkut di Blimbing"))
    assert sorted(c["description"] for c in stack.complaints()) == [
        "Jalan rusak di Sawojajar",
        "Sampah tidak diangkut di Blimbing",
    ]
    whatsapp_post(stack, a_whatsapp_message("Sudah tiga hari"))  # a follow-up on the newest
    [replied] = stack.events("CitizenReplied")
    newest = next(c for c in stack.complaints() if c["description"].startswith("Sampah"))
    assert replied["detail"]["data"]["complaint_id"] == newest["id"]


def test_sambat_always_starts_a_complaint(stack):
    sms_post(stack, an_sms("SAMBAT jalan rusak di Klojen", sender="+6281111000004"))
    sms_post(stack, an_sms("sambat: lampu mati di Kauman", sender="+6281111000004"))
    assert sorted(c["description"] for c in stack.complaints()) == [
        "jalan rusak di Klojen",
        "lampu mati di Kauman",
    ]


def test_a_lapor_followup_is_added_to_the_report_it_follows(stack):
    lapor_post(stack, citizen.lapor_payload("5550002", "Trotoar rusak di Jl. Kawi"))
    lapor_post(
        stack,
        citizen.lapor_payload("5550002", "Sudah ada yang jatuh", event_type="report.followup"),
    )
    complaint = only_complaint(stack)
    [replied] = stack.events("CitizenReplied")
    assert (
        replied["detail"]["data"]["complaint_id"] == complaint["id"]
        and replied["detail"]["data"]["channel"] == "lapor"
    )
    assert replies(stack) == []  # LAPOR! reporters hear from LAPOR!, through the bridge


def test_no_address_is_stored_or_keyed_in_clear(stack):
    whatsapp_post(stack, a_whatsapp_message("Jalan rusak di Sawojajar", sender=PHONE))
    whatsapp_post(stack, a_whatsapp_message("CEK", sender=PHONE))
    dump = stack.raw_dump()
    assert PHONE not in dump and PHONE[2:] not in dump and "Siti" not in dump
    [conversation] = stack.items("K#")
    assert conversation["PK"] == conversation_key(
        "whatsapp", PHONE, stack.settings.conversation_hash_key
    )
    [reporter] = [i for i in stack.items("C#") if i["SK"] == "R"]
    assert reporter["conversation"] == conversation["PK"] and reporter["contact_channels"] == [
        "whatsapp"
    ]


def test_a_photo_and_a_location_travel_as_media_and_coordinates(stack):
    image = {"id": "1234567890", "mime_type": "image/jpeg", "sha256": "ab" * 32}
    whatsapp_post(stack, a_whatsapp_message("Lubang besar", image=image))
    whatsapp_post(stack, a_whatsapp_message("Jl. Veteran", location=(-7.9553, 112.6145)))
    [media] = stack.events("MediaReceived")
    assert media["detail"]["data"]["items"] == [
        {
            "provider_ref": "1234567890",
            "mime_type": "image/jpeg",
            "sha256": "ab" * 32,
            "url": None,
            "size": None,
            "filename": None,
            "inbox_key": None,
        }
    ]
    complaint = only_complaint(stack)
    assert complaint["location"]["lat"] == -7.9553 and complaint["description"] == "Lubang besar"


# --- delivery statuses ---------------------------------------------------------------------


def test_whatsapp_delivery_statuses_are_recorded_once_and_a_failure_goes_on_the_history(stack):
    whatsapp_post(stack, a_whatsapp_message("Jalan rusak"))
    tracking_id = only_complaint(stack)["id"]
    # what notify writes when it sends
    # (the provider's id as a keyed hash: a wamid carries the citizen's number)
    ref = provider_ref("whatsapp", "wamid.OUT-1", SECRETS["CONVERSATION_HASH_KEY"])
    stack.repository.transact(
        [
            stack.repository.delivery_put(
                "whatsapp",
                ref,
                complaint_id=tracking_id,
                claim="N#e#whatsapp",
                template="acknowledgement",
                sent_at=datetime.now(UTC),
            )
        ]
    )
    stamp = str(int(datetime.now(UTC).timestamp()))
    delivered = {
        "id": "wamid.OUT-1",
        "status": "delivered",
        "timestamp": stamp,
        "recipient_id": PHONE,
    }
    failed = {
        "id": "wamid.OUT-1",
        "status": "failed",
        "timestamp": stamp,
        "recipient_id": PHONE,
        "errors": [{"code": 131047, "title": "Re-engagement message"}],
    }
    for statuses in ([delivered], [delivered, failed], [failed]):
        assert (
            whatsapp_post(
                stack, citizen.whatsapp_payload(statuses=statuses, secrets=SECRETS)
            ).status
            == 200
        )
    recorded = sorted(i["SK"] for i in stack.items(f"S#whatsapp#{ref}"))
    assert recorded == ["S", "S#delivered", "S#failed"]
    [failure] = stack.events("NotificationDeliveryFailed")
    assert failure["PK"] == f"C#{tracking_id}" and "131047" in failure["detail"]["data"]["error"]


def test_twilio_status_callbacks_are_recorded(stack):
    params = {
        "MessageSid": "SM" + "1" * 32,
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
        "AccountSid": SECRETS["TWILIO_ACCOUNT_SID"],
    }
    answer = sms_post(stack, params, path="/webhooks/sms/status")
    assert answer.status == 200
    [status] = stack.items("S#sms#")
    assert status["status"] == "failed" and status["error"] == "Twilio 30003"
