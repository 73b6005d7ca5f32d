"""Meta's proof of origin, shared by WhatsApp, Messenger and Instagram webhooks.

One Meta app signs every product's webhooks the same way, so there is one implementation:
- `GET` handshake: Meta calls with `hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`
  and expects the raw challenge back as text/plain; anything else gets 403.
- `POST`: `X-Hub-Signature-256: sha256=<hex>` is HMAC-SHA256 of the *raw* body keyed with the
  app secret. Meta escapes non-ASCII as `\\u00e9` (and "/" as "\\/") in the bytes it signs, so
  the body must be verified exactly as received; a parsed-and-re-serialised body no longer
  verifies.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from .inbound import SignatureError

SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="


def verify_handshake(params: Mapping[str, str] | None, verify_token: str) -> str:
    """Return `hub.challenge` to echo back (text/plain) or raise SignatureError (403)."""
    if not verify_token:
        raise ValueError("the webhook's verify token is not configured")
    params = params or {}
    if params.get("hub.mode") != "subscribe":
        raise SignatureError("hub.mode must be 'subscribe'", status=403)
    given = params.get("hub.verify_token") or ""
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        raise SignatureError("hub.verify_token does not match", status=403)
    challenge = params.get("hub.challenge")
    if not challenge:
        raise SignatureError("hub.challenge is missing", status=403)
    return challenge


def signature_header(raw_body: bytes, app_secret: str) -> str:
    """The header value Meta would send for these bytes (for the fake provider and tests)."""
    digest = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return _PREFIX + digest


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> None:
    if not app_secret:
        raise ValueError("the Meta app secret is not configured")
    if not header:
        raise SignatureError(f"{SIGNATURE_HEADER} header is missing")
    if not header.startswith(_PREFIX):
        raise SignatureError(f"{SIGNATURE_HEADER} must be 'sha256=<hex>'")
    given = header[len(_PREFIX) :].strip().lower()
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise SignatureError(f"{SIGNATURE_HEADER} does not match the body")
