"""Helpers for the channel e2e tests: unique citizens, the outbox, a complaint's story."""

from __future__ import annotations

import random
from typing import Any

from tests.support import eventually, http


def unique_phone() -> str:
    """An Indonesian mobile number no other test uses (conversations are per number)."""
    return "628" + "".join(random.choice("0123456789") for _ in range(10))


def outbox(
    cloud: Any, channel: str, to: str | None = None, contains: str | None = None
) -> list[dict[str, Any]]:
    return cloud.providers.messages(channel, to, contains)


def wait_outbox(
    cloud: Any,
    channel: str,
    to: str | None = None,
    contains: str | None = None,
    count: int = 1,
    what: str = "",
) -> list[dict[str, Any]]:
    def enough() -> list[dict[str, Any]] | None:
        found = outbox(cloud, channel, to, contains)
        return found if len(found) >= count else None

    return eventually(
        enough,
        timeout=30,
        what=what or f"{count} {channel} message(s) to {to} containing {contains!r}",
    )


def timeline(cloud: Any, tracking_id: str) -> list[str]:
    view = http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json
    return [entry["event"] for entry in view.get("timeline", [])]


def routed(cloud: Any, tracking_id: str) -> None:
    eventually(
        lambda: {"ComplaintRouted", "ComplaintNeedsTriage"} & set(timeline(cloud, tracking_id)),
        timeout=30,
        what=f"routing of {tracking_id}",
    )


def items(cloud: Any, pk: str) -> list[dict[str, Any]]:
    from aduan.dynamo import deserialize

    answer = cloud.client("dynamodb").query(
        TableName=cloud.resources["ComplaintTable"],
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        ConsistentRead=True,
    )
    return [deserialize(i) for i in answer["Items"]]


def meta(cloud: Any, tracking_id: str) -> dict[str, Any]:
    return next(i for i in items(cloud, f"C#{tracking_id}") if i["SK"] == "META")


def tracking_id_in(text: str) -> str:
    import re

    found = re.search(r"\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b", text)
    assert found, text
    return found.group(0)
