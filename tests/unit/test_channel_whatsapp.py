"""WhatsApp Cloud API webhooks: handshake, X-Hub-Signature-256 over the raw bytes, payload."""

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from inbound.channels import whatsapp
from inbound.channels.inbound import MalformedPayload, SignatureError

APP_SECRET = "meta-app-secret-123"
PHONE_NUMBER_ID = "106540352242922"


def meta_bytes(payload: dict) -> bytes:
    """Serialise as Meta does: non-ASCII as \\uXXXX escapes and "/" as "\\/"."""
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode()


def meta_signature(raw: bytes, secret: str = APP_SECRET) -> str:
    # Computed here independently of the module under test.
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def envelope(value: dict, field: str = "messages") -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": field,
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "6281100000000",
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            **value,
                        },
                    }
                ],
            }
        ],
    }


CITIZEN_POST = envelope(
    {
        "contacts": [
            {"profile": {"name": "Siti Aminah"}, "wa_id": "6281234567890"},
            {"profile": {"name": "Andé Prasetyo"}, "wa_id": "6289876543210"},
        ],
        "messages": [
            {
                "from": "6281234567890",
                "id": "wamid.TEXT1",
                "timestamp": "1764390000",
                "type": "text",
                "text": {"body": "Jalan rusak di Lowokwaru, 2 minggu — tolong diperbaiki 🙏 café"},
            },
            {
                "from": "6289876543210",
                "id": "wamid.IMAGE1",
                "timestamp": "1764390060",
                "type": "image",
                "image": {
                    "caption": "Sampah menumpuk di Jl. Ijen",
                    "mime_type": "image/jpeg",
                    "sha256": "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4",
                    "id": "1003383421387256",
                    "url": "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1003",
                },
            },
            {
                "from": "6281234567890",
                "id": "wamid.LOC1",
                "timestamp": "1764390120",
                "type": "location",
                "location": {
                    "latitude": -7.9666,
                    "longitude": 112.6326,
                    "name": "Alun-alun Malang",
                    "address": "Jl. Merdeka, Kiduldalem, Klojen",
                },
            },
            {
                "from": "6281234567890",
                "id": "wamid.STICKER1",
                "timestamp": "1764390180",
                "type": "sticker",
                "sticker": {"id": "5555", "mime_type": "image/webp", "animated": False},
            },
        ],
    }
)


# --- handshake -------------------------------------------------------------------------------


def test_handshake_returns_the_raw_challenge():
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert whatsapp.verify_handshake(params, "tok") == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "tok", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": "tok"},
        {},
        None,
    ],
)
def test_handshake_refuses_with_403(params):
    with pytest.raises(SignatureError) as err:
        whatsapp.verify_handshake(params, "tok")
    assert err.value.status == 403


def test_handshake_with_no_configured_token_fails_closed():
    with pytest.raises(ValueError):
        whatsapp.verify_handshake({"hub.mode": "subscribe", "hub.verify_token": ""}, "")


# --- signature ---------------------------------------------------------------------------------


def test_raw_bytes_with_escaped_non_ascii_verify():
    raw = meta_bytes(CITIZEN_POST)
    assert b"\\u00e9" in raw and b"\\ud83d\\ude4f" in raw and b"\\/" in raw
    whatsapp.verify_signature(raw, meta_signature(raw), APP_SECRET)


def test_re_serialised_body_does_not_verify():
    raw = meta_bytes(CITIZEN_POST)
    header = meta_signature(raw)
    reserialised = json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":")).encode()
    assert json.loads(reserialised) == json.loads(raw)  # the same JSON ...
    assert reserialised != raw  # ... but not the same bytes
    with pytest.raises(SignatureError):
        whatsapp.verify_signature(reserialised, header, APP_SECRET)


def test_signature_helper_matches_meta():
    raw = meta_bytes(CITIZEN_POST)
    assert whatsapp.signature_header(raw, APP_SECRET) == meta_signature(raw)


def test_uppercase_hex_is_accepted():
    raw = b'{"object":"whatsapp_business_account","entry":[]}'
    header = "sha256=" + meta_signature(raw)[len("sha256=") :].upper()
    whatsapp.verify_signature(raw, header, APP_SECRET)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha1=" + "0" * 40,
        "sha256=",
        "sha256=" + "0" * 64,
        meta_signature(b"{}", "another-app-secret"),
    ],
)
def test_missing_or_forged_signatures_are_refused(header):
    with pytest.raises(SignatureError) as err:
        whatsapp.verify_signature(b"{}", header, APP_SECRET)
    assert err.value.status == 401


def test_tampered_body_is_refused():
    raw = meta_bytes(CITIZEN_POST)
    header = meta_signature(raw)
    with pytest.raises(SignatureError):
        whatsapp.verify_signature(raw.replace(b"Lowokwaru", b"Blimbing!"), header, APP_SECRET)


def test_unconfigured_app_secret_fails_closed():
    with pytest.raises(ValueError):
        whatsapp.verify_signature(b"{}", meta_signature(b"{}", ""), "")


# --- parse -----------------------------------------------------------------------------------


def test_parse_all_message_kinds_in_one_post():
    messages, statuses = whatsapp.parse(meta_bytes(CITIZEN_POST))
    assert statuses == []
    text, image, location, sticker = messages

    assert text.channel == "whatsapp"
    assert text.provider_message_id == "wamid.TEXT1"
    assert text.dedupe_key == "whatsapp#wamid.TEXT1"
    assert text.sender == "6281234567890"
    assert text.sender_name == "Siti Aminah"
    assert text.text == "Jalan rusak di Lowokwaru, 2 minggu — tolong diperbaiki 🙏 café"
    assert text.received_at == datetime(2025, 11, 29, 4, 20, tzinfo=UTC)
    assert text.reply_to == {"phone_number_id": PHONE_NUMBER_ID, "to": "6281234567890"}

    assert image.sender_name == "Andé Prasetyo"
    assert image.text == "Sampah menumpuk di Jl. Ijen"
    (media,) = image.media
    assert media.provider_ref == "1003383421387256"
    assert media.mime_type == "image/jpeg"
    assert media.caption == "Sampah menumpuk di Jl. Ijen"
    assert media.sha256.startswith("8f4343")
    assert media.url.startswith("https://lookaside.fbsbx.com/")

    assert location.text == ""
    assert location.location.lat == -7.9666 and location.location.lon == 112.6326
    assert location.location.name == "Alun-alun Malang"
    assert location.location.address == "Jl. Merdeka, Kiduldalem, Klojen"

    assert sticker.text == "[unsupported: sticker]"
    assert sticker.media == []


def test_parse_delivery_statuses():
    post = envelope(
        {
            "statuses": [
                {
                    "id": "wamid.OUT1",
                    "status": "sent",
                    "timestamp": "1764390000",
                    "recipient_id": "6281234567890",
                    "conversation": {"id": "c1", "origin": {"type": "service"}},
                    "pricing": {"billable": True, "category": "service"},
                },
                {
                    "id": "wamid.OUT1",
                    "status": "delivered",
                    "timestamp": "1764390001",
                    "recipient_id": "6281234567890",
                },
                {
                    "id": "wamid.OUT1",
                    "status": "read",
                    "timestamp": "1764390002",
                    "recipient_id": "6281234567890",
                },
                {
                    "id": "wamid.OUT2",
                    "status": "failed",
                    "timestamp": "1764390003",
                    "recipient_id": "6289876543210",
                    "errors": [
                        {
                            "code": 131047,
                            "title": "Re-engagement message",
                            "message": "Re-engagement message",
                            "error_data": {"details": "More than 24 hours have passed"},
                        }
                    ],
                },
                {"id": "wamid.OUT3", "status": "deleted", "timestamp": "1764390004"},
            ]
        }
    )
    messages, statuses = whatsapp.parse(meta_bytes(post))
    assert messages == []
    assert [(s.provider_message_id, s.status) for s in statuses] == [
        ("wamid.OUT1", "sent"),
        ("wamid.OUT1", "delivered"),
        ("wamid.OUT1", "read"),
        ("wamid.OUT2", "failed"),
    ]
    assert statuses[0].recipient == "6281234567890"
    assert statuses[0].error is None
    assert statuses[3].error == "131047 Re-engagement message (More than 24 hours have passed)"
    assert statuses[3].at == datetime.fromtimestamp(1764390003, tz=UTC)


def test_a_post_with_a_thousand_messages():
    many = envelope(
        {
            "contacts": [{"profile": {"name": "Warga"}, "wa_id": "628111"}],
            "messages": [
                {
                    "from": "628111",
                    "id": f"wamid.{i}",
                    "timestamp": "1764390000",
                    "type": "text",
                    "text": {"body": f"pesan {i}"},
                }
                for i in range(1000)
            ],
        }
    )
    messages, _ = whatsapp.parse(meta_bytes(many))
    assert len(messages) == 1000
    assert len({m.provider_message_id for m in messages}) == 1000


def test_other_webhook_fields_are_ignored():
    post = envelope({"event": "APPROVED"}, field="message_template_status_update")
    assert whatsapp.parse(meta_bytes(post)) == ([], [])


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        json.dumps({"object": "page", "entry": []}).encode(),
        json.dumps({"object": "whatsapp_business_account", "entry": {}}).encode(),
        meta_bytes(envelope({"messages": [{"id": "wamid.X", "type": "text"}]})),
        meta_bytes(
            envelope(
                {
                    "messages": [
                        {
                            "id": "wamid.X",
                            "from": "1",
                            "type": "text",
                            "text": {"body": "x"},
                            "timestamp": "soon",
                        }
                    ]
                }
            )
        ),
        meta_bytes(
            envelope(
                {
                    "messages": [
                        {
                            "id": "wamid.X",
                            "from": "1",
                            "type": "image",
                            "timestamp": "1",
                            "image": {"caption": "no id"},
                        }
                    ]
                }
            )
        ),
        meta_bytes(
            envelope(
                {
                    "messages": [
                        {
                            "id": "wamid.X",
                            "from": "1",
                            "type": "location",
                            "timestamp": "1",
                            "location": {"latitude": 200, "longitude": 0},
                        }
                    ]
                }
            )
        ),
        meta_bytes(envelope({"messages": "nope"})),
    ],
)
def test_malformed_payloads_are_400(raw):
    with pytest.raises(MalformedPayload) as err:
        whatsapp.parse(raw)
    assert err.value.status == 400
    assert err.value.code == "malformed_payload"
