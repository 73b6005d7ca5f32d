"""Downloading a provider's media, and nothing else (no SSRF).

Every URL, including each redirect, must be on an allowed origin (scheme + host + port): the
providers' own API origins and the configured media origins. Credentials go only to the origin
they were given for (a redirect elsewhere drops them). Bodies are read up to the size limit and
no further; 429 and 5xx are retried with backoff, then the error is raised for SQS to retry.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

RETRYABLE = {429, 500, 502, 503, 504}
MAX_REDIRECTS = 3


class MediaRejected(Exception):
    """Permanent: this item will never be stored (its reason goes on the complaint)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class MediaUnavailable(Exception):
    """Transient: the provider throttled or failed; the record is retried."""


@dataclass(frozen=True)
class Downloaded:
    data: bytes
    content_type: str | None


def origin(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname.lower()}:{port}"


def allowed_origins(urls: Iterable[str]) -> frozenset[str]:
    """Origins as `scheme://host:port`; a host `*.example.net` allows its subdomains (Meta's CDN
    serves each attachment from a regional host such as scontent-sin6-1.xx.fbcdn.net)."""
    return frozenset(o for o in (origin(u.strip()) for u in urls if u and u.strip()) if o)


def permitted(url_origin: str, allowed: frozenset[str]) -> bool:
    if not url_origin:
        return False
    if url_origin in allowed:
        return True
    scheme, _, rest = url_origin.partition("://")
    host, _, port = rest.rpartition(":")
    for entry in allowed:
        entry_scheme, _, entry_rest = entry.partition("://")
        pattern, _, entry_port = entry_rest.rpartition(":")
        # A dot boundary: *.fbcdn.net allows a.fbcdn.net, never evil-fbcdn.net or fbcdn.net.evil.
        wildcard = pattern.startswith("*.") and (scheme, port) == (entry_scheme, entry_port)
        if wildcard and host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
            return True
    return False


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # redirects are followed by `get`, which checks each hop


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def get(
    url: str,
    allowed: frozenset[str],
    *,
    max_bytes: int,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
    attempts: int = 3,
    backoff_s: float = 0.2,
) -> Downloaded:
    credentials_origin = origin(url)
    for attempt in range(attempts):
        current, sent = url, dict(headers or {})
        try:
            for _ in range(MAX_REDIRECTS + 1):
                if not permitted(origin(current), allowed):
                    raise MediaRejected("host_not_allowed", origin(current) or current[:100])
                if origin(current) != credentials_origin:
                    sent.pop("Authorization", None)
                request = urllib.request.Request(current, headers=sent, method="GET")
                try:
                    with _OPENER.open(request, timeout=timeout) as answer:
                        return _read(answer, max_bytes)
                except urllib.error.HTTPError as error:
                    if error.code in (301, 302, 303, 307, 308) and error.headers.get("Location"):
                        current = urljoin(current, error.headers["Location"])
                        continue
                    if error.code in RETRYABLE:
                        raise MediaUnavailable(
                            f"HTTP {error.code} from {origin(current)}"
                        ) from error
                    raise MediaRejected(
                        "not_found" if error.code in (403, 404, 410) else "refused",
                        f"HTTP {error.code}",
                    ) from error
            raise MediaRejected("too_many_redirects")
        except (MediaUnavailable, urllib.error.URLError, TimeoutError, ConnectionError) as error:
            if attempt == attempts - 1:
                raise MediaUnavailable(str(error)) from error
            time.sleep(backoff_s * 2**attempt)
    raise AssertionError("unreachable")


def _read(answer: object, max_bytes: int) -> Downloaded:
    length = answer.headers.get("Content-Length")  # type: ignore[attr-defined]
    if length and length.isdigit() and int(length) > max_bytes:
        raise MediaRejected("too_large", f"{length} bytes")
    data = answer.read(max_bytes + 1)  # type: ignore[attr-defined]
    if len(data) > max_bytes:
        raise MediaRejected("too_large", f"over {max_bytes} bytes")
    content_type = answer.headers.get("Content-Type")  # type: ignore[attr-defined]
    return Downloaded(data, content_type.split(";")[0].strip().lower() if content_type else None)
