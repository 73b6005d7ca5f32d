"""Tracking ids: short enough to read over the phone, unguessable (50 random bits).

Crockford base32 leaves out I, L, O and U, so a citizen reading "0" or "1" aloud cannot be
misheard, and `normalize_tracking_id` forgives the usual slips (lowercase, o→0, i/l→1, dashes).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10  # 10 symbols × 5 bits = 50 random bits
_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{10}$")
_SLIPS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_tracking_id() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_tracking_id(text: str) -> str | None:
    """The canonical `XXXXX-XXXXX` form of what a citizen typed, or None if it cannot be one."""
    compact = re.sub(r"[\s\-_.]", "", text.upper()).translate(_SLIPS)
    if not _PATTERN.match(compact):
        return None
    return f"{compact[:5]}-{compact[5:]}"
