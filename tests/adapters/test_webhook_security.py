"""Each webhook's proof of origin, payload checks and limits, through the real inbound handler.

Forged, missing or wrong-secret signatures answer 401/403 and store nothing; a malformed
payload 400 and nothing; an oversized one 413; a correctly signed but stale replay 401.
"""

from __future__ import annotations

import dataclasses
import json
import time
import urllib.parse

import pytest
from twilio.request_validator import RequestValidator

from infra.local import citizen
from tests.webhooks import (  # noqa: F401  (stack_fixture: the `stack` fixture)
    PUBLIC_BASE_URL,
    SECRETS,
    a_whatsapp_message,
    an_sms,
    lapor_post,
    nothing_stored,
    sms_post,
    stack_fixture,
    telegram_post,
    whatsapp_post,
)

# --- WhatsApp ------------------------------------------------------------------------------


def test_whatsapp_handshake_echoes_the_challenge_as_plain_text(stack):
    query = urllib.parse.urlencode(
        {
            "hub.mode": "subscribe",
            "hub.verify_token": SECRETS["WHATSAPP_VERIFY_TOKEN"],
            "hub.challenge": "1158201444",
        }
    )
    answer = stack.invoke("GET", "/webhooks/whatsapp", query=query)
    assert answer.status == 200 and answer.body == "1158201444"
    assert answer.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "token, mode", [("wrong-token", "subscribe"), (SECRETS["WHATSAPP_VERIFY_TOKEN"], "unsubscribe")]
)
def test_whatsapp_handshake_with_a_wrong_token_or_mode_is_forbidden(stack, token, mode):
    query = urllib.parse.urlencode(
        {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": "42"}
    )
    answer = stack.invoke("GET", "/webhooks/whatsapp", query=query)
    assert answer.status == 403 and "42" not in answer.body
    assert answer.json["error"]["code"] == "invalid_signature"


def test_a_whatsapp_message_signed_over_its_raw_non_ascii_bytes_is_accepted(stack):
    answer = whatsapp_post(
        stack, a_whatsapp_message("Trotoar rusak di depan café, mohon diperbaiki — terima kasih")
    )
    assert answer.status == 200, answer
    [complaint] = stack.complaints()
    assert (
        complaint["channel"] == "whatsapp"
        and "café" in complaint["description"]
        and "—" in complaint["description"]
    )


def test_a_whatsapp_body_re_serialised_after_signing_is_refused(stack):
    payload = a_whatsapp_message("Pohon tumbang di Jalan Ijen, café tutup")
    signed = citizen.whatsapp_signature(
        citizen.whatsapp_body(payload), SECRETS["WHATSAPP_APP_SECRET"]
    )
    reserialised = json.dumps(
        payload, ensure_ascii=False
    ).encode()  # what a parse-and-dump would send on
    answer = whatsapp_post(stack, reserialised, signature=signed)
    assert answer.status == 401 and nothing_stored(stack)


@pytest.mark.parametrize("case", ["forged", "missing", "wrong_secret", "not_sha256"])
def test_a_whatsapp_post_without_a_valid_signature_is_refused_and_nothing_is_stored(stack, case):
    payload = a_whatsapp_message()
    if case == "forged":
        answer = whatsapp_post(stack, payload, signature="sha256=" + "0" * 64)
    elif case == "missing":
        answer = whatsapp_post(stack, payload, signature=False)
    elif case == "wrong_secret":
        answer = whatsapp_post(stack, payload, secret="not-the-app-secret")
    else:
        answer = whatsapp_post(stack, payload, signature="md5=abc")
    assert answer.status == 401 and answer.json["error"]["code"] == "invalid_signature"
    assert nothing_stored(stack)


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b'{"object": "page", "entry": []}',
        b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {"messages": [{"id": "x"}]}}]}]}',
    ],
)
def test_a_signed_but_malformed_whatsapp_payload_is_a_400_and_nothing_is_stored(stack, body):
    answer = whatsapp_post(stack, body)
    assert answer.status == 400 and answer.json["error"]["code"] == "malformed_payload"
    assert nothing_stored(stack)


def test_an_oversized_whatsapp_post_is_a_413_and_nothing_is_stored(stack):
    body = (
        b'{"object":"whatsapp_business_account","entry":[],"pad":"'
        + b"x" * (4 * 1024 * 1024)
        + b'"}'
    )
    answer = whatsapp_post(stack, body)
    assert answer.status == 413 and answer.json["error"]["code"] == "payload_too_large"
    assert nothing_stored(stack)


def test_an_authentic_whatsapp_message_older_than_the_dedupe_window_is_dropped(stack):
    old = int(time.time()) - 11 * 24 * 3600
    answer = whatsapp_post(stack, a_whatsapp_message(timestamp=old))
    assert answer.status == 200 and nothing_stored(stack)


# --- Telegram ------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "wrong-secret-token"])
def test_a_telegram_update_without_the_secret_token_is_a_401_and_nothing_is_stored(stack, secret):
    answer = telegram_post(
        stack, citizen.telegram_update(4242, text="Lampu jalan mati"), secret=secret
    )
    assert answer.status == 401 and nothing_stored(stack)


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"update_id": "seven"}', b'{"update_id": 7, "message": {"text": "no chat"}}'],
)
def test_a_malformed_telegram_update_is_a_400_and_nothing_is_stored(stack, body):
    answer = telegram_post(stack, body)
    assert answer.status == 400 and nothing_stored(stack)


def test_a_telegram_edit_is_acknowledged_without_a_complaint(stack):
    answer = telegram_post(
        stack,
        {
            "update_id": 99,
            "edited_message": {"message_id": 1, "chat": {"id": 1}, "date": 1, "text": "x"},
        },
    )
    assert answer.status == 200 and nothing_stored(stack)


# --- SMS (Twilio) --------------------------------------------------------------------------


def test_an_sms_signed_by_twilios_request_validator_becomes_a_complaint_and_answers_twiml(stack):
    answer = sms_post(stack, an_sms())
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/xml")
    assert answer.body.endswith("<Response></Response>")
    [complaint] = stack.complaints()
    assert (
        complaint["channel"] == "sms" and complaint["description"] == "lampu jalan mati di Jl. Ijen"
    )


@pytest.mark.parametrize("case", ["forged", "missing", "wrong_token", "other_url"])
def test_an_sms_without_a_valid_twilio_signature_is_a_403_and_nothing_is_stored(stack, case):
    params = an_sms()
    if case == "forged":
        answer = sms_post(stack, params, signature="bm90IGEgc2lnbmF0dXJl")
    elif case == "missing":
        answer = sms_post(stack, params, signature=False)
    elif case == "wrong_token":
        answer = sms_post(stack, params, token="0" * 32)
    else:  # signed for the Lambda's own host, not the public URL Twilio calls
        signature = RequestValidator(SECRETS["TWILIO_AUTH_TOKEN"]).compute_signature(
            "https://abc.execute-api.ap-southeast-3.amazonaws.com/webhooks/sms", params
        )
        answer = sms_post(stack, params, signature=signature)
    assert answer.status == 403 and nothing_stored(stack)


def test_a_tampered_sms_body_is_refused(stack):
    params = an_sms("SAMBAT jalan rusak")
    signature = RequestValidator(SECRETS["TWILIO_AUTH_TOKEN"]).compute_signature(
        PUBLIC_BASE_URL + "/webhooks/sms", params
    )
    answer = sms_post(stack, {**params, "Body": "SAMBAT sesuatu yang lain"}, signature=signature)
    assert answer.status == 403 and nothing_stored(stack)


def test_a_signed_sms_without_a_message_sid_is_a_400(stack):
    params = {
        k: v for k, v in an_sms().items() if k not in ("MessageSid", "SmsSid", "SmsMessageSid")
    }
    answer = sms_post(stack, params)
    assert answer.status == 400 and nothing_stored(stack)


def test_an_oversized_sms_post_is_a_413(stack):
    params = an_sms("SAMBAT " + "x" * 70_000)
    answer = sms_post(stack, params)
    assert answer.status == 413 and nothing_stored(stack)


# --- SP4N-LAPOR! ---------------------------------------------------------------------------


def test_a_lapor_report_keeps_the_lapor_tracking_id_beside_ours(stack):
    answer = lapor_post(
        stack,
        citizen.lapor_payload("4812763", "Jalan di depan SDN Klojen berlubang", confidential=True),
    )
    assert answer.status == 200
    ours = answer.json["tracking_id"]
    [complaint] = stack.complaints()
    assert complaint["id"] == ours and complaint["external_refs"] == {"lapor": "4812763"}
    assert complaint["GSI3PK"] == "X#lapor#4812763" and complaint["confidential"] is True


def test_a_stale_lapor_delivery_is_a_401_and_nothing_is_stored(stack):
    payload = citizen.lapor_payload("4812764", "Sampah menumpuk")
    answer = lapor_post(stack, payload, timestamp=int(time.time()) - 6 * 60)
    assert answer.status == 401 and answer.json["error"]["code"] == "stale_message"
    assert nothing_stored(stack)


def test_a_lapor_delivery_signed_with_another_secret_is_a_401(stack):
    answer = lapor_post(
        stack, citizen.lapor_payload("4812765", "Sampah"), secret="whsec_" + "QUJD" * 8
    )
    assert answer.status == 401 and answer.json["error"]["code"] == "invalid_signature"
    assert nothing_stored(stack)


def test_a_signed_lapor_payload_without_content_is_a_400(stack):
    payload = citizen.lapor_payload("4812766", "x")
    payload["data"]["content"] = ""
    answer = lapor_post(stack, payload)
    assert answer.status == 400 and nothing_stored(stack)


def test_a_channel_without_its_secret_configured_is_off(stack, monkeypatch):
    from inbound.webhooks import wiring

    monkeypatch.setattr(
        wiring, "settings", lambda: dataclasses.replace(stack.settings, telegram_secret_token="")
    )
    answer = telegram_post(stack, citizen.telegram_update(1, text="halo"), secret="")
    assert answer.status == 503 and answer.json["error"]["code"] == "channel_disabled"
    assert nothing_stored(stack)


def test_a_refused_webhook_is_logged_with_its_reason_but_not_the_sender_or_body(stack, caplog):
    # GIVEN an SMS signed for another public URL (a cloud started on other ports, say)
    params = an_sms("SAMBAT got di Jl. Semeru bocor", sender="+6281277778888")
    signature = RequestValidator(SECRETS["TWILIO_AUTH_TOKEN"]).compute_signature(
        "http://127.0.0.1:9999/webhooks/sms", params
    )
    caplog.clear()
    answer = sms_post(stack, params, signature=signature)
    assert answer.status == 403 and nothing_stored(stack)
    # THEN one log line says which channel refused what and why, with no sender and no text
    [refused] = [r for r in caplog.records if r.getMessage() == "webhook refused"]
    assert refused.channel == "sms" and refused.status == 403
    assert refused.code == "invalid_signature" and "X-Twilio-Signature" in refused.reason
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "6281277778888" not in logged and "Semeru" not in logged


def test_a_refused_webhook_answers_like_every_other_error_indonesian_first(stack):
    # One error hierarchy, mapped to HTTP in one place: the provider's refusal speaks the
    # house's language, and names the specific reason to an English reader.
    body = citizen.whatsapp_body(a_whatsapp_message())
    forged = {"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + "0" * 64}
    indonesian = stack.post("/webhooks/whatsapp", body, forged)
    english = stack.post("/webhooks/whatsapp", body, forged | {"Accept-Language": "en"})
    assert indonesian.status == english.status == 401
    assert indonesian.json["error"] == {
        "code": "invalid_signature",
        "message": "Bukti asal permintaan tidak ada atau tidak cocok.",
    }
    assert english.json["error"]["code"] == "invalid_signature"
    assert "X-Hub-Signature-256" in english.json["error"]["message"]
    assert nothing_stored(stack)
