"""HTTP API plumbing every API function shares: JSON in and out, the design's error shape
`{"error": {"code", "message"}}`, body limits, and one place that maps errors to statuses."""

from __future__ import annotations

import base64
import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

from aduan.errors import AduanError, PayloadTooLarge

JSON = "application/json"
MAX_BODY_BYTES = 256 * 1024


class UnsupportedMediaType(AduanError):
    status = 415
    code = "unsupported_media_type"


def error_response(status: int, code: str, message: str, details: dict | None = None) -> Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return Response(status_code=status, content_type=JSON, body=json.dumps({"error": error}, ensure_ascii=False))


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type=JSON, body=json.dumps(body, default=str, ensure_ascii=False), headers=headers)


def raw_body(event: Any, max_bytes: int = MAX_BODY_BYTES) -> bytes:
    """The body as the client sent it (API Gateway base64-encodes non-text bodies)."""
    body = event.get("body") or ""
    data = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the body is {len(data)} bytes; the limit is {max_bytes}")
    return data


def json_body(event: Any, max_bytes: int = MAX_BODY_BYTES, empty: Any = None) -> Any:
    """The parsed JSON body; `empty` when there is none. Non-JSON content types are refused."""
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    data = raw_body(event, max_bytes)
    content_type = headers.get("content-type", JSON).split(";")[0].strip().lower()
    if data and content_type != JSON and not content_type.endswith("+json"):
        raise UnsupportedMediaType(f"send JSON (Content-Type: {JSON}), not {content_type}")
    if not data:
        return empty
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise AduanError(f"the body is not valid JSON: {error}", code="invalid_json") from error


def validation_details(error: Any) -> list[dict[str, Any]]:
    """pydantic's errors without the input values (they may hold personal data)."""
    return [{"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in error.errors()]


def install_error_handlers(app: Any, log: Any, invalid_message: str = "the request is not valid") -> None:
    """Map every error to its JSON answer, once per API: typed domain errors to their status,
    validation errors to 422, unknown routes to 404, anything else to a 500 without a trace."""
    from pydantic import ValidationError

    @app.not_found
    def not_found(_: Exception) -> Response:
        return error_response(404, "not_found", f"no route for {app.current_event.http_method} {app.current_event.path}")

    @app.exception_handler(ValidationError)
    def invalid(error: ValidationError) -> Response:
        return error_response(422, "validation_error", invalid_message, {"fields": validation_details(error)})

    @app.exception_handler(AduanError)
    def domain_error(error: AduanError) -> Response:
        return error_response(error.status, error.code, error.message, error.details or None)

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        # A fault of ours, not of the request: logged with its trace, answered without it.
        log.exception("unhandled error")
        return error_response(500, "internal_error", "something went wrong on our side; please retry")
