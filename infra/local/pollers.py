"""Event source mappings, as the Lambda service runs them: SQS queues and DynamoDB streams.

SQS: long-poll up to BatchSize messages, invoke with the SQS event shape, delete what succeeded;
with ReportBatchItemFailures only the reported records stay on the queue. The queue's own
redrive policy (in moto) moves a message to the DLQ after maxReceiveCount receives.
Locally a failed message becomes visible again after `retry_delay_s` instead of the full
visibility timeout, so a failure reaches the DLQ in seconds rather than minutes. Lambda reads a
standard queue with several batches at once (five to start with, more as the queue grows, never
more than the mapping's ScalingConfig MaximumConcurrency); the local cloud runs `sqs_batches`
pollers per mapping, each with its batch in its own container.

Streams: read each shard in order, apply the mapping's FilterCriteria, invoke with the stream
event shape; a reported failure re-delivers from that record, up to MaximumRetryAttempts, then
the batch goes to the on-failure destination.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from infra.local.patterns import matches
from infra.local.runtime import FunctionError, Runtime


class Poller(threading.Thread):
    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.stopping = threading.Event()
        self.busy = threading.Event()  # set while a batch is in flight (tests wait for idle)
        self.handled = 0  # batches handled so far (idle() sees whether any ran while it looked)
        self.log: Callable[[str], None] = print  # the local cloud points this at its log

    def stop(self) -> None:
        self.stopping.set()

    def caught_up(self) -> bool:
        """Nothing waits for this poller: the local cloud's idle() asks every poller."""
        return not self.busy.is_set()


# Batches of one SQS mapping in flight at once, locally: Lambda starts with five; on two cores
# more than three only queue for the CPU.
SQS_BATCHES = 3


def sqs_batches(mapping: dict[str, Any]) -> int:
    """How many batches of this mapping run at once: SQS_BATCHES, or the mapping's
    ScalingConfig MaximumConcurrency when that is lower."""
    maximum = (mapping.get("ScalingConfig") or {}).get("MaximumConcurrency")
    return min(SQS_BATCHES, int(maximum)) if maximum else SQS_BATCHES


class SqsPoller(Poller):
    def __init__(
        self,
        sqs: Any,
        runtime: Runtime,
        mapping: dict[str, Any],
        function: str,
        region: str,
        retry_delay_s: int = 1,
    ) -> None:
        super().__init__(f"sqs:{function}")
        self.sqs = sqs
        self.runtime = runtime
        self.function = function
        self.queue_arn = mapping["EventSourceArn"]
        self.batch_size = min(int(mapping.get("BatchSize") or 10), 10)
        self.report_failures = "ReportBatchItemFailures" in (
            mapping.get("FunctionResponseTypes") or []
        )
        self.region = region
        self.retry_delay_s = retry_delay_s
        # The SQS requests this mapping made (the bench's cost figures): receives that found
        # messages, empty ones, deletes, visibility changes; and the messages it was handed.
        self.requests: Counter[str] = Counter()
        name = self.queue_arn.rsplit(":", 1)[1]
        self.queue_url = sqs.get_queue_url(QueueName=name)["QueueUrl"]

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.poll_once()
            except Exception as error:  # the emulator restarting, a network blip: keep polling
                self.log(f"[local] {self.name}: {error}")
                time.sleep(0.5)

    def caught_up(self) -> bool:
        """No batch in flight and the queue empty: visible, in flight and delayed (a record
        waiting for another invocation's claim comes back delayed)."""
        if self.busy.is_set():
            return False
        counts = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=[
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
            ],
        )["Attributes"]
        return not any(int(n) for n in counts.values())

    def poll_once(self) -> int:
        answer = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=1,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            self.requests["ReceiveMessage (empty)"] += 1
            return 0
        self.requests["ReceiveMessage"] += 1
        self.requests["messages"] += len(messages)
        self.busy.set()
        try:
            failed = self._invoke(messages)
            done = [m for m in messages if m["MessageId"] not in failed]
            for start in range(0, len(done), 10):
                self.requests["DeleteMessageBatch"] += 1
                self.sqs.delete_message_batch(
                    QueueUrl=self.queue_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(done[start : start + 10])
                    ],
                )
            for message in messages:
                if message["MessageId"] in failed:
                    self.requests["ChangeMessageVisibility"] += 1
                    self.sqs.change_message_visibility(
                        QueueUrl=self.queue_url,
                        ReceiptHandle=message["ReceiptHandle"],
                        VisibilityTimeout=self.retry_delay_s,
                    )
        finally:
            self.handled += 1
            self.busy.clear()
        return len(messages)

    def _invoke(self, messages: list[dict[str, Any]]) -> set[str]:
        event = {"Records": [self._record(m) for m in messages]}
        try:
            result = self.runtime.invoke(self.function, event)
        except FunctionError as error:
            self.log(f"[local] {error}")
            return {m["MessageId"] for m in messages}
        if self.report_failures and isinstance(result, dict):
            return {f["itemIdentifier"] for f in result.get("batchItemFailures") or []}
        return set()

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {
                k: {"stringValue": v.get("StringValue"), "dataType": v["DataType"]}
                for k, v in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.region,
        }


class StreamPoller(Poller):
    def __init__(
        self,
        streams: Any,
        sqs: Any,
        runtime: Runtime,
        mapping: dict[str, Any],
        function: str,
        region: str,
        interval_s: float = 0.25,
    ) -> None:
        super().__init__(f"stream:{function}")
        self.streams = streams
        self.sqs = sqs
        self.runtime = runtime
        self.function = function
        self.stream_arn = mapping["EventSourceArn"]
        self.batch_size = int(mapping.get("BatchSize") or 100)
        retries = mapping.get("MaximumRetryAttempts")
        self.max_retries = int(retries if retries is not None else 10)
        self.report_failures = "ReportBatchItemFailures" in (
            mapping.get("FunctionResponseTypes") or []
        )
        self.filters = [
            json.loads(f["Pattern"])
            for f in (mapping.get("FilterCriteria") or {}).get("Filters", [])
        ]
        self.on_failure = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination"
        )
        self.region = region
        # Lambda polls each shard about 4 times a second while it finds nothing, and again at
        # once after a batch; the shard list is read again every few seconds, not on every poll.
        self.interval_s = interval_s
        self.shards: list[dict[str, Any]] = []
        self.shards_read_at = 0.0
        self.iterators: dict[str, str] = {}
        self.pending: list[dict[str, Any]] = []  # read but not yet handled, in order
        # The mapping's checkpoint, as Lambda keeps one: shard -> the last sequence number
        # handled. A local cloud that keeps its state (LocalCloud's `state`) saves it at stop and
        # gives it back here at the next start, which then reads on after it.
        self.checkpoint: dict[str, str] = {}
        self._shard_of: dict[str, str] = {}  # pending record's sequence number -> its shard
        # shard -> the last sequence number read. Once nothing read waits, the checkpoint moves
        # there, over the records the filters dropped too, as Lambda's does: a restart does not
        # read them again and caught_up() looks only at what came after.
        self._read_up_to: dict[str, str] = {}

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                if not self.poll_once():
                    time.sleep(self.interval_s)
            except Exception as error:
                self.log(f"[local] {self.name}: {error}")
                time.sleep(0.5)

    def _read(self) -> None:
        if not self.shards or time.monotonic() - self.shards_read_at > 5:
            self.shards = self.streams.describe_stream(StreamArn=self.stream_arn)[
                "StreamDescription"
            ]["Shards"]
            self.shards_read_at = time.monotonic()
        for shard in self.shards:
            shard_id = shard["ShardId"]
            if shard_id not in self.iterators:
                after = self.checkpoint.get(shard_id)
                self.iterators[shard_id] = self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn,
                    ShardId=shard_id,
                    **(
                        {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
                        if after
                        else {"ShardIteratorType": "TRIM_HORIZON"}
                    ),
                )["ShardIterator"]
            try:
                answer = self.streams.get_records(
                    ShardIterator=self.iterators[shard_id], Limit=1000
                )
            except self.streams.exceptions.ExpiredIteratorException:
                # The emulator's snapshot keeps no iterator (AWS's expire after 15 minutes): the
                # next read asks for a new one after the checkpoint.
                del self.iterators[shard_id]
                continue
            self.iterators[shard_id] = answer.get("NextShardIterator") or self.iterators[shard_id]
            records = answer.get("Records", [])
            self._shard_of.update((r["dynamodb"]["SequenceNumber"], shard_id) for r in records)
            self.pending += records
            if records:
                self._read_up_to[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]

    def caught_up(self) -> bool:
        """Nothing of the stream waits for this mapping: no record read and not yet handled,
        and none (that its filters keep) after the checkpoint. The look is the stream's own,
        through a fresh iterator: a stream is not a queue, reading it takes nothing away."""
        if self.busy.is_set() or self.pending:
            return False
        for shard in self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"][
            "Shards"
        ]:
            after = self.checkpoint.get(shard["ShardId"])
            iterator = self.streams.get_shard_iterator(
                StreamArn=self.stream_arn,
                ShardId=shard["ShardId"],
                **(
                    {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
                    if after
                    else {"ShardIteratorType": "TRIM_HORIZON"}
                ),
            )["ShardIterator"]
            records = self.streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
            if any(not self.filters or any(matches(f, r) for f in self.filters) for r in records):
                return False
        return True

    def poll_once(self) -> int:
        # Busy from the read on: a record taken from the stream is in flight until handled
        # (idle() must not see a gap between the read and the invocation).
        self.busy.set()
        try:
            return self._poll_once()
        finally:
            self.busy.clear()

    def _poll_once(self) -> int:
        if not self.pending:
            self._read()
        # Filtered-out records are consumed without an invocation, as in AWS.
        kept = [
            r for r in self.pending if not self.filters or any(matches(f, r) for f in self.filters)
        ]
        if len(kept) < len(self.pending):  # (read again after a restart, and dropped again)
            kept_ids = {id(r) for r in kept}
            for record in self.pending:
                if id(record) not in kept_ids:
                    self._shard_of.pop(record["dynamodb"]["SequenceNumber"], None)
        self.pending = kept
        if not self.pending:
            self.checkpoint.update(self._read_up_to)
            return 0
        batch = self.pending[: self.batch_size]
        for attempt in range(self.max_retries + 1):
            failed_from = self._invoke(batch)
            if failed_from is None:
                break
            batch = batch[failed_from:]
            time.sleep(min(0.05 * 2**attempt, 1.0))
        else:
            self._give_up(batch)
        for record in self.pending[: self.batch_size]:
            sequence = record["dynamodb"]["SequenceNumber"]
            shard = self._shard_of.pop(sequence, None)
            if shard is not None:
                self.checkpoint[shard] = sequence
        self.pending = self.pending[self.batch_size :]
        if not self.pending:
            self.checkpoint.update(self._read_up_to)
        self.handled += 1
        return len(batch)

    def _invoke(self, batch: list[dict[str, Any]]) -> int | None:
        """None when the batch succeeded, else the index to resume from."""
        event = {"Records": [self._record(r) for r in batch]}
        try:
            result = self.runtime.invoke(self.function, event)
        except FunctionError as error:
            self.log(f"[local] {error}")
            return 0
        failures = (
            (result or {}).get("batchItemFailures")
            if self.report_failures and isinstance(result, dict)
            else None
        )
        if not failures:
            return None
        sequence = [r["dynamodb"]["SequenceNumber"] for r in batch]
        reported = [f["itemIdentifier"] for f in failures]
        return (
            min(sequence.index(s) for s in reported if s in sequence)
            if any(s in sequence for s in reported)
            else 0
        )

    def _record(self, record: dict[str, Any]) -> dict[str, Any]:
        # boto3 parses the creation time into a datetime; Lambda delivers epoch seconds.
        dynamodb = dict(record["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            dynamodb["ApproximateCreationDateTime"] = created.timestamp()
        return {
            **record,
            "dynamodb": dynamodb,
            "eventSourceARN": self.stream_arn,
            "awsRegion": self.region,
        }

    def _give_up(self, batch: list[dict[str, Any]]) -> None:
        if not self.on_failure:
            return
        name = self.on_failure.rsplit(":", 1)[1]
        url = self.sqs.get_queue_url(QueueName=name)["QueueUrl"]
        self.sqs.send_message(
            QueueUrl=url,
            MessageBody=json.dumps(
                {
                    "requestContext": {
                        "condition": "RetryAttemptsExhausted",
                        "functionArn": self.function,
                    },
                    "timestamp": datetime.now(UTC).isoformat(),
                    "DDBStreamBatchInfo": {
                        "streamArn": self.stream_arn,
                        "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
                        "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
                        "batchSize": len(batch),
                    },
                }
            ),
        )


class ScheduledInvoker(Poller):
    """EventBridge Scheduler / scheduled rules, fired locally (moto's Scheduler never fires)."""

    def __init__(
        self, runtime: Runtime, function: str, expression: str, payload: str | None, region: str
    ) -> None:
        super().__init__(f"schedule:{function}")
        self.runtime = runtime
        self.function = function
        self.period_s = parse_rate(expression)
        self.payload = payload
        self.region = region

    def run(self) -> None:
        while not self.stopping.wait(self.period_s):
            self.fire()

    def fire(self, now: datetime | None = None) -> Any:
        now = now or datetime.now(UTC)
        event = (
            json.loads(self.payload)
            if self.payload
            else {
                "version": "0",
                "id": f"local-{now.timestamp()}",
                "detail-type": "Scheduled Event",
                "source": "aws.scheduler",
                "account": "123456789012",
                "time": now.astimezone(UTC).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),  # "Z": UTC, whatever zone `now` is in
                "region": self.region,
                "resources": [],
                "detail": {},
            }
        )
        try:
            return self.runtime.invoke(self.function, event)
        except FunctionError as error:
            self.log(f"[local] {error}")
            return None


def parse_rate(expression: str) -> float:
    import re

    found = re.fullmatch(
        r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)", expression.strip()
    )
    if not found:
        # cron() schedules fire every 5 minutes locally; the function decides what is due.
        return 300.0
    amount, unit = int(found.group(1)), found.group(2).rstrip("s")
    return amount * {"minute": 60, "hour": 3600, "day": 86400}[unit]
