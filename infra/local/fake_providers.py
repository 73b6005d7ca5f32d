"""The fake provider server of the local cloud (default http://127.0.0.1:3001).

It answers the outbound APIs the system calls as the real providers do (status codes, JSON
shapes, auth failures), records every message it is sent, and lists them at `GET /_outbox`, so a
person or a test sees what citizens would have received. Endpoints:

  Twilio    POST /2010-04-01/Accounts/{AccountSid}/Messages.json            (Basic auth)
            GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json
            GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}/Media/{MediaSid}  (bytes)
  WhatsApp  POST /{version}/{phone_number_id}/messages                       (Bearer)
            GET  /{version}/{media_id}, then GET /whatsapp-media/{media_id}  (Bearer)
  Messenger POST /{version}/{page_id}/messages        (Send API, Bearer page token)
  Instagram POST /{version}/{instagram_account_id}/messages    (Send API, Bearer token)
            GET  /meta-media/{media_id}?signature=...  (attachment URLs, signed as Meta's CDN)
  Telegram  GET|POST /bot{token}/sendMessage|getFile|getMe|setWebhook|deleteWebhook
            GET  /file/bot{token}/{file_path}
  LAPOR!    POST /lapor/api/v1/reports/{lapor_tracking_id}/status            (Bearer)
            GET  /lapor/api/v1/files/{media_id}
  SNS       GET  /sns/cert.pem (the test signing certificate), GET /sns/confirm (SubscribeURL),
            GET  /sns/unsubscribe, POST /_sns/sign (signs for the citizen tool),
            GET  /_sns/confirmations
  Control   GET|DELETE /_outbox (?channel=&to=&contains=), POST /_media (bytes -> ids),
            GET|POST|DELETE /_faults, POST /_deliver (a signed delivery-status webhook)

E-mail goes out through SES (moto): with `moto_endpoint` set, the outbox also lists what moto
recorded, as channel "email". The credentials expected are those of `infra/local/defaults.py`.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import email.utils
import hashlib
import hmac
import html
import json
import mimetypes
import re
import secrets as _random
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from http import HTTPStatus
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from infra.local import citizen
from infra.local.defaults import GATEWAY_URL, local_secrets

JSONDict = dict[str, Any]
Handler = Callable[..., Response]
FAULT_CHANNELS = ("sms", "whatsapp", "telegram", "lapor", "messenger", "instagram")
SES_SYNC_INTERVAL = 0.2  # seconds between reads of moto's data.json
_TELEGRAM_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}")
_PHONE = re.compile(r"\+?[1-9]\d{6,14}")
_HTML_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
# GSM 03.38 basic set: text outside it goes as UCS-2, 70 characters a segment instead of 160.
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)
_SNS_NS = "http://sns.amazonaws.com/doc/2010-03-31/"
_GRAPH_NO_OBJECT = (
    "Unsupported {verb} request. Object with ID '{id}' does not exist, cannot be loaded due to "
    "missing permissions, or does not support this operation."
)
# The Send API's messaging types and the tags a MESSAGE_TAG message may carry.
_MESSAGING_TYPES = ("RESPONSE", "UPDATE", "MESSAGE_TAG")
_MESSAGE_TAGS = (
    "ACCOUNT_UPDATE",
    "CONFIRMED_EVENT_UPDATE",
    "CUSTOMER_FEEDBACK",
    "HUMAN_AGENT",
    "POST_PURCHASE_UPDATE",
)
_WA_TYPES = (
    "audio",
    "contacts",
    "document",
    "image",
    "interactive",
    "location",
    "reaction",
    "sticker",
    "template",
    "text",
    "video",
)


def hmac_equal(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _now_iso() -> str:
    return citizen._iso()


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False)
    return Response(text, status, headers=dict(headers or {}), content_type="application/json")


def _error(status: int, code: str, message: str) -> Response:
    """An error of the fake server itself (not of a provider)."""
    return _json({"error": {"code": code, "message": message}}, status)


def _addr(value: Any) -> str:
    """Compare addresses loosely: "+62 812-3", "whatsapp:+628123" and "628123" are one number."""
    text = str(value or "").strip().lower()
    for prefix in ("whatsapp:", "tel:", "mailto:"):
        text = text.removeprefix(prefix)
    return re.sub(r"[\s\-()]", "", text).lstrip("+")


def _searchable(message: JSONDict) -> str:
    return f"{message.get('subject') or ''}\n{message.get('text') or ''}".casefold()


def _segments(body: str) -> int:
    single, multi = (160, 153) if all(ch in _GSM for ch in body) else (70, 67)
    return 1 if len(body) <= single else -(-len(body) // multi)


# --------------------------------------------------------------------------------------------
# Provider-shaped errors: a client's error handling is tested against the real shapes.
# --------------------------------------------------------------------------------------------


def twilio_error(
    status: int, code: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    body = {"code": code, "message": message, "more_info": more_info, "status": status}
    return _json(body, status, headers)


def graph_error(
    status: int,
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    error: JSONDict = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": message},
        "fbtrace_id": "A" + _random.token_urlsafe(16),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return _json({"error": error}, status, headers)


def telegram_error(code: int, description: str, retry_after: int | None = None) -> Response:
    body: JSONDict = {"ok": False, "error_code": code, "description": description}
    if retry_after is None:
        return _json(body, code)
    body["parameters"] = {"retry_after": retry_after}
    return _json(body, code, {"Retry-After": str(retry_after)})


def lapor_error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    return _json({"ok": False, "error": {"code": code, "message": message}}, status, headers)


def _fault_response(channel: str, status: int, retry_after: int | None) -> Response:
    """The answer each provider gives when it throttles (429) or fails (5xx)."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    if channel == "sms":
        return twilio_error(status, 20429 if status == 429 else 20000 + status, reason, headers)
    if channel in ("whatsapp", "messenger", "instagram"):
        code, message = {
            429: (130429, "(#130429) Rate limit hit"),
            503: (131016, "(#131016) Service unavailable"),
        }.get(status, (2, "(#2) Service temporarily unavailable"))
        return graph_error(status, code, message, headers=headers)
    if channel == "telegram":
        if status == 429:
            wait = retry_after or 1
            return telegram_error(429, f"Too Many Requests: retry after {wait}", wait)
        return telegram_error(status, reason)
    return lapor_error(status, "rate_limited" if status == 429 else "unavailable", reason, headers)


# --------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------


@dataclass
class Media:
    data: bytes
    mime_type: str
    filename: str
    whatsapp_id: str  # Graph media ids are numeric strings
    telegram_file_id: str
    telegram_thumb_id: str
    telegram_unique_id: str
    telegram_path: str
    twilio_sid: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def aliases(self) -> tuple[str, ...]:
        return (
            self.whatsapp_id,
            self.telegram_file_id,
            self.telegram_thumb_id,
            self.telegram_path,
            self.twilio_sid,
        )


@dataclass
class Fault:
    channel: str
    status: int
    remaining: int
    retry_after: int | None
    op: str  # "send" (message APIs) or "media" (media and file downloads)
    served: int = 0


# The SNS test key is made once per process and shared by every FakeProviders in it: a system
# under test caches the signing certificate by URL, and a fake server restarted on the same URL
# must not present another certificate.
_sns_key_lock = threading.Lock()
_sns_key: tuple[Any, bytes] | None = None


def _sns_key_and_cert() -> tuple[Any, bytes]:
    global _sns_key
    with _sns_key_lock:
        if _sns_key is None:
            from cryptography import x509
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.asymmetric import rsa
            from cryptography.x509.oid import NameOID

            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            name = x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Aduan local cloud (test only)"),
                ]
            )
            now = dt.datetime.now(dt.UTC)
            san = x509.SubjectAlternativeName([x509.DNSName("sns.amazonaws.com")])
            cert = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=365))
                .add_extension(san, critical=False)
                .sign(key, hashes.SHA256())
            )
            _sns_key = (key, cert.public_bytes(serialization.Encoding.PEM))
        return _sns_key


def sns_string_to_sign(message: Mapping[str, Any]) -> bytes:
    """The canonical string SNS signs: "Key\\nValue\\n" for the type's keys, in this order."""
    if message["Type"] == "Notification":
        keys = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
    else:  # SubscriptionConfirmation, UnsubscribeConfirmation
        keys = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
    return "".join(f"{k}\n{message[k]}\n" for k in keys if message.get(k) is not None).encode()


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # a line per request is noise
        pass


class FakeProviders:
    """`.start()` / `.stop()` (or `with`); `port=0` picks a free port, see `.url`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 3001,
        moto_endpoint: str | None = None,
        *,
        gateway_url: str = GATEWAY_URL,
        secrets: Mapping[str, str] | None = None,
        verbose: bool = False,
    ) -> None:
        self.host, self.port = host, port
        self.moto_endpoint = moto_endpoint.rstrip("/") if moto_endpoint else None
        self.gateway_url = gateway_url.rstrip("/")  # where /_deliver sends WhatsApp statuses
        self.secrets = dict(secrets or local_secrets())
        self.verbose = verbose
        self._lock = threading.Lock()
        self._outbox: list[JSONDict] = []
        self._seq = 0
        self._faults: list[Fault] = []
        self._media: dict[str, Media] = {}  # every alias of a file -> the file
        self._twilio: dict[str, JSONDict] = {}  # sid -> resource and StatusCallback
        self._ses_seen: set[str] = set()
        self._ses_synced_at = 0.0
        self._sns_tokens: dict[str, str] = {}  # subscription token -> topic arn
        self._sns_confirmed: list[JSONDict] = []
        self._tg_message_id = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None
        account = r"/2010-04-01/Accounts/(?P<account>[^/]+)/Messages"
        # The Send API's ids (page, Instagram account) come before WhatsApp's catch-all route.
        send_api_ids = "|".join(
            re.escape(self.secrets[k]) for k in ("MESSENGER_PAGE_ID", "INSTAGRAM_ACCOUNT_ID")
        )
        routes: list[tuple[tuple[str, ...], str, Handler]] = [
            (("GET", "DELETE"), r"/_outbox", self._outbox_route),
            (("GET", "POST", "DELETE"), r"/_faults", self._faults_route),
            (("POST",), r"/_media", self._media_register),
            (("POST",), r"/_deliver", self._deliver),
            (("POST",), r"/_sns/sign", self._sns_sign_route),
            (("GET",), r"/_sns/confirmations", self._sns_confirmations),
            (("GET",), r"/sns/cert\.pem", self._sns_cert),
            (("GET",), r"/sns/confirm", self._sns_confirm),
            (("GET",), r"/sns/unsubscribe", self._sns_unsubscribe),
            (("POST",), account + r"\.json", self._twilio_create),
            (("GET",), account + r"/(?P<sid>[^/.]+)\.json", self._twilio_fetch),
            (("GET",), account + r"/[^/]+/Media/(?P<media>[^/.]+)", self._twilio_media),
            (
                ("POST",),
                rf"/(?P<version>v\d+\.\d+)/(?P<account>{send_api_ids})/messages",
                self._meta_send,
            ),
            (("GET",), r"/meta-media/(?P<media>[^/]+)", self._meta_media_bytes),
            (("POST",), r"/(?P<version>v\d+\.\d+)/(?P<phone>[^/]+)/messages", self._wa_send),
            (("GET",), r"/(?P<version>v\d+\.\d+)/(?P<media>[^/]+)", self._wa_media_info),
            (("GET",), r"/whatsapp-media/(?P<media>[^/]+)", self._wa_media_bytes),
            (("GET", "POST"), r"/bot(?P<token>[^/]*)/(?P<method>[A-Za-z]+)", self._telegram),
            (("GET",), r"/file/bot(?P<token>[^/]*)/(?P<path>.+)", self._telegram_file),
            (("POST",), r"/lapor/api/v1/reports/(?P<tid>[^/]+)/status", self._lapor_status),
            (("GET",), r"/lapor/api/v1/files/(?P<media>[^/]+)", self._lapor_file),
        ]
        self._routes = [(frozenset(m), re.compile(p), h) for m, p, h in routes]

    # ---- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> FakeProviders:
        handler = WSGIRequestHandler if self.verbose else _QuietHandler
        self._server = make_server(
            self.host, self.port, self._wsgi, threaded=True, request_handler=handler
        )
        self.port = self._server.server_port  # resolves port 0
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-providers", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeProviders:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- in-process API (the same state the HTTP endpoints show) ---------------------------

    def messages(
        self, channel: str | None = None, to: str | None = None, contains: str | None = None
    ) -> list[JSONDict]:
        """The outbox, oldest first, optionally filtered."""
        if self.moto_endpoint and channel in (None, "email"):
            self._sync_ses()
        with self._lock:
            found = list(self._outbox)
        if channel:
            found = [m for m in found if m["channel"] == channel]
        if to:
            wanted = _addr(to)
            found = [m for m in found if wanted in map(_addr, m.get("recipients") or [m["to"]])]
        if contains:
            needle = contains.casefold()
            found = [m for m in found if needle in _searchable(m)]
        return found

    def wait_for(
        self,
        channel: str | None = None,
        to: str | None = None,
        contains: str | None = None,
        *,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[JSONDict]:
        """Poll the outbox until `count` messages match; TimeoutError at the deadline."""
        deadline = time.monotonic() + timeout
        while len(found := self.messages(channel, to, contains)) < count:
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"{len(found)}/{count} {channel or 'any'} messages to={to} "
                    f"contains={contains!r} after {timeout}s"
                )
            time.sleep(0.05)
        return found

    def clear(self) -> None:
        if self.moto_endpoint:
            self._sync_ses(force=True)  # so mail sent before the clear never shows up after it
            self._ses_synced_at = 0.0  # and the first read after it is never throttled
        with self._lock:
            self._outbox.clear()

    def add_fault(
        self,
        channel: str,
        status: int,
        count: int = 1,
        retry_after: int | None = None,
        op: str = "send",
    ) -> None:
        """The next `count` calls on `channel` answer `status` (429 with Retry-After)."""
        if channel not in FAULT_CHANNELS or op not in ("send", "media"):
            raise ValueError(f"channel must be one of {FAULT_CHANNELS}, op send or media")
        if not (status == 429 or 500 <= status <= 599) or count < 1:
            raise ValueError("status must be 429 or 5xx, count at least 1")
        with self._lock:
            self._faults.append(Fault(channel, status, count, retry_after, op))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        self.clear()
        self.clear_faults()

    def register_media(self, data: bytes, mime_type: str, filename: str = "") -> JSONDict:
        """Store a file the way each provider would host it; returns every provider's ids."""
        ext = mimetypes.guess_extension(mime_type) or ".bin"
        folder = "photos" if mime_type.startswith("image/") else "documents"
        with self._lock:
            self._seq += 1
            seq = self._seq
        media = Media(
            data=data,
            mime_type=mime_type,
            filename=filename or f"file_{seq}{ext}",
            whatsapp_id=str(10**15 + _random.randbelow(9 * 10**15)),
            telegram_file_id="AgACAgUAAxkBAAI" + _random.token_urlsafe(40),
            telegram_thumb_id="AgACAgUAAxkBAAI" + _random.token_urlsafe(40),
            telegram_unique_id="AQAD" + _random.token_urlsafe(12),
            telegram_path=f"{folder}/file_{seq}{ext}",
            twilio_sid="ME" + _random.token_hex(16),
        )
        with self._lock:
            self._media.update(dict.fromkeys(media.aliases, media))
        return {
            "id": media.whatsapp_id,
            "mime_type": media.mime_type,
            "sha256": media.sha256,
            "file_size": len(data),
            "filename": media.filename,
            "whatsapp": {
                "id": media.whatsapp_id,
                "url": f"{self.url}/whatsapp-media/{media.whatsapp_id}",
            },
            "telegram": {
                "file_id": media.telegram_file_id,
                "file_unique_id": media.telegram_unique_id,
                "file_path": media.telegram_path,
                "thumbnail": {
                    "file_id": media.telegram_thumb_id,
                    "file_unique_id": media.telegram_unique_id + "t",
                    "file_size": len(data),
                },
            },
            "twilio": {"media_sid": media.twilio_sid},
            "lapor": {"url": f"{self.url}/lapor/api/v1/files/{media.whatsapp_id}"},
            # Messenger and Instagram attachments: a CDN URL, signed in its query, no token.
            "meta": {
                "url": f"{self.url}/meta-media/{media.whatsapp_id}?"
                + urllib.parse.urlencode(
                    {"signature": self._meta_media_signature(media.whatsapp_id)}
                )
            },
        }

    @property
    def sns_cert_pem(self) -> bytes:
        return _sns_key_and_cert()[1]

    def sign_sns(self, message: Mapping[str, Any], signature_version: str = "2") -> JSONDict:
        """Complete an SNS message (id, timestamp, URLs, token) and sign it as SNS does."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        if signature_version not in ("1", "2"):
            raise ValueError("SignatureVersion must be 1 or 2")
        msg = {k: v for k, v in message.items() if k not in ("Signature", "SignatureVersion")}
        if "TopicArn" not in msg or "Message" not in msg:
            raise ValueError("TopicArn and Message are required")
        msg.setdefault("Type", "Notification")
        msg.setdefault("MessageId", str(uuid.uuid4()))
        msg.setdefault("Timestamp", _now_iso())
        arn = urllib.parse.quote(msg["TopicArn"], safe="")
        if msg["Type"] == "Notification":
            query = f"Action=Unsubscribe&SubscriptionArn={arn}:{uuid.uuid4()}"
            msg.setdefault("UnsubscribeURL", f"{self.url}/sns/unsubscribe?{query}")
        else:
            msg.setdefault("Token", _random.token_hex(128))
            query = f"Action=ConfirmSubscription&TopicArn={arn}&Token={msg['Token']}"
            msg.setdefault("SubscribeURL", f"{self.url}/sns/confirm?{query}")
            with self._lock:
                self._sns_tokens[msg["Token"]] = msg["TopicArn"]
        digest = hashes.SHA256() if signature_version == "2" else hashes.SHA1()
        signature = _sns_key_and_cert()[0].sign(sns_string_to_sign(msg), padding.PKCS1v15(), digest)
        msg["SignatureVersion"] = signature_version
        msg["Signature"] = base64.b64encode(signature).decode()
        msg["SigningCertURL"] = f"{self.url}/sns/cert.pem"
        return msg

    # ---- WSGI plumbing --------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return self._dispatch(Request(environ))(environ, start_response)

    def _dispatch(self, req: Request) -> Response:
        if req.path == "/":
            return _json({"service": "aduan fake providers", "outbox": f"{self.url}/_outbox"})
        allowed: set[str] = set()
        for methods, pattern, handler in self._routes:
            if (match := pattern.fullmatch(req.path)) is None:
                continue
            if req.method not in methods:
                allowed |= methods
                continue
            try:
                return handler(req, **match.groupdict())
            except Exception as exc:  # a fake must explain itself rather than hang up
                return _error(500, "fake_server_error", repr(exc))
        if allowed:
            response = _error(405, "method_not_allowed", req.method)
            response.headers["Allow"] = ", ".join(sorted(allowed))
            return response
        return _error(404, "not_found", req.path)

    def _take_fault(self, channel: str, op: str = "send") -> Response | None:
        with self._lock:
            fault = next(
                (f for f in self._faults if (f.channel, f.op) == (channel, op) and f.remaining),
                None,
            )
            if fault is None:
                return None
            fault.remaining -= 1
            fault.served += 1
        return _fault_response(channel, fault.status, fault.retry_after)

    def _record(
        self, channel: str, to: str, from_: str, text: str | None, pmid: str, raw: Any, **extra: Any
    ) -> JSONDict:
        with self._lock:
            self._seq += 1
            entry = {
                "id": str(self._seq),
                "channel": channel,
                "to": to,
                "from": from_,
                "text": text,
                "at": _now_iso(),
                "provider_message_id": pmid,
                "raw": raw,
                **{k: v for k, v in extra.items() if v is not None},
            }
            self._outbox.append(entry)
        if self.verbose:
            print(f"[fake-providers] {channel} -> {to}: {text}", flush=True)
        return entry

    def _media_lookup(self, media_id: str) -> Media | None:
        with self._lock:
            return self._media.get(media_id)

    @staticmethod
    def _bearer(req: Request) -> str | None:
        scheme, _, token = (req.headers.get("Authorization") or "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    # ---- control endpoints ----------------------------------------------------------------

    def _outbox_route(self, req: Request) -> Response:
        if req.method == "DELETE":
            self.clear()
            return Response(status=204)
        args = req.args
        found = self.messages(args.get("channel"), args.get("to"), args.get("contains"))
        return _json({"messages": found})

    def _faults_route(self, req: Request) -> Response:
        if req.method == "DELETE":
            self.clear_faults()
            return Response(status=204)
        if req.method == "POST":
            body = req.get_json(silent=True)
            if not isinstance(body, dict):
                return _error(400, "bad_request", "JSON object expected")
            retry_after = body.get("retry_after")
            try:
                self.add_fault(
                    str(body.get("channel")),
                    int(body.get("status", 0)),
                    int(body.get("count", 1)),
                    None if retry_after is None else int(retry_after),
                    str(body.get("op", "send")),
                )
            except (TypeError, ValueError) as exc:
                return _error(400, "bad_request", str(exc))
        with self._lock:
            faults = [vars(f).copy() for f in self._faults]
        return _json({"faults": faults}, 201 if req.method == "POST" else 200)

    def _media_register(self, req: Request) -> Response:
        upload = next(iter(req.files.values()), None)  # multipart or the raw body
        data = upload.read() if upload else req.get_data()
        if not data:
            return _error(400, "bad_request", "empty body")
        mime = (upload.mimetype if upload else req.mimetype) or "application/octet-stream"
        name = req.args.get("filename") or (upload.filename if upload else "") or ""
        return _json(self.register_media(data, mime, name), 201)

    # ---- Twilio ---------------------------------------------------------------------------

    def _twilio_auth(self, req: Request, account: str) -> Response | None:
        auth = req.authorization
        sid, token = self.secrets["TWILIO_ACCOUNT_SID"], self.secrets["TWILIO_AUTH_TOKEN"]
        if auth is None or auth.type != "basic" or (auth.username, auth.password) != (sid, token):
            body = {
                "code": 20003,
                "detail": "Your AccountSid or AuthToken was incorrect.",
                "message": "Authentication Error - invalid username",
                "more_info": "https://www.twilio.com/docs/errors/20003",
                "status": 401,
            }
            return _json(body, 401, {"WWW-Authenticate": 'Basic realm="Twilio API"'})
        if account != sid:
            path = f"/2010-04-01/Accounts/{account}"
            return twilio_error(404, 20404, f"The requested resource {path} was not found")
        return None

    def _twilio_create(self, req: Request, account: str) -> Response:
        if (denied := self._twilio_auth(req, account)) is not None:
            return denied
        if (fault := self._take_fault("sms")) is not None:
            return fault
        form = req.form
        to, body = form.get("To", "").strip(), form.get("Body", "")
        from_, service = form.get("From", "").strip(), form.get("MessagingServiceSid", "").strip()
        media_urls = form.getlist("MediaUrl")
        if not to:
            return twilio_error(400, 21604, "A 'To' phone number is required.")
        if not from_ and not service:
            return twilio_error(400, 21603, "A 'From' phone number is required.")
        if not body.strip() and not media_urls and not form.get("ContentSid"):
            return twilio_error(400, 21602, "Message body is required.")
        if not _PHONE.fullmatch(to.removeprefix("whatsapp:")):
            return twilio_error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if len(body) > 1600:
            return twilio_error(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        sid = ("MM" if media_urls else "SM") + _random.token_hex(16)
        now = email.utils.format_datetime(dt.datetime.now(dt.UTC).replace(microsecond=0))
        uri = f"/2010-04-01/Accounts/{account}/Messages/{sid}"
        resource = {
            "account_sid": account,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_ or None,
            "messaging_service_sid": service or None,
            "num_media": str(len(media_urls)),
            # A Messaging Service picks the sender later, so Twilio reports 0 segments at first.
            "num_segments": "0" if service else str(_segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if service and not from_ else "queued",
            "subresource_uris": {"media": f"{uri}/Media.json", "feedback": f"{uri}/Feedback.json"},
            "to": to,
            "uri": f"{uri}.json",
        }
        callback = form.get("StatusCallback")
        with self._lock:
            self._twilio[sid] = {"resource": resource, "status_callback": callback}
        raw = {k: (v if len(v) > 1 else v[0]) for k, v in form.lists()}
        self._record(
            "sms",
            to,
            from_ or service,
            body,
            sid,
            raw,
            media=media_urls or None,
            status_callback=callback,
        )
        return _json(resource, 201)

    def _twilio_fetch(self, req: Request, account: str, sid: str) -> Response:
        if (denied := self._twilio_auth(req, account)) is not None:
            return denied
        with self._lock:
            found = self._twilio.get(sid)
        if found is None:
            return twilio_error(404, 20404, f"The requested resource {req.path} was not found")
        return _json(found["resource"])

    def _twilio_media(self, req: Request, account: str, media: str) -> Response:
        # Media URLs are public unless the account enforces auth; credentials given must be right.
        if req.authorization is not None and (denied := self._twilio_auth(req, account)):
            return denied
        if (fault := self._take_fault("sms", "media")) is not None:
            return fault
        if (found := self._media_lookup(media)) is None:
            return twilio_error(404, 20404, f"The requested resource {req.path} was not found")
        return Response(found.data, 200, content_type=found.mime_type)

    # ---- WhatsApp Cloud API ---------------------------------------------------------------

    def _wa_auth(self, req: Request) -> Response | None:
        token = self._bearer(req) or req.args.get("access_token")
        if not token:
            return graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if token != self.secrets["WHATSAPP_ACCESS_TOKEN"]:
            return graph_error(401, 190, "Error validating access token: invalid token")
        return None

    def _wa_send(self, req: Request, version: str, phone: str) -> Response:
        if (denied := self._wa_auth(req)) is not None:
            return denied
        if phone != self.secrets["WHATSAPP_PHONE_NUMBER_ID"]:
            message = _GRAPH_NO_OBJECT.format(verb="post", id=phone)
            return graph_error(400, 100, message, subcode=33)
        if (fault := self._take_fault("whatsapp")) is not None:
            return fault
        body = req.get_json(silent=True)
        if not isinstance(body, dict):
            return graph_error(400, 100, "(#100) Invalid parameter")
        if body.get("status") == "read" and body.get("message_id"):  # marks an inbound read
            return _json({"success": True})
        parsed = self._wa_content(body)
        if isinstance(parsed, Response):
            return parsed
        text, template = parsed
        # A business-scoped user id (BSUID) goes in `recipient`, a phone number in `to`.
        bsuid = str(body.get("recipient") or "").strip()
        to = str(body.get("to") or "").strip() or bsuid
        wamid = citizen.new_wamid()
        self._record("whatsapp", to, phone, text, wamid, body, template=template)
        if bsuid and not body.get("to"):
            contact = {"input": to, "user_id": bsuid}
        else:
            contact = {"input": to, "wa_id": re.sub(r"\D", "", to)}
        return _json(
            {"messaging_product": "whatsapp", "contacts": [contact], "messages": [{"id": wamid}]}
        )

    @staticmethod
    def _wa_content(body: JSONDict) -> Response | tuple[str | None, JSONDict | None]:
        """Validate a send as Graph does; return (text shown in the outbox, template or None)."""
        if body.get("messaging_product") != "whatsapp":
            return graph_error(400, 100, "(#100) The parameter messaging_product is required.")
        if not str(body.get("to") or body.get("recipient") or "").strip():
            return graph_error(400, 100, "(#100) The parameter to is required.")
        kind = body.get("type", "text")
        if kind not in _WA_TYPES:
            kinds = ", ".join(t.upper() for t in _WA_TYPES)
            return graph_error(400, 100, f"(#100) Param type must be one of {{{kinds}}}")
        content = body.get(kind)
        if not isinstance(content, dict):
            return graph_error(400, 100, f"(#100) The parameter {kind} is required.")
        if kind == "text":
            text = content.get("body")
            if not isinstance(text, str) or not text:
                return graph_error(400, 100, "(#100) The parameter text['body'] is required.")
            if len(text) > 4096:
                return graph_error(
                    400, 100, "(#100) Param text['body'] must be at most 4096 characters long."
                )
            return text, None
        if kind == "template":
            name, language = content.get("name"), (content.get("language") or {}).get("code")
            if not name or not language:
                missing = "template['name']" if not name else "template['language']['code']"
                return graph_error(400, 100, f"(#100) The parameter {missing} is required.")
            params = [
                str(p.get("text"))
                for component in content.get("components") or []
                for p in component.get("parameters") or []
                if p.get("type") == "text"
            ]
            text = f"[{name}] " + " | ".join(params) if params else f"[{name}]"
            return text, {"name": name, "language": language, "parameters": params}
        if kind in ("image", "document", "audio", "video", "sticker"):
            if not (content.get("id") or content.get("link")):
                return graph_error(400, 100, f"(#100) The parameter {kind}['id'] is required.")
            return content.get("caption"), None
        return (content.get("body") or {}).get("text") if kind == "interactive" else None, None

    def _wa_media_info(self, req: Request, version: str, media: str) -> Response:
        if (denied := self._wa_auth(req)) is not None:
            return denied
        found = self._media_lookup(media)
        if found is None or found.whatsapp_id != media:
            return graph_error(400, 100, _GRAPH_NO_OBJECT.format(verb="get", id=media), subcode=33)
        return _json(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.url}/whatsapp-media/{media}",
                "mime_type": found.mime_type,
                "sha256": found.sha256,
                "file_size": len(found.data),
                "id": media,
            }
        )

    def _wa_media_bytes(self, req: Request, media: str) -> Response:
        if (denied := self._wa_auth(req)) is not None:
            return denied
        if (fault := self._take_fault("whatsapp", "media")) is not None:
            return fault
        if (found := self._media_lookup(media)) is None:
            return Response(b"", 404)
        return Response(found.data, 200, content_type=found.mime_type)

    # ---- Messenger Platform Send API (Messenger and Instagram) -----------------------------

    def _meta_media_signature(self, media_id: str) -> str:
        key = self.secrets["META_APP_SECRET"].encode()
        return hashlib.sha256(key + b":" + media_id.encode()).hexdigest()[:32]

    def _meta_send(self, req: Request, version: str, account: str) -> Response:
        channel = "messenger" if account == self.secrets["MESSENGER_PAGE_ID"] else "instagram"
        wanted = self.secrets[
            "MESSENGER_PAGE_ACCESS_TOKEN" if channel == "messenger" else "INSTAGRAM_ACCESS_TOKEN"
        ]
        token = self._bearer(req) or req.args.get("access_token")
        if not token:
            return graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if token != wanted:
            return graph_error(401, 190, "Error validating access token: invalid token")
        if (fault := self._take_fault(channel)) is not None:
            return fault
        body = req.get_json(silent=True)
        if not isinstance(body, dict):
            return graph_error(400, 100, "(#100) Invalid parameter")
        to = str((body.get("recipient") or {}).get("id") or "").strip()
        if not to:
            return graph_error(400, 100, "(#100) The parameter recipient is required")
        kind, tag = body.get("messaging_type"), body.get("tag")
        if kind not in _MESSAGING_TYPES:
            return graph_error(
                400,
                100,
                "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}",
            )
        if kind == "MESSAGE_TAG" and tag not in _MESSAGE_TAGS:
            return graph_error(400, 100, "(#100) Param tag must be a valid message tag")
        message = body.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        if not isinstance(text, str) or not text:
            return graph_error(400, 100, "(#100) The parameter message[text] is required")
        too_long = len(text.encode()) > 1000 if channel == "instagram" else len(text) > 2000
        if too_long:
            limit = "1000 bytes" if channel == "instagram" else "2000 characters"
            return graph_error(
                400, 100, f"(#100) Length of param message[text] must be at most {limit}"
            )
        mid = ("m_" if channel == "messenger" else "aWdfZAG1faXRlbToxOklH") + _random.token_urlsafe(
            30
        )
        self._record(channel, to, account, text, mid, body, messaging_type=kind, tag=tag)
        return _json({"recipient_id": to, "message_id": mid})

    def _meta_media_bytes(self, req: Request, media: str) -> Response:
        if not hmac_equal(req.args.get("signature", ""), self._meta_media_signature(media)):
            return Response(b"URL signature mismatch", 403, content_type="text/plain")
        if (found := self._media_lookup(media)) is None:
            return Response(b"", 404)
        fault = self._take_fault("messenger", "media") or self._take_fault("instagram", "media")
        if fault is not None:
            return fault
        return Response(found.data, 200, content_type=found.mime_type)

    # ---- Telegram Bot API -----------------------------------------------------------------

    def _telegram_token(self, token: str) -> Response | None:
        if not _TELEGRAM_TOKEN.fullmatch(token):
            return telegram_error(404, "Not Found")  # Telegram's answer to a malformed token
        if token != self.secrets["TELEGRAM_BOT_TOKEN"]:
            return telegram_error(401, "Unauthorized")
        return None

    def _bot_user(self) -> JSONDict:
        return {
            "id": int(self.secrets["TELEGRAM_BOT_TOKEN"].split(":")[0]),
            "is_bot": True,
            "first_name": "Aduan",
            "username": self.secrets.get("TELEGRAM_BOT_USERNAME", "aduan_bot"),
        }

    def _telegram(self, req: Request, token: str, method: str) -> Response:
        if (denied := self._telegram_token(token)) is not None:
            return denied
        params: JSONDict = dict(req.args.items())  # the Bot API takes query, form or JSON
        body = req.get_json(silent=True) if req.is_json else None
        params.update(body if isinstance(body, dict) else dict(req.form.items()))
        name = method.lower()  # Bot API method names are case-insensitive
        if name == "sendmessage":
            return self._telegram_send(params)
        if name == "getfile":
            if (fault := self._take_fault("telegram", "media")) is not None:
                return fault
            if (found := self._media_lookup(str(params.get("file_id") or ""))) is None:
                return telegram_error(400, "Bad Request: invalid file_id")
            return _json(
                {
                    "ok": True,
                    "result": {
                        "file_id": params["file_id"],
                        "file_unique_id": found.telegram_unique_id,
                        "file_size": len(found.data),
                        "file_path": found.telegram_path,
                    },
                }
            )
        if name == "getme":
            return _json({"ok": True, "result": self._bot_user()})
        if name in ("setwebhook", "deletewebhook"):
            done = "Webhook was set" if name == "setwebhook" else "Webhook was deleted"
            return _json({"ok": True, "result": True, "description": done})
        return telegram_error(404, "Not Found")

    def _telegram_send(self, params: JSONDict) -> Response:
        if (fault := self._take_fault("telegram")) is not None:
            return fault
        chat_id, text = str(params.get("chat_id") or ""), params.get("text")
        if not chat_id:
            return telegram_error(400, "Bad Request: chat_id is empty")
        if not isinstance(text, str) or not text.strip():
            return telegram_error(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return telegram_error(400, "Bad Request: message is too long")
        if params.get("parse_mode") not in (None, "", "HTML", "Markdown", "MarkdownV2"):
            return telegram_error(400, "Bad Request: unsupported parse_mode")
        if re.fullmatch(r"-?\d+", chat_id):
            kind = "private" if int(chat_id) > 0 else "group"
            chat: JSONDict = {"id": int(chat_id), "type": kind}
        elif chat_id.startswith("@"):
            chat = {"id": -1001000000000 - len(chat_id), "type": "channel", "username": chat_id[1:]}
        else:
            return telegram_error(400, "Bad Request: chat not found")
        with self._lock:
            self._tg_message_id += 1
            message_id = self._tg_message_id
        bot = self._bot_user()
        result = {
            "message_id": message_id,
            "from": bot,
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        self._record("telegram", chat_id, bot["username"], text, str(message_id), params)
        return _json({"ok": True, "result": result})

    def _telegram_file(self, req: Request, token: str, path: str) -> Response:
        if (denied := self._telegram_token(token)) is not None:
            return denied
        if (fault := self._take_fault("telegram", "media")) is not None:
            return fault
        found = self._media_lookup(path)
        if found is None or found.telegram_path != path:
            return telegram_error(404, "Not Found")
        return Response(found.data, 200, content_type=found.mime_type)

    # ---- LAPOR! outbound --------------------------------------------------------------------

    def _lapor_status(self, req: Request, tid: str) -> Response:
        if self._bearer(req) != self.secrets["LAPOR_API_TOKEN"]:
            return lapor_error(
                401,
                "unauthorized",
                "Missing or invalid bearer token",
                {"WWW-Authenticate": "Bearer"},
            )
        if (fault := self._take_fault("lapor")) is not None:
            return fault
        body = req.get_json(silent=True)
        status = body.get("status") if isinstance(body, dict) else None
        if not isinstance(status, str) or not status:
            return lapor_error(400, "invalid_request", "a JSON object with a 'status' is required")
        text = body.get("message") or body.get("response") or body.get("note") or body["status"]
        self._record("lapor", tid, "aduan", str(text), f"lapor-{uuid.uuid4()}", body)
        return _json({"ok": True})

    def _lapor_file(self, req: Request, media: str) -> Response:
        if (found := self._media_lookup(media)) is None:
            return lapor_error(404, "not_found", "no such file")
        return Response(found.data, 200, content_type=found.mime_type)

    # ---- delivery status webhooks -----------------------------------------------------------

    def _deliver(self, req: Request) -> Response:
        body = req.get_json(silent=True) or {}
        channel, pmid = body.get("channel"), body.get("provider_message_id")
        status = body.get("status", "delivered")
        with self._lock:
            entry = next(
                (
                    m
                    for m in self._outbox
                    if (m["channel"], m["provider_message_id"]) == (channel, pmid)
                ),
                None,
            )
        if entry is None:
            return _error(404, "not_found", f"no {channel} message {pmid}")
        if channel == "whatsapp":
            if status not in ("sent", "delivered", "read", "failed"):
                return _error(400, "bad_request", "status: sent|delivered|read|failed")
            sent = self._deliver_whatsapp(entry, status, body)
        elif channel == "sms":
            with self._lock:
                callback = body.get("url") or self._twilio[pmid]["status_callback"]
            if not callback:
                return _error(409, "no_status_callback", "the message had no StatusCallback")
            sent = self._deliver_twilio(entry, status, callback, body.get("error_code"))
        else:
            return _error(400, "bad_request", "channel: whatsapp|sms")
        with self._lock:
            entry.setdefault("statuses", []).append({"status": status, "at": _now_iso()})
        return _json(
            {
                "url": sent.url,
                "status": sent.status,
                "body": sent.text,
                "payload": sent.request_body.decode(),
            }
        )

    def _deliver_whatsapp(self, entry: JSONDict, status: str, body: JSONDict) -> citizen.Sent:
        recipient = _addr(entry["to"])
        item: JSONDict = {
            "id": entry["provider_message_id"],
            "status": status,
            "timestamp": str(int(time.time())),
            "recipient_id": recipient,
        }
        if status == "failed":
            details = (
                "Message failed to send because more than 24 hours have passed since the "
                "customer last replied to this number."
            )
            item["errors"] = [
                {
                    "code": int(body.get("error_code") or 131047),
                    "title": "Re-engagement message",
                    "message": "Re-engagement message",
                    "error_data": {"details": details},
                }
            ]
        else:
            category = "utility" if entry.get("template") else "service"
            item["conversation"] = {
                "id": hashlib.md5(recipient.encode()).hexdigest(),
                "origin": {"type": category},
            }
            item["pricing"] = {"billable": True, "pricing_model": "PMP", "category": category}
        payload = citizen.whatsapp_payload(statuses=[item], secrets=self.secrets)
        url = body.get("url") or f"{self.gateway_url}/webhooks/whatsapp"
        secret = self.secrets["WHATSAPP_APP_SECRET"]
        return citizen.post_whatsapp(url, payload, app_secret=secret, path="")

    def _deliver_twilio(
        self, entry: JSONDict, status: str, callback: str, error_code: Any
    ) -> citizen.Sent:
        sid = entry["provider_message_id"]
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "AccountSid": self.secrets["TWILIO_ACCOUNT_SID"],
            "From": entry["from"],
            "To": entry["to"],
            "ApiVersion": "2010-04-01",
        }
        if status in ("failed", "undelivered"):
            params["ErrorCode"] = str(error_code or 30003)
        # Twilio calls, and signs, the StatusCallback URL exactly as it was given.
        token = self.secrets["TWILIO_AUTH_TOKEN"]
        return citizen.post_twilio_form(callback, params, auth_token=token)

    # ---- SNS (inbound e-mail signing) -------------------------------------------------------

    def _sns_sign_route(self, req: Request) -> Response:
        body = req.get_json(silent=True)
        if not isinstance(body, dict):
            return _error(400, "bad_request", "JSON object expected")
        try:
            return _json(self.sign_sns(body, str(body.get("SignatureVersion", "2"))))
        except ValueError as exc:
            return _error(400, "bad_request", str(exc))

    def _sns_cert(self, req: Request) -> Response:
        return Response(self.sns_cert_pem, 200, content_type="application/x-x509-ca-cert")

    def _sns_confirm(self, req: Request) -> Response:
        token, arn = req.args.get("Token", ""), req.args.get("TopicArn", "")
        with self._lock:
            known = self._sns_tokens.get(token)
        if req.args.get("Action") != "ConfirmSubscription" or known is None or known != arn:
            return Response(
                f'<ErrorResponse xmlns="{_SNS_NS}"><Error><Type>Sender</Type>'
                "<Code>InvalidParameter</Code><Message>Invalid token</Message></Error>"
                f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>",
                400,
                content_type="text/xml",
            )
        subscription = f"{arn}:{uuid.uuid4()}"
        with self._lock:
            self._sns_confirmed.append(
                {
                    "topic_arn": arn,
                    "token": token,
                    "subscription_arn": subscription,
                    "at": _now_iso(),
                }
            )
        return Response(
            f'<ConfirmSubscriptionResponse xmlns="{_SNS_NS}"><ConfirmSubscriptionResult>'
            f"<SubscriptionArn>{html.escape(subscription)}</SubscriptionArn>"
            "</ConfirmSubscriptionResult>"
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
            "</ConfirmSubscriptionResponse>",
            200,
            content_type="text/xml",
        )

    def _sns_unsubscribe(self, req: Request) -> Response:
        return Response(
            f'<UnsubscribeResponse xmlns="{_SNS_NS}"><ResponseMetadata><RequestId>'
            f"{uuid.uuid4()}</RequestId></ResponseMetadata></UnsubscribeResponse>",
            200,
            content_type="text/xml",
        )

    def _sns_confirmations(self, req: Request) -> Response:
        with self._lock:
            return _json({"confirmations": list(self._sns_confirmed)})

    # ---- SES (moto) -> outbox -------------------------------------------------------------

    def _sync_ses(self, force: bool = False) -> None:
        """Copy the mail moto recorded into the outbox (moto keeps no send time: "at" = seen).

        data.json serialises every model moto holds, so a poller calling the outbox in a loop
        reads it at most every SES_SYNC_INTERVAL seconds.
        """
        now = time.monotonic()
        if not force and now - self._ses_synced_at < SES_SYNC_INTERVAL:
            return
        self._ses_synced_at = now
        try:
            url = f"{self.moto_endpoint}/moto-api/data.json"
            with urllib.request.urlopen(url, timeout=10) as resp:
                ses = json.load(resp).get("ses") or {}
        except (OSError, ValueError):
            return  # moto not up (yet), or answering garbage: the outbox shows what it has
        found = [
            *(self._ses_simple(m) for m in ses.get("Message") or []),
            *(self._ses_raw(m) for m in ses.get("RawMessage") or []),
            *(self._ses_template(m) for m in ses.get("TemplateMessage") or []),
        ]
        with self._lock:
            for entry in found:
                if entry["provider_message_id"] not in self._ses_seen:
                    self._ses_seen.add(entry["provider_message_id"])
                    self._seq += 1
                    self._outbox.append({**entry, "id": str(self._seq)})

    @staticmethod
    def _email(m: JSONDict, to: list[str], subject: Any, text: str, **extra: Any) -> JSONDict:
        return {
            "channel": "email",
            "to": to[0] if to else "",
            "from": m.get("source"),
            "text": text,
            "subject": subject,
            "at": _now_iso(),
            "provider_message_id": m["id"],
            "raw": m,
            "recipients": extra.pop("recipients", None) or to,
            **extra,
        }

    def _ses_simple(self, m: JSONDict) -> JSONDict:
        dest = m.get("destinations") or {}
        to = dest.get("ToAddresses") or []
        everyone = to + (dest.get("CcAddresses") or []) + (dest.get("BccAddresses") or [])
        body = m.get("body") or ""
        # moto keeps only the HTML part when both parts were given; show it as readable text.
        text = html.unescape(_HTML_TAG.sub("", body)) if _HTML_TAG.search(body) else body
        return self._email(m, to, m.get("subject"), text, recipients=everyone)

    def _ses_raw(self, m: JSONDict) -> JSONDict:
        parsed = BytesParser(policy=policy.default).parsebytes(str(m.get("raw_data")).encode())
        part = parsed.get_body(preferencelist=("plain", "html"))
        text = part.get_content() if part is not None else ""
        to = [a.strip() for a in str(parsed.get("To") or "").split(",") if a.strip()]
        return self._email(
            m, to, parsed.get("Subject"), text, recipients=m.get("destinations") or to
        )

    def _ses_template(self, m: JSONDict) -> JSONDict:
        dest = m.get("destinations") or {}
        to = (dest.get("ToAddresses") or []) if isinstance(dest, dict) else []
        template = {"name": m.get("template"), "data": m.get("template_data")}
        text = f"[{m.get('template')}] {m.get('template_data')}"
        return self._email(m, to, None, text, template=template)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the fake provider server on its own.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3001)
    parser.add_argument("--moto-endpoint", help="e.g. http://127.0.0.1:4566 (lists SES mail)")
    parser.add_argument("--gateway", default=GATEWAY_URL, help="where /_deliver posts statuses")
    args = parser.parse_args(argv)
    fake = FakeProviders(
        args.host, args.port, args.moto_endpoint, gateway_url=args.gateway, verbose=True
    ).start()
    print(f"fake providers on {fake.url} (outbox: {fake.url}/_outbox); Ctrl-C stops", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
