"""Hostile bodies on every route that reads JSON, over real HTTP on the local cloud: a document
nested a thousand levels deep, or a string holding a lone surrogate, is a 400 with the JSON
error shape (never a 500 or a trace) and stores nothing, on the public routes before any
authentication, on the signed webhooks (signed over the very bytes sent) and on officer
actions. Errors are Indonesian by default and English on `Accept-Language: en`."""

from __future__ import annotations

import json
import time

import pytest

from infra.local import citizen
from infra.local.defaults import local_secrets
from tests.e2e.officer_client import Officers
from tests.support import http

pytestmark = pytest.mark.e2e

DEEP = ("[" * 1000 + "]" * 1000).encode()
SURROGATE = b'{"title": "Jalan \\udb9d rusak", "description": "Jalan berlubang di Jl. Ijen sekali"}'
FORM = {
    "title": "Jalan berlubang",
    "description": "Jalan berlubang besar di Jl. Ijen depan sekolah",
}


def stored(cloud) -> int:
    """What an accepted request would have written: a complaint, a message, a delivery's
    dedupe record or a conversation (routing and notify go on writing their own meanwhile)."""
    table = cloud.resources["ComplaintTable"]
    kinds = ("complaint", "message", "dedupe", "conversation", "reporter")
    found = cloud.client("dynamodb").scan(
        TableName=table,
        Select="COUNT",
        FilterExpression="#k IN (" + ", ".join(f":k{i}" for i in range(len(kinds))) + ")",
        ExpressionAttributeNames={"#k": "kind"},
        ExpressionAttributeValues={f":k{i}": {"S": k} for i, k in enumerate(kinds)},
    )
    return found["Count"]


def refused_cleanly(answer) -> dict:
    assert answer.status == 400, answer
    body = json.loads(answer.raw if hasattr(answer, "raw") else answer.body)
    assert set(body) == {"error"} and body["error"]["code"] in ("invalid_json", "malformed_payload")
    assert "Traceback" not in json.dumps(body)
    return body["error"]


def signed_routes(cloud, raw: bytes):
    secrets = local_secrets()
    gateway = cloud.gateway_url
    now = str(int(time.time()))
    msg_id = f"msg_hostile_{time.time_ns()}"
    yield citizen.request(
        f"{gateway}/webhooks/telegram",
        raw,
        {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": secrets["TELEGRAM_SECRET_TOKEN"],
        },
    )
    yield citizen.request(
        f"{gateway}/webhooks/whatsapp",
        raw,
        {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": citizen.whatsapp_signature(raw, secrets["WHATSAPP_APP_SECRET"]),
        },
    )
    for channel in ("messenger", "instagram"):
        yield citizen.request(
            f"{gateway}/webhooks/{channel}",
            raw,
            {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": citizen.meta_signature(raw, secrets["META_APP_SECRET"]),
            },
        )
    yield citizen.request(
        f"{gateway}/webhooks/lapor",
        raw,
        {
            "Content-Type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": now,
            "webhook-signature": citizen.standard_webhook_signature(
                secrets["LAPOR_WEBHOOK_SECRET"], msg_id, now, raw
            ),
        },
    )
    # SNS signs inside the JSON, so the e-mail webhook has to read it before it can check.
    yield citizen.request(f"{gateway}/webhooks/email", raw, {"Content-Type": "text/plain"})


@pytest.mark.parametrize("raw", [DEEP, SURROGATE], ids=["1000-levels-deep", "lone-surrogate"])
def test_hostile_json_is_a_400_that_stores_nothing_on_every_route(cloud, raw):
    tracking_id = http("POST", f"{cloud.gateway_url}/v1/complaints", FORM).json["tracking_id"]
    officers = Officers(cloud)
    officer = {"authorization": f"Bearer {officers.token('koordinator')}"}
    before = stored(cloud)
    public = [
        http("POST", f"{cloud.gateway_url}/v1/complaints", raw=raw),
        http("POST", f"{cloud.gateway_url}/v1/complaints/{tracking_id}/replies", raw=raw),
        http("POST", f"{cloud.gateway_url}/v1/complaints/{tracking_id}/rating", raw=raw),
        http(
            "POST",
            f"{cloud.gateway_url}/v1/officer/complaints/{tracking_id}/actions",
            raw=raw,
            headers=officer,
        ),
    ]
    for answer in public:
        refused_cleanly(answer)
    for sent in signed_routes(cloud, raw):
        assert sent.status == 400, (sent.url, sent.status, sent.body[:300])
        refused_cleanly(type("A", (), {"status": sent.status, "raw": sent.body})())
    assert stored(cloud) == before


def test_public_errors_are_indonesian_unless_english_is_asked_for(cloud):
    url = f"{cloud.gateway_url}/v1/complaints"
    indonesian = http("POST", url, raw=b"{not json")
    english = http("POST", url, raw=b"{not json", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert indonesian.json["error"] == {
        "code": "invalid_json",
        "message": "Isi permintaan bukan JSON yang sah.",
    }
    assert english.json["error"]["code"] == "invalid_json"
    assert english.json["error"]["message"].startswith("the body is not valid JSON")
    invalid = http("POST", url, {"title": "x"})
    assert invalid.status == 422 and invalid.json["error"]["message"].startswith("Ada isian")
    missing = http("GET", f"{url}/ZZZZZ-ZZZZZ", headers={"Accept-Language": "id"})
    missing_en = http("GET", f"{url}/ZZZZZ-ZZZZZ", headers={"Accept-Language": "en"})
    assert missing.status == missing_en.status == 404
    assert "ditemukan" in missing.json["error"]["message"]
    assert "tracking id" in missing_en.json["error"]["message"].lower()
