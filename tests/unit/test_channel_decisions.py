"""The chat senders' decisions (pure): WhatsApp's 24-hour window, request bodies, media checks."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from aduan.channel_events import MediaItem
from lapor.sender import status_body
from media.fetch import MediaRejected, allowed_origins, origin
from media.media import checked, sniff
from notify.senders.whatsapp import request_body, window_open

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.mark.parametrize(
    "last, open_",
    [
        (NOW - timedelta(minutes=5), True),
        (NOW - timedelta(hours=23), True),
        (NOW - timedelta(hours=23, minutes=55), False),
        (NOW - timedelta(days=2), False),
        (None, False),
    ],
)
def test_free_form_whatsapp_text_only_inside_the_24_hour_window(last, open_):
    assert window_open(last, NOW) is open_


def test_inside_the_window_whatsapp_gets_the_text():
    body = request_body("+6281234567890", "Yth. Bapak/Ibu,\nnomor *7K3MQ-9XWT2*", window=True)
    assert body["type"] == "text" and body["to"] == "6281234567890"
    assert body["text"]["body"] == "Yth. Bapak/Ibu,\nnomor *7K3MQ-9XWT2*"


def test_outside_the_window_whatsapp_gets_the_template_with_the_text_flattened():
    body = request_body(
        "6281234567890", "Yth. Bapak/Ibu,\n\nStatus:   Diproses\n", window=False, language="id"
    )
    assert body["type"] == "template" and body["template"]["name"] == "aduan_pemberitahuan"
    assert body["template"]["language"] == {"code": "id"}
    [param] = body["template"]["components"][0]["parameters"]
    assert param["text"] == "Yth. Bapak/Ibu, | Status: Diproses" and "\n" not in param["text"]


def test_lapor_hears_our_tracking_id_the_status_and_the_answer():
    body = status_body(
        "7K3MQ-9XWT2",
        "responded",
        "Ditindaklanjuti",
        "Status: Ditindaklanjuti.",
        "Jalan sudah ditambal.",
    )
    assert body == {
        "tracking_id": "7K3MQ-9XWT2",
        "status": "responded",
        "status_label": "Ditindaklanjuti",
        "message": "Status: Ditindaklanjuti.",
        "response": "Jalan sudah ditambal.",
    }


def test_a_photo_is_recognised_by_its_own_bytes():
    assert sniff(JPEG) == "image/jpeg" and sniff(PNG) == "image/png"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"%PDF-1.7") is None and sniff(b"<html>") is None


def test_a_photo_passes_when_its_type_size_and_digest_are_right():
    item = MediaItem(
        provider_ref="m1", mime_type="image/jpeg", sha256=hashlib.sha256(JPEG).hexdigest()
    )
    photo = checked(item, JPEG, "image/jpeg", 1000)
    assert photo.mime_type == "image/jpeg" and photo.size == len(JPEG)


@pytest.mark.parametrize(
    "data, sha, limit, reason",
    [
        (JPEG, None, 10, "too_large"),
        (b"MZ\x90\x00 an executable", None, 1000, "type_not_allowed"),
        (JPEG, "0" * 64, 1000, "digest_mismatch"),
    ],
)
def test_a_photo_is_refused_for_size_type_or_digest(data, sha, limit, reason):
    with pytest.raises(MediaRejected) as refused:
        checked(
            MediaItem(provider_ref="m1", mime_type="image/jpeg", sha256=sha),
            data,
            "image/jpeg",
            limit,
        )
    assert refused.value.reason == reason


def test_origins_compare_scheme_host_and_port():
    allowed = allowed_origins(
        [
            "https://graph.facebook.com",
            " https://lookaside.fbsbx.com ",
            "",
            "http://127.0.0.1:3001/lapor",
        ]
    )
    assert origin("https://graph.facebook.com/v21.0/123") in allowed
    assert origin("https://lookaside.fbsbx.com:443/x") in allowed
    assert origin("http://127.0.0.1:3001/whatsapp-media/1") in allowed
    assert origin("http://127.0.0.1:3002/") not in allowed
    assert origin("https://graph.facebook.com.evil.example/") not in allowed
    assert origin("http://169.254.169.254/latest/meta-data") not in allowed
