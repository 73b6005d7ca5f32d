"""Opaque page cursors for the inbox: the index's last key, bound to the query it came from.

A cursor is only a bookmark: the query it continues is always the caller's own (their unit and
status), and a cursor made for another query is refused, never followed.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from aduan.errors import AduanError


class InvalidCursor(AduanError):
    status = 400
    code = "invalid_cursor"


def encode(last_key: dict[str, Any] | None, query: str) -> str | None:
    if not last_key:
        return None
    raw = json.dumps({"q": query, "k": last_key}, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, query: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        body = json.loads(raw)
        key = body["k"]
        ok = (
            body["q"] == query
            and isinstance(key, dict)
            and all(isinstance(v, str) for v in key.values())
        )
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise InvalidCursor("this cursor does not belong to this inbox; start from the first page")
    # The key's partition must be the query's own: nothing else may be used to start a page.
    if key.get("GSI1PK") != f"UNIT#{query}":
        raise InvalidCursor("this cursor does not belong to this inbox; start from the first page")
    return key


def encode_queue(position: int, key: dict[str, Any] | None, scope: str) -> str | None:
    """A queue spans several partitions: the cursor says which one, and where in it."""
    raw = json.dumps({"q": scope, "p": position, "k": key}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_queue(
    cursor: str | None, scope: str, partitions: list[str]
) -> tuple[int, dict[str, Any] | None]:
    """(partition index, start key) of a queue cursor made for this scope; (0, None) for none."""
    if not cursor:
        return 0, None
    refused = InvalidCursor("this cursor does not belong to this inbox; start from the first page")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        body = json.loads(raw)
        position, key = body["p"], body["k"]
        ok = body["q"] == scope and isinstance(position, int) and 0 <= position < len(partitions)
        ok = ok and (
            key is None or (isinstance(key, dict) and all(isinstance(v, str) for v in key.values()))
        )
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise refused
    if key is not None and key.get("GSI1PK") != f"UNIT#{partitions[position]}":
        raise refused
    return position, key
