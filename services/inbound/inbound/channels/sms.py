"""SMS through a Twilio-style gateway: the request signature, the form body, the TwiML answer.

Twilio signs `X-Twilio-Signature` = base64(HMAC-SHA1(auth token, URL + for each POST parameter
sorted by name: name + value)). The URL is the one Twilio called, query string included; behind
API Gateway the Lambda sees another host, so the caller rebuilds it from PUBLIC_BASE_URL
(`public_url`). The POST body is form-encoded and API Gateway may hand it over base64-encoded.
Twilio waits up to 15 s for TwiML; we answer at once (`twiml_message` / `twiml_empty`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.sax.saxutils import escape

from aduan.model import ValidationError

from .inbound import InboundMessage, MalformedPayload, MediaRef, SignatureError, describe

SIGNATURE_HEADER = "X-Twilio-Signature"
FormParams = Mapping[str, str | Sequence[str]]

_XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>'
# Characters XML 1.0 cannot carry at all; escaping does not help, they must go.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def public_url(base_url: str, path: str, query: str | Mapping[str, str] | None = None) -> str:
    """The URL the provider called: `PUBLIC_BASE_URL` + the route path + the query string.

    A raw query string (API Gateway's `rawQueryString`) is kept byte for byte, because Twilio
    signs it exactly as it was configured; a mapping is form-encoded in its given order.
    """
    base = base_url.rstrip("/")
    url = base + "/" + path.lstrip("/") if path else base
    if isinstance(query, Mapping):
        query = urlencode(query)
    return f"{url}?{query}" if query else url


def signature(url: str, params: FormParams, auth_token: str) -> str:
    """The signature Twilio computes for this URL and these POST parameters."""
    # Names in code-point order; a repeated name contributes each distinct value, in order,
    # as Twilio's own validator does (sorted(set(values))).
    data = url
    for name in sorted(params):
        for value in sorted(set(_values(params, name))):
            data += name + value
    mac = hmac.new(auth_token.encode(), data.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def verify_twilio_signature(
    url: str, params: FormParams, header: str | None, auth_token: str
) -> None:
    """Raise SignatureError (403, Twilio's convention) unless `header` signs url + params."""
    if not auth_token:
        raise ValueError("TWILIO_AUTH_TOKEN is not configured")
    if not header:
        raise SignatureError(f"{SIGNATURE_HEADER} header is missing", status=403)
    given = header.strip().encode()
    # Twilio's side is inconsistent about the default port (":443"): it may sign either form,
    # so its libraries accept both, and so do we.
    for candidate in dict.fromkeys((url, _without_port(url), _with_port(url))):
        if hmac.compare_digest(given, signature(candidate, params, auth_token).encode()):
            return
    raise SignatureError(f"{SIGNATURE_HEADER} does not match", status=403)


def decode_form(body: bytes | str | None, is_base64: bool) -> dict[str, str | list[str]]:
    """An `application/x-www-form-urlencoded` body -> {name: value}, a list if repeated.

    Empty values are kept (`Body=` on a picture-only MMS): Twilio signs them too.
    """
    if body is None:
        return {}
    raw = body.encode() if isinstance(body, str) else body
    if is_base64:
        try:
            raw = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedPayload("body is flagged base64 but is not") from exc
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedPayload("body is not a UTF-8 form") from exc
    form: dict[str, str | list[str]] = {}
    for name, value in pairs:
        if name not in form:
            form[name] = value
        else:
            previous = form[name]
            form[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return form


def parse(params: FormParams, *, now: datetime | None = None) -> InboundMessage:
    """A Twilio incoming-message webhook -> InboundMessage.

    Twilio's inbound webhook carries no timestamp, so the receipt time (`now`, UTC) stands in.
    """
    sid = _first(params, "MessageSid") or _first(params, "SmsSid")
    sender = _first(params, "From")
    if not sid or not sender:
        raise MalformedPayload("MessageSid and From are required")
    media: list[MediaRef] = []
    try:
        count = int(_first(params, "NumMedia") or 0)
    except ValueError as exc:
        raise MalformedPayload("NumMedia must be a number") from exc
    for i in range(max(count, 0)):
        media_url = _first(params, f"MediaUrl{i}")
        if not media_url:
            raise MalformedPayload(f"NumMedia is {count} but MediaUrl{i} is missing")
        media.append(
            MediaRef.checked(
                # .../Messages/MM.../Media/ME...: the Media SID is the last path segment.
                provider_ref=urlsplit(media_url).path.rstrip("/").rsplit("/", 1)[-1] or media_url,
                url=media_url,
                mime_type=_first(params, f"MediaContentType{i}"),
            )
        )
    reply_to = {"to": sender}
    if to := _first(params, "To"):
        reply_to["from"] = to  # answer from the number the citizen wrote to
    try:
        return InboundMessage.checked(
            channel="sms",
            provider_message_id=sid,
            sender=sender,
            text=_first(params, "Body") or "",
            media=media,
            received_at=now or datetime.now(UTC),
            reply_to=reply_to,
        )
    except ValidationError as exc:
        raise MalformedPayload(f"unexpected field value: {describe(exc)}") from exc


def twiml_message(text: str) -> str:
    """A TwiML answer that sends `text` back to the texter."""
    safe = escape(_XML_INVALID.sub("", text))
    return f"{_XML_DECL}<Response><Message>{safe}</Message></Response>"


def twiml_empty() -> str:
    """A TwiML answer that sends nothing (the reply goes out later, or not at all)."""
    return f"{_XML_DECL}<Response></Response>"


def _values(params: FormParams, name: str) -> list[str]:
    value = params[name]
    return [value] if isinstance(value, str) else list(value)


def _first(params: FormParams, name: str) -> str | None:
    if name not in params:
        return None
    values = _values(params, name)
    return values[0] if values else None


def _without_port(url: str) -> str:
    parts = urlsplit(url)
    if parts.port is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit(":", 1)[0]))


def _with_port(url: str) -> str:
    parts = urlsplit(url)
    if parts.port is not None:
        return url
    port = 443 if parts.scheme == "https" else 80
    return urlunsplit(parts._replace(netloc=f"{parts.netloc}:{port}"))
