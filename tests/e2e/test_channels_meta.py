"""Messenger and Instagram DMs on the local cloud, and WhatsApp's business-scoped user ids.

A DM becomes a complaint with a reply through the Send API; replays are deduped; CEK answers;
Meta's windows decide how (or whether) a later step reaches the citizen.
"""

from __future__ import annotations

import random
import threading
import time

import pytest

from aduan.photo_metadata import strip
from infra.local import citizen
from tests.e2e.channel_client import items, meta, routed, tracking_id_in, wait_outbox
from tests.e2e.officer_client import Officers
from tests.support import eventually, has_exif, photo_jpeg, recorded_events

pytestmark = pytest.mark.e2e
JPEG = photo_jpeg()  # with GPS EXIF, as a phone sends it
HOUR_MS = 3600 * 1000


def scoped_id() -> str:
    """A PSID / IGSID no other test uses (conversations are per sender)."""
    return "2" + "".join(random.choice("0123456789") for _ in range(15))


def dm(cloud, channel, sender, text=None, *, hours_ago=0.0, **more):
    event = citizen.messaging_event(
        sender,
        channel=channel,
        text=text,
        timestamp_ms=int(time.time() * 1000 - hours_ago * HOUR_MS),
        **more,
    )
    sent = citizen.post_messaging(
        cloud.gateway_url, channel, citizen.messaging_payload(channel, [event])
    )
    assert sent.status == 200, sent.text
    return sent


@pytest.mark.parametrize("channel", ["messenger", "instagram"])
def test_a_dm_becomes_a_routed_complaint_answered_in_the_same_chat(cloud, channel):
    sender = scoped_id()
    dm(
        cloud,
        channel,
        sender,
        "Jalan berlubang besar di depan pasar Sawojajar, sudah dua motor jatuh",
    )
    [ack] = wait_outbox(cloud, channel, to=sender, what=f"the {channel} acknowledgement")
    tracking_id = tracking_id_in(ack["text"])
    assert ack["messaging_type"] == "RESPONSE" and ack["raw"]["recipient"] == {"id": sender}
    routed(cloud, tracking_id)
    complaint = meta(cloud, tracking_id)
    assert complaint["channel"] == channel and complaint["category"] == "roads"
    # The scoped id is personal data: never in the complaint, its events, or any clear key.
    story = items(cloud, f"C#{tracking_id}")
    assert sender not in repr(story)


def test_replays_and_parallel_deliveries_make_one_complaint_and_one_reply(cloud):
    sender = scoped_id()
    payload = citizen.messaging_payload(
        "messenger", [citizen.messaging_event(sender, text="Sampah menumpuk di TPS Blimbing")]
    )
    threads = [
        threading.Thread(
            target=citizen.post_messaging, args=(cloud.gateway_url, "messenger", payload)
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (
        citizen.post_messaging(cloud.gateway_url, "messenger", payload).status == 200
    )  # Meta retries later
    [ack] = wait_outbox(cloud, "messenger", to=sender)
    tracking_id = tracking_id_in(ack["text"])
    eventually(
        lambda: "NotificationSent" in recorded_events(cloud, tracking_id),
        what="the delivery recorded",
    )
    assert len(wait_outbox(cloud, "messenger", to=sender)) == 1


def test_follow_ups_and_cek_on_instagram(cloud):
    sender = scoped_id()
    dm(cloud, "instagram", sender, "Lampu penerangan jalan mati di Jl. Ijen depan museum")
    tracking_id = tracking_id_in(wait_outbox(cloud, "instagram", to=sender)[0]["text"])
    dm(cloud, "instagram", sender, "Sudah satu minggu gelap total")
    wait_outbox(
        cloud, "instagram", to=sender, contains="pesan tambahan", what="the follow-up receipt"
    )
    dm(cloud, "instagram", sender, f"CEK {tracking_id.lower()}")
    [status] = wait_outbox(
        cloud, "instagram", to=sender, contains="saat ini", what="the CEK answer"
    )
    assert tracking_id in status["text"]
    assert len([i for i in items(cloud, f"C#{tracking_id}") if i["SK"].startswith("M#")]) == 1


def test_a_photo_in_a_dm_is_fetched_from_the_cdn_url_and_linked(cloud, tmp_path):
    sender = scoped_id()
    photo = tmp_path / "lubang.jpg"
    photo.write_bytes(JPEG)
    sent = citizen.send_messaging(
        cloud.gateway_url,
        channel="messenger",
        from_=sender,
        text="Lubang di Jl. Veteran",
        photo=photo,
        fake_url=cloud.providers_url,
    )
    assert sent.status == 200, sent.text
    tracking_id = tracking_id_in(wait_outbox(cloud, "messenger", to=sender)[0]["text"])
    [media] = eventually(lambda: meta(cloud, tracking_id).get("media"), what="the photo linked")
    stored = cloud.client("s3").get_object(Bucket=cloud.resources["MediaBucket"], Key=media["key"])
    stored_bytes = stored["Body"].read()
    assert stored_bytes == strip(JPEG, "image/jpeg") and not has_exif(stored_bytes)


def test_after_24_hours_only_an_officers_words_go_out_tagged_human_agent(cloud):
    officers, sender = Officers(cloud), scoped_id()
    # The citizen wrote 30 hours ago (Meta delivered late): no automatic notice may go out now.
    dm(
        cloud,
        "messenger",
        sender,
        "Saluran air tersumbat dan banjir setiap hujan di Jl. Kawi",
        hours_ago=30,
    )
    tracking_id = _complaint_of(cloud, sender)
    routed(cloud, tracking_id)
    eventually(
        lambda: "NotificationSent" in recorded_events(cloud, tracking_id),
        what="the acknowledgement recorded",
    )
    assert cloud.providers.messages("messenger", to=sender) == []
    deferred = officers.act(
        "koordinator",
        tracking_id,
        action="defer",
        text="Mohon sebutkan nama jalan dan kelurahannya.",
    )
    assert deferred.status == 200, deferred
    [question] = wait_outbox(
        cloud, "messenger", to=sender, contains="nama jalan", what="the officer's question"
    )
    assert question["messaging_type"] == "MESSAGE_TAG" and question["tag"] == "HUMAN_AGENT"


def test_after_7_days_nothing_goes_out_and_the_history_says_so(cloud):
    officers, sender = Officers(cloud), scoped_id()
    dm(
        cloud,
        "instagram",
        sender,
        "Trotoar rusak parah di depan SDN Sumbersari 2",
        hours_ago=8 * 24,
    )
    tracking_id = _complaint_of(cloud, sender)
    routed(cloud, tracking_id)
    assert (
        officers.act(
            "koordinator", tracking_id, action="defer", text="Mohon kirim foto trotoarnya."
        ).status
        == 200
    )
    history = eventually(
        lambda: officers.history(tracking_id).count("NotificationSent") >= 2
        and officers.detail("koordinator", tracking_id)["history"],
        what="both notices recorded",
    )
    sent = [h for h in history if h["event"] == "NotificationSent"]
    assert all(h["data"]["status"] == "not_sent" for h in sent), sent
    assert cloud.providers.messages("instagram", to=sender) == []


def test_a_whatsapp_user_with_only_a_bsuid_is_keyed_on_it_and_answered_without_a_phone(cloud):
    bsuid = "ID." + "".join(random.choice("0123456789") for _ in range(16))
    sent = citizen.send_whatsapp(
        cloud.gateway_url,
        from_=None,
        user_id=bsuid,
        text="Pohon tumbang menutup Jl. Semeru",
        fake_url=cloud.providers_url,
    )
    assert sent.status == 200, sent.text
    [ack] = wait_outbox(cloud, "whatsapp", to=bsuid, what="the acknowledgement to the BSUID")
    assert ack["raw"]["recipient"] == bsuid and "to" not in ack["raw"]
    tracking_id = tracking_id_in(ack["text"])
    routed(cloud, tracking_id)
    # Never an SMS to the BSUID (nor to its digits read as a number).
    assert cloud.providers.messages("sms", to=bsuid) == []
    assert cloud.providers.messages("sms", to="+" + bsuid[3:]) == []
    assert bsuid not in repr(items(cloud, f"C#{tracking_id}"))


def test_a_chat_begun_under_the_phone_number_goes_on_under_the_bsuid(cloud):
    phone = "628" + "".join(random.choice("0123456789") for _ in range(10))
    bsuid = "ID." + "".join(random.choice("0123456789") for _ in range(16))
    citizen.send_whatsapp(
        cloud.gateway_url,
        from_=phone,
        text="Sampah belum diangkut di Jl. Bandung",
        fake_url=cloud.providers_url,
    )
    tracking_id = tracking_id_in(wait_outbox(cloud, "whatsapp", to=phone)[0]["text"])
    # Meta now sends the BSUID with the number: the same open complaint gets the follow-up.
    sent = citizen.send_whatsapp(
        cloud.gateway_url,
        from_=phone,
        user_id=bsuid,
        text="Sudah dua hari belum diangkat",
        fake_url=cloud.providers_url,
    )
    assert sent.status == 200, sent.text
    [receipt] = wait_outbox(
        cloud,
        "whatsapp",
        to=bsuid,
        contains="pesan tambahan",
        what="the follow-up receipt to the BSUID",
    )
    assert tracking_id in receipt["text"]
    assert len([i for i in items(cloud, f"C#{tracking_id}") if i["SK"].startswith("M#")]) == 1
    # And later without the number: still the same conversation.
    citizen.send_whatsapp(
        cloud.gateway_url,
        from_=None,
        user_id=bsuid,
        text="Masih menumpuk",
        fake_url=cloud.providers_url,
    )
    wait_outbox(
        cloud, "whatsapp", to=bsuid, contains="pesan tambahan", count=2, what="the second receipt"
    )
    assert len([i for i in items(cloud, f"C#{tracking_id}") if i["SK"].startswith("M#")]) == 2


def _complaint_of(cloud, sender: str) -> str:
    """The complaint a sender's first message made (no acknowledgement to read it from)."""
    from aduan.conversations import conversation_key
    from infra.local.defaults import local_secrets

    def find() -> str | None:
        for channel in ("messenger", "instagram"):
            key = conversation_key(channel, sender, local_secrets()["CONVERSATION_HASH_KEY"])
            found = [i for i in items(cloud, key) if i.get("complaint_id")]
            if found:
                return found[0]["complaint_id"]
        return None

    return eventually(find, what="the conversation's complaint")
