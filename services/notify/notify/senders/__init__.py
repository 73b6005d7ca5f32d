"""One sender per provider. Each returns the provider's message id or raises SendFailed."""

from __future__ import annotations


class SendFailed(Exception):
    """The provider refused or stayed unavailable after retries. `permanent`: do not retry."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
