"""HTTP API plumbing every API function shares: JSON in and out, the design's error shape
`{"error": {"code", "message"}}`, body limits, and one place that maps errors to statuses."""

from __future__ import annotations

import base64
import json
from typing import Any

from aduan.errors import AduanError, PayloadTooLarge
from aduan.http_api import Headers, Response

JSON = "application/json"
MAX_BODY_BYTES = 256 * 1024


class UnsupportedMediaType(AduanError):
    status = 415
    code = "unsupported_media_type"


def error_response(status: int, code: str, message: str, details: dict | None = None) -> Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return Response(
        status_code=status, content_type=JSON, body=json.dumps({"error": error}, ensure_ascii=False)
    )


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status,
        content_type=JSON,
        body=json.dumps(body, default=str, ensure_ascii=False),
        headers=headers,
    )


def raw_body(event: Any, max_bytes: int = MAX_BODY_BYTES) -> bytes:
    """The body as the client sent it (API Gateway base64-encodes non-text bodies)."""
    body = event.get("body") or ""
    data = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the body is {len(data)} bytes; the limit is {max_bytes}")
    return data


def json_body(event: Any, max_bytes: int = MAX_BODY_BYTES, empty: Any = None) -> Any:
    """The parsed JSON body; `empty` when there is none. Non-JSON content types are refused."""
    headers = Headers(event.get("headers"))
    data = raw_body(event, max_bytes)
    content_type = headers.get("content-type", JSON).split(";")[0].strip().lower()
    if data and content_type != JSON and not content_type.endswith("+json"):
        raise UnsupportedMediaType(f"send JSON (Content-Type: {JSON}), not {content_type}")
    if not data:
        return empty
    return parse_json(data)


class InvalidJson(AduanError):
    status = 400
    code = "invalid_json"


# Deeper than any form, webhook or officer request we take; Python's parser would go on to
# about 1,000 levels and then fail with a RecursionError.
MAX_JSON_DEPTH = 32


def parse_json(data: bytes | str) -> Any:
    """Every JSON body we are sent is read here: refused (400, nothing stored) when it is not
    JSON, nests deeper than ``MAX_JSON_DEPTH``, or holds a lone surrogate (``"\\udb9d"``: valid
    JSON syntax, but no text: it cannot be stored, encrypted or sent on)."""
    try:
        parsed = json.loads(data)
    except RecursionError as error:
        raise InvalidJson(f"the body nests deeper than {MAX_JSON_DEPTH} levels") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidJson(f"the body is not valid JSON: {error}") from error
    _check_json(parsed)
    return parsed


def _check_json(parsed: Any) -> None:
    # Iterative, so a deep document cannot exhaust the stack here either.
    pending: list[tuple[Any, int]] = [(parsed, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, str):
            _check_text(node)
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise InvalidJson(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(node, dict):
            for key, value in node.items():
                _check_text(key)
                pending.append((value, depth + 1))
        else:
            pending.extend((value, depth + 1) for value in node)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidJson("the body holds a lone surrogate (\\uD800-\\uDFFF): not text") from error


# The public answer to each error code, Indonesian first (the city's and most citizens'
# language) and English on `Accept-Language: en`. Errors that carry both texts themselves (the
# lifecycle's refusals) answer with their own; a code missing here answers by its status.
MESSAGES: dict[str, tuple[str, str]] = {
    "bad_request": ("Permintaan tidak dapat diproses.", "The request cannot be processed."),
    "invalid_json": ("Isi permintaan bukan JSON yang sah.", "The body is not valid JSON."),
    "payload_too_large": ("Isi permintaan terlalu besar.", "The body is too large."),
    "unsupported_media_type": (
        "Kirim isi permintaan sebagai JSON (Content-Type: application/json).",
        "Send the body as JSON (Content-Type: application/json).",
    ),
    "validation_error": (
        "Ada isian yang tidak valid; lihat daftar kolom di details.",
        "Some fields are not valid; see the list of fields in details.",
    ),
    "not_found": ("Tidak ditemukan.", "Not found."),
    "unauthorized": ("Silakan masuk terlebih dahulu.", "Please sign in first."),
    "forbidden": ("Anda tidak berwenang melakukan ini.", "You may not do this."),
    "conflict": (
        "Permintaan bertabrakan dengan keadaan saat ini; coba lagi.",
        "The request conflicts with the current state; please retry.",
    ),
    "version_conflict": (
        "Aduan sudah diubah oleh orang lain; muat ulang.",
        "The complaint was changed by someone else; reload it.",
    ),
    "already_rated": ("Aduan ini sudah dinilai.", "This complaint has already been rated."),
    "missing_field": (
        "Ada isian wajib yang belum diisi.",
        "A required field is missing for this action.",
    ),
    "invalid_score": ("Nilai harus 1 sampai 5.", "The score must be 1 to 5."),
    "invalid_idempotency_key": (
        "Idempotency-Key harus 1 sampai 255 karakter.",
        "Idempotency-Key must be 1 to 255 characters.",
    ),
    "idempotency_key_reused": (
        "Idempotency-Key ini sudah dipakai untuk isi permintaan yang lain.",
        "This Idempotency-Key was used with a different body.",
    ),
    # A provider's delivery refused (the webhooks); English readers get the specific reason.
    "invalid_signature": (
        "Bukti asal permintaan tidak ada atau tidak cocok.",
        "The proof of origin is missing or does not match.",
    ),
    "stale_message": (
        "Pesan ini di luar jangka waktu yang diterima.",
        "The message is outside the accepted time window.",
    ),
    "malformed_payload": (
        "Isi permintaan bukan format penyedia layanan yang dikenal.",
        "The body is not in the provider's format.",
    ),
    "channel_error": (
        "Pesan dari penyedia layanan tidak dapat diterima.",
        "The provider's message cannot be accepted.",
    ),
    "channel_disabled": (
        "Kanal ini belum diaktifkan.",
        "This channel is not configured.",
    ),
    "internal_error": (
        "Terjadi kesalahan di sistem kami; silakan coba lagi.",
        "Something went wrong on our side; please retry.",
    ),
}
_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
}


def wants_english(headers: Any) -> bool:
    """English when the client's first language is English; Indonesian otherwise."""
    lowered = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    first = lowered.get("accept-language", "").split(",")[0].split(";")[0].strip().lower()
    return first == "en" or first.startswith("en-")


def public_message(code: str, status: int, english: bool, specific: str | None = None) -> str:
    """The text a client reads for an error: the catalogue's, in its language. ``specific``
    (an English detail such as which limit was passed) is what English readers get instead."""
    known = MESSAGES.get(code) or MESSAGES.get(_BY_STATUS.get(status, "bad_request"))
    indonesian, generic = known or MESSAGES["bad_request"]
    if english:
        return specific or generic
    return indonesian


def install_error_handlers(
    app: Any, log: Any, invalid_message: str = "the request is not valid"
) -> None:
    """Map every error to its JSON answer, once per API: typed domain errors to their status,
    validation errors to 422, unknown routes to 404, anything else to a 500 without a trace."""
    from aduan.model import ValidationError, problems

    def english() -> bool:
        return wants_english(app.current_event.headers)

    @app.not_found
    def not_found(_: Exception) -> Response:
        route = f"no route for {app.current_event.http_method} {app.current_event.path}"
        return error_response(404, "not_found", public_message("not_found", 404, english(), route))

    @app.exception_handler(ValidationError)
    def invalid(error: ValidationError) -> Response:
        message = public_message("validation_error", 422, english(), invalid_message)
        return error_response(422, "validation_error", message, {"fields": problems(error)})

    @app.exception_handler(AduanError)
    def domain_error(error: AduanError) -> Response:
        if error.message_en is not None:  # the error speaks both languages itself
            message = error.message_en if english() else error.message
        else:
            message = public_message(error.code, error.status, english(), error.message)
        return error_response(error.status, error.code, message, error.details or None)

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        # A fault of ours, not of the request: logged with its trace, answered without it.
        log.exception("unhandled error")
        return error_response(
            500, "internal_error", public_message("internal_error", 500, english())
        )
