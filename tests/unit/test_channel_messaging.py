"""Messenger and Instagram webhooks: Meta's one signature over raw bytes, the payload, replays."""

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from inbound.channels import messaging, meta, whatsapp
from inbound.channels.inbound import MalformedPayload, SignatureError

APP_SECRET = "meta-app-secret-456"
PAGE_ID = "108771925491035"
IG_ID = "17841460000000017"
PSID = "24817395028173645"


def meta_bytes(payload: dict) -> bytes:
    """Serialise as Meta does: non-ASCII as \\uXXXX escapes and "/" as "\\/"."""
    return (
        json.dumps(payload, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode()
    )


def signature(raw: bytes, secret: str = APP_SECRET) -> str:
    # Computed here independently of the module under test.
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def envelope(events: list[dict], obj: str = "page", account: str = PAGE_ID) -> dict:
    return {"object": obj, "entry": [{"id": account, "time": 1764390000123, "messaging": events}]}


def event(
    message: dict, sender: str = PSID, account: str = PAGE_ID, ts: int = 1764390000456
) -> dict:
    return {
        "sender": {"id": sender},
        "recipient": {"id": account},
        "timestamp": ts,
        "message": message,
    }


DM = envelope(
    [
        event({"mid": "m_TEXT1", "text": "Lampu taman di Jl. Ijen mati — sudah 3 malam 🙏 café"}),
        event(
            {
                "mid": "m_PHOTO1",
                "text": "Sampah menumpuk",
                "attachments": [
                    {
                        "type": "image",
                        "payload": {
                            "url": "https://scontent.xx.fbcdn.net/v/t1.15752-9/1.jpg?_nc_oc=x&oh=y"
                        },
                    },
                    {
                        "type": "image",
                        "payload": {"url": "https://scontent.xx.fbcdn.net/v/t1.15752-9/2.jpg"},
                    },
                ],
            },
            sender="5550001",
        ),
    ]
)


# --- one signature for every Meta product ------------------------------------------------------


def test_whatsapp_messenger_and_instagram_share_one_implementation():
    assert whatsapp.verify_signature is meta.verify_signature
    assert whatsapp.verify_handshake is meta.verify_handshake
    assert whatsapp.SIGNATURE_HEADER == meta.SIGNATURE_HEADER == "X-Hub-Signature-256"


def test_raw_bytes_with_escaped_non_ascii_verify():
    raw = meta_bytes(DM)
    assert b"\\u00e9" in raw and b"\\ud83d\\ude4f" in raw and b"\\u2014" in raw and b"\\/" in raw
    meta.verify_signature(raw, signature(raw), APP_SECRET)


def test_utf8_raw_bytes_verify_too():
    # Meta escapes today, but the check is over whatever bytes came: UTF-8 must verify as well.
    raw = json.dumps(DM, ensure_ascii=False).encode()
    assert "é".encode() in raw
    meta.verify_signature(raw, signature(raw), APP_SECRET)


def test_re_serialised_body_does_not_verify():
    raw = meta_bytes(DM)
    reserialised = json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":")).encode()
    assert json.loads(reserialised) == json.loads(raw) and reserialised != raw
    with pytest.raises(SignatureError) as err:
        meta.verify_signature(reserialised, signature(raw), APP_SECRET)
    assert err.value.status == 401


@pytest.mark.parametrize(
    "header", [None, "", "sha1=" + "0" * 40, "sha256=", signature(b"{}", "another-app")]
)
def test_missing_or_forged_signatures_are_refused(header):
    with pytest.raises(SignatureError):
        meta.verify_signature(b"{}", header, APP_SECRET)


def test_handshake_echoes_the_challenge_and_refuses_a_wrong_token():
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "987"}
    assert meta.verify_handshake(params, "tok") == "987"
    with pytest.raises(SignatureError) as err:
        meta.verify_handshake({**params, "hub.verify_token": "tak"}, "tok")
    assert err.value.status == 403


def test_signature_helper_matches_meta():
    raw = meta_bytes(DM)
    assert meta.signature_header(raw, APP_SECRET) == signature(raw)


# --- parsing ------------------------------------------------------------------------------------


def test_text_and_photos_become_messages():
    messages, skipped = messaging.parse(meta_bytes(DM), "messenger")
    assert skipped == 0
    text, photo = messages
    assert text.channel == "messenger"
    assert text.provider_message_id == "m_TEXT1"
    assert text.dedupe_key == "messenger#m_TEXT1"
    assert text.sender == PSID
    assert text.text == "Lampu taman di Jl. Ijen mati — sudah 3 malam 🙏 café"
    assert text.received_at == datetime(2025, 11, 29, 4, 20, 0, 456000, tzinfo=UTC)
    assert text.reply_to == {"account_id": PAGE_ID, "to": PSID}
    assert text.media == []
    assert photo.text == "Sampah menumpuk"
    assert [m.url for m in photo.media] == [
        "https://scontent.xx.fbcdn.net/v/t1.15752-9/1.jpg?_nc_oc=x&oh=y",
        "https://scontent.xx.fbcdn.net/v/t1.15752-9/2.jpg",
    ]
    assert [m.provider_ref for m in photo.media] == ["m_PHOTO1#1", "m_PHOTO1#2"]


def test_instagram_dm_on_the_instagram_webhook():
    raw = meta_bytes(
        envelope(
            [
                event(
                    {"mid": "aWdfZAG1faXRlbToxOklH1", "text": "Halo"},
                    sender="17849202039485721",
                    account=IG_ID,
                )
            ],
            "instagram",
            IG_ID,
        )
    )
    [message], _ = messaging.parse(raw, "instagram")
    assert message.channel == "instagram"
    assert message.sender == "17849202039485721"
    assert message.reply_to == {"account_id": IG_ID, "to": "17849202039485721"}


@pytest.mark.parametrize(
    ("channel", "obj"),
    [("messenger", "instagram"), ("instagram", "page"), ("messenger", "whatsapp_business_account")],
)
def test_a_payload_of_another_product_is_refused(channel, obj):
    with pytest.raises(MalformedPayload):
        messaging.parse(meta_bytes(envelope([], obj)), channel)


def test_echoes_deliveries_reads_reactions_and_deletions_are_skipped():
    others = [
        event(
            {"mid": "m_ECHO", "text": "Terima kasih", "is_echo": True}, sender=PAGE_ID, account=PSID
        ),
        {
            "sender": {"id": PSID},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1,
            "delivery": {"mids": ["m_1"], "watermark": 1},
        },
        {
            "sender": {"id": PSID},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1,
            "read": {"watermark": 1},
        },
        {
            "sender": {"id": PSID},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1,
            "reaction": {"mid": "m_1", "action": "react", "emoji": "👍"},
        },
        event({"mid": "m_DEL", "is_deleted": True}),
    ]
    payload = envelope(others)
    payload["entry"][0]["standby"] = [event({"mid": "m_STANDBY", "text": "held by another app"})]
    messages, skipped = messaging.parse(meta_bytes(payload), "messenger")
    assert messages == [] and skipped == 6


def test_stickers_and_videos_are_kept_as_words_not_photos():
    raw = meta_bytes(
        envelope(
            [
                event(
                    {
                        "mid": "m_STK",
                        "attachments": [
                            {
                                "type": "image",
                                "payload": {
                                    "url": "https://scontent.xx.fbcdn.net/s.png",
                                    "sticker_id": 369239263222822,
                                },
                            }
                        ],
                    }
                ),
                event(
                    {
                        "mid": "m_VID",
                        "text": "lihat",
                        "attachments": [
                            {
                                "type": "video",
                                "payload": {"url": "https://video.xx.fbcdn.net/v.mp4"},
                            }
                        ],
                    }
                ),
            ]
        )
    )
    sticker, video = messaging.parse(raw, "messenger")[0]
    assert sticker.media == [] and sticker.text == "[unsupported: sticker]"
    assert video.media == [] and video.text == "lihat\n[unsupported: video]"


def test_a_location_attachment_is_a_pin():
    raw = meta_bytes(
        envelope(
            [
                event(
                    {
                        "mid": "m_LOC",
                        "attachments": [
                            {
                                "type": "location",
                                "title": "Alun-alun",
                                "payload": {"coordinates": {"lat": -7.98, "long": 112.63}},
                            }
                        ],
                    }
                )
            ]
        )
    )
    [message], _ = messaging.parse(raw, "messenger")
    assert (message.location.lat, message.location.lon, message.location.name) == (
        -7.98,
        112.63,
        "Alun-alun",
    )


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[]",
        meta_bytes({"object": "page", "entry": "x"}),
        meta_bytes(
            envelope(
                [
                    {
                        "sender": {"id": PSID},
                        "recipient": {"id": PAGE_ID},
                        "timestamp": 1,
                        "message": {"text": "no mid"},
                    }
                ]
            )
        ),
        meta_bytes(
            envelope(
                [
                    {
                        "sender": "PSID",
                        "recipient": {"id": PAGE_ID},
                        "timestamp": 1,
                        "message": {"mid": "m"},
                    }
                ]
            )
        ),
        meta_bytes(envelope([event({"mid": "m_T"}, ts="yesterday")])),
        meta_bytes(envelope([event({"mid": "m_A", "attachments": "photo"})])),
        meta_bytes(
            envelope(
                [
                    event(
                        {
                            "mid": "m_L",
                            "attachments": [
                                {
                                    "type": "location",
                                    "payload": {"coordinates": {"lat": 91, "long": 0}},
                                }
                            ],
                        }
                    )
                ]
            )
        ),
    ],
)
def test_malformed_payloads_are_400(payload):
    with pytest.raises(MalformedPayload) as err:
        messaging.parse(payload, "messenger")
    assert err.value.status == 400 and err.value.code == "malformed_payload"


def test_a_message_without_a_recipient_anywhere_is_refused():
    raw = meta_bytes(
        {
            "object": "page",
            "entry": [
                {
                    "time": 1,
                    "messaging": [
                        {
                            "sender": {"id": PSID},
                            "timestamp": 1,
                            "message": {"mid": "m_X", "text": "x"},
                        }
                    ],
                }
            ],
        }
    )
    with pytest.raises(MalformedPayload):
        messaging.parse(raw, "messenger")


@pytest.mark.parametrize(
    "raw", [("[" * 1000 + "]" * 1000).encode(), b'{"object": "page", "x": "\\udb9d"}']
)
def test_hostile_json_is_a_malformed_payload_not_a_crash(raw):
    with pytest.raises(MalformedPayload):
        messaging.parse(raw, "messenger")
