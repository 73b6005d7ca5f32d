"""Every EventBridge rule delivers exactly the events its consumer handles.

The rule's pattern (from template.yaml) is matched against an envelope of every registered event
type, by our matcher and by moto's TestEventPattern over HTTP; the consumer is the function that
reads the rule's target queue, and its `HANDLERS` names the events it handles.
"""

from __future__ import annotations

import importlib
import json

import pytest

from infra import schemas
from infra.local import template
from infra.local.patterns import matches

SAM = template.load()


def envelope(cls) -> dict:
    return {
        "version": "0",
        "id": "1",
        "detail-type": cls.detail_type(),
        "source": cls.SOURCE,
        "account": "123456789012",
        "time": "2026-11-30T03:00:00Z",
        "region": "ap-southeast-3",
        "resources": [],
        "detail": {"metadata": {}, "data": {}},
    }


def rules():
    found = []
    for logical_id, resource in SAM["Resources"].items():
        if resource["Type"] != "AWS::Events::Rule":
            continue
        for target in resource["Properties"]["Targets"]:
            queue = target["Arn"]["Fn::GetAtt"][0]
            found.append((logical_id, resource["Properties"]["EventPattern"], queue))
    return found


def consumer_of(queue_logical_id: str) -> str:
    for resource in SAM["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "SQS" and event["Properties"]["Queue"] == {
                "Fn::GetAtt": [queue_logical_id, "Arn"]
            }:
                return resource["Properties"]["Handler"]
    raise AssertionError(f"no function consumes {queue_logical_id}")


@pytest.mark.parametrize("rule, pattern, queue", rules(), ids=[r[0] for r in rules()])
def test_each_rule_delivers_exactly_what_its_consumer_handles(rule, pattern, queue):
    handler_path = consumer_of(queue)
    module = importlib.import_module(handler_path.rsplit(".", 1)[0])
    handled = set(module.HANDLERS)
    delivered = {
        name for name, cls in schemas.event_types().items() if matches(pattern, envelope(cls))
    }
    assert delivered == handled, (
        f"{rule} delivers {sorted(delivered)} but {handler_path} handles {sorted(handled)}"
    )


def test_our_matcher_agrees_with_what_moto_delivers(moto_endpoint):
    """The same rules on a real (moto) bus deliver the same events our matcher predicts."""
    import uuid

    from tests.support import aws_client, eventually

    events, sqs = aws_client(moto_endpoint, "events"), aws_client(moto_endpoint, "sqs")
    bus = f"contract-{uuid.uuid4().hex[:6]}"
    events.create_event_bus(Name=bus)
    queues = {}
    for rule, pattern, _ in rules():
        url = sqs.create_queue(QueueName=f"{bus}-{rule}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(pattern))
        events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
        queues[rule] = url
    types = schemas.event_types()
    for cls in types.values():
        entry = envelope(cls)
        events.put_events(
            Entries=[
                {
                    "EventBusName": bus,
                    "Source": entry["source"],
                    "DetailType": entry["detail-type"],
                    "Detail": json.dumps(entry["detail"]),
                }
            ]
        )
    for rule, pattern, _ in rules():
        expected = {name for name, cls in types.items() if matches(pattern, envelope(cls))}
        got: set[str] = set()

        def drained(rule=rule, got=got, expected=expected):
            for message in sqs.receive_message(
                QueueUrl=queues[rule], MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", []):
                got.add(json.loads(message["Body"])["detail-type"])
            return got == expected

        eventually(
            drained, timeout=5, what=f"{rule} deliveries {sorted(expected)} (got {sorted(got)})"
        )
