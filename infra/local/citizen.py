"""Play a citizen: send inbound webhooks to the gateway exactly as each provider would, signed.

CLI (prints the HTTP status and the response body; exit code 0 on 2xx)::

    python -m infra.local.citizen whatsapp --from 6281234567890 "Jalan rusak di Sawojajar"
    python -m infra.local.citizen telegram --chat 12345 "Lampu jalan mati"
    python -m infra.local.citizen sms --from +6281234567890 "SAMBAT lampu jalan mati"
    python -m infra.local.citizen email --from warga@example.com --subject "Sampah" "Belum diangkut"
    python -m infra.local.citizen lapor --tracking-id LAPOR-123 "Drainase tersumbat"
    python -m infra.local.citizen whatsapp --from 6281234567890 --photo infra/local/samples/lubang.jpg "Lubang besar"
    python -m infra.local.citizen whatsapp --user-id ID.1502576394655843 "Tanpa nomor HP"
    python -m infra.local.citizen messenger --from 24817395028173645 "Lampu taman mati"
    python -m infra.local.citizen instagram --from 17849202039485721 --photo infra/local/samples/lubang.jpg "Lubang"

The CLI talks to the local cloud `make run` started, on whatever ports it was given (it finds it
through `.local/cloud.json`); `--gateway URL --fake URL` point it elsewhere.

Library: the `send_*` functions do the same and return a `Sent` (status, headers, body, and the
exact bytes and headers that were sent), so end-to-end tests reuse them. The lower-level builders
(`whatsapp_message`, `telegram_update`, `sms_params`, `ses_notification`, `lapor_payload`, ...) and
`post_*` functions let a test send batches, replays, stale timestamps or a wrong secret.

Secrets come from the environment under the names the system uses, defaulting to the local-cloud
values in `infra/local/defaults.py`. Photos are first registered on the fake provider server, so
the system fetches them from the "provider's" media endpoint as it would in production. E-mail is
signed by the fake provider server (it holds the test SNS signing key), so `email` needs it running.
Standard library only: the CLI must work from a bare checkout with the venv's Python.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import mimetypes
import os
import secrets as _random
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from infra.local import discovery
from infra.local.defaults import FAKE_PROVIDERS_URL, GATEWAY_URL, local_secrets

Params = Mapping[str, str | Sequence[str]]


# --------------------------------------------------------------------------------------------
# HTTP: urllib, returning the answer instead of raising on 4xx/5xx (a 401 is a result to check).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One request and its answer."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    request_body: bytes
    request_headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# A developer's HTTP(S)_PROXY must not swallow calls to the local cloud.
# A photo to try --photo with (a drawn pothole, no person, no place in it).
SAMPLE_PHOTO = Path(__file__).resolve().parent / "samples" / "lubang.jpg"
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_DEFAULT = urllib.request.build_opener()


def request(
    url: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    method: str = "POST",
    timeout: float = 15.0,
) -> Sent:
    """Send one HTTP request; a 4xx/5xx answer is returned, not raised."""
    sent_headers = dict(headers or {})
    req = urllib.request.Request(url, data=body, headers=sent_headers, method=method)
    opener = _DIRECT if _is_loopback(url) else _DEFAULT
    try:
        with opener.open(req, timeout=timeout) as resp:
            answer = resp.read()
            return Sent(url, resp.status, dict(resp.headers), answer, body or b"", sent_headers)
    except urllib.error.HTTPError as exc:
        return Sent(url, exc.code, dict(exc.headers), exc.read(), body or b"", sent_headers)


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + path


# --------------------------------------------------------------------------------------------
# Signatures, each exactly as its provider documents it.
# --------------------------------------------------------------------------------------------


def meta_signature(raw_body: bytes, app_secret: str) -> str:
    """Meta's X-Hub-Signature-256 (WhatsApp, Messenger, Instagram): HMAC-SHA256 of the raw
    body with the app secret, hex."""
    return "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


whatsapp_signature = meta_signature


def twilio_signature(url: str, params: Params, auth_token: str) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL + each POST param name+value,
    sorted by name (repeated names: values sorted), keyed with the auth token."""
    data = url
    for name in sorted(params):
        value = params[name]
        values = [value] if isinstance(value, str) else list(value)
        for item in sorted(set(values)):
            data += name + item
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def standard_webhook_key(secret: str) -> bytes:
    """Standard Webhooks serialises the key as "whsec_" + base64; a bare secret is used as bytes."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()


def standard_webhook_signature(
    secret: str, msg_id: str, timestamp: int | str, raw_body: bytes
) -> str:
    """webhook-signature: "v1," + base64 HMAC-SHA256 of "<id>.<timestamp>.<body>"."""
    signed = f"{msg_id}.{timestamp}.".encode() + raw_body
    digest = hmac.new(standard_webhook_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


# --------------------------------------------------------------------------------------------
# Media: registered on the fake provider server, fetched by the system from there.
# --------------------------------------------------------------------------------------------


def register_media(
    fake_url: str, data: bytes, mime_type: str, filename: str = ""
) -> dict[str, Any]:
    """POST bytes to the fake server's /_media; returns the ids each provider would use."""
    query = "?" + urllib.parse.urlencode({"filename": filename}) if filename else ""
    sent = request(_join(fake_url, "/_media") + query, data, {"Content-Type": mime_type})
    if not sent.ok:
        raise RuntimeError(f"registering media failed: HTTP {sent.status} {sent.text}")
    return sent.json()


def _register_file(fake_url: str, path: str | Path) -> dict[str, Any]:
    file = Path(path)
    mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return register_media(fake_url, file.read_bytes(), mime, file.name)


def _unix() -> int:
    return int(time.time())


def _iso(moment: dt.datetime | None = None) -> str:
    moment = moment or dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# --------------------------------------------------------------------------------------------
# WhatsApp Cloud API: entry[].changes[].value with metadata, contacts, messages.
# --------------------------------------------------------------------------------------------


def new_wamid() -> str:
    # Real wamids are "wamid." + base64 of an opaque blob; only uniqueness matters here.
    return "wamid.HBgN" + base64.b64encode(_random.token_bytes(30)).decode()


def whatsapp_message(
    from_: str | None,
    *,
    user_id: str | None = None,
    text: str | None = None,
    image: Mapping[str, Any] | None = None,
    location: tuple[float, float] | None = None,
    message_id: str | None = None,
    timestamp: int | None = None,
) -> dict[str, Any]:
    """One `messages[]` item: text, image (with the text as caption) or location.

    `user_id` is the business-scoped user id (BSUID, `from_user_id`); Meta omits the phone
    number (`from`) of a user who chose a username, so `from_` may be None then."""
    message: dict[str, Any] = {
        "id": message_id or new_wamid(),
        "timestamp": str(timestamp or _unix()),
    }
    if from_:
        message["from"] = from_.lstrip("+")
    if user_id:
        message["from_user_id"] = user_id
    if image is not None:
        message["type"] = "image"
        message["image"] = {**({"caption": text} if text else {}), **image}
    elif location is not None:
        message["type"] = "location"
        message["location"] = {"latitude": location[0], "longitude": location[1]}
        if text:
            message["location"]["name"] = text
    else:
        message["type"] = "text"
        message["text"] = {"body": text or ""}
    return message


def whatsapp_payload(
    messages: Sequence[Mapping[str, Any]] = (),
    *,
    contacts: Sequence[Mapping[str, Any]] = (),
    statuses: Sequence[Mapping[str, Any]] = (),
    secrets: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The webhook envelope Meta POSTs (one entry, one change, field "messages")."""
    cfg = secrets or local_secrets()
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": cfg["WHATSAPP_DISPLAY_PHONE_NUMBER"],
            "phone_number_id": cfg["WHATSAPP_PHONE_NUMBER_ID"],
        },
    }
    if contacts:
        value["contacts"] = list(contacts)
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": cfg["WHATSAPP_BUSINESS_ACCOUNT_ID"],
                "changes": [{"value": value, "field": "messages"}],
            }
        ],
    }


def whatsapp_body(payload: Mapping[str, Any]) -> bytes:
    """Serialise as Meta does: compact, non-ASCII escaped (\\u00e9), so re-serialising breaks the
    signature of a body that the receiver parsed instead of keeping raw."""
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode()


def post_whatsapp(
    gateway_url: str,
    payload: Mapping[str, Any] | bytes,
    *,
    app_secret: str | None = None,
    path: str = "/webhooks/whatsapp",
) -> Sent:
    body = payload if isinstance(payload, bytes) else whatsapp_body(payload)
    secret = app_secret if app_secret is not None else local_secrets()["WHATSAPP_APP_SECRET"]
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "facebookexternalua",
        "X-Hub-Signature-256": whatsapp_signature(body, secret),
    }
    return request(_join(gateway_url, path), body, headers)


def send_whatsapp(
    gateway_url: str = GATEWAY_URL,
    *,
    from_: str | None,
    user_id: str | None = None,
    text: str | None = None,
    name: str = "Warga",
    photo: str | Path | None = None,
    location: tuple[float, float] | None = None,
    message_id: str | None = None,
    app_secret: str | None = None,
    fake_url: str = FAKE_PROVIDERS_URL,
    secrets: Mapping[str, str] | None = None,
) -> Sent:
    """A citizen writes to the city's WhatsApp number (text, photo with caption, or location)."""
    cfg = secrets or local_secrets()
    image = None
    if photo is not None:
        media = _register_file(fake_url, photo)
        image = {
            "mime_type": media["mime_type"],
            "sha256": media["sha256"],
            "id": media["whatsapp"]["id"],
        }
    if not from_ and not user_id:
        raise ValueError("a WhatsApp sender has a phone number, a BSUID (user_id), or both")
    wa_id = from_.lstrip("+") if from_ else None
    message = whatsapp_message(
        wa_id, user_id=user_id, text=text, image=image, location=location, message_id=message_id
    )
    contact: dict[str, Any] = {"profile": {"name": name}}
    if wa_id:
        contact["wa_id"] = wa_id
    if user_id:
        contact["user_id"] = user_id
    payload = whatsapp_payload([message], contacts=[contact], secrets=cfg)
    secret = app_secret if app_secret is not None else cfg["WHATSAPP_APP_SECRET"]
    return post_whatsapp(gateway_url, payload, app_secret=secret)


def whatsapp_handshake(
    gateway_url: str = GATEWAY_URL,
    *,
    verify_token: str | None = None,
    challenge: str = "1158201444",
    mode: str = "subscribe",
) -> Sent:
    """The GET Meta sends when the webhook URL is configured; the answer must be the challenge."""
    token = verify_token if verify_token is not None else local_secrets()["WHATSAPP_VERIFY_TOKEN"]
    query = urllib.parse.urlencode(
        {"hub.mode": mode, "hub.challenge": challenge, "hub.verify_token": token}
    )
    return request(_join(gateway_url, "/webhooks/whatsapp") + "?" + query, method="GET")


# --------------------------------------------------------------------------------------------
# Messenger and Instagram: entry[].messaging[] with sender, recipient, timestamp (ms), message.
# --------------------------------------------------------------------------------------------

MESSAGING_OBJECT = {"messenger": "page", "instagram": "instagram"}
_ACCOUNT_ID = {"messenger": "MESSENGER_PAGE_ID", "instagram": "INSTAGRAM_ACCOUNT_ID"}


def new_mid(channel: str = "messenger") -> str:
    # Messenger mids start "m_"; Instagram's are base64 of "ig_item:..."; only uniqueness matters.
    prefix = "m_" if channel == "messenger" else "aWdfZAG1faXRlbToxOklH"
    return prefix + base64.urlsafe_b64encode(_random.token_bytes(30)).decode().rstrip("=")


def messaging_event(
    sender: str,
    *,
    channel: str = "messenger",
    text: str | None = None,
    image_urls: Sequence[str] = (),
    message_id: str | None = None,
    timestamp_ms: int | None = None,
    secrets: Mapping[str, str] | None = None,
    echo: bool = False,
) -> dict[str, Any]:
    """One `messaging[]` item: a citizen's text and/or photos (or, `echo`, the city's own)."""
    cfg = secrets or local_secrets()
    account = cfg[_ACCOUNT_ID[channel]]
    message: dict[str, Any] = {"mid": message_id or new_mid(channel)}
    if text:
        message["text"] = text
    if image_urls:
        message["attachments"] = [{"type": "image", "payload": {"url": u}} for u in image_urls]
    if echo:
        message["is_echo"] = True
    parties = ({"id": account}, {"id": sender}) if echo else ({"id": sender}, {"id": account})
    return {
        "sender": parties[0],
        "recipient": parties[1],
        "timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        "message": message,
    }


def messaging_payload(
    channel: str, events: Sequence[Mapping[str, Any]], *, secrets: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The webhook envelope Meta POSTs for Messenger (`object: page`) or Instagram."""
    cfg = secrets or local_secrets()
    entry = {
        "id": cfg[_ACCOUNT_ID[channel]],
        "time": int(time.time() * 1000),
        "messaging": list(events),
    }
    return {"object": MESSAGING_OBJECT[channel], "entry": [entry]}


def post_messaging(
    gateway_url: str,
    channel: str,
    payload: Mapping[str, Any] | bytes,
    *,
    app_secret: str | None = None,
) -> Sent:
    body = payload if isinstance(payload, bytes) else whatsapp_body(payload)  # Meta's serialisation
    secret = app_secret if app_secret is not None else local_secrets()["META_APP_SECRET"]
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "facebookexternalua",
        "X-Hub-Signature-256": meta_signature(body, secret),
    }
    return request(_join(gateway_url, f"/webhooks/{channel}"), body, headers)


def send_messaging(
    gateway_url: str = GATEWAY_URL,
    *,
    channel: str,
    from_: str,
    text: str | None = None,
    photo: str | Path | None = None,
    message_id: str | None = None,
    app_secret: str | None = None,
    fake_url: str = FAKE_PROVIDERS_URL,
    secrets: Mapping[str, str] | None = None,
) -> Sent:
    """A citizen writes to the city's Facebook Page (Messenger) or Instagram account."""
    cfg = secrets or local_secrets()
    urls = [_register_file(fake_url, photo)["meta"]["url"]] if photo is not None else []
    event = messaging_event(
        from_, channel=channel, text=text, image_urls=urls, message_id=message_id, secrets=cfg
    )
    secret = app_secret if app_secret is not None else cfg["META_APP_SECRET"]
    return post_messaging(
        gateway_url, channel, messaging_payload(channel, [event], secrets=cfg), app_secret=secret
    )


def messaging_handshake(
    gateway_url: str = GATEWAY_URL,
    *,
    channel: str,
    verify_token: str | None = None,
    challenge: str = "1158201444",
    mode: str = "subscribe",
) -> Sent:
    """Meta's verification GET for the Messenger or Instagram webhook."""
    token = verify_token if verify_token is not None else local_secrets()["META_VERIFY_TOKEN"]
    query = urllib.parse.urlencode(
        {"hub.mode": mode, "hub.challenge": challenge, "hub.verify_token": token}
    )
    return request(_join(gateway_url, f"/webhooks/{channel}") + "?" + query, method="GET")


# --------------------------------------------------------------------------------------------
# Telegram: an Update with a monotonic update_id, message.chat, from, date.
# --------------------------------------------------------------------------------------------

_ids_lock = threading.Lock()
_last_id = 0


def next_update_id() -> int:
    """Strictly increasing within a process and, being time-based, across CLI runs."""
    global _last_id
    with _ids_lock:
        _last_id = max(_last_id + 1, time.time_ns() // 1_000_000)
        return _last_id


def telegram_update(
    chat_id: int,
    *,
    text: str | None = None,
    photo: Sequence[Mapping[str, Any]] | None = None,
    location: tuple[float, float] | None = None,
    first_name: str = "Warga",
    username: str | None = None,
    update_id: int | None = None,
    date: int | None = None,
) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": chat_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": "id",
    }
    chat: dict[str, Any] = {"id": chat_id, "first_name": first_name, "type": "private"}
    if username:
        user["username"] = chat["username"] = username
    message: dict[str, Any] = {
        "message_id": next_update_id() % 2**31,
        "from": user,
        "chat": chat,
        "date": date or _unix(),
    }
    if photo:
        message["photo"] = list(photo)
        if text:
            message["caption"] = text
    elif location is not None:
        message["location"] = {"latitude": location[0], "longitude": location[1]}
    else:
        message["text"] = text or ""
    return {
        "update_id": update_id if update_id is not None else next_update_id(),
        "message": message,
    }


def post_telegram(
    gateway_url: str,
    update: Mapping[str, Any],
    *,
    secret_token: str | None = None,
    path: str = "/webhooks/telegram",
) -> Sent:
    token = secret_token if secret_token is not None else local_secrets()["TELEGRAM_SECRET_TOKEN"]
    body = json.dumps(update, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": token}
    return request(_join(gateway_url, path), body, headers)


def send_telegram(
    gateway_url: str = GATEWAY_URL,
    *,
    chat_id: int,
    text: str | None = None,
    first_name: str = "Warga",
    photo: str | Path | None = None,
    location: tuple[float, float] | None = None,
    update_id: int | None = None,
    secret_token: str | None = None,
    fake_url: str = FAKE_PROVIDERS_URL,
) -> Sent:
    """A citizen writes to the city's bot (text, photo with caption, or location)."""
    sizes = None
    if photo is not None:
        media = _register_file(fake_url, photo)
        # Telegram sends several sizes, smallest first; the largest is the last.
        sizes = [
            {**media["telegram"]["thumbnail"], "width": 90, "height": 68},
            {
                "file_id": media["telegram"]["file_id"],
                "file_unique_id": media["telegram"]["file_unique_id"],
                "file_size": media["file_size"],
                "width": 1280,
                "height": 960,
            },
        ]
    update = telegram_update(
        chat_id,
        text=text,
        photo=sizes,
        location=location,
        first_name=first_name,
        update_id=update_id,
    )
    return post_telegram(gateway_url, update, secret_token=secret_token)


# --------------------------------------------------------------------------------------------
# SMS (Twilio): form fields, X-Twilio-Signature over PUBLIC_BASE_URL + path.
# --------------------------------------------------------------------------------------------


def new_twilio_sid(prefix: str = "SM") -> str:
    return prefix + _random.token_hex(16)


def sms_params(
    from_: str,
    body: str,
    *,
    to: str,
    account_sid: str,
    message_sid: str | None = None,
    media: Sequence[tuple[str, str]] = (),
) -> dict[str, str]:
    """The form Twilio POSTs for an incoming message; `media` = [(url, content type), ...]."""
    sid = message_sid or new_twilio_sid("MM" if media else "SM")
    params = {
        "ToCountry": "ID",
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": str(len(media)),
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "ID",
        "To": to,
        "ToZip": "",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": from_,
        "ApiVersion": "2010-04-01",
    }
    for index, (url, content_type) in enumerate(media):
        params[f"MediaUrl{index}"] = url
        params[f"MediaContentType{index}"] = content_type
    return params


def post_twilio_form(
    url: str,
    params: Mapping[str, str],
    *,
    auth_token: str,
    signed_url: str | None = None,
) -> Sent:
    """POST a Twilio-style form, signed over `signed_url` (the URL Twilio believes it calls)."""
    body = urllib.parse.urlencode(params).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "TwilioProxy/1.1",
        "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
        "X-Twilio-Signature": twilio_signature(signed_url or url, params, auth_token),
    }
    return request(url, body, headers)


def post_sms(
    gateway_url: str,
    params: Mapping[str, str],
    *,
    auth_token: str | None = None,
    public_base_url: str | None = None,
    path: str = "/webhooks/sms",
) -> Sent:
    cfg = local_secrets()
    token = auth_token if auth_token is not None else cfg["TWILIO_AUTH_TOKEN"]
    public = public_base_url or cfg["PUBLIC_BASE_URL"]
    return post_twilio_form(
        _join(gateway_url, path), params, auth_token=token, signed_url=_join(public, path)
    )


def send_sms(
    gateway_url: str = GATEWAY_URL,
    *,
    from_: str,
    text: str,
    to: str | None = None,
    photo: str | Path | None = None,
    message_sid: str | None = None,
    auth_token: str | None = None,
    public_base_url: str | None = None,
    fake_url: str = FAKE_PROVIDERS_URL,
    secrets: Mapping[str, str] | None = None,
) -> Sent:
    """A citizen texts the city's number (e.g. "SAMBAT lampu jalan mati"); MMS with --photo."""
    cfg = secrets or local_secrets()
    sid = message_sid or new_twilio_sid("MM" if photo else "SM")
    media: list[tuple[str, str]] = []
    if photo is not None:
        info = _register_file(fake_url, photo)
        account, media_sid = cfg["TWILIO_ACCOUNT_SID"], info["twilio"]["media_sid"]
        url = _join(fake_url, f"/2010-04-01/Accounts/{account}/Messages/{sid}/Media/{media_sid}")
        media.append((url, info["mime_type"]))
    params = sms_params(
        from_,
        text,
        to=to or cfg["SMS_FROM"],
        account_sid=cfg["TWILIO_ACCOUNT_SID"],
        message_sid=sid,
        media=media,
    )
    return post_sms(
        gateway_url,
        params,
        auth_token=auth_token if auth_token is not None else cfg["TWILIO_AUTH_TOKEN"],
        public_base_url=public_base_url or cfg["PUBLIC_BASE_URL"],
    )


# --------------------------------------------------------------------------------------------
# E-mail: MIME -> SES receipt notification -> SNS Notification signed by the fake server's key.
# --------------------------------------------------------------------------------------------


def build_mime(
    from_: str, to: str, subject: str, text: str, *, attachment: str | Path | None = None
) -> bytes:
    msg = EmailMessage(policy=SMTP)  # SMTP policy: CRLF line ends, as mail arrives
    msg["From"] = from_
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = make_msgid(domain=from_.rpartition("@")[2] or "example.com")
    msg["MIME-Version"] = "1.0"
    msg.set_content(text)
    if attachment is not None:
        file = Path(attachment)
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(
            file.read_bytes(), maintype=maintype, subtype=subtype, filename=file.name
        )
    return msg.as_bytes()


def ses_notification(
    mime: bytes, *, topic_arn: str, recipients: Sequence[str] | None = None
) -> dict[str, Any]:
    """The SES receipt notification of an SNS action (notificationType "Received", UTF8 content)."""
    parsed = message_from_bytes(mime)
    now = _iso()
    source = parsed.get("From", "")
    to = [addr.strip() for addr in (parsed.get("To") or "").split(",") if addr.strip()]
    verdict = {"status": "PASS"}
    return {
        "notificationType": "Received",
        "mail": {
            "timestamp": now,
            "source": source,
            "messageId": _random.token_hex(20),
            "destination": list(recipients or to),
            "headersTruncated": False,
            "headers": [{"name": name, "value": str(value)} for name, value in parsed.items()],
            "commonHeaders": {
                "returnPath": source,
                "from": [source],
                "date": parsed.get("Date", ""),
                "to": to,
                "messageId": parsed.get("Message-ID", ""),
                "subject": parsed.get("Subject", ""),
            },
        },
        "receipt": {
            "timestamp": now,
            "processingTimeMillis": 271,
            "recipients": list(recipients or to),
            "spamVerdict": verdict,
            "virusVerdict": verdict,
            "spfVerdict": verdict,
            "dkimVerdict": verdict,
            "dmarcVerdict": verdict,
            "action": {"type": "SNS", "topicArn": topic_arn, "encoding": "UTF8"},
        },
        "content": mime.decode("utf-8", errors="replace"),
    }


def sign_sns(
    fake_url: str, message: Mapping[str, Any], signature_version: str = "2"
) -> dict[str, Any]:
    """Have the fake server (which holds the test SNS key) complete and sign an SNS message."""
    body = json.dumps({**message, "SignatureVersion": signature_version}).encode()
    sent = request(_join(fake_url, "/_sns/sign"), body, {"Content-Type": "application/json"})
    if not sent.ok:
        raise RuntimeError(f"SNS signing failed: HTTP {sent.status} {sent.text}")
    return sent.json()


def post_sns(gateway_url: str, signed: Mapping[str, Any], *, path: str = "/webhooks/email") -> Sent:
    """POST a signed SNS message with the headers SNS's HTTP(S) delivery adds."""
    headers = {
        "Content-Type": "text/plain; charset=UTF-8",
        "User-Agent": "Amazon Simple Notification Service Agent",
        "x-amz-sns-message-type": str(signed["Type"]),
        "x-amz-sns-message-id": str(signed["MessageId"]),
        "x-amz-sns-topic-arn": str(signed["TopicArn"]),
    }
    if signed["Type"] == "Notification":
        subscription = uuid.uuid5(uuid.NAMESPACE_URL, path)
        headers["x-amz-sns-subscription-arn"] = f"{signed['TopicArn']}:{subscription}"
    body = json.dumps(signed, indent=2).encode()  # SNS pretty-prints its JSON
    return request(_join(gateway_url, path), body, headers)


def send_email(
    gateway_url: str = GATEWAY_URL,
    *,
    from_: str,
    subject: str,
    text: str,
    to: str | None = None,
    photo: str | Path | None = None,
    topic_arn: str | None = None,
    signature_version: str = "2",
    timestamp: str | None = None,
    fake_url: str = FAKE_PROVIDERS_URL,
) -> Sent:
    """A citizen e-mails the city's complaint address (photo = a MIME attachment)."""
    cfg = local_secrets()
    arn = topic_arn or cfg["EMAIL_SNS_TOPIC_ARN"]
    mime = build_mime(from_, to or cfg["EMAIL_INBOUND_ADDRESS"], subject, text, attachment=photo)
    unsigned: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": str(uuid.uuid4()),
        "TopicArn": arn,
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(ses_notification(mime, topic_arn=arn)),
    }
    if timestamp:
        unsigned["Timestamp"] = timestamp
    return post_sns(gateway_url, sign_sns(fake_url, unsigned, signature_version))


def send_sns_subscription_confirmation(
    gateway_url: str = GATEWAY_URL,
    *,
    topic_arn: str | None = None,
    signature_version: str = "2",
    fake_url: str = FAKE_PROVIDERS_URL,
) -> Sent:
    """What SNS sends when the endpoint is subscribed; its SubscribeURL is on the fake server."""
    arn = topic_arn or local_secrets()["EMAIL_SNS_TOPIC_ARN"]
    unsigned = {
        "Type": "SubscriptionConfirmation",
        "MessageId": str(uuid.uuid4()),
        "TopicArn": arn,
        "Message": (
            f"You have chosen to subscribe to the topic {arn}.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message."
        ),
    }
    return post_sns(gateway_url, sign_sns(fake_url, unsigned, signature_version))


# --------------------------------------------------------------------------------------------
# SP4N-LAPOR! bridge: Standard Webhooks headers over a report.created payload.
# --------------------------------------------------------------------------------------------


def lapor_payload(
    tracking_id: str,
    content: str,
    *,
    title: str | None = None,
    category: str | None = None,
    anonymous: bool = False,
    confidential: bool = False,
    reporter: Mapping[str, Any] | None = None,
    attachments: Sequence[Mapping[str, Any]] = (),
    event_type: str = "report.created",
) -> dict[str, Any]:
    now = _iso()
    data: dict[str, Any] = {
        "tracking_id": tracking_id,
        "title": title or content[:60],
        "content": content,
        "category": category,
        "anonymous": anonymous,
        "confidential": confidential,
        "reporter": dict(reporter or {}),
        "created_at": now,
    }
    if attachments:
        data["attachments"] = list(attachments)
    return {"type": event_type, "timestamp": now, "data": data}


def post_lapor(
    gateway_url: str,
    payload: Mapping[str, Any] | bytes,
    *,
    secret: str | None = None,
    webhook_id: str | None = None,
    timestamp: int | None = None,
    path: str = "/webhooks/lapor",
) -> Sent:
    if isinstance(payload, bytes):
        body = payload
    else:
        body = json.dumps(payload, separators=(",", ":")).encode()
    key = secret if secret is not None else local_secrets()["LAPOR_WEBHOOK_SECRET"]
    msg_id = webhook_id or "msg_" + _random.token_urlsafe(18)
    ts = timestamp if timestamp is not None else _unix()
    headers = {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": standard_webhook_signature(key, msg_id, ts, body),
    }
    return request(_join(gateway_url, path), body, headers)


def send_lapor(
    gateway_url: str = GATEWAY_URL,
    *,
    tracking_id: str,
    text: str,
    title: str | None = None,
    category: str | None = None,
    anonymous: bool = False,
    confidential: bool = False,
    reporter_name: str | None = None,
    reporter_phone: str | None = None,
    reporter_email: str | None = None,
    photo: str | Path | None = None,
    secret: str | None = None,
    webhook_id: str | None = None,
    timestamp: int | None = None,
    fake_url: str = FAKE_PROVIDERS_URL,
) -> Sent:
    """SP4N-LAPOR! forwards a report made on lapor.go.id to the city."""
    fields = (("name", reporter_name), ("phone", reporter_phone), ("email", reporter_email))
    reporter = {key: value for key, value in fields if value}
    attachments = []
    if photo is not None:
        media = _register_file(fake_url, photo)
        attachments.append(
            {
                "url": media["lapor"]["url"],
                "mime_type": media["mime_type"],
                "filename": media["filename"],
            }
        )
    payload = lapor_payload(
        tracking_id,
        text,
        title=title,
        category=category,
        anonymous=anonymous,
        confidential=confidential,
        reporter=reporter,
        attachments=attachments,
    )
    return post_lapor(
        gateway_url, payload, secret=secret, webhook_id=webhook_id, timestamp=timestamp
    )


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def _location(value: str) -> tuple[float, float]:
    lat, _, lon = value.partition(",")
    return float(lat), float(lon)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local.citizen", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument(
        "--gateway", help="the system's HTTP API (default: the running `make run`'s)"
    )
    parser.add_argument("--fake", help="fake provider server (default: the running `make run`'s)")
    sub = parser.add_subparsers(dest="channel", required=True)

    wa = sub.add_parser("whatsapp", help="a WhatsApp message (signed X-Hub-Signature-256)")
    wa.add_argument("--from", dest="from_", help="sender MSISDN, e.g. 6281234567890")
    wa.add_argument("--user-id", help="business-scoped user id (BSUID), e.g. ID.1502576394655843")
    wa.add_argument("--name", default="Warga")
    wa.add_argument("--photo")
    wa.add_argument("--location", type=_location, help="LAT,LON")
    wa.add_argument("--secret", help="override WHATSAPP_APP_SECRET (e.g. to test a forgery)")
    wa.add_argument("text", nargs="?")

    verify = sub.add_parser("whatsapp-verify", help="the WhatsApp webhook verification GET")
    verify.add_argument("--verify-token")
    verify.add_argument("--challenge", default="1158201444")

    for channel, what, example in (
        ("messenger", "PSID", "24817395028173645"),
        ("instagram", "IGSID", "17849202039485721"),
    ):
        article = "an" if channel == "instagram" else "a"
        meta = sub.add_parser(
            channel,
            help=f"{article} {channel.capitalize()} direct message (signed X-Hub-Signature-256)",
        )
        meta.add_argument(
            "--from", dest="from_", required=True, help=f"sender {what}, e.g. {example}"
        )
        meta.add_argument("--photo")
        meta.add_argument("--secret", help="override META_APP_SECRET (e.g. to test a forgery)")
        meta.add_argument("text", nargs="?")
        meta_verify = sub.add_parser(
            f"{channel}-verify", help=f"the {channel} webhook verification GET"
        )
        meta_verify.add_argument("--verify-token")
        meta_verify.add_argument("--challenge", default="1158201444")

    tg = sub.add_parser("telegram", help="a Telegram Update (X-Telegram-Bot-Api-Secret-Token)")
    tg.add_argument("--chat", type=int, required=True)
    tg.add_argument("--name", default="Warga")
    tg.add_argument("--photo")
    tg.add_argument("--location", type=_location, help="LAT,LON")
    tg.add_argument("--secret", help="override TELEGRAM_SECRET_TOKEN")
    tg.add_argument("text", nargs="?")

    sms = sub.add_parser("sms", help="an SMS/MMS via Twilio (X-Twilio-Signature)")
    sms.add_argument("--from", dest="from_", required=True)
    sms.add_argument("--to")
    sms.add_argument("--photo")
    sms.add_argument("--secret", help="override TWILIO_AUTH_TOKEN")
    sms.add_argument("text")

    mail = sub.add_parser("email", help="an e-mail via SES -> SNS (signed by the fake server)")
    mail.add_argument("--from", dest="from_", required=True)
    mail.add_argument("--to")
    mail.add_argument("--subject", default="Pengaduan")
    mail.add_argument("--photo")
    mail.add_argument("--signature-version", choices=("1", "2"), default="2")
    mail.add_argument("text")

    sub_confirm = sub.add_parser("email-subscribe", help="an SNS SubscriptionConfirmation")
    sub_confirm.add_argument("--topic-arn")

    lapor = sub.add_parser("lapor", help="a SP4N-LAPOR! report (Standard Webhooks)")
    lapor.add_argument("--tracking-id", required=True)
    lapor.add_argument("--title")
    lapor.add_argument("--category")
    lapor.add_argument("--anonymous", action="store_true")
    lapor.add_argument("--confidential", action="store_true")
    lapor.add_argument("--name")
    lapor.add_argument("--phone")
    lapor.add_argument("--email")
    lapor.add_argument("--photo")
    lapor.add_argument("--secret", help="override LAPOR_WEBHOOK_SECRET")
    lapor.add_argument("text")
    return parser


def _send(args: argparse.Namespace) -> Sent:
    gw, fake = args.gateway, args.fake
    if args.channel == "whatsapp":
        return send_whatsapp(
            gw,
            from_=args.from_,
            user_id=args.user_id,
            text=args.text,
            name=args.name,
            photo=args.photo,
            location=args.location,
            app_secret=args.secret,
            fake_url=fake,
        )
    if args.channel == "whatsapp-verify":
        return whatsapp_handshake(gw, verify_token=args.verify_token, challenge=args.challenge)
    if args.channel in ("messenger", "instagram"):
        return send_messaging(
            gw,
            channel=args.channel,
            from_=args.from_,
            text=args.text,
            photo=args.photo,
            app_secret=args.secret,
            fake_url=fake,
        )
    if args.channel in ("messenger-verify", "instagram-verify"):
        return messaging_handshake(
            gw,
            channel=args.channel.removesuffix("-verify"),
            verify_token=args.verify_token,
            challenge=args.challenge,
        )
    if args.channel == "telegram":
        return send_telegram(
            gw,
            chat_id=args.chat,
            text=args.text,
            first_name=args.name,
            photo=args.photo,
            location=args.location,
            secret_token=args.secret,
            fake_url=fake,
        )
    if args.channel == "sms":
        return send_sms(
            gw,
            from_=args.from_,
            text=args.text,
            to=args.to,
            photo=args.photo,
            auth_token=args.secret,
            public_base_url=args.public_base_url,
            fake_url=fake,
        )
    if args.channel == "email":
        return send_email(
            gw,
            from_=args.from_,
            subject=args.subject,
            text=args.text,
            to=args.to,
            photo=args.photo,
            signature_version=args.signature_version,
            fake_url=fake,
        )
    if args.channel == "email-subscribe":
        return send_sns_subscription_confirmation(gw, topic_arn=args.topic_arn, fake_url=fake)
    return send_lapor(
        gw,
        tracking_id=args.tracking_id,
        text=args.text,
        title=args.title,
        category=args.category,
        anonymous=args.anonymous,
        confidential=args.confidential,
        reporter_name=args.name,
        reporter_phone=args.phone,
        reporter_email=args.email,
        photo=args.photo,
        secret=args.secret,
        fake_url=fake,
    )


def _find_local_cloud(args: argparse.Namespace) -> None:
    """Explicit URLs win; otherwise the running local cloud's (`.local/cloud.json`), never a
    silent default. Twilio signs the public URL: the one that cloud was started with."""
    args.public_base_url = None
    if args.gateway and args.fake:
        args.public_base_url = (
            local_secrets().get("PUBLIC_BASE_URL")
            if "PUBLIC_BASE_URL" in os.environ
            else args.gateway
        )
        return
    found = discovery.find()
    args.gateway = args.gateway or found["gateway"]
    args.fake = args.fake or found["providers"]
    args.public_base_url = (
        found["public_base_url"] if args.gateway == found["gateway"] else args.gateway
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    photo = getattr(args, "photo", None)
    if photo and not Path(photo).is_file():
        print(
            f"error: --photo {photo}: no such file (a sample photo ships with the repo:"
            f" --photo {SAMPLE_PHOTO})",
            file=sys.stderr,
        )
        return 2
    if args.channel == "whatsapp" and not (args.from_ or args.user_id):
        print("error: whatsapp needs --from, --user-id, or both", file=sys.stderr)
        return 2
    _find_local_cloud(args)
    sent = _send(args)
    print(f"HTTP {sent.status}")
    print(sent.text)
    return 0 if sent.ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (urllib.error.URLError, ConnectionError, RuntimeError, discovery.NotRunning) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
