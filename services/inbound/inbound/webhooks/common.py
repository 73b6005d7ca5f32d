"""What every webhook route shares: the body within its limit, the secrets, the acceptance."""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aduan.api import InvalidJson, parse_json
from aduan.errors import AduanError, PayloadTooLarge
from aduan.http_api import Response
from aduan.observability import logger
from inbound.channels.inbound import InboundMessage, MalformedPayload
from inbound.webhooks import wiring
from inbound.webhooks.accept import Accepted, MessageIntake

log = logger("intake")
# Messages of different conversations in one POST (WhatsApp batches up to ~1000) are accepted
# in parallel; one conversation's messages stay in order.
PARALLEL = 8  # within botocore's default connection pool (10)


class ChannelDisabled(AduanError):
    """The channel's secret is not configured: nothing could prove a request authentic."""

    status = 503
    code = "channel_disabled"


def require(secret: str, name: str) -> str:
    if not secret:
        raise ChannelDisabled(f"{name} is not configured; this channel is off")
    return secret


def body(event: Mapping[str, Any], limit: int) -> bytes:
    """The body exactly as the provider sent it (signatures cover these bytes), within `limit`."""
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as error:
            raise MalformedPayload("the body is flagged base64 but is not") from error
    else:
        data = raw.encode("utf-8")
    if len(data) > limit:
        raise PayloadTooLarge(f"the body is {len(data)} bytes; this webhook takes at most {limit}")
    return data


def header(event: Mapping[str, Any], name: str) -> str | None:
    # API Gateway's payload v2 lower-cases header names.
    return (event.get("headers") or {}).get(name.lower())


def json_of(raw: bytes) -> Any:
    """The parsed body (signatures are checked on ``raw`` before this, never on a re-dump)."""
    try:
        return parse_json(raw)
    except InvalidJson as error:
        raise MalformedPayload(error.message) from error


def ok(payload: Any = None, status: int = 200) -> Response:
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(payload if payload is not None else {"ok": True}),
    )


def intake(event: Mapping[str, Any]) -> MessageIntake:
    settings = wiring.settings()
    return MessageIntake(
        wiring.repository(),
        hash_key=settings.conversation_hash_key,
        encrypt=wiring.encrypt,
        public_base_url=settings.public_base_url,
        # The function's one clock, read once per message: messages of one POST keep their order.
        now=wiring.now,
        correlation_id=(event.get("requestContext") or {}).get("requestId", ""),
    )


def accept_all(messages: list[InboundMessage], acceptor: MessageIntake) -> list[Accepted]:
    """Accept every message; each is its own transaction, so a retry of the whole POST after a
    failure halfway only adds what is missing."""
    if len(messages) <= 1:
        return [_accept(acceptor, m) for m in messages]
    chats: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, message in enumerate(messages):
        chats[(message.channel, message.sender)].append(index)
    results: list[Accepted | None] = [None] * len(messages)

    def one_chat(indexes: list[int]) -> None:
        for index in indexes:
            results[index] = _accept(acceptor, messages[index])

    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(chats))) as pool:
        for done in [pool.submit(one_chat, indexes) for indexes in chats.values()]:
            done.result()  # re-raises: the provider retries the POST, dedupe keeps it exact
    return [r for r in results if r is not None]


def _accept(acceptor: MessageIntake, message: InboundMessage) -> Accepted:
    accepted = acceptor.accept(message)
    # Ids and outcomes only: never the text or the address.
    log.info(
        "channel message",
        extra={
            "channel": message.channel,
            "outcome": accepted.outcome.value,
            "complaint_id": accepted.complaint_id,
        },
    )
    return accepted
