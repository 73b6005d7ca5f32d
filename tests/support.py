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


def http(
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
    timeout: float = 15,
) -> Answer:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    sent = {"content-type": "application/json", **(headers or {})}
    request = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers.items()), error.read())


def eventually(
    check: Callable[[], T | None],
    timeout: float = 20.0,
    interval: float = 0.1,
    what: str = "condition",
) -> T:
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
        service,
        endpoint_url=endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="test",
        aws_secret_access_key="test",
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


def recorded_events(cloud: Any, tracking_id: str) -> list[str]:
    """Every history entry's type, read from the table (deliveries included: the public timeline
    shows only the citizen's steps)."""
    items = cloud.client("dynamodb").query(
        TableName=cloud.resources["ComplaintTable"],
        KeyConditionExpression="PK = :pk AND begins_with(SK, :e)",
        ExpressionAttributeValues={":pk": {"S": f"C#{tracking_id}"}, ":e": {"S": "E#"}},
        ConsistentRead=True,
    )["Items"]
    return [item["detail_type"]["S"] for item in items]


def photo_jpeg(gps: bool = True, size: tuple[int, int] = (48, 32)) -> bytes:
    """A real JPEG as a phone writes it: with EXIF (camera, and the GPS position when `gps`)."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, (180, 90, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12 Pro"  # Model
    if gps:
        exif.get_ifd(0x8825).update({1: "S", 2: (7.0, 58.0, 12.5), 3: "E", 4: (112.0, 37.0, 48.25)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def has_exif(data: bytes) -> bool:
    import io

    from PIL import Image

    return bool(Image.open(io.BytesIO(data)).getexif())
