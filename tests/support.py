"""Helpers for tests that talk to the local cloud over real HTTP."""

from __future__ import annotations

import functools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Answer:
    def __init__(self, status: int, headers: dict[str, str], raw: bytes) -> None:
        self.status = status
        self.headers = headers
        self.raw = raw

    @property
    def json(self) -> Any:
        return json.loads(self.raw or b"null")

    def __repr__(self) -> str:
        return f"<{self.status} {self.raw[:300]!r}>"


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None, raw: bytes | None = None, timeout: float = 15) -> Answer:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    sent = {"content-type": "application/json", **(headers or {})}
    request = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers.items()), error.read())


def eventually(check: Callable[[], T | None], timeout: float = 20.0, interval: float = 0.1, what: str = "condition") -> T:
    """Poll `check` until it returns something truthy, or fail after `timeout` (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")


def aws_client(endpoint: str, service: str):
    import boto3

    return boto3.session.Session().client(
        service, endpoint_url=endpoint, region_name="ap-southeast-3", aws_access_key_id="test", aws_secret_access_key="test"
    )


@functools.cache
def _translated_template() -> dict:
    # Translating the SAM template takes about a second; tests creating tables reuse it.
    from infra.local import template

    return template.to_cloudformation(template.load())


def table_from_template(ddb, logical_id: str, name: str) -> str:
    """Create a table exactly as template.yaml declares it (keys, indexes, stream)."""

    props = _translated_template()["Resources"][logical_id]["Properties"]
    kwargs = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if props.get("StreamSpecification"):
        kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    ddb.create_table(**kwargs)
    return name
