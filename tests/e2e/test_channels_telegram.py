"""Telegram on the local cloud: message in -> complaint routed -> the reply with sendMessage."""

from __future__ import annotations

import random

import pytest

from infra.local import citizen
from tests.e2e.channel_client import meta, outbox, routed, tracking_id_in, wait_outbox
from tests.support import eventually, recorded_events

pytestmark = pytest.mark.e2e


def chat() -> int:
    return random.randint(10**8, 10**9)


def test_a_telegram_message_becomes_a_routed_complaint_acknowledged_in_the_chat(cloud):
    chat_id = chat()
    sent = citizen.send_telegram(
        cloud.gateway_url,
        chat_id=chat_id,
        text="Lampu jalan mati di Jl. Ijen sejak seminggu",
        fake_url=cloud.providers_url,
    )
    assert sent.status == 200 and sent.json()["outcome"] == "created"
    [ack] = wait_outbox(cloud, "telegram", to=str(chat_id), what="the Telegram acknowledgement")
    tracking_id = tracking_id_in(ack["text"])
    routed(cloud, tracking_id)
    assert meta(cloud, tracking_id)["channel"] == "telegram"


def test_a_retried_update_is_answered_once(cloud):
    chat_id = chat()
    update = citizen.telegram_update(chat_id, text="Pohon tumbang di Jl. Semeru")
    assert citizen.post_telegram(cloud.gateway_url, update).json()["outcome"] == "created"
    assert citizen.post_telegram(cloud.gateway_url, update).json()["outcome"] == "duplicate"
    tracking_id = tracking_id_in(wait_outbox(cloud, "telegram", to=str(chat_id))[0]["text"])
    eventually(
        lambda: "NotificationSent" in recorded_events(cloud, tracking_id),
        what="the delivery recorded",
    )
    assert len(outbox(cloud, "telegram", to=str(chat_id))) == 1


def test_cek_with_an_unknown_number_is_answered_politely(cloud):
    chat_id = chat()
    citizen.send_telegram(
        cloud.gateway_url, chat_id=chat_id, text="/cek ZZZZZ-99999", fake_url=cloud.providers_url
    )
    [answer] = wait_outbox(cloud, "telegram", to=str(chat_id), contains="tidak kami temukan")
    assert "ZZZZZ-99999" in answer["text"]


def test_a_throttled_bot_api_is_retried_and_the_reply_still_arrives(cloud):
    chat_id = chat()
    cloud.providers.add_fault("telegram", 429, count=2, retry_after=0)
    citizen.send_telegram(
        cloud.gateway_url,
        chat_id=chat_id,
        text="Sampah menumpuk di Jl. Bandung",
        fake_url=cloud.providers_url,
    )
    wait_outbox(cloud, "telegram", to=str(chat_id), what="the acknowledgement after two 429s")
