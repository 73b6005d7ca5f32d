"""The citizen's access key: the secret that lets the person who filed a complaint act on it.

The tracking id is a public, read-only handle (it is read out over the phone and typed into the
tracking page). Replying, answering a deferral or rating from the web also needs this key:
192 random bits, issued once when the complaint is created, shown to the citizen once (the
`POST /v1/complaints` answer and the private link in the acknowledgement) and stored only as a
hash. A fast hash is enough: the key is random, not a password, so there is nothing to guess.
The hash is bound to the complaint id, so a key never works for another complaint.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_BYTES = 24  # 192 bits; url-safe base64 gives 32 characters, safe in a link's fragment
HEADER = "x-access-key"
# How the private link carries the key: after `#`, so browsers never send it to a server and it
# never reaches an access log.
FRAGMENT = "k"
_SCHEME = "sha256"


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def digest(complaint_id: str, key: str) -> str:
    """What is stored: never the key itself."""
    hashed = hashlib.sha256(f"aduan-citizen-key\x00{complaint_id}\x00{key}".encode()).hexdigest()
    return f"{_SCHEME}:{hashed}"


def matches(complaint_id: str, key: str | None, stored: str | None) -> bool:
    """Whether `key` is this complaint's key (constant time; False when either is missing)."""
    if not key or not stored or len(key) > 200:
        return False
    return hmac.compare_digest(digest(complaint_id, key.strip()), stored)


def private_link(base_url: str, complaint_id: str, key: str | None = None) -> str:
    """The tracking page of a complaint; with the key, the citizen's private link."""
    page = f"{base_url.rstrip('/')}/lacak/{complaint_id}"
    return f"{page}#{FRAGMENT}={key}" if key else page
