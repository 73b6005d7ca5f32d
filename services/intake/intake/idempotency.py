"""`Idempotency-Key`: a retried POST gets the first answer, not a second complaint.

Powertools' idempotency utility keeps the first answer in the idempotency table for 24 h. The
body is part of the check: the same key with a different body is the client's mistake (422).
Imported only when a request carries the header, so other requests don't pay for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from aduan import aws
from aduan.errors import Conflict, Unprocessable
from aduan.settings import get_settings

KEY_TTL_SECONDS = 24 * 3600


@functools.cache
def _store() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table_name, boto3_client=aws.client("dynamodb"))


_CONFIG = IdempotencyConfig(
    event_key_jmespath="key", payload_validation_jmespath="payload", expires_after_seconds=KEY_TTL_SECONDS
)


def once_per_key(
    key: str, payload: Any, accept: Callable[[], tuple[int, dict[str, Any]]], context: Any = None
) -> tuple[int, dict[str, Any]]:
    if not 1 <= len(key) <= 255:
        raise Unprocessable("Idempotency-Key must be 1 to 255 characters", code="invalid_idempotency_key")

    if context is not None:
        # An in-progress record expires with the invocation, so a crashed attempt can be retried.
        _CONFIG.register_lambda_context(context)

    @idempotent_function(data_keyword_argument="request", persistence_store=_store(), config=_CONFIG)
    def run(request: dict[str, Any]) -> dict[str, Any]:
        status, body = accept()
        return {"status": status, "body": body}

    try:
        answer = run(request={"key": key, "payload": payload})
    except IdempotencyValidationError as error:
        raise Unprocessable(
            "this Idempotency-Key was used with a different body", code="idempotency_key_reused"
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise Conflict("a request with this Idempotency-Key is still being processed; retry shortly") from error
    return answer["status"], answer["body"]
