"""Event source mappings, as the Lambda service runs them: SQS queues and DynamoDB streams.

SQS: long-poll up to BatchSize messages, invoke with the SQS event shape, delete what succeeded;
with ReportBatchItemFailures only the reported records stay on the queue. The queue's own
redrive policy (in moto) moves a message to the DLQ after maxReceiveCount receives.
Locally a failed message becomes visible again after `retry_delay_s` instead of the full
visibility timeout, so a failure reaches the DLQ in seconds rather than minutes.

Streams: read each shard in order, apply the mapping's FilterCriteria, invoke with the stream
event shape; a reported failure re-delivers from that record, up to MaximumRetryAttempts, then
the batch goes to the on-failure destination.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

from infra.local.patterns import matches
from infra.local.runtime import FunctionError, Runtime


class Poller(threading.Thread):
    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.stopping = threading.Event()
        self.busy = threading.Event()  # set while a batch is in flight (tests wait for idle)

    def stop(self) -> None:
        self.stopping.set()


class SqsPoller(Poller):
    def __init__(self, sqs: Any, runtime: Runtime, mapping: dict[str, Any], function: str, region: str, retry_delay_s: int = 1) -> None:
        super().__init__(f"sqs:{function}")
        self.sqs = sqs
        self.runtime = runtime
        self.function = function
        self.queue_arn = mapping["EventSourceArn"]
        self.batch_size = min(int(mapping.get("BatchSize") or 10), 10)
        self.report_failures = "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or [])
        self.region = region
        self.retry_delay_s = retry_delay_s
        name = self.queue_arn.rsplit(":", 1)[1]
        self.queue_url = sqs.get_queue_url(QueueName=name)["QueueUrl"]

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.poll_once()
            except Exception as error:  # the emulator restarting, a network blip: keep polling
                print(f"[local] {self.name}: {error}")
                time.sleep(0.5)

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
            return 0
        self.busy.set()
        try:
            failed = self._invoke(messages)
            done = [m for m in messages if m["MessageId"] not in failed]
            for start in range(0, len(done), 10):
                self.sqs.delete_message_batch(
                    QueueUrl=self.queue_url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start : start + 10])],
                )
            for message in messages:
                if message["MessageId"] in failed:
                    self.sqs.change_message_visibility(
                        QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=self.retry_delay_s
                    )
        finally:
            self.busy.clear()
        return len(messages)

    def _invoke(self, messages: list[dict[str, Any]]) -> set[str]:
        event = {"Records": [self._record(m) for m in messages]}
        try:
            result = self.runtime.invoke(self.function, event)
        except FunctionError as error:
            print(f"[local] {error}")
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
    def __init__(self, streams: Any, sqs: Any, runtime: Runtime, mapping: dict[str, Any], function: str, region: str, interval_s: float = 0.05) -> None:
        super().__init__(f"stream:{function}")
        self.streams = streams
        self.sqs = sqs
        self.runtime = runtime
        self.function = function
        self.stream_arn = mapping["EventSourceArn"]
        self.batch_size = int(mapping.get("BatchSize") or 100)
        self.max_retries = int(mapping.get("MaximumRetryAttempts") if mapping.get("MaximumRetryAttempts") is not None else 10)
        self.report_failures = "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or [])
        self.filters = [json.loads(f["Pattern"]) for f in (mapping.get("FilterCriteria") or {}).get("Filters", [])]
        self.on_failure = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        self.region = region
        self.interval_s = interval_s
        self.iterators: dict[str, str] = {}
        self.pending: list[dict[str, Any]] = []  # read but not yet handled, in order

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                if not self.poll_once():
                    time.sleep(self.interval_s)
            except Exception as error:
                print(f"[local] {self.name}: {error}")
                time.sleep(0.5)

    def _read(self) -> None:
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self.iterators:
                self.iterators[shard_id] = self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            answer = self.streams.get_records(ShardIterator=self.iterators[shard_id], Limit=1000)
            self.iterators[shard_id] = answer.get("NextShardIterator") or self.iterators[shard_id]
            self.pending += answer.get("Records", [])

    def poll_once(self) -> int:
        if not self.pending:
            self._read()
        # Filtered-out records are consumed without an invocation, as in AWS.
        self.pending = [r for r in self.pending if not self.filters or any(matches(f, r) for f in self.filters)]
        if not self.pending:
            return 0
        self.busy.set()
        try:
            batch = self.pending[: self.batch_size]
            for attempt in range(self.max_retries + 1):
                failed_from = self._invoke(batch)
                if failed_from is None:
                    break
                batch = batch[failed_from:]
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                self._give_up(batch)
            self.pending = self.pending[self.batch_size :]
        finally:
            self.busy.clear()
        return len(batch)

    def _invoke(self, batch: list[dict[str, Any]]) -> int | None:
        """None when the batch succeeded, else the index to resume from."""
        event = {"Records": [self._record(r) for r in batch]}
        try:
            result = self.runtime.invoke(self.function, event)
        except FunctionError as error:
            print(f"[local] {error}")
            return 0
        failures = (result or {}).get("batchItemFailures") if self.report_failures and isinstance(result, dict) else None
        if not failures:
            return None
        sequence = [r["dynamodb"]["SequenceNumber"] for r in batch]
        reported = [f["itemIdentifier"] for f in failures]
        return min(sequence.index(s) for s in reported if s in sequence) if any(s in sequence for s in reported) else 0

    def _record(self, record: dict[str, Any]) -> dict[str, Any]:
        # boto3 parses the creation time into a datetime; Lambda delivers epoch seconds.
        dynamodb = dict(record["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            dynamodb["ApproximateCreationDateTime"] = created.timestamp()
        return {**record, "dynamodb": dynamodb, "eventSourceARN": self.stream_arn, "awsRegion": self.region}

    def _give_up(self, batch: list[dict[str, Any]]) -> None:
        if not self.on_failure:
            return
        name = self.on_failure.rsplit(":", 1)[1]
        url = self.sqs.get_queue_url(QueueName=name)["QueueUrl"]
        self.sqs.send_message(
            QueueUrl=url,
            MessageBody=json.dumps(
                {
                    "requestContext": {"condition": "RetryAttemptsExhausted", "functionArn": self.function},
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

    def __init__(self, runtime: Runtime, function: str, expression: str, payload: str | None, region: str) -> None:
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
        event = json.loads(self.payload) if self.payload else {
            "version": "0",
            "id": f"local-{now.timestamp()}",
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler",
            "account": "123456789012",
            "time": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),  # "Z": UTC, whatever zone `now` is in
            "region": self.region,
            "resources": [],
            "detail": {},
        }
        try:
            return self.runtime.invoke(self.function, event)
        except FunctionError as error:
            print(f"[local] {error}")
            return None


def parse_rate(expression: str) -> float:
    import re

    found = re.fullmatch(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)", expression.strip())
    if not found:
        # cron() schedules fire every 5 minutes locally; the function decides what is due.
        return 300.0
    amount, unit = int(found.group(1)), found.group(2).rstrip("s")
    return amount * {"minute": 60, "hour": 3600, "day": 86400}[unit]
