"""DynamoDB item (de)serialisation: plain Python <-> the attribute-value JSON of the low-level API."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any


@functools.cache
def _codec() -> tuple[Any, Any]:
    # boto3.dynamodb imports boto3 itself; deferring it keeps that off a handler's import path.
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    return TypeSerializer(), TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    # DynamoDB numbers are decimals; floats are refused by the serializer on purpose.
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_from_dynamo(v) for v in value]
    return value


def serialize(item: dict[str, Any]) -> dict[str, Any]:
    serializer = _codec()[0]
    return {k: serializer.serialize(_to_dynamo(v)) for k, v in item.items() if v is not None}


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    deserializer = _codec()[1]
    return {k: _from_dynamo(deserializer.deserialize(v)) for k, v in item.items()}


def value(v: Any) -> dict[str, Any]:
    return _codec()[0].serialize(_to_dynamo(v))
