"""HTTP plumbing shared by the intake's routes: JSON errors, body limits, parsing."""

from __future__ import annotations

import base64
import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

from aduan.errors import AduanError, PayloadTooLarge

MAX_BODY_BYTES = 256 * 1024
JSON = "application/json"


def error_response(status: int, code: str, message: str, details: dict | None = None) -> Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return Response(status_code=status, content_type=JSON, body=json.dumps({"error": error}))


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type=JSON, body=json.dumps(body, default=str), headers=headers)


def raw_body(event: Any) -> bytes:
    """The body as the client sent it (API Gateway base64-encodes non-text bodies)."""
    body = event.get("body") or ""
    data = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    if len(data) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is {len(data)} bytes; the limit is {MAX_BODY_BYTES}")
    return data


def json_body(event: Any) -> Any:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    data = raw_body(event)
    content_type = headers.get("content-type", JSON).split(";")[0].strip().lower()
    if content_type != JSON and not content_type.endswith("+json"):
        raise UnsupportedMediaType(f"send JSON (Content-Type: {JSON}), not {content_type}")
    try:
        return json.loads(data or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise AduanError(f"the body is not valid JSON: {error}", code="invalid_json") from error


class UnsupportedMediaType(AduanError):
    status = 415
    code = "unsupported_media_type"


def validation_details(error: Any) -> list[dict[str, Any]]:
    """pydantic's errors without the input values (they may hold personal data)."""
    return [{"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in error.errors()]
