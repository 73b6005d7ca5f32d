"""Telegram bot webhooks: the secret-token header and the Update object."""

from datetime import UTC, datetime

import pytest

from inbound.channels import telegram
from inbound.channels.inbound import MalformedPayload, SignatureError

SECRET = "aduan_Secret-Token_0123456789"
CHAT = {"id": 987654321, "first_name": "Budi", "last_name": "Santoso", "type": "private"}
FROM = {
    "id": 987654321,
    "is_bot": False,
    "first_name": "Budi",
    "last_name": "Santoso",
    "language_code": "id",
}


def update(update_id: int = 100000001, **message) -> dict:
    return {
        "update_id": update_id,
        "message": {"message_id": 42, "from": FROM, "chat": CHAT, "date": 1764390000, **message},
    }


# --- secret token ------------------------------------------------------------------------------


def test_matching_secret_passes():
    telegram.verify_secret(SECRET, SECRET)


@pytest.mark.parametrize("header", [None, "", SECRET + "x", SECRET[:-1], SECRET.upper()])
def test_wrong_or_missing_secret_is_401(header):
    with pytest.raises(SignatureError) as err:
        telegram.verify_secret(header, SECRET)
    assert err.value.status == 401


def test_unconfigured_secret_fails_closed():
    with pytest.raises(ValueError):
        telegram.verify_secret("", "")


# --- parse -------------------------------------------------------------------------------------


def test_text_message():
    (msg,) = telegram.parse(update(text="Lampu PJU mati di Jl. Soekarno-Hatta 🙏"))
    assert msg.channel == "telegram"
    assert msg.provider_message_id == "100000001"  # update_id: stable across retries
    assert msg.dedupe_key == "telegram#100000001"
    assert msg.sender == "987654321"
    assert msg.sender_name == "Budi Santoso"
    assert msg.text == "Lampu PJU mati di Jl. Soekarno-Hatta 🙏"
    assert msg.received_at == datetime(2025, 11, 29, 4, 20, tzinfo=UTC)
    assert msg.reply_to == {"chat_id": "987654321", "reply_to_message_id": "42"}


def test_photo_takes_the_largest_size_and_the_caption():
    photo = [
        {"file_id": "small", "file_unique_id": "u1", "file_size": 1200, "width": 90, "height": 68},
        {
            "file_id": "large",
            "file_unique_id": "u3",
            "file_size": 98000,
            "width": 1280,
            "height": 960,
        },
        {
            "file_id": "medium",
            "file_unique_id": "u2",
            "file_size": 21000,
            "width": 320,
            "height": 240,
        },
    ]
    (msg,) = telegram.parse(update(photo=photo, caption="Got tersumbat di Sawojajar"))
    assert msg.text == "Got tersumbat di Sawojajar"
    (media,) = msg.media
    assert media.provider_ref == "large"
    assert media.size == 98000
    assert media.caption == "Got tersumbat di Sawojajar"
    assert media.mime_type == "image/jpeg"


def test_location_and_venue():
    (msg,) = telegram.parse(update(location={"latitude": -7.98, "longitude": 112.63}))
    assert (msg.location.lat, msg.location.lon) == (-7.98, 112.63)
    assert msg.text == ""

    venue = {
        "location": {"latitude": -7.9666, "longitude": 112.6326},
        "title": "Alun-alun Malang",
        "address": "Jl. Merdeka",
    }
    (msg,) = telegram.parse(update(venue=venue, location=venue["location"]))
    assert msg.location.name == "Alun-alun Malang"
    assert msg.location.address == "Jl. Merdeka"


def test_other_content_is_recorded_as_unsupported():
    (msg,) = telegram.parse(update(voice={"file_id": "v1", "duration": 3}))
    assert msg.text == "[unsupported: voice]"


def test_edited_message_is_ignored_with_a_reason():
    body = {"update_id": 100000002, "edited_message": update()["message"] | {"text": "edit"}}
    assert telegram.parse(body) == []
    assert telegram.skip_reason(body).startswith("edited_message:")


def test_other_updates_are_ignored_with_a_reason():
    body = {"update_id": 100000003, "my_chat_member": {"chat": CHAT}}
    assert telegram.parse(body) == []
    assert telegram.skip_reason(body).startswith("my_chat_member:")
    assert telegram.skip_reason(update(text="hi")) is None


def test_group_chat_sender_is_the_chat():
    group = {"id": -1001234567890, "title": "Warga RW 05", "type": "supergroup"}
    body = update(text="Banjir!", chat=group)
    (msg,) = telegram.parse(body)
    assert msg.sender == "-1001234567890"
    assert msg.sender_name == "Budi Santoso"


@pytest.mark.parametrize(
    "body",
    [
        [],
        {},
        {"update_id": "1", "message": {}},
        {"update_id": True, "message": {}},
        {"update_id": 1, "message": "text"},
        {"update_id": 1, "message": {"message_id": 1, "date": 1764390000, "text": "no chat"}},
        update(text="x", date="yesterday"),
        update(photo=[{"width": 1}]),
        update(location={"latitude": "north"}),
    ],
)
def test_malformed_updates_are_400(body):
    with pytest.raises(MalformedPayload):
        telegram.parse(body)
