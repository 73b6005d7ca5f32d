"""Typed domain errors. The HTTP layer maps them to status codes in one place."""

from __future__ import annotations


class AduanError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class NotFound(AduanError):
    status = 404
    code = "not_found"


class Forbidden(AduanError):
    status = 403
    code = "forbidden"


class Unauthorized(AduanError):
    status = 401
    code = "unauthorized"


class Conflict(AduanError):
    status = 409
    code = "conflict"


class VersionConflict(Conflict):
    """Somebody changed the complaint since it was read: reload and decide again."""

    code = "version_conflict"


class AlreadyProcessed(AduanError):
    """An at-least-once delivery seen before: the consumer acknowledges and does nothing."""

    status = 200
    code = "already_processed"


class PayloadTooLarge(AduanError):
    status = 413
    code = "payload_too_large"


class Unprocessable(AduanError):
    status = 422
    code = "validation_error"
