"""Open311 API keys: issued by the city per client app, shown once, stored only as a hash (pure).

A key is 192 random bits, so a plain SHA-256 is enough to store it (nothing to brute-force, no
need for a slow password hash) and lets a POST find its client with one key lookup.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "o311_"


def new_api_key() -> str:
    return PREFIX + secrets.token_urlsafe(24)


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", errors="surrogatepass")).hexdigest()


def key_id(key_hash: str) -> str:
    """The short, harmless name of a key in listings and revocations."""
    return key_hash[:12]
