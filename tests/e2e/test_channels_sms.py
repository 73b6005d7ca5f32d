"""SMS on the local cloud: a texter's SAMBAT -> complaint routed -> the SMS acknowledgement."""

from __future__ import annotations

import pytest

from aduan.conversations import provider_ref
from infra.local import citizen
from infra.local.defaults import local_secrets
from tests.e2e.channel_client import items, meta, routed, tracking_id_in, unique_phone, wait_outbox
from tests.support import eventually, http

pytestmark = pytest.mark.e2e


def text(cloud, phone, body):
    sent = citizen.send_sms(
        cloud.gateway_url,
        from_=phone,
        text=body,
        public_base_url=cloud.gateway_url,
        fake_url=cloud.providers_url,
    )
    assert sent.status == 200 and sent.headers["content-type"].startswith("text/xml"), sent.text
    return sent


def test_a_sambat_sms_becomes_a_routed_complaint_acknowledged_by_sms(cloud):
    phone = "+" + unique_phone()
    text(cloud, phone, "SAMBAT sampah menumpuk di TPS Blimbing tidak diangkut seminggu")
    [ack] = wait_outbox(cloud, "sms", to=phone, what="the SMS acknowledgement")
    tracking_id = tracking_id_in(ack["text"])
    routed(cloud, tracking_id)
    complaint = meta(cloud, tracking_id)
    assert (
        complaint["channel"] == "sms"
        and complaint["description"] == "sampah menumpuk di TPS Blimbing tidak diangkut seminggu"
    )
    assert ack["status_callback"] == f"{cloud.gateway_url}/webhooks/sms/status"


def test_twilio_delivery_reports_are_recorded(cloud):
    phone = "+" + unique_phone()
    text(cloud, phone, "SAMBAT lampu jalan mati di Jl. Kawi")
    [ack] = wait_outbox(cloud, "sms", to=phone)
    sid = ack["provider_message_id"]
    # filed under a keyed hash of the provider's id (it may carry the citizen's address)
    ref = provider_ref("sms", sid, local_secrets()["CONVERSATION_HASH_KEY"])
    eventually(lambda: items(cloud, f"S#sms#{ref}"), what="the delivery record")
    answer = http(
        "POST",
        f"{cloud.providers_url}/_deliver",
        {"channel": "sms", "provider_message_id": sid, "status": "delivered"},
    )
    assert answer.json["status"] == 200, answer
    assert {i["SK"] for i in items(cloud, f"S#sms#{ref}")} == {"S", "S#delivered"}


def test_a_status_question_by_sms_is_answered_by_sms(cloud):
    reporter, asker = "+" + unique_phone(), "+" + unique_phone()
    text(cloud, reporter, "SAMBAT jalan rusak di Jl. Raya Tlogomas")
    tracking_id = tracking_id_in(wait_outbox(cloud, "sms", to=reporter)[0]["text"])
    text(cloud, asker, f"STATUS {tracking_id}")
    [answer] = wait_outbox(cloud, "sms", to=asker, contains=tracking_id)
    assert answer["text"].startswith(f"Status pengaduan {tracking_id}")
