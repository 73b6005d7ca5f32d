"""SP4N-LAPOR! bridge: Standard Webhooks signatures and the published report payload."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from inbound.channels import lapor
from inbound.channels.inbound import MalformedPayload, SignatureError, StaleMessage

KEY = b"\x13\x37" * 16
WHSEC = "whsec_" + base64.b64encode(KEY).decode()
NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
TS = int(NOW.timestamp())
MSG_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"

REPORT = {
    "type": "report.created",
    "timestamp": "2026-11-29T03:00:00Z",
    "data": {
        "tracking_id": "4812763",
        "title": "Jalan berlubang",
        "content": "Jalan di depan Pasar Dinoyo berlubang besar, membahayakan pengendara.",
        "category": "Infrastruktur",
        "anonymous": True,
        "confidential": False,
        "reporter": {"name": "Siti", "phone": "+6281234567890", "email": "siti@example.id"},
        "location": {
            "lat": -7.9393,
            "lon": 112.6106,
            "name": "Pasar Dinoyo",
            "address": "Dinoyo, Lowokwaru",
        },
        "attachments": [
            {
                "url": "https://bridge.lapor.go.id/files/a.jpg",
                "mime_type": "image/jpeg",
                "filename": "a.jpg",
                "size": 12345,
            }
        ],
        "created_at": "2026-11-29T09:58:00+07:00",
        "future_field": "ignored",
    },
}
RAW = json.dumps(REPORT, ensure_ascii=False).encode()


def sign(key: bytes, webhook_id: str, timestamp: int, raw: bytes) -> str:
    # The Standard Webhooks recipe, written out independently of the module under test.
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + raw, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def headers(signature: str, webhook_id: str = MSG_ID, timestamp: int = TS) -> dict:
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


# --- signature ---------------------------------------------------------------------------------


def test_whsec_secret_is_base64_decoded():
    got = lapor.verify_standard_webhook(RAW, headers(sign(KEY, MSG_ID, TS, RAW)), WHSEC, NOW)
    assert got == MSG_ID


def test_raw_secret_is_used_as_its_bytes():
    secret = "a-plain-shared-secret"
    sig = sign(secret.encode(), MSG_ID, TS, RAW)
    assert lapor.verify_standard_webhook(RAW, headers(sig), secret, NOW) == MSG_ID


def test_signing_helper_matches_the_recipe():
    assert lapor.sign_standard_webhook(MSG_ID, TS, RAW, WHSEC) == sign(KEY, MSG_ID, TS, RAW)


def test_any_one_of_several_signatures_passes():
    old_key_sig = sign(b"the-old-secret", MSG_ID, TS, RAW)
    header = f"v1a,c29tZXRoaW5nZWxzZQ== {old_key_sig} v1,!!notbase64 {sign(KEY, MSG_ID, TS, RAW)}"
    lapor.verify_standard_webhook(RAW, headers(header), WHSEC, NOW)


def test_none_of_several_signatures_matching_fails():
    header = " ".join(sign(k, MSG_ID, TS, RAW) for k in (b"one", b"two", b"three"))
    with pytest.raises(SignatureError):
        lapor.verify_standard_webhook(RAW, headers(header), WHSEC, NOW)


def test_header_names_are_case_insensitive():
    hdrs = {k.title(): v for k, v in headers(sign(KEY, MSG_ID, TS, RAW)).items()}
    assert "Webhook-Signature" in hdrs
    lapor.verify_standard_webhook(RAW, hdrs, WHSEC, NOW)


@pytest.mark.parametrize("age", [timedelta(minutes=5, seconds=1), timedelta(days=3)])
def test_old_deliveries_are_stale(age):
    ts = int((NOW - age).timestamp())
    with pytest.raises(StaleMessage) as err:
        lapor.verify_standard_webhook(
            RAW, headers(sign(KEY, MSG_ID, ts, RAW), timestamp=ts), WHSEC, NOW
        )
    assert err.value.status == 401


def test_future_deliveries_are_stale():
    ts = int((NOW + timedelta(minutes=6)).timestamp())
    with pytest.raises(StaleMessage):
        lapor.verify_standard_webhook(
            RAW, headers(sign(KEY, MSG_ID, ts, RAW), timestamp=ts), WHSEC, NOW
        )


@pytest.mark.parametrize("skew", [-300, -1, 0, 1, 300])
def test_inside_the_window_passes(skew):
    ts = TS + skew
    lapor.verify_standard_webhook(
        RAW, headers(sign(KEY, MSG_ID, ts, RAW), timestamp=ts), WHSEC, TS
    )  # `now` may also be epoch seconds


def test_replay_with_a_fresh_timestamp_but_old_signature_fails():
    old_ts = TS - 3600
    sig = sign(KEY, MSG_ID, old_ts, RAW)
    with pytest.raises(SignatureError):
        lapor.verify_standard_webhook(RAW, headers(sig, timestamp=TS), WHSEC, NOW)


@pytest.mark.parametrize(
    "hdrs",
    [
        {},
        {"webhook-id": MSG_ID, "webhook-timestamp": str(TS)},
        headers(sign(KEY, MSG_ID, TS, RAW), timestamp="yesterday"),
        headers(sign(KEY, MSG_ID, TS, RAW), webhook_id="msg_other"),
        headers(sign(b"wrong", MSG_ID, TS, RAW)),
        headers("v2," + sign(KEY, MSG_ID, TS, RAW)[3:]),
    ],
)
def test_missing_or_forged_headers_are_401(hdrs):
    with pytest.raises(SignatureError) as err:
        lapor.verify_standard_webhook(RAW, hdrs, WHSEC, NOW)
    assert err.value.status == 401


def test_tampered_body_fails():
    tampered = RAW.replace(b"berlubang besar", b"sudah diperbaiki")
    with pytest.raises(SignatureError):
        lapor.verify_standard_webhook(tampered, headers(sign(KEY, MSG_ID, TS, RAW)), WHSEC, NOW)


@pytest.mark.parametrize("secret", ["", "whsec_***"])
def test_bad_configured_secret_fails_closed(secret):
    with pytest.raises(ValueError):
        lapor.verify_standard_webhook(RAW, headers("v1,x"), secret, NOW)


# --- parse -------------------------------------------------------------------------------------


def test_parse_a_report():
    msg = lapor.parse(json.loads(RAW), MSG_ID)
    assert msg.channel == "lapor"
    assert msg.provider_message_id == MSG_ID
    assert msg.sender == "4812763"
    assert msg.sender_name == "Siti"
    assert msg.subject == "Jalan berlubang"
    assert msg.text.startswith("Jalan di depan Pasar Dinoyo")
    assert msg.received_at == datetime(2026, 11, 29, 2, 58, tzinfo=UTC)
    assert msg.location.name == "Pasar Dinoyo" and msg.location.lat == -7.9393
    (media,) = msg.media
    assert media.url == "https://bridge.lapor.go.id/files/a.jpg" and media.size == 12345
    assert msg.reply_to == {"tracking_id": "4812763"}
    assert msg.lapor.tracking_id == "4812763"
    assert msg.lapor.event == "report.created"
    assert msg.lapor.category == "Infrastruktur"
    assert msg.lapor.anonim is True and msg.lapor.rahasia is False
    assert msg.lapor.reporter_phone == "+6281234567890"


def test_parse_a_minimal_followup():
    body = {
        "type": "report.followup",
        "data": {
            "tracking_id": "4812763",
            "content": "Sudah seminggu belum ada tindakan.",
            "created_at": "2026-11-30T01:00:00Z",
        },
    }
    msg = lapor.parse(body, "msg_2")
    assert msg.lapor.event == "report.followup"
    assert msg.subject is None and msg.sender_name is None and msg.location is None
    assert msg.lapor.anonim is False and msg.lapor.rahasia is False


@pytest.mark.parametrize(
    "change",
    [
        {"type": "report.deleted"},
        {"data": None},
        {"data": REPORT["data"] | {"tracking_id": ""}},
        {"data": REPORT["data"] | {"content": "   "}},
        {"data": REPORT["data"] | {"created_at": "2026-11-29T09:58:00"}},  # no offset
        {"data": REPORT["data"] | {"location": {"lat": 123, "lon": 0}}},
        {"data": REPORT["data"] | {"attachments": [{"url": "ftp://files.example/a.jpg"}]}},
        {"data": REPORT["data"] | {"anonymous": "maybe"}},
    ],
)
def test_malformed_reports_are_400(change):
    with pytest.raises(MalformedPayload) as err:
        lapor.parse(REPORT | change, MSG_ID)
    assert err.value.status == 400


def test_non_object_body_is_400():
    with pytest.raises(MalformedPayload):
        lapor.parse(["not", "an", "object"], MSG_ID)
