"""Messenger and Instagram webhooks through the real inbound handler (moto), and the Send API
sender against the fake provider server: signatures, routing by product, dedupe, privacy."""

from __future__ import annotations

import dataclasses
import json
import time
import urllib.parse

import pytest

from aduan.provider_http import NotSent, SendFailed
from aduan.settings import Settings
from infra.local import citizen
from infra.local.defaults import local_secrets
from infra.local.fake_providers import FakeProviders
from notify.senders.messenger_platform import send_message
from tests.webhooks import (  # noqa: F401  (the `stack` fixture)
    SECRETS,
    nothing_stored,
    stack_fixture,
)

PSID = "24817395028173645"


def signed(
    channel: str, events: list[dict], secret: str | None = None
) -> tuple[bytes, dict[str, str]]:
    body = citizen.whatsapp_body(citizen.messaging_payload(channel, events, secrets=SECRETS))
    header = citizen.meta_signature(body, secret or SECRETS["META_APP_SECRET"])
    return body, {"content-type": "application/json", "x-hub-signature-256": header}


def dm(text: str, sender: str = PSID, channel: str = "messenger", **more) -> dict:
    return citizen.messaging_event(sender, channel=channel, text=text, secrets=SECRETS, **more)


@pytest.mark.parametrize("channel", ["messenger", "instagram"])
def test_the_handshake_echoes_the_challenge_with_the_meta_verify_token(stack, channel):
    query = urllib.parse.urlencode(
        {
            "hub.mode": "subscribe",
            "hub.verify_token": SECRETS["META_VERIFY_TOKEN"],
            "hub.challenge": "31337",
        }
    )
    answer = stack.invoke("GET", f"/webhooks/{channel}", query=query)
    assert answer.status == 200 and answer.body == "31337"
    wrong = urllib.parse.urlencode(
        {
            "hub.mode": "subscribe",
            "hub.verify_token": SECRETS["WHATSAPP_VERIFY_TOKEN"],
            "hub.challenge": "31337",
        }
    )
    refused = stack.invoke("GET", f"/webhooks/{channel}", query=wrong)
    assert refused.status == 403 and refused.json["error"]["code"] == "invalid_signature"


@pytest.mark.parametrize("channel", ["messenger", "instagram"])
def test_a_dm_signed_over_its_non_ascii_raw_bytes_makes_one_complaint(stack, channel):
    body, headers = signed(
        channel, [dm("Lampu taman mati di depan café — sudah 3 malam 🙏", channel=channel)]
    )
    assert b"\\u00e9" in body
    answer = stack.post(f"/webhooks/{channel}", body, headers)
    assert answer.status == 200, answer.body
    assert answer.json == {"ok": True, "messages": 1, "skipped": 0}
    [complaint] = stack.complaints()
    assert complaint["channel"] == channel
    [received] = stack.events("ComplaintReceived")
    assert received["detail"]["data"]["contact_channels"] == [channel]
    # The scoped id is stored only encrypted: not in any item, event, or key in clear.
    assert PSID not in stack.raw_dump()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, headers: (
            body,
            {
                **headers,
                "x-hub-signature-256": citizen.meta_signature(body, SECRETS["WHATSAPP_APP_SECRET"]),
            },
        ),
        lambda body, headers: (
            body,
            {k: v for k, v in headers.items() if k != "x-hub-signature-256"},
        ),
        lambda body, headers: (body.replace(b"Lampu", b"Lampe"), headers),
        lambda body, headers: (json.dumps(json.loads(body), ensure_ascii=False).encode(), headers),
    ],
    ids=["whatsapp-secret", "missing", "tampered", "re-serialised"],
)
def test_forged_or_unsigned_dms_are_refused_and_nothing_is_stored(stack, tamper):
    body, headers = tamper(*signed("messenger", [dm("Lampu taman mati di depan café")]))
    answer = stack.post("/webhooks/messenger", body, headers)
    assert answer.status == 401 and answer.json["error"]["code"] == "invalid_signature"
    assert nothing_stored(stack)


def test_an_instagram_payload_on_the_messenger_route_is_400_and_nothing_is_stored(stack):
    body, headers = signed("instagram", [dm("Halo", channel="instagram")])
    answer = stack.post("/webhooks/messenger", body, headers)
    assert answer.status == 400 and answer.json["error"]["code"] == "malformed_payload"
    assert nothing_stored(stack)


def test_replays_of_a_mid_are_accepted_once(stack):
    event = dm("Sampah menumpuk di TPS Blimbing")
    for _ in range(3):
        body, headers = signed("messenger", [event])
        assert stack.post("/webhooks/messenger", body, headers).status == 200
    assert len(stack.complaints()) == 1
    assert len([i for i in stack.items("D#messenger#")]) == 1


def test_a_stale_signed_dm_is_dropped(stack):
    old = int((time.time() - 11 * 24 * 3600) * 1000)
    body, headers = signed("messenger", [dm("Pesan lama sekali", timestamp_ms=old)])
    assert stack.post("/webhooks/messenger", body, headers).status == 200
    assert stack.complaints() == []


def test_echoes_of_our_own_replies_are_skipped(stack):
    body, headers = signed("messenger", [dm("Terima kasih, laporan diterima", echo=True)])
    answer = stack.post("/webhooks/messenger", body, headers)
    assert answer.status == 200 and answer.json == {"ok": True, "messages": 0, "skipped": 1}
    assert nothing_stored(stack)


def test_the_channel_is_off_without_the_app_secret(stack, monkeypatch):
    from inbound.webhooks import wiring

    off = dataclasses.replace(stack.settings, meta_app_secret="")
    monkeypatch.setattr(wiring, "settings", lambda: off)
    body, headers = signed("messenger", [dm("Halo")])
    answer = stack.post("/webhooks/messenger", body, headers)
    assert answer.status == 503 and answer.json["error"]["code"] == "channel_disabled"


# --- the Send API sender against the fake provider ---------------------------------------------


@pytest.fixture(scope="module")
def fake():
    with FakeProviders(port=0) as server:
        yield server


@pytest.fixture
def settings(fake):
    fake.reset()
    values = {k.lower(): v for k, v in local_secrets({}).items()}
    for key, value in list(values.items()):
        if value.startswith("http://127.0.0.1:3001"):
            values[key] = fake.url + value[len("http://127.0.0.1:3001") :]
    return Settings.from_env(values)


def test_responses_and_human_agent_messages_reach_each_product(fake, settings):
    first = send_message(
        settings, "messenger", PSID, "Yth. Bapak/Ibu, nomor 7K3MQ-9XWT2", "RESPONSE"
    )
    second = send_message(
        settings, "instagram", "17849202039485721", "Jawaban petugas", "HUMAN_AGENT"
    )
    [messenger] = fake.messages("messenger")
    [instagram] = fake.messages("instagram")
    assert messenger["provider_message_id"] == first and first.startswith("m_")
    assert (messenger["messaging_type"], messenger.get("tag")) == ("RESPONSE", None)
    assert instagram["provider_message_id"] == second
    assert (instagram["messaging_type"], instagram["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    assert (
        instagram["from"] == SECRETS["INSTAGRAM_ACCOUNT_ID"]
        and messenger["from"] == SECRETS["MESSENGER_PAGE_ID"]
    )


def test_outside_every_window_nothing_is_sent(fake, settings):
    with pytest.raises(NotSent) as refused:
        send_message(settings, "messenger", PSID, "Pengaduan ditutup", None)
    assert refused.value.permanent
    assert fake.messages("messenger") == []


def test_a_wrong_page_token_is_a_permanent_failure(fake, settings):
    wrong = dataclasses.replace(settings, messenger_page_access_token="not-the-token")
    with pytest.raises(SendFailed) as failed:
        send_message(wrong, "messenger", PSID, "Halo", "RESPONSE")
    assert failed.value.permanent and "190" in str(failed.value)


def test_throttling_is_retried(fake, settings):
    fake.add_fault("instagram", 429, count=2, retry_after=0)
    assert send_message(settings, "instagram", "17849202039485721", "Halo", "RESPONSE")
    assert len(fake.messages("instagram")) == 1


def test_an_unconfigured_channel_fails_permanently(fake, settings):
    off = dataclasses.replace(settings, instagram_access_token="")
    with pytest.raises(SendFailed) as failed:
        send_message(off, "instagram", "17849202039485721", "Halo", "RESPONSE")
    assert failed.value.permanent and "INSTAGRAM_ACCESS_TOKEN" in str(failed.value)


def test_attachment_urls_are_signed_like_metas_cdn(fake):
    import urllib.error
    import urllib.request

    registered = fake.register_media(b"\xff\xd8\xff\xe0photo", "image/jpeg")
    url = registered["meta"]["url"]
    with urllib.request.urlopen(url, timeout=5) as answer:
        assert answer.read() == b"\xff\xd8\xff\xe0photo"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url.split("?")[0] + "?signature=forged", timeout=5)
    assert refused.value.code == 403
