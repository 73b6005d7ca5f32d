"""The front end on the local gateway, served the way CloudFront serves it from S3 in AWS.

`/console/...` -> frontend/console/, `/vendor/...` -> frontend/vendor/, and `/` plus every other
path that is not an API path -> frontend/citizen/ (its index.html when the file does not exist, so
the citizen pages' own routes load). Every answer carries the security headers of the
distribution's response-headers policy in template.yaml (`SECURITY_HEADERS` below mirrors it; a
contract test keeps the two equal). `/console/config.json` is not a file: it is written from the
local user pool, as infra/deploy_frontend.py writes it from the stack outputs in AWS.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"

# The paths that belong to the HTTP API (CloudFront's cache behaviours in template.yaml).
# `/lacak` is the tracking page, rendered by the web function so it reads without JavaScript.
API_PREFIXES = ("/v1/", "/webhooks/", "/open311/", "/lacak/")
API_PATHS = ("/openapi.json", "/lacak")

# Where a browser may fetch from besides the page's own origin: the Cognito endpoint (sign-in) and
# S3 (the photos' presigned URLs). In AWS these are the region's public endpoints; locally both are
# the emulator's endpoint.
AWS_ORIGINS = (
    "https://cognito-idp.ap-southeast-3.amazonaws.com https://*.s3.ap-southeast-3.amazonaws.com"
)


def content_security_policy(origins: str = AWS_ORIGINS) -> str:
    # No inline scripts or styles anywhere: every page loads its code and CSS from files.
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: blob: {origins}; connect-src 'self' {origins}; "
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def security_headers(origins: str = AWS_ORIGINS) -> dict[str, str]:
    return {
        "content-security-policy": content_security_policy(origins),
        "strict-transport-security": "max-age=63072000; includeSubDomains; preload",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "strict-origin-when-cross-origin",
    }


SECURITY_HEADERS = security_headers()

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path in API_PATHS


@dataclass
class StaticSite:
    """Files under `root`, and the generated config documents (path -> JSON)."""

    root: Path = FRONTEND
    generated: dict[str, dict[str, Any]] = field(default_factory=dict)
    origins: str = AWS_ORIGINS

    def headers(self, content_type: str, cache: str) -> dict[str, str]:
        return {
            "content-type": content_type,
            "cache-control": cache,
            **security_headers(self.origins),
        }

    def answer(self, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if method not in ("GET", "HEAD"):
            return self._error(
                405, "method_not_allowed", "Metode tidak diizinkan untuk halaman ini."
            )
        if path in self.generated:
            body = json.dumps(self.generated[path]).encode()
            return 200, self.headers("application/json", "no-store"), body
        if path == "/console":
            return 301, {"location": "/console/", **security_headers(self.origins)}, b""
        if path.startswith("/console/"):
            folder, rest, spa = self.root / "console", path[len("/console/") :], True
        elif path.startswith("/vendor/"):
            folder, rest, spa = self.root / "vendor", path[len("/vendor/") :], False
        else:
            # The citizen pages are files (the tracking page is the web function's): no fallback,
            # so a mistyped address says "not found" instead of showing the form.
            folder, rest, spa = self.root / "citizen", path.lstrip("/"), False
        target = self._inside(folder, rest or "index.html")
        if target is not None and target.is_dir():
            target = self._inside(target, "index.html")
        if target is None or not target.is_file():
            # A page's own route (no extension) gets the page; a missing file is a 404.
            if spa and "." not in rest.rsplit("/", 1)[-1]:
                target = folder / "index.html"
            if target is None or not target.is_file():
                return self._error(404, "not_found", "Halaman tidak ditemukan.")
        suffix = target.suffix.lower()
        content_type = (
            TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        )
        # Vendored files carry their version in the path: cache them; pages and app code revalidate.
        cache = "public, max-age=31536000, immutable" if path.startswith("/vendor/") else "no-cache"
        return 200, self.headers(content_type, cache), target.read_bytes()

    @staticmethod
    def _inside(folder: Path, rest: str) -> Path | None:
        candidate = (folder / rest).resolve()
        base = folder.resolve()
        return candidate if candidate == base or base in candidate.parents else None

    def _error(self, status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        return status, self.headers("application/json", "no-store"), body
