"""`Idempotency-Key`: a retried POST gets the first answer, not a second complaint.

Powertools' idempotency utility keeps the first answer in the idempotency table for 24 h. The
body is part of the check: the same key with a different body is the client's mistake (422).
Imported only when a request carries the header, so other requests don't pay for it.

Powertools writes its answer after the complaint: a container that dies between the two leaves
an in-progress record that expires with the invocation, and the retry would file a second
complaint. So the complaint's own transaction also writes `IK#<key's hash>`, the sealed answer,
only if absent (`answer_item`); a retry that meets it answers from it (`stored_answer`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
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
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings

KEY_TTL_SECONDS = 24 * 3600


@functools.cache
def _store() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table_name, boto3_client=aws.client("dynamodb")
    )


_CONFIG = IdempotencyConfig(
    event_key_jmespath="key",
    payload_validation_jmespath="payload",
    expires_after_seconds=KEY_TTL_SECONDS,
)


def once_per_key(
    key: str, payload: Any, accept: Callable[[], tuple[int, dict[str, Any]]], context: Any = None
) -> tuple[int, dict[str, Any]]:
    if not 1 <= len(key) <= 255:
        raise Unprocessable(
            "Idempotency-Key must be 1 to 255 characters", code="invalid_idempotency_key"
        )

    if context is not None:
        # An in-progress record expires with the invocation, so a crashed attempt can be retried.
        _CONFIG.register_lambda_context(context)

    @idempotent_function(
        data_keyword_argument="request", persistence_store=_store(), config=_CONFIG
    )
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
        raise Conflict(
            "a request with this Idempotency-Key is still being processed; retry shortly"
        ) from error
    return answer["status"], answer["body"]


def _key_pk(key: str) -> str:
    return "IK#" + hashlib.sha256(key.encode()).hexdigest()


def _payload_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def answer_item(key: str, payload: Any, status: int, body: dict[str, Any]) -> dict[str, Any]:
    """The answer to keep with the complaint (its access key sealed, as in Powertools' table)."""
    return {
        "PK": _key_pk(key),
        "SK": "K",
        "kind": "idempotency",
        "status": status,
        "body": body,
        "payload_hash": _payload_hash(payload),
        "ttl": int(time.time()) + KEY_TTL_SECONDS,
    }


def stored_answer(
    repository: ComplaintRepository, key: str, payload: Any
) -> tuple[int, dict[str, Any]]:
    item = repository.get_item(_key_pk(key), "K")
    if item is None:  # written in the same transaction that refused ours: not possible
        raise Conflict("a request with this Idempotency-Key is still being processed")
    if item["payload_hash"] != _payload_hash(payload):
        raise Unprocessable(
            "this Idempotency-Key was used with a different body", code="idempotency_key_reused"
        )
    return int(item["status"]), item["body"]
