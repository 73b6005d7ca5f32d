"""E-mail: SES receipt -> SNS -> our HTTPS endpoint. Verify the SNS message, read the MIME mail.

SNS signs every message it POSTs (Notification, SubscriptionConfirmation,
UnsubscribeConfirmation) with the key of an X.509 certificate it publishes at
`SigningCertURL`; SignatureVersion "1" is SHA1withRSA, "2" is SHA256withRSA. The signed text
is `Name\\nValue\\n` for a fixed list of fields in a fixed order, which differs per type:

    Notification:                 Message, MessageId, Subject (only if present), Timestamp,
                                  TopicArn, Type
    Subscription/Unsubscribe-     Message, MessageId, SubscribeURL, Timestamp, Token,
    Confirmation:                 TopicArn, Type

Anyone can POST such JSON with their own certificate, so trust rests on where the certificate
comes from: an `https` URL on an SNS host (`sns.<region>.amazonaws.com[.cn]`), fetched over
TLS, and on the message's topic being ours.

The SES receipt rule's SNS action puts the whole raw mail (at most 150 KB) in the
notification's `content`, as UTF-8 text or base64 (`receipt.action.encoding`).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Collection, Iterator, Mapping, MutableMapping, Sequence
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from aduan.api import InvalidJson, parse_json
from aduan.model import Fact, Meta, ValidationError

from .inbound import (
    InboundMessage,
    MalformedPayload,
    MediaRef,
    SignatureError,
    StaleMessage,
    describe,
)

# Production trusts only certificates served by SNS itself, over HTTPS. The local cloud adds a
# pattern for its fake provider's (https) test certificate URL and injects a fetcher for it.
PRODUCTION_CERT_URL_PATTERNS: tuple[str, ...] = (
    r"https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[A-Za-z0-9._-]+\.pem",
)
SnsType = Literal["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]

_FIELDS: dict[str, tuple[str, ...]] = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
_FIELDS["UnsubscribeConfirmation"] = _FIELDS["SubscriptionConfirmation"]
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}
# SNS may deliver early by a little clock skew, never by more.
_FUTURE_SKEW = timedelta(minutes=5)


class SnsEnvelope(Fact, kw_only=True, frozen=True):
    """A verified SNS message. `subscribe_url` is what to GET to confirm a subscription."""

    type: SnsType
    message_id: str
    topic_arn: str
    message: str
    timestamp: Annotated[datetime, Meta(tz=True)]
    subject: str | None = None
    subscribe_url: str | None = None
    token: str | None = None


class SnsVerifier:
    """Checks SNS signatures; create once per container so the certificate cache is reused.

    `trusted_cert_url_patterns` are regular expressions a SigningCertURL must match in full
    (production: `PRODUCTION_CERT_URL_PATTERNS`). `fetch_cert(url) -> PEM bytes` does the
    network call (HTTPS, certificate-verified); tests and the local cloud inject their own.
    `max_age_s` refuses replays: SNS's retries to an HTTP/S endpoint stop within 3,600 s of
    publishing (a hard limit), so a genuine `Timestamp` is never older than that plus a margin.
    """

    def __init__(
        self,
        trusted_cert_url_patterns: Sequence[str],
        fetch_cert: Callable[[str], bytes],
        cache: MutableMapping[str, x509.Certificate] | None = None,
        *,
        expected_topic_arns: Collection[str],
        max_age_s: int | None = 3600 + 300,
    ) -> None:
        if not trusted_cert_url_patterns:
            raise ValueError("no trusted SigningCertURL pattern: no SNS message could verify")
        if not expected_topic_arns:
            raise ValueError("expected_topic_arns is empty: no SNS message could be trusted")
        self._patterns = [re.compile(p) for p in trusted_cert_url_patterns]
        self._fetch = fetch_cert
        self._cache: MutableMapping[str, x509.Certificate] = {} if cache is None else cache
        self._topics = frozenset(expected_topic_arns)
        self._max_age = None if max_age_s is None else timedelta(seconds=max_age_s)

    def verify(self, body: Mapping[str, Any] | bytes | str, *, now: datetime) -> SnsEnvelope:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        message = _json_object(body)
        kind = message.get("Type")
        if kind not in _FIELDS:
            raise MalformedPayload(f"Type {kind!r} is not an SNS message type")
        required = [f for f in _FIELDS[kind] if f != "Subject"]
        required += ["SignatureVersion", "Signature", "SigningCertURL"]
        missing = [f for f in required if not isinstance(message.get(f), str)]
        if missing:
            raise MalformedPayload(f"SNS {kind} lacks {', '.join(missing)}")

        # Topic first: a message for someone else's topic (or a confirmation that would
        # subscribe us to it) is refused before any certificate is fetched.
        if message["TopicArn"] not in self._topics:
            raise SignatureError("SNS message is for an unexpected topic", status=403)
        algorithm = _HASHES.get(message["SignatureVersion"])
        if algorithm is None:
            raise SignatureError("SignatureVersion must be '1' or '2'", status=403)
        try:
            signature = base64.b64decode(message["Signature"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SignatureError("Signature is not base64", status=403) from exc

        cert = self._certificate(message["SigningCertURL"])
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise SignatureError("SNS signing certificate is not valid now", status=403)
        public_key = cert.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise SignatureError("SNS signing certificate is not RSA", status=403)
        try:
            public_key.verify(signature, string_to_sign(message), padding.PKCS1v15(), algorithm())
        except InvalidSignature as exc:
            raise SignatureError("SNS signature does not match", status=403) from exc

        try:
            envelope = SnsEnvelope.checked(
                type=kind,
                message_id=message["MessageId"],
                topic_arn=message["TopicArn"],
                message=message["Message"],
                timestamp=message["Timestamp"],
                subject=message.get("Subject") if kind == "Notification" else None,
                subscribe_url=message.get("SubscribeURL"),
                token=message.get("Token"),
            )
        except ValidationError as exc:
            raise MalformedPayload(f"SNS message field: {describe(exc)}") from exc
        # Checked after the signature so that "stale" only ever describes a genuine replay.
        if self._max_age is not None and now - envelope.timestamp > self._max_age:
            raise StaleMessage("SNS message is older than the replay window")
        if envelope.timestamp - now > _FUTURE_SKEW:
            raise StaleMessage("SNS message is timestamped in the future")
        return envelope

    def _certificate(self, url: str) -> x509.Certificate:
        self.check_cert_url(url)
        cert = self._cache.get(url)
        if cert is None:
            pem = self._fetch(url)
            try:
                cert = x509.load_pem_x509_certificate(pem)
            except ValueError as exc:
                raise SignatureError(
                    "SigningCertURL did not serve a PEM certificate", status=403
                ) from exc
            self._cache[url] = cert
        return cert

    def check_cert_url(self, url: str) -> None:
        """Refuse any certificate URL that is not https on a trusted host (no fetch happens)."""
        parts = urlsplit(url)
        # Hard rules no configuration can loosen: TLS, and no userinfo to disguise the host.
        if parts.scheme != "https" or not parts.hostname or "@" in parts.netloc:
            raise SignatureError("SigningCertURL must be an https URL", status=403)
        if not any(p.fullmatch(url) for p in self._patterns):
            raise SignatureError("SigningCertURL is not on a trusted SNS host", status=403)


def string_to_sign(message: Mapping[str, Any]) -> bytes:
    """The exact text SNS signs for this message's Type (see the module docstring)."""
    fields = _FIELDS.get(message.get("Type", ""))
    if fields is None:
        raise MalformedPayload("Type is not an SNS message type")
    text = ""
    for name in fields:
        value = message.get(name)
        # Only Subject is optional, and SNS leaves it out of the signed text when absent
        # (a JSON null counts as absent).
        if value is None and name == "Subject":
            continue
        text += f"{name}\n{value}\n"
    return text.encode("utf-8")


# --- SES receipt notification -> InboundMessage ------------------------------------------


def parse_ses_notification(message: Mapping[str, Any] | str) -> InboundMessage:
    """An SES `Received` notification from an SNS action -> InboundMessage.

    `message` is the SNS envelope's `Message` (JSON text or already parsed). Attachments are
    carried inline (base64), since the mail itself is inline; if SES's virus scan failed,
    they are dropped rather than stored.
    """
    note = _json_object(message)
    if note.get("notificationType") != "Received":
        raise MalformedPayload("notificationType must be 'Received'")
    mail, receipt = note.get("mail"), note.get("receipt")
    if not isinstance(mail, dict) or not isinstance(receipt, dict):
        raise MalformedPayload("SES notification lacks mail or receipt")
    content = note.get("content")
    if not isinstance(content, str):
        raise MalformedPayload(
            "SES notification has no content: the receipt rule must use the SNS action"
        )
    if not mail.get("messageId") or not mail.get("timestamp"):
        raise MalformedPayload("mail.messageId and mail.timestamp are required")
    mail_id = str(mail["messageId"])
    mime = _parse_mime(content, (receipt.get("action") or {}).get("encoding"))

    common = mail.get("commonHeaders") or {}
    name, address = _sender(mime, common, mail.get("source"))
    subject = str(mime["subject"] or common.get("subject") or "").strip() or None
    text = _body_text(mime)
    virus = ((receipt.get("virusVerdict") or {}).get("status") or "").upper()
    media = [] if virus == "FAIL" else list(_attachments(mime, mail_id))

    reply_to = {"to": address}
    if subject:
        reply_to["subject"] = subject
    if mime["message-id"]:
        reply_to["in_reply_to"] = str(mime["message-id"]).strip()
    try:
        return InboundMessage.checked(
            channel="email",
            provider_message_id=mail_id,
            sender=address,
            sender_name=name,
            text=text,
            subject=subject,
            media=media,
            received_at=mail["timestamp"],
            reply_to=reply_to,
        )
    except ValidationError as exc:
        raise MalformedPayload(f"SES notification field: {describe(exc)}") from exc


def _parse_mime(content: str, encoding: str | None) -> EmailMessage:
    mode = (encoding or "UTF8").upper().replace("-", "")
    if mode == "BASE64":
        try:
            raw = base64.b64decode(content, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise MalformedPayload("content is flagged BASE64 but is not") from exc
    elif mode == "UTF8":
        # Back to bytes before parsing: the str parser mangles 8-bit bodies (an em dash
        # comes out as a literal "\u2014"), the bytes parser reads them and raw UTF-8 headers.
        raw = content.encode("utf-8", errors="surrogateescape")
    else:
        raise MalformedPayload(f"unknown content encoding {encoding!r}")
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)  # policy.default builds EmailMessage
    return parsed


def _sender(mime: EmailMessage, common: Mapping[str, Any], source: Any) -> tuple[str | None, str]:
    candidates: list[tuple[str, str]] = []
    header = mime["from"]
    if header is not None:
        addresses: Sequence[Address] = getattr(header, "addresses", ())
        candidates += [(a.display_name, a.addr_spec) for a in addresses]
    candidates += getaddresses([str(f) for f in common.get("from") or []])
    if source:
        candidates.append(("", str(source)))
    for name, addr in candidates:
        if addr and "@" in addr:
            # One conversation per mailbox, however the citizen's client capitalises it.
            return (name or None), addr.strip().lower()
    raise MalformedPayload("the mail has no sender address")


def _body_text(mime: EmailMessage) -> str:
    plain = mime.get_body(preferencelist=("plain",))
    if plain is not None:
        return _part_text(plain).replace("\r\n", "\n").strip()
    html = mime.get_body(preferencelist=("html",))
    if html is not None:
        return _html_to_text(_part_text(html))
    return ""


def _part_text(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, ValueError):
        # An unknown or lying charset: keep what can be read rather than lose the complaint.
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def _attachments(mime: EmailMessage, mail_id: str) -> Iterator[MediaRef]:
    bodies = {id(p) for p in (mime.get_body(("plain",)), mime.get_body(("html",))) if p}
    n = 0
    for part in _leaves(mime):
        if id(part) in bodies:
            continue
        filename = part.get_filename()
        maintype = part.get_content_maintype()
        # Leftover text parts with no name are alternative bodies, not attachments.
        if maintype == "text" and not filename and part.get_content_disposition() != "attachment":
            continue
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload(0)  # a forwarded mail, kept whole
            data = inner.as_bytes() if isinstance(inner, Message) else str(inner).encode()
        else:
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
        n += 1
        yield MediaRef.checked(
            provider_ref=f"{mail_id}/attachment/{n}",
            mime_type=part.get_content_type(),
            filename=filename,
            size=len(data),
            content_b64=base64.b64encode(data).decode("ascii"),
        )


def _leaves(part: Message) -> Iterator[Message]:
    if part.get_content_type() == "message/rfc822":
        yield part  # do not descend: a forwarded mail's parts are not this mail's
    elif part.is_multipart():
        for sub in part.get_payload():
            if isinstance(sub, Message):
                yield from _leaves(sub)
    else:
        yield part


class _TextOnly(HTMLParser):
    _BREAKS = frozenset(
        {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    )
    _HIDDEN = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BREAKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BREAKS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.chunks.append(data)


def _html_to_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.chunks).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _json_object(body: Mapping[str, Any] | bytes | str) -> Mapping[str, Any]:
    if isinstance(body, (bytes, str)):
        try:
            body = parse_json(body)
        except InvalidJson as exc:
            raise MalformedPayload(exc.message) from exc
    if not isinstance(body, Mapping):
        raise MalformedPayload("body must be a JSON object")
    return body
