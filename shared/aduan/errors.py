"""Typed domain errors. The HTTP layer maps them to status codes in one place."""

from __future__ import annotations


class AduanError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict | None = None,
        message_en: str | None = None,
    ) -> None:
        """``message`` with ``message_en``: the Indonesian and the English text. ``message``
        alone is the English text for logs and callers; the HTTP layer answers in Indonesian
        from its catalogue of codes (``aduan.api``) unless the client asks for English."""
        super().__init__(message)
        self.message = message
        self.message_en = message_en
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


class Collision(Conflict):
    """A new item's key is taken already: a tracking id drawn twice (50 random bits, so rare).
    Not the citizen's business: the writer draws another id and writes again."""

    code = "collision"


class ClaimHeld(Conflict):
    """Another invocation holds the claim on this side effect (it is sending now, or it died
    mid-send) until its lease runs out: try again in `retry_after_s` seconds, not before."""

    code = "claim_held"

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


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
