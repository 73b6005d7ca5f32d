"""What the webhooks take from outside: settings, the repository, encryption, the clock.

Every route reaches them through these functions, so a test replaces one function (a fixed
clock, a repository on its own table, a fake cipher) instead of patching boto3 or the env.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from aduan.repository import ComplaintRepository
from aduan.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


@functools.cache
def _repository(table_name: str) -> ComplaintRepository:
    return ComplaintRepository(table_name)


def repository() -> ComplaintRepository:
    return _repository(settings().table_name)


def encrypt(value: dict[str, Any], context: str) -> str:
    """Personal data (addresses, names) sealed with the KMS envelope key, bound to `context`."""
    from aduan import crypto

    return crypto.encrypt_json(value, settings().kms_key_id, context)


def now() -> datetime:
    return datetime.now(UTC)


def park_attachment(key: str, data: bytes, content_type: str) -> None:
    """E-mail attachments arrive inline: they wait in the media bucket for the media worker."""
    from inbound.webhooks.inbox import put_object

    put_object(settings().media_bucket_name, key, data, content_type)
