"""`POST /webhooks/email`: SES receipt -> SNS -> here. Verify SNS, confirm, take the mail.

Trust rests on the signing certificate's URL (see inbound.channels.email): production trusts
only https on SNS's own hosts. The local cloud's fake provider signs with a test certificate it
serves over plain http on loopback; SNS_TRUSTED_CERT_URL names that one URL, and only a message
naming exactly it is checked against exactly that certificate (the URL is not part of what SNS
signs, so it is mapped to an https alias the verifier accepts). Production leaves it empty.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
import re
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from aduan.channel_events import MediaItem
from aduan.http_api import Response
from inbound.channels import email
from inbound.channels.inbound import SignatureError
from inbound.webhooks import common, wiring

# SNS messages are at most 256 KB; JSON escaping of the mail inside adds a little.
MAX_BODY_BYTES = 512 * 1024
_SNS_HOST = re.compile(r"https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/")
_TIMEOUT_S = 5


def receive(event: Mapping[str, Any]) -> Response:
    settings = wiring.settings()
    topic = common.require(settings.email_sns_topic_arn, "EMAIL_SNS_TOPIC_ARN")
    raw = common.body(event, MAX_BODY_BYTES)
    message = common.json_of(raw)
    local = settings.sns_trusted_cert_url
    if local and isinstance(message, dict) and message.get("SigningCertURL") == local:
        message = {**message, "SigningCertURL": _https_alias(local)}
    envelope = _verifier(topic, local).verify(message, now=wiring.now())
    if envelope.type == "SubscriptionConfirmation":
        _confirm(envelope.subscribe_url or "", local)
        common.log.info("sns subscription confirmed", extra={"topic": envelope.topic_arn})
        return common.ok({"ok": True, "confirmed": True})
    if envelope.type == "UnsubscribeConfirmation":
        common.log.warning("sns unsubscribed", extra={"topic": envelope.topic_arn})
        return common.ok()
    mail = email.parse_ses_notification(envelope.message)
    media = [_park(mail.provider_message_id, n, ref) for n, ref in enumerate(mail.media, start=1)]
    accepted = common.intake(event).accept(mail, media=media)
    common.log.info(
        "channel message",
        extra={
            "channel": "email",
            "outcome": accepted.outcome.value,
            "complaint_id": accepted.complaint_id,
        },
    )
    return common.ok({"ok": True, "outcome": accepted.outcome.value})


def _park(mail_id: str, n: int, ref: Any) -> MediaItem:
    """An inline attachment, stored in the media bucket's inbox under a key fixed by the mail, so
    a redelivered mail overwrites rather than adds."""
    data = base64.b64decode(ref.content_b64 or "")
    key = f"inbox/email/{hashlib.sha256(mail_id.encode()).hexdigest()[:32]}/{n}"
    content_type = ref.mime_type or "application/octet-stream"
    wiring.park_attachment(key, data, content_type)
    return MediaItem(
        provider_ref=ref.provider_ref,
        mime_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        filename=ref.filename,
        inbox_key=key,
    )


@functools.cache
def _verifier(topic_arn: str, local_cert_url: str) -> email.SnsVerifier:
    # One per container: the certificate cache lives as long as it.
    patterns = list(email.PRODUCTION_CERT_URL_PATTERNS)
    if local_cert_url:
        patterns.append(re.escape(_https_alias(local_cert_url)))
    return email.SnsVerifier(
        patterns,
        functools.partial(_fetch_certificate, local_cert_url),
        expected_topic_arns={topic_arn},
    )


def _fetch_certificate(local_cert_url: str, url: str) -> bytes:
    if local_cert_url and url == _https_alias(local_cert_url):
        url = local_cert_url
    with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as answer:  # https: TLS-verified
        return answer.read()


def _https_alias(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise ValueError("SNS_TRUSTED_CERT_URL is for the local cloud: an http URL on loopback")
    return "https://" + url.split("://", 1)[1]


def _confirm(subscribe_url: str, local_cert_url: str) -> None:
    """GET the SubscribeURL, only on an SNS host (or the local fake provider): no SSRF."""
    local_origin = (
        f"{urlsplit(local_cert_url).scheme}://{urlsplit(local_cert_url).netloc}/"
        if local_cert_url
        else None
    )
    if not (
        _SNS_HOST.match(subscribe_url) or (local_origin and subscribe_url.startswith(local_origin))
    ):
        raise SignatureError("SubscribeURL is not on an SNS host", status=403)
    with urllib.request.urlopen(subscribe_url, timeout=_TIMEOUT_S) as answer:
        answer.read()
