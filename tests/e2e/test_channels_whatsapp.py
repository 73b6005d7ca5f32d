"""WhatsApp on the local cloud: message in -> complaint routed -> the reply on WhatsApp."""

from __future__ import annotations

import threading

import pytest

from aduan.conversations import provider_ref
from aduan.photo_metadata import strip
from infra.local import citizen
from infra.local.defaults import local_secrets
from tests.e2e.channel_client import (
    items,
    meta,
    routed,
    timeline,
    tracking_id_in,
    unique_phone,
    wait_outbox,
)
from tests.e2e.officer_client import Officers
from tests.support import eventually, has_exif, http, photo_jpeg, recorded_events

pytestmark = pytest.mark.e2e
JPEG = photo_jpeg()  # with GPS EXIF, as a phone sends it


def send(cloud, phone, text=None, **more):
    sent = citizen.send_whatsapp(
        cloud.gateway_url, from_=phone, text=text, fake_url=cloud.providers_url, **more
    )
    assert sent.status == 200, sent.text
    return sent


def test_a_whatsapp_message_becomes_a_routed_complaint_acknowledged_on_whatsapp(cloud):
    phone = unique_phone()
    send(cloud, phone, "Jalan berlubang besar di depan pasar Sawojajar, sudah dua motor jatuh")
    [ack] = wait_outbox(cloud, "whatsapp", to=phone, what="the WhatsApp acknowledgement")
    tracking_id = tracking_id_in(ack["text"])
    assert ack["raw"]["type"] == "text" and ack["text"].startswith(
        "Yth. Bapak/Ibu"
    )  # inside the 24-hour window
    routed(cloud, tracking_id)
    complaint = meta(cloud, tracking_id)
    assert complaint["channel"] == "whatsapp" and complaint["category"] == "roads"
    eventually(
        lambda: "NotificationSent" in recorded_events(cloud, tracking_id),
        what="the delivery recorded",
    )


def test_follow_ups_and_cek_are_answered_on_whatsapp(cloud):
    phone = unique_phone()
    send(cloud, phone, "Lampu penerangan jalan mati di Jl. Ijen depan museum")
    tracking_id = tracking_id_in(wait_outbox(cloud, "whatsapp", to=phone)[0]["text"])
    send(cloud, phone, "Sudah satu minggu gelap total")
    followed = wait_outbox(
        cloud, "whatsapp", to=phone, contains="pesan tambahan", what="the follow-up receipt"
    )
    assert tracking_id in followed[0]["text"]
    send(cloud, phone, f"cek {tracking_id.lower()}")
    [status] = wait_outbox(cloud, "whatsapp", to=phone, contains="saat ini", what="the CEK answer")
    assert tracking_id in status["text"] and "Belum diverifikasi" in status["text"]
    assert len([i for i in items(cloud, f"C#{tracking_id}") if i["SK"].startswith("M#")]) == 1


def test_a_provider_delivering_twice_and_at_once_gets_one_complaint_and_one_reply(cloud):
    phone = unique_phone()
    payload = citizen.whatsapp_payload(
        [citizen.whatsapp_message(phone, text="Sampah menumpuk di TPS Blimbing")]
    )
    threads = [
        threading.Thread(target=citizen.post_whatsapp, args=(cloud.gateway_url, payload))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert citizen.post_whatsapp(cloud.gateway_url, payload).status == 200  # and once more, later
    [ack] = wait_outbox(cloud, "whatsapp", to=phone)
    tracking_id = tracking_id_in(ack["text"])
    eventually(
        lambda: "NotificationSent" in recorded_events(cloud, tracking_id),
        what="the delivery recorded",
    )
    assert len(wait_outbox(cloud, "whatsapp", to=phone)) == 1


def test_a_photo_is_fetched_from_the_provider_stored_and_linked(cloud, tmp_path):
    phone = unique_phone()
    photo = tmp_path / "lubang.jpg"
    photo.write_bytes(JPEG)
    send(cloud, phone, "Lubang di Jl. Veteran", photo=photo)
    tracking_id = tracking_id_in(wait_outbox(cloud, "whatsapp", to=phone)[0]["text"])
    linked = eventually(lambda: meta(cloud, tracking_id).get("media"), what="the photo linked")
    [media] = linked
    assert (
        media["key"].startswith(f"complaints/{tracking_id}/media/")
        and media["mime_type"] == "image/jpeg"
    )
    stored = cloud.client("s3").get_object(Bucket=cloud.resources["MediaBucket"], Key=media["key"])
    stored_bytes = stored["Body"].read()
    assert stored_bytes == strip(JPEG, "image/jpeg") and not has_exif(stored_bytes)


def test_delivery_statuses_from_whatsapp_are_recorded(cloud):
    phone = unique_phone()
    send(cloud, phone, "Pohon tumbang di Jl. Semeru")
    [ack] = wait_outbox(cloud, "whatsapp", to=phone)
    wamid = ack["provider_message_id"]
    # filed under a keyed hash of the provider's id (it may carry the citizen's address)
    ref = provider_ref("whatsapp", wamid, local_secrets()["CONVERSATION_HASH_KEY"])
    eventually(lambda: items(cloud, f"S#whatsapp#{ref}"), what="the delivery record")
    for status in ("delivered", "read"):
        answer = http(
            "POST",
            f"{cloud.providers_url}/_deliver",
            {"channel": "whatsapp", "provider_message_id": wamid, "status": status},
        )
        assert answer.status == 200 and answer.json["status"] == 200, answer
    assert {i["SK"] for i in items(cloud, f"S#whatsapp#{ref}")} == {"S", "S#delivered", "S#read"}


def test_a_number_that_never_wrote_gets_the_template_message(cloud):
    phone = unique_phone()
    body = {
        "title": "Jalan rusak",
        "description": "Jalan rusak parah di depan SDN Sumbersari 2",
        "reporter": {"whatsapp": phone},
    }
    tracking_id = http("POST", f"{cloud.gateway_url}/v1/complaints", body).json["tracking_id"]
    [sent] = wait_outbox(cloud, "whatsapp", to=phone)
    assert sent["raw"]["type"] == "template" and sent["template"]["name"] == "aduan_pemberitahuan"
    assert tracking_id in sent["text"]


def test_answering_a_deferral_on_whatsapp_sends_the_complaint_back_to_verification(cloud):
    officers, phone = Officers(cloud), unique_phone()
    send(cloud, phone, "Saluran air tersumbat dan banjir setiap hujan")
    tracking_id = tracking_id_in(wait_outbox(cloud, "whatsapp", to=phone)[0]["text"])
    routed(cloud, tracking_id)
    deferred = officers.act(
        "koordinator",
        tracking_id,
        action="defer",
        text="Mohon sebutkan nama jalan dan kelurahannya.",
    )
    assert deferred.status == 200, deferred
    wait_outbox(cloud, "whatsapp", to=phone, contains="nama jalan", what="the question on WhatsApp")
    send(cloud, phone, "Jl. Soekarno Hatta, Kelurahan Mojolangu")
    eventually(
        lambda: meta(cloud, tracking_id)["status"] == "received", what="back to verification"
    )
    [thanks] = wait_outbox(
        cloud, "whatsapp", to=phone, contains="verifikasi kembali", what="the reopened receipt"
    )
    assert tracking_id in thanks["text"]
    assert "CitizenReplied" in timeline(cloud, tracking_id)
