"""A claim's lease is the claiming function's timeout, read from the invocation's context."""

from __future__ import annotations

import json
from datetime import timedelta

from aduan import lease
from aduan.consumer import EventConsumer


class Context:
    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def test_the_lease_is_the_time_an_invocation_has_when_it_starts_rounded_up():
    consumer = EventConsumer("notify", {})
    record = {"messageId": "1", "body": json.dumps({"detail-type": "Other", "detail": {}})}
    # an invocation of a function with a 12 s timeout starts with a little under 12 s left
    consumer({"Records": [record]}, Context(11_987))
    assert lease.claim_lease() == timedelta(seconds=12)
    consumer({"Records": [record]}, Context(30_000))
    assert lease.claim_lease() == timedelta(seconds=30)
    # called without a Lambda context (a test calling the handler): the template's timeout
    consumer({"Records": [record]}, None)
    assert lease.claim_lease() == lease.WITHOUT_CONTEXT
