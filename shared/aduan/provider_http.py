"""Outbound HTTP to providers (every function that sends uses it), with retries: backoff on 429 and 5xx, honouring Retry-After."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

RETRYABLE = {429, 500, 502, 503, 504}


class SendFailed(Exception):
    """The provider refused or stayed unavailable after retries. `permanent`: do not retry."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class NotSent(SendFailed):
    """The channel's rules allow no message now (e.g. Meta's messaging windows): nothing was
    sent or tried, and trying again will not help. Recorded as `not_sent`."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: Any


def post(
    url: str,
    data: bytes,
    headers: dict[str, str],
    timeout: float,
    attempts: int = 4,
    backoff_s: float = 0.2,
    max_wait_s: float = 5.0,
) -> HttpAnswer:
    """POST and return the JSON answer; retry transient failures, raise SendFailed after that."""
    last = ""
    for attempt in range(attempts):
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return HttpAnswer(response.status, _json(response.read()))
        except urllib.error.HTTPError as error:
            body = _json(error.read())
            last = f"HTTP {error.code}: {body}"
            if error.code not in RETRYABLE:
                raise SendFailed(last, permanent=True) from error
            wait = _retry_after(error.headers.get("Retry-After"), backoff_s * 2**attempt)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            last = f"unreachable: {error}"
            wait = backoff_s * 2**attempt
        if attempt < attempts - 1:
            time.sleep(min(wait, max_wait_s))
    raise SendFailed(f"gave up after {attempts} attempts: {last}")


def _retry_after(header: str | None, default: float) -> float:
    try:
        return max(float(header), 0.0) if header else default
    except ValueError:
        return default


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode(errors="replace")
