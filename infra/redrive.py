"""Redrive a dead-letter queue: move its messages back to the queue it protects.

    python -m infra.redrive RoutingDLQ            # the stack's RoutingDLQ -> RoutingQueue
    python -m infra.redrive NotifyDLQ --stack aduan --max 100

Which queue a DLQ protects is read from template.yaml (the queue whose RedrivePolicy names it);
the physical queues from the deployed stack. Messages move one by one: sent to the source queue,
then deleted from the DLQ, so a crash in between duplicates a message rather than losing it (the
consumers are idempotent). Works against AWS, LocalStack or the local cloud (AWS_ENDPOINT_URL).
The relay's DLQ holds stream positions, not events: after fixing the cause, re-run the relay on
that range (its records are in the table's history items; see the message's DDBStreamBatchInfo).
"""

from __future__ import annotations

import argparse
from typing import Any


def source_of(dlq_logical_id: str, sam: dict[str, Any]) -> str:
    for logical_id, resource in sam["Resources"].items():
        policy = (
            resource.get("Properties", {}).get("RedrivePolicy")
            if resource["Type"] == "AWS::SQS::Queue"
            else None
        )
        if policy and policy["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_logical_id, "Arn"]}:
            return logical_id
    raise SystemExit(f"{dlq_logical_id} is not the DLQ of any queue in template.yaml")


def redrive(sqs: Any, dlq_url: str, source_url: str, limit: int | None = None) -> int:
    moved = 0
    while limit is None or moved < limit:
        batch = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
        )
        messages = batch.get("Messages", [])
        if not messages:
            break
        for message in messages[: None if limit is None else limit - moved]:
            sent: dict[str, Any] = {"QueueUrl": source_url, "MessageBody": message["Body"]}
            if message.get("MessageAttributes"):
                sent["MessageAttributes"] = message["MessageAttributes"]
            sqs.send_message(**sent)
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return moved


def main() -> None:
    import boto3

    from infra.local import template

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dlq", help="logical id of the DLQ in template.yaml, e.g. RoutingDLQ")
    parser.add_argument("--stack", default="aduan")
    parser.add_argument("--max", type=int, default=None)
    args = parser.parse_args()
    source = source_of(args.dlq, template.load())
    cfn, sqs = boto3.client("cloudformation"), boto3.client("sqs")
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cfn.describe_stack_resources(StackName=args.stack)["StackResources"]
    }
    moved = redrive(sqs, physical[args.dlq], physical[source], args.max)
    print(f"moved {moved} message(s) from {args.dlq} back to {source}")


if __name__ == "__main__":
    main()
