"""The fake provider server answers as the real providers do, and citizen.py signs as they do.

Outbound calls use the providers' own client where one exists (the `twilio` package) and plain
HTTP as the providers' docs show otherwise. Every inbound signature citizen.py makes is checked
here by an independent implementation of the provider's algorithm (or by the provider's library).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import urllib.parse
from email import message_from_string, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from moto.server import ThreadedMotoServer
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from infra.local import citizen
from infra.local.defaults import LOCAL_SECRETS, local_secrets
from infra.local.fake_providers import FakeProviders

REPO = Path(__file__).resolve().parents[2]
S = local_secrets({})  # the defaults, whatever the developer's environment says
WA_TOKEN, LAPOR_TOKEN = S["WHATSAPP_ACCESS_TOKEN"], S["LAPOR_API_TOKEN"]
WA = f"/{S['WHATSAPP_API_VERSION']}/{S['WHATSAPP_PHONE_NUMBER_ID']}/messages"
TG = f"/bot{S['TELEGRAM_BOT_TOKEN']}"
MSISDN = "6281234567890"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4 + b"\xff\xd9"


class Gateway:
    """A stand-in for the system's HTTP API: records each request's raw bytes, answers 200."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                # self.headers is case-insensitive, as HTTP header names are.
                outer.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": self.headers,
                        "body": self.rfile.read(length),
                    }
                )
                reply = b'{"ok": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def last(self) -> dict[str, Any]:
        return self.requests[-1]

    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.last["body"].decode(), keep_blank_values=True))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def gateway():
    gw = Gateway()
    yield gw
    gw.stop()


@pytest.fixture(scope="module")
def fake(gateway):
    with FakeProviders(port=0, gateway_url=gateway.url, secrets=S) as server:
        yield server


@pytest.fixture(autouse=True)
def _clean(fake, gateway):
    fake.reset()
    gateway.requests.clear()


@pytest.fixture
def photo(tmp_path) -> Path:
    path = tmp_path / "jalan-berlubang.jpg"
    path.write_bytes(JPEG)
    return path


@pytest.fixture
def twilio_client(fake) -> Client:
    client = Client(S["TWILIO_ACCOUNT_SID"], S["TWILIO_AUTH_TOKEN"])
    client.api.base_url = fake.url  # the Api domain's base URL is the only host it calls
    return client


def post_json(url: str, body: Any, token: str | None = None) -> citizen.Sent:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return citizen.request(url, json.dumps(body).encode(), headers)


def get(url: str, token: str | None = None) -> citizen.Sent:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return citizen.request(url, headers=headers, method="GET")


def delete(url: str) -> citizen.Sent:
    return citizen.request(url, method="DELETE")


def twilio_form(fake: FakeProviders, fields: dict[str, str]) -> citizen.Sent:
    account = S["TWILIO_ACCOUNT_SID"]
    auth = base64.b64encode(f"{account}:{S['TWILIO_AUTH_TOKEN']}".encode()).decode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": f"Basic {auth}",
    }
    url = f"{fake.url}/2010-04-01/Accounts/{account}/Messages.json"
    return citizen.request(url, urllib.parse.urlencode(fields).encode(), headers)


def send_sms(client: Client, body: str = "hai", **kwargs: Any) -> Any:
    return client.messages.create(to="+" + MSISDN, from_=S["SMS_FROM"], body=body, **kwargs)


def send_wa(fake: FakeProviders, body: str = "x", to: str = MSISDN) -> citizen.Sent:
    message = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"preview_url": False, "body": body},
    }
    return post_json(fake.url + WA, message, WA_TOKEN)


def send_tg(fake: FakeProviders, body: dict[str, Any]) -> citizen.Sent:
    return post_json(fake.url + TG + "/sendMessage", body)


def wa_media_info(fake: FakeProviders, media_id: str) -> citizen.Sent:
    return get(f"{fake.url}/{S['WHATSAPP_API_VERSION']}/{media_id}", WA_TOKEN)


def tg_get_file(fake: FakeProviders, file_id: str) -> citizen.Sent:
    return get(f"{fake.url}{TG}/getFile?file_id={urllib.parse.quote(file_id)}")


def hub_signature(body: bytes) -> str:
    """Meta's X-Hub-Signature-256, computed here independently of citizen.py."""
    key = S["WHATSAPP_APP_SECRET"].encode()
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def wa_value(body: bytes) -> dict[str, Any]:
    return json.loads(body)["entry"][0]["changes"][0]["value"]


# ---------------------------------------------------------------------------------------------
# Twilio
# ---------------------------------------------------------------------------------------------


def test_twilio_client_sends_and_the_outbox_records_it(fake, twilio_client):
    text = "Aduan Anda ADN-7K2Q diterima."
    callback = "https://aduan.example.go.id/webhooks/sms/status"
    message = send_sms(twilio_client, text, status_callback=callback)
    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert message.status == "queued" and message.direction == "outbound-api"
    assert message.to == "+" + MSISDN and message.from_ == S["SMS_FROM"]
    assert twilio_client.messages(message.sid).fetch().body == text
    [sent] = fake.messages(channel="sms")
    assert sent["to"] == "+" + MSISDN and sent["from"] == S["SMS_FROM"]
    assert sent["text"] == text and sent["provider_message_id"] == message.sid


def test_twilio_rejects_wrong_credentials_like_twilio(fake):
    client = Client(S["TWILIO_ACCOUNT_SID"], "wrong-token")
    client.api.base_url = fake.url
    with pytest.raises(TwilioRestException) as err:
        send_sms(client)
    assert err.value.status == 401 and err.value.code == 20003
    assert fake.messages() == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"From": "+6281100001717", "Body": "hai"}, 21604),
        ({"To": "+6281234567890", "Body": "hai"}, 21603),
        ({"To": "+6281234567890", "From": "+6281100001717"}, 21602),
        ({"To": "bukan-nomor", "From": "+6281100001717", "Body": "hai"}, 21211),
    ],
)
def test_twilio_validation_errors_have_twilio_codes(fake, fields, code):
    sent = twilio_form(fake, fields)
    assert sent.status == 400
    assert sent.json()["code"] == code and sent.json()["more_info"].endswith(str(code))
    assert fake.messages() == []


# ---------------------------------------------------------------------------------------------
# WhatsApp Cloud API
# ---------------------------------------------------------------------------------------------


def test_whatsapp_text_send_answers_like_graph(fake):
    sent = send_wa(fake, "Terima kasih, aduan Anda kami terima.")
    assert sent.status == 200
    body = sent.json()
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": MSISDN, "wa_id": MSISDN}]
    wamid = body["messages"][0]["id"]
    assert wamid.startswith("wamid.")
    [entry] = fake.messages(channel="whatsapp", to="+" + MSISDN)
    assert entry["provider_message_id"] == wamid
    assert entry["from"] == S["WHATSAPP_PHONE_NUMBER_ID"]


def test_whatsapp_template_is_recorded_with_its_parameters(fake):
    parameters = [{"type": "text", "text": "ADN-7K2Q"}, {"type": "text", "text": "Diproses"}]
    template = {
        "name": "status_aduan",
        "language": {"code": "id"},
        "components": [{"type": "body", "parameters": parameters}],
    }
    message = {
        "messaging_product": "whatsapp",
        "to": MSISDN,
        "type": "template",
        "template": template,
    }
    assert post_json(fake.url + WA, message, WA_TOKEN).status == 200
    [entry] = fake.messages(channel="whatsapp")
    assert entry["template"] == {
        "name": "status_aduan",
        "language": "id",
        "parameters": ["ADN-7K2Q", "Diproses"],
    }


def test_whatsapp_auth_and_bad_bodies_fail_like_graph(fake):
    message = {"messaging_product": "whatsapp", "to": MSISDN, "type": "text", "text": {"body": "x"}}
    no_token = post_json(fake.url + WA, message)
    wrong_token = post_json(fake.url + WA, message, "nope")
    assert no_token.status == wrong_token.status == 401
    assert no_token.json()["error"]["code"] == 190
    assert no_token.json()["error"]["type"] == "OAuthException"
    bad = post_json(fake.url + WA, {**message, "messaging_product": None}, WA_TOKEN)
    assert bad.status == 400
    error = bad.json()["error"]
    assert error["code"] == 100 and "messaging_product" in error["message"]
    assert error["error_data"]["messaging_product"] == "whatsapp" and error["fbtrace_id"]
    no_text = {"messaging_product": "whatsapp", "to": MSISDN, "type": "text"}
    assert post_json(fake.url + WA, no_text, WA_TOKEN).status == 400
    other_number = f"{fake.url}/{S['WHATSAPP_API_VERSION']}/999/messages"
    unknown = post_json(other_number, message, WA_TOKEN)
    assert unknown.status == 400 and unknown.json()["error"]["error_subcode"] == 33
    assert fake.messages() == []


def test_whatsapp_media_round_trip(fake):
    empty = citizen.request(fake.url + "/_media", b"", {"Content-Type": "image/jpeg"})
    assert empty.status == 400
    media_id = citizen.register_media(fake.url, JPEG, "image/jpeg", "lubang.jpg")["whatsapp"]["id"]
    info = wa_media_info(fake, media_id)
    assert info.status == 200
    body = info.json()
    assert body["mime_type"] == "image/jpeg" and body["file_size"] == len(JPEG)
    assert body["sha256"] == hashlib.sha256(JPEG).hexdigest() and body["id"] == media_id
    assert body["url"] == f"{fake.url}/whatsapp-media/{media_id}"
    assert get(body["url"]).status == 401  # the media URL needs the access token too
    download = get(body["url"], WA_TOKEN)
    assert download.status == 200 and download.body == JPEG
    assert download.headers["Content-Type"].startswith("image/jpeg")
    assert wa_media_info(fake, "123").status == 400


# ---------------------------------------------------------------------------------------------
# Telegram Bot API
# ---------------------------------------------------------------------------------------------


def test_telegram_send_message_json_and_form(fake):
    sent = send_tg(
        fake, {"chat_id": 12345, "text": "<b>ADN-7K2Q</b> diterima", "parse_mode": "HTML"}
    )
    assert sent.status == 200 and sent.json()["ok"] is True
    result = sent.json()["result"]
    assert result["chat"]["id"] == 12345 and result["from"]["is_bot"] is True
    form = citizen.request(
        fake.url + TG + "/sendMessage",
        urllib.parse.urlencode({"chat_id": "12345", "text": "Status: Diproses"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status == 200 and form.json()["result"]["message_id"] > result["message_id"]
    texts = [m["text"] for m in fake.messages(channel="telegram", to="12345")]
    assert texts == ["<b>ADN-7K2Q</b> diterima", "Status: Diproses"]


def test_telegram_errors_like_the_bot_api(fake):
    message = {"chat_id": 1, "text": "x"}
    wrong = post_json(f"{fake.url}/bot123456:{'A' * 35}/sendMessage", message)
    assert wrong.status == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    malformed = post_json(fake.url + "/botnot-a-token/sendMessage", message)
    assert malformed.status == 404 and malformed.json()["ok"] is False
    empty = send_tg(fake, {"chat_id": 1, "text": ""})
    assert empty.status == 400 and empty.json()["description"].startswith("Bad Request")
    assert post_json(fake.url + TG + "/noSuchMethod", {}).status == 404
    assert fake.messages() == []


def test_telegram_get_file_round_trip(fake):
    media = citizen.register_media(fake.url, JPEG, "image/jpeg")
    found = tg_get_file(fake, media["telegram"]["file_id"])
    assert found.status == 200
    result = found.json()["result"]
    assert result["file_id"] == media["telegram"]["file_id"] and result["file_size"] == len(JPEG)
    assert result["file_unique_id"] and result["file_path"].endswith(".jpg")
    download = get(f"{fake.url}/file{TG}/{result['file_path']}")
    assert download.status == 200 and download.body == JPEG
    assert tg_get_file(fake, "nope").status == 400


# ---------------------------------------------------------------------------------------------
# LAPOR!, outbox, faults
# ---------------------------------------------------------------------------------------------


def test_lapor_status_forwarding(fake):
    url = f"{fake.url}/lapor/api/v1/reports/LAPOR-123/status"
    update = {
        "status": "in_progress",
        "status_label": "Diproses",
        "message": "Sedang ditangani DPUPRPKP",
    }
    assert post_json(url, update).status == 401
    assert post_json(url, {"message": "no status"}, LAPOR_TOKEN).status == 400
    sent = post_json(url, update, LAPOR_TOKEN)
    assert sent.status == 200 and sent.json() == {"ok": True}
    [entry] = fake.messages(channel="lapor", to="LAPOR-123")
    assert entry["text"] == "Sedang ditangani DPUPRPKP" and entry["raw"] == update


def test_outbox_filters_order_and_clear(fake, twilio_client):
    send_sms(twilio_client, "Aduan ADN-AAAA diterima")
    send_wa(fake, "Aduan ADN-BBBB diterima")
    send_tg(fake, {"chat_id": 777, "text": "Aduan ADN-CCCC selesai"})
    listed = get(fake.url + "/_outbox").json()["messages"]
    assert [m["channel"] for m in listed] == ["sms", "whatsapp", "telegram"]  # newest last
    assert all(m["at"].endswith("Z") and m["provider_message_id"] for m in listed)
    to = urllib.parse.quote("+" + MSISDN)  # "+62…" matches the WhatsApp "62…" too
    by_number = get(f"{fake.url}/_outbox?to={to}").json()["messages"]
    assert {m["channel"] for m in by_number} == {"sms", "whatsapp"}
    found = get(fake.url + "/_outbox?contains=adn-cccc").json()["messages"]
    assert [m["text"] for m in found] == ["Aduan ADN-CCCC selesai"]
    assert len(get(fake.url + "/_outbox?channel=whatsapp").json()["messages"]) == 1
    assert delete(fake.url + "/_outbox").status == 204
    assert get(fake.url + "/_outbox").json() == {"messages": []}


def test_fault_injection_429_then_success(fake, twilio_client):
    fault = {"channel": "sms", "status": 429, "count": 2, "retry_after": 2}
    assert post_json(fake.url + "/_faults", fault).status == 201
    first = twilio_form(fake, {"To": "+" + MSISDN, "From": S["SMS_FROM"], "Body": "hai"})
    assert first.status == 429 and first.headers["Retry-After"] == "2"
    assert first.json()["code"] == 20429
    with pytest.raises(TwilioRestException) as err:
        send_sms(twilio_client)
    assert err.value.status == 429
    assert send_sms(twilio_client).status == "queued"
    assert len(fake.messages(channel="sms")) == 1  # refused attempts are not messages
    [state] = get(fake.url + "/_faults").json()["faults"]
    assert state["served"] == 2 and state["remaining"] == 0


@pytest.mark.parametrize(
    ("channel", "status", "send"),
    [
        ("whatsapp", 503, send_wa),
        ("telegram", 429, lambda fake: send_tg(fake, {"chat_id": 1, "text": "x"})),
        (
            "lapor",
            500,
            lambda fake: post_json(
                f"{fake.url}/lapor/api/v1/reports/L-1/status", {"status": "closed"}, LAPOR_TOKEN
            ),
        ),
    ],
)
def test_fault_injection_per_channel(fake, channel, status, send):
    fake.add_fault(channel, status, count=1, retry_after=1)
    failed = send(fake)
    assert failed.status == status
    if channel == "telegram":
        assert failed.json() == {
            "ok": False,
            "error_code": 429,
            "parameters": {"retry_after": 1},
            "description": "Too Many Requests: retry after 1",
        }
    if channel == "whatsapp":
        assert failed.json()["error"]["code"] == 131016
    assert send(fake).status == 200
    assert len(fake.messages(channel=channel)) == 1


def test_media_fault_and_fault_validation(fake):
    media_id = citizen.register_media(fake.url, JPEG, "image/jpeg")["whatsapp"]["id"]
    fake.add_fault("whatsapp", 500, op="media")
    url = f"{fake.url}/whatsapp-media/{media_id}"
    assert get(url, WA_TOKEN).status == 500 and get(url, WA_TOKEN).body == JPEG
    assert post_json(fake.url + "/_faults", {"channel": "email", "status": 429}).status == 400
    assert post_json(fake.url + "/_faults", {"channel": "sms", "status": 404}).status == 400
    fake.add_fault("whatsapp", 500, count=5)
    assert delete(fake.url + "/_faults").status == 204
    assert send_wa(fake).status == 200


# ---------------------------------------------------------------------------------------------
# Delivery status webhooks, signed as the providers sign them
# ---------------------------------------------------------------------------------------------


def test_deliver_whatsapp_status_webhook_is_signed(fake, gateway):
    wamid = send_wa(fake).json()["messages"][0]["id"]
    delivery = {"channel": "whatsapp", "provider_message_id": wamid, "status": "delivered"}
    answer = post_json(fake.url + "/_deliver", delivery)
    assert answer.status == 200 and answer.json()["status"] == 200
    request = gateway.last
    assert request["path"] == "/webhooks/whatsapp"
    assert hmac.compare_digest(
        request["headers"]["X-Hub-Signature-256"], hub_signature(request["body"])
    )
    value = wa_value(request["body"])
    assert value["metadata"]["phone_number_id"] == S["WHATSAPP_PHONE_NUMBER_ID"]
    expected = {"id": wamid, "status": "delivered", "recipient_id": MSISDN}
    assert value["statuses"][0].items() >= expected.items()
    assert fake.messages(channel="whatsapp")[0]["statuses"][0]["status"] == "delivered"


def test_deliver_twilio_status_callback_is_signed(fake, gateway, twilio_client):
    callback = gateway.url + "/webhooks/sms/status"
    sid = send_sms(twilio_client, status_callback=callback).sid
    delivery = {"channel": "sms", "provider_message_id": sid, "status": "delivered"}
    assert post_json(fake.url + "/_deliver", delivery).status == 200
    params = gateway.form()
    assert params["MessageSid"] == sid and params["MessageStatus"] == "delivered"
    signature = gateway.last["headers"]["X-Twilio-Signature"]
    assert RequestValidator(S["TWILIO_AUTH_TOKEN"]).validate(callback, params, signature)
    no_callback = {"channel": "sms", "provider_message_id": send_sms(twilio_client).sid}
    assert post_json(fake.url + "/_deliver", no_callback).status == 409


# ---------------------------------------------------------------------------------------------
# SES through moto
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_ses_mail_sent_through_moto_is_in_the_outbox(moto_endpoint):
    ses = boto3.client(
        "ses",
        endpoint_url=moto_endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    sender = "aduan@kota.example.go.id"
    ses.verify_email_identity(EmailAddress=sender)
    raw = (
        f"From: {sender}\r\nTo: warga.raw@example.com\r\nSubject: Status aduan\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nAduan Anda sedang diproses.\r\n"
    )
    with FakeProviders(port=0, moto_endpoint=moto_endpoint, secrets=S) as fake:
        ses.send_email(
            Source=sender,
            Destination={"ToAddresses": ["warga.ses@example.com"]},
            Message={
                "Subject": {"Data": "Aduan ADN-7K2Q diterima"},
                "Body": {"Text": {"Data": "Terima kasih, aduan Anda kami terima."}},
            },
        )
        ses.send_raw_email(Source=sender, RawMessage={"Data": raw.encode()})
        url = fake.url + "/_outbox?channel=email&to=warga.ses@example.com"
        [mail] = get(url).json()["messages"]
        assert mail["subject"] == "Aduan ADN-7K2Q diterima" and mail["from"] == sender
        assert mail["text"] == "Terima kasih, aduan Anda kami terima."
        assert mail["provider_message_id"]
        [raw_mail] = fake.messages(channel="email", to="warga.raw@example.com")
        assert raw_mail["subject"] == "Status aduan"
        assert raw_mail["text"].strip() == "Aduan Anda sedang diproses."
        fake.clear()
        assert fake.messages(channel="email", to="warga.ses@example.com") == []  # stays cleared


# ---------------------------------------------------------------------------------------------
# citizen.py: inbound webhooks, checked by independent implementations of each algorithm
# ---------------------------------------------------------------------------------------------


def test_citizen_whatsapp_signature_over_meta_escaped_raw_body(fake, gateway):
    text = "Jalan rusak di Sawojajar, dekat kafé — tolong"
    sent = citizen.send_whatsapp(
        gateway.url, from_="+" + MSISDN, text=text, name="Siti", fake_url=fake.url
    )
    assert sent.status == 200
    raw = gateway.last["body"]
    assert b"\\u00e9" in raw and "é".encode() not in raw  # escaped as Meta escapes it
    assert hmac.compare_digest(gateway.last["headers"]["X-Hub-Signature-256"], hub_signature(raw))
    assert hub_signature(json.dumps(json.loads(raw)).encode()) != hub_signature(raw)
    payload = json.loads(raw)
    assert payload["object"] == "whatsapp_business_account"
    value = wa_value(raw)
    assert value["metadata"] == {
        "display_phone_number": S["WHATSAPP_DISPLAY_PHONE_NUMBER"],
        "phone_number_id": S["WHATSAPP_PHONE_NUMBER_ID"],
    }
    assert value["contacts"] == [{"profile": {"name": "Siti"}, "wa_id": MSISDN}]
    [message] = value["messages"]
    assert message["from"] == MSISDN and message["type"] == "text"
    assert message["text"]["body"] == text
    assert message["id"].startswith("wamid.") and message["timestamp"].isdigit()


def test_citizen_whatsapp_photo_is_fetchable_from_the_fake(fake, gateway, photo):
    citizen.send_whatsapp(
        gateway.url, from_=MSISDN, text="Lubang besar", photo=photo, fake_url=fake.url
    )
    [message] = wa_value(gateway.last["body"])["messages"]
    assert message["type"] == "image" and message["image"]["caption"] == "Lubang besar"
    url = wa_media_info(fake, message["image"]["id"]).json()["url"]
    assert get(url, WA_TOKEN).body == JPEG


def test_citizen_whatsapp_wrong_secret_and_handshake(fake, gateway):
    citizen.send_whatsapp(
        gateway.url, from_=MSISDN, text="x", app_secret="forged", fake_url=fake.url
    )
    assert gateway.last["headers"]["X-Hub-Signature-256"] != hub_signature(gateway.last["body"])
    citizen.whatsapp_handshake(gateway.url, challenge="4242")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(gateway.last["path"]).query)
    assert query == {
        "hub.mode": ["subscribe"],
        "hub.challenge": ["4242"],
        "hub.verify_token": [local_secrets()["WHATSAPP_VERIFY_TOKEN"]],
    }


def test_citizen_telegram_update(fake, gateway, photo):
    citizen.send_telegram(gateway.url, chat_id=12345, text="Lampu jalan mati", fake_url=fake.url)
    first = json.loads(gateway.last["body"])
    secret = local_secrets()["TELEGRAM_SECRET_TOKEN"]
    assert gateway.last["headers"]["X-Telegram-Bot-Api-Secret-Token"] == secret
    assert first["message"]["chat"] == {"id": 12345, "first_name": "Warga", "type": "private"}
    assert first["message"]["from"]["id"] == 12345
    assert first["message"]["text"] == "Lampu jalan mati"
    citizen.send_telegram(
        gateway.url, chat_id=12345, text="Ini fotonya", photo=photo, fake_url=fake.url
    )
    second = json.loads(gateway.last["body"])
    assert second["update_id"] > first["update_id"]  # monotonic, as Telegram's
    assert second["message"]["caption"] == "Ini fotonya"
    largest = second["message"]["photo"][-1]
    path = tg_get_file(fake, largest["file_id"]).json()["result"]["file_path"]
    assert get(f"{fake.url}/file{TG}/{path}").body == JPEG


def test_citizen_sms_signed_over_the_public_url(fake, gateway, photo):
    public = "https://aduan.example.go.id"
    text = "SAMBAT lampu jalan mati di Klojen"
    sent = citizen.send_sms(
        gateway.url,
        from_="+" + MSISDN,
        text=text,
        public_base_url=public,
        photo=photo,
        fake_url=fake.url,
    )
    assert sent.status == 200 and gateway.last["path"] == "/webhooks/sms"
    params = gateway.form()
    signature = gateway.last["headers"]["X-Twilio-Signature"]
    validator = RequestValidator(S["TWILIO_AUTH_TOKEN"])
    assert validator.validate(public + "/webhooks/sms", params, signature)
    assert not validator.validate(gateway.url + "/webhooks/sms", params, signature)
    assert not RequestValidator("other").validate(public + "/webhooks/sms", params, signature)
    assert params["Body"] == text and params["From"] == "+" + MSISDN
    assert params["To"] == S["SMS_FROM"] and params["AccountSid"] == S["TWILIO_ACCOUNT_SID"]
    assert params["MessageSid"] == params["SmsSid"] and params["MessageSid"].startswith("MM")
    assert params["NumMedia"] == "1" and params["MediaContentType0"] == "image/jpeg"
    assert get(params["MediaUrl0"]).body == JPEG


def verify_sns(message: dict[str, Any]) -> None:
    """Independent SNS check: the documented string to sign, the cert from SigningCertURL."""
    if message["Type"] == "Notification":
        keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        keys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    canonical = "".join(f"{k}\n{message[k]}\n" for k in keys if k in message).encode()
    cert = x509.load_pem_x509_certificate(get(message["SigningCertURL"]).body)
    digest = hashes.SHA256() if message["SignatureVersion"] == "2" else hashes.SHA1()
    signature = base64.b64decode(message["Signature"])
    cert.public_key().verify(signature, canonical, padding.PKCS1v15(), digest)


@pytest.mark.parametrize("version", ["2", "1"])
def test_citizen_email_is_a_signed_ses_notification(fake, gateway, photo, version):
    sent = citizen.send_email(
        gateway.url,
        from_="warga@example.com",
        subject="Sampah belum diangkut",
        text="Sudah tiga hari di Jl. Ijen.",
        photo=photo,
        signature_version=version,
        fake_url=fake.url,
    )
    assert sent.status == 200
    request = gateway.last
    assert request["headers"]["x-amz-sns-message-type"] == "Notification"
    envelope = json.loads(request["body"])
    assert envelope["SignatureVersion"] == version
    assert envelope["SigningCertURL"] == fake.url + "/sns/cert.pem"
    assert request["headers"]["x-amz-sns-message-id"] == envelope["MessageId"]
    verify_sns(envelope)
    with pytest.raises(Exception):  # noqa: B017 - any verification failure will do
        verify_sns({**envelope, "Message": envelope["Message"].replace("Ijen", "Semeru")})
    notification = json.loads(envelope["Message"])
    assert notification["notificationType"] == "Received"
    action = {"type": "SNS", "topicArn": S["EMAIL_SNS_TOPIC_ARN"], "encoding": "UTF8"}
    assert notification["receipt"]["action"] == action
    assert notification["mail"]["commonHeaders"]["subject"] == "Sampah belum diangkut"
    assert notification["mail"]["destination"] == [S["EMAIL_INBOUND_ADDRESS"]]
    mime = message_from_string(notification["content"], policy=policy.default)
    assert mime["Subject"] == "Sampah belum diangkut"
    assert mime.get_body(("plain",)).get_content().strip() == "Sudah tiga hari di Jl. Ijen."
    [attachment] = list(mime.iter_attachments())
    assert attachment.get_content() == JPEG and attachment.get_content_type() == "image/jpeg"


def test_citizen_sns_subscription_confirmation(fake, gateway):
    citizen.send_sns_subscription_confirmation(gateway.url, fake_url=fake.url)
    envelope = json.loads(gateway.last["body"])
    assert envelope["Type"] == "SubscriptionConfirmation" and envelope["Token"]
    verify_sns(envelope)
    assert envelope["SubscribeURL"].startswith(fake.url + "/sns/confirm?")
    confirm = get(envelope["SubscribeURL"])
    assert confirm.status == 200 and b"<SubscriptionArn>" in confirm.body
    [done] = get(fake.url + "/_sns/confirmations").json()["confirmations"]
    assert done["topic_arn"] == S["EMAIL_SNS_TOPIC_ARN"]
    assert get(envelope["SubscribeURL"].replace(envelope["Token"], "forged")).status == 400


def test_citizen_lapor_standard_webhook_signature(fake, gateway):
    text = "Drainase tersumbat di Sukun"
    sent = citizen.send_lapor(
        gateway.url,
        tracking_id="LAPOR-123",
        text=text,
        category="drainase",
        anonymous=True,
        reporter_name="Budi",
        fake_url=fake.url,
    )
    assert sent.status == 200
    headers, body = gateway.last["headers"], gateway.last["body"]
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    key = base64.b64decode(LOCAL_SECRETS["LAPOR_WEBHOOK_SECRET"].removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    assert "v1," + base64.b64encode(digest).decode() in headers["webhook-signature"].split(" ")
    payload = json.loads(body)
    assert payload["type"] == "report.created"
    expected = {
        "tracking_id": "LAPOR-123",
        "content": text,
        "category": "drainase",
        "anonymous": True,
        "confidential": False,
        "reporter": {"name": "Budi"},
    }
    assert payload["data"].items() >= expected.items()
    assert payload["data"]["created_at"].endswith("Z")
    citizen.send_lapor(
        gateway.url,
        tracking_id="LAPOR-123",
        text="x",
        timestamp=1_000_000_000,
        webhook_id="msg_replay",
        fake_url=fake.url,
    )
    assert gateway.last["headers"]["webhook-timestamp"] == "1000000000"
    assert gateway.last["headers"]["webhook-id"] == "msg_replay"


def test_citizen_cli_prints_status_and_reads_secrets_from_env(fake, gateway):
    env = {
        **os.environ,
        "TWILIO_AUTH_TOKEN": "token-from-env",
        "PUBLIC_BASE_URL": "https://publik.example",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "infra.local.citizen",
            "--gateway",
            gateway.url,
            "--fake",
            fake.url,
            "sms",
            "--from",
            "+" + MSISDN,
            "SAMBAT lampu jalan mati",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "HTTP 200" and '{"ok": true}' in done.stdout
    signature = gateway.last["headers"]["X-Twilio-Signature"]
    validator = RequestValidator("token-from-env")
    assert validator.validate("https://publik.example/webhooks/sms", gateway.form(), signature)
