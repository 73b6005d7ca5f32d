"""SP4N-LAPOR! on the local cloud: a report in -> complaint routed -> its status sent back to LAPOR!."""

from __future__ import annotations

import random

import pytest

from infra.local import citizen
from tests.e2e.channel_client import meta, outbox, routed, wait_outbox
from tests.e2e.officer_client import Officers
from tests.support import eventually

pytestmark = pytest.mark.e2e


def lapor_id() -> str:
    return str(random.randint(10**6, 10**7))


def test_a_lapor_report_is_routed_and_lapor_hears_our_tracking_id_and_each_status(cloud):
    theirs = lapor_id()
    sent = citizen.send_lapor(
        cloud.gateway_url,
        tracking_id=theirs,
        text="Jalan berlubang di depan SDN Oro-oro Dowo, Klojen",
        fake_url=cloud.providers_url,
    )
    assert sent.status == 200, sent.text
    ours = sent.json()["tracking_id"]
    complaint = meta(cloud, ours)
    assert complaint["external_refs"] == {"lapor": theirs} and complaint["channel"] == "lapor"
    [received] = wait_outbox(cloud, "lapor", to=theirs, what="the status sent to LAPOR!")
    assert received["raw"]["tracking_id"] == ours and received["raw"]["status"] == "received"
    routed(cloud, ours)
    # an officer's step reaches LAPOR! too
    officers = Officers(cloud)
    eventually(
        lambda: officers.detail("koordinator", ours)["complaint"]["category"], what="routing"
    )
    assert officers.act("koordinator", ours, action="verify", verify_only=True).status == 200
    verified = wait_outbox(
        cloud, "lapor", to=theirs, contains="Terverifikasi", what="the verified status on LAPOR!"
    )
    assert verified[-1]["raw"]["status"] == "verified"


def test_a_lapor_followup_joins_its_report(cloud):
    theirs = lapor_id()
    ours = citizen.send_lapor(
        cloud.gateway_url,
        tracking_id=theirs,
        text="Sampah menumpuk di Jl. Kawi",
        fake_url=cloud.providers_url,
    ).json()["tracking_id"]
    payload = citizen.lapor_payload(
        theirs, "Sudah dua minggu belum diangkut", event_type="report.followup"
    )
    answer = citizen.post_lapor(cloud.gateway_url, payload)
    assert answer.json() == {"ok": True, "outcome": "followed_up", "tracking_id": ours}
    eventually(lambda: meta(cloud, ours)["version"] >= 2, what="the follow-up on the complaint")
    assert not outbox(cloud, "whatsapp", to=theirs)
