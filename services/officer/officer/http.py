"""JSON in and out for the officer API, with the design's error shape `{"error": {...}}`."""

from __future__ import annotations

import base64
import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

from aduan.errors import AduanError, PayloadTooLarge

MAX_BODY_BYTES = 64 * 1024
JSON = "application/json"


def error_response(status: int, code: str, message: str, details: dict | None = None) -> Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return Response(status_code=status, content_type=JSON, body=json.dumps({"error": error}, ensure_ascii=False))


def json_response(status: int, body: Any) -> Response:
    return Response(status_code=status, content_type=JSON, body=json.dumps(body, default=str, ensure_ascii=False))


def json_body(event: dict[str, Any]) -> Any:
    body = event.get("body") or ""
    data = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    if len(data) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is {len(data)} bytes; the limit is {MAX_BODY_BYTES}")
    try:
        return json.loads(data or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise AduanError(f"the body is not valid JSON: {error}", code="invalid_json") from error
