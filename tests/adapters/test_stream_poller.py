"""The local cloud's stream mapping, as Lambda's: the filter's dropped records are consumed
without an invocation and move the checkpoint on, and caught_up() tells a waiting test the
truth about what is still to be handed over."""

from __future__ import annotations

import json
from typing import Any

from infra.local.pollers import StreamPoller
from tests.support import aws_client

_OUTBOX_ONLY = {"eventName": ["INSERT"], "dynamodb": {"Keys": {"SK": {"S": [{"prefix": "E#"}]}}}}


class _Recorder:
    """Stands in for the local runtime: keeps every batch it is handed."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def invoke(self, function: str, event: dict[str, Any]) -> None:
        self.batches.append([r["dynamodb"]["Keys"]["SK"]["S"] for r in event["Records"]])


def _relay_mapping(streams: Any, runtime: _Recorder, arn: str) -> StreamPoller:
    """The relay's mapping as the template has it: only new outbox items are handed over."""
    return StreamPoller(
        streams,
        None,
        runtime,  # type: ignore[arg-type]
        {
            "EventSourceArn": arn,
            "FilterCriteria": {"Filters": [{"Pattern": json.dumps(_OUTBOX_ONLY)}]},
        },
        "Relay",
        "ap-southeast-3",
    )


def _put(ddb: Any, table: str, sk: str) -> None:
    ddb.put_item(TableName=table, Item={"PK": {"S": "C#1"}, "SK": {"S": sk}})


def test_dropped_records_move_the_checkpoint_and_kept_ones_are_handed_over(
    complaint_table, moto_endpoint
):
    table, ddb = complaint_table
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    runtime = _Recorder()
    poller = _relay_mapping(aws_client(moto_endpoint, "dynamodbstreams"), runtime, arn)
    assert poller.caught_up()  # an empty stream

    _put(ddb, table, "A#dropped-1")
    _put(ddb, table, "E#kept")
    _put(ddb, table, "A#dropped-2")
    assert not poller.caught_up()  # a kept record waits after the checkpoint

    poller.poll_once()
    assert runtime.batches == [["E#kept"]]
    assert poller.caught_up()
    after_kept = dict(poller.checkpoint)

    _put(ddb, table, "A#dropped-3")
    assert poller.caught_up()  # dropped by the filter: nothing to wait for
    poller.poll_once()
    assert runtime.batches == [["E#kept"]]  # no invocation for it
    assert poller.checkpoint != after_kept  # but the checkpoint moved over it

    # A mapping started from that checkpoint (a restart) reads nothing again.
    again = _relay_mapping(poller.streams, runtime, arn)
    again.checkpoint = dict(poller.checkpoint)
    again._read()
    assert again.pending == []
