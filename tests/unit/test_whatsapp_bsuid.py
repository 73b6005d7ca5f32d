"""WhatsApp's business-scoped user ids: the conversation's key, never a phone number."""

import json

import pytest

from aduan.conversations import conversation_key, is_bsuid, normalize_address
from inbound.channels import whatsapp
from inbound.channels.inbound import MalformedPayload
from notify.messages import recipients_of
from notify.senders.whatsapp import request_body

BSUID = "ID.1502576394655843"
PHONE = "6281234567890"


def post(contacts: list[dict], messages: list[dict]) -> bytes:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "106540352242922"},
        "contacts": contacts,
        "messages": messages,
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(payload).encode()


def text(**sender) -> dict:
    return {
        "id": "wamid.B1",
        "timestamp": "1764390000",
        "type": "text",
        "text": {"body": "Jalan rusak"},
        **sender,
    }


def test_a_username_user_without_a_phone_is_keyed_on_the_bsuid():
    [message], _ = whatsapp.parse(
        post(
            [{"profile": {"name": "Sri", "username": "@sri"}, "user_id": BSUID}],
            [text(from_user_id=BSUID)],
        )
    )
    assert message.sender == BSUID and message.previous_sender is None
    assert message.sender_name == "Sri"
    assert message.reply_to["to"] == BSUID


def test_with_both_the_bsuid_is_the_key_and_the_phone_only_finds_an_older_conversation():
    [message], _ = whatsapp.parse(
        post(
            [{"profile": {"name": "Sri"}, "wa_id": PHONE, "user_id": BSUID}],
            [text(**{"from": PHONE, "from_user_id": BSUID})],
        )
    )
    assert message.sender == BSUID and message.previous_sender == PHONE


def test_the_bsuid_of_a_message_may_come_from_its_contact_only():
    [message], _ = whatsapp.parse(
        post(
            [{"profile": {"name": "Sri"}, "wa_id": PHONE, "user_id": BSUID}],
            [text(**{"from": PHONE})],
        )
    )
    assert message.sender == BSUID and message.previous_sender == PHONE


def test_before_bsuids_the_phone_number_is_still_the_key():
    [message], _ = whatsapp.parse(
        post([{"profile": {"name": "Sri"}, "wa_id": PHONE}], [text(**{"from": PHONE})])
    )
    assert message.sender == PHONE and message.previous_sender is None


def test_a_message_naming_nobody_is_malformed():
    with pytest.raises(MalformedPayload):
        whatsapp.parse(post([], [text()]))


@pytest.mark.parametrize(
    "value",
    [BSUID, "US.13491208655302741918", "US.ENT.11815799212886844830", "BR.1502576394655843"],
)
def test_bsuids_are_recognised(value):
    assert is_bsuid(value)


@pytest.mark.parametrize(
    "value", [PHONE, "+6281234567890", "62 812-3456", "id.123", "ID123", "ID.12 3", ""]
)
def test_phone_numbers_are_not_bsuids(value):
    assert not is_bsuid(value)


def test_a_bsuid_is_kept_as_given_and_keys_its_own_conversation():
    assert normalize_address("whatsapp", BSUID) == BSUID  # never reduced to its digits
    secret = "k" * 32
    key = conversation_key("whatsapp", BSUID, secret)
    assert key != conversation_key("whatsapp", "+1502576394655843", secret)
    assert BSUID not in key and "1502576394655843" not in key


def test_replies_to_a_bsuid_go_in_recipient_not_to():
    inside = request_body(BSUID, "Halo", window=True)
    outside = request_body(BSUID, "Halo", window=False)
    assert inside["recipient"] == BSUID and "to" not in inside
    assert outside["recipient"] == BSUID and "to" not in outside
    assert request_body("+" + PHONE, "Halo", window=True)["to"] == PHONE


def test_a_bsuid_is_never_an_sms_number():
    found = recipients_of({"whatsapp": BSUID, "name": "Sri"}, ["whatsapp", "sms"])
    assert [(r.channel, r.address) for r in found] == [("whatsapp", BSUID)]


def test_meta_scoped_ids_reach_only_their_own_channel():
    identity = {"messenger": "24817395028173645", "instagram": "17849202039485721"}
    found = recipients_of(identity, ["messenger", "instagram", "sms", "whatsapp"])
    assert [(r.channel, r.address) for r in found] == [
        ("messenger", "24817395028173645"),
        ("instagram", "17849202039485721"),
    ]


def test_meta_cdn_wildcards_allow_subdomains_only():
    from media.fetch import allowed_origins, origin, permitted

    allowed = allowed_origins(["https://*.fbcdn.net", "https://lookaside.fbsbx.com"])
    assert permitted(origin("https://scontent-sin6-1.xx.fbcdn.net/v/t1/1.jpg?oh=x"), allowed)
    assert permitted(origin("https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1"), allowed)
    for refused in (
        "https://fbcdn.net/x",  # the bare domain is not a subdomain
        "https://evil-fbcdn.net/x",
        "https://scontent.xx.fbcdn.net.evil.example/x",
        "http://scontent.xx.fbcdn.net/x",  # another scheme
        "https://scontent.xx.fbcdn.net:8443/x",  # another port
        "not a url",
    ):
        assert not permitted(origin(refused), allowed), refused
