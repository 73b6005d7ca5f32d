"""The template split across LocalStack and moto: which resource goes where, in which stack, and
which values cross from one stack to the next (pure: no emulator)."""

from __future__ import annotations

import pytest

from infra.local import split
from infra.local import template as tpl


@pytest.fixture(scope="module")
def cfn():
    return tpl.to_cloudformation(tpl.load())


@pytest.fixture(scope="module")
def plan(cfn):
    return split.plan(cfn, split.DEFAULT_LOCALSTACK_SERVICES, "aduan")


def test_resources_follow_their_service_by_type(cfn, plan):
    for logical_id, resource in cfn["Resources"].items():
        if resource["Type"] == "AWS::Lambda::EventSourceMapping":
            assert logical_id in plan.mappings
            continue
        service = resource["Type"].split("::")[1]
        on_localstack = service in {
            "SQS",
            "Events",
            "S3",
            "KMS",
            "Logs",
            "CloudWatch",
            "SNS",
            "Scheduler",
        }
        assert plan.where[logical_id] == ("localstack" if on_localstack else "moto"), logical_id


def test_every_resource_is_deployed_once_and_no_mapping_is_deployed(cfn, plan):
    deployed = [name for stack in plan.stacks for name in stack.resources]
    assert sorted(deployed) == sorted(
        k for k, r in cfn["Resources"].items() if r["Type"] != "AWS::Lambda::EventSourceMapping"
    )
    assert plan.mappings and all(k not in deployed for k in plan.mappings)


def test_a_stack_reads_only_its_own_resources_and_earlier_stacks_exports(plan):
    exported: set[split.Ref] = set()
    for stack in plan.stacks:
        own = set(stack.resources)
        for ref in split.references(stack.template):
            if ref[0] in plan.where and ref[0] not in own:
                assert ref in exported, (stack.name, ref)
        exported |= stack.exports
    assert plan.mapping_exports() <= exported


def test_the_stacks_alternate_between_the_emulators(plan):
    emulators = [stack.emulator for stack in plan.stacks]
    assert all(a != b for a, b in zip(emulators, emulators[1:], strict=False)), emulators
    assert [stack.name for stack in plan.stacks][0] == f"aduan-1-{emulators[0]}"


def test_resolved_templates_carry_literals_and_their_exports(plan):
    first, second = plan.stacks[0], plan.stacks[1]
    values = {ref: f"value-of-{ref[0]}-{ref[1]}" for ref in first.exports}
    template = second.resolved(values)
    assert not [ref for ref in split.references(template) if ref[0] in first.resources]
    assert set(first.resolved({}).get("Outputs", {})) >= {
        split.output_name(ref) for ref in first.exports
    }


def test_substitute_writes_refs_getatts_and_sub_names_but_keeps_sub_variables():
    values = {("Queue", None): "url", ("Queue", "Arn"): "arn:q", ("Bus", "Name"): "aduan"}
    node = {
        "a": {"Ref": "Queue"},
        "b": {"Fn::GetAtt": ["Queue", "Arn"]},
        "c": {"Fn::GetAtt": "Bus.Name"},
        "d": {"Fn::Sub": "${Queue.Arn}/${AWS::Region}/${Other}"},
        "e": {"Fn::Sub": ["${Queue}-${Queue.Arn}", {"Queue": "local"}]},
        "f": [{"Ref": "Other"}],
    }
    assert split.substitute(node, values) == {
        "a": "url",
        "b": "arn:q",
        "c": "aduan",
        "d": {"Fn::Sub": "arn:q/${AWS::Region}/${Other}"},
        "e": {"Fn::Sub": ["${Queue}-${Queue.Arn}", {"Queue": "local"}]},
        "f": [{"Ref": "Other"}],
    }


def test_mappings_come_back_in_the_shape_the_pollers_read(plan):
    values = {ref: f"arn:{ref[0]}" for ref in plan.mapping_exports()}
    arns = {
        k: f"arn:function:{k}" for k in {p["FunctionName"]["Ref"] for p in plan.mappings.values()}
    }
    mappings = split.resolved_mappings(plan, values, arns)
    by_id = {m["UUID"]: m for m in mappings}
    routing = by_id["RoutingFunctionReceived"]
    assert (
        routing["EventSourceArn"] == "arn:RoutingQueue"
        and routing["FunctionArn"] == "arn:function:RoutingFunction"
    )
    assert (
        routing["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        and "FunctionName" not in routing
    )
    relay = by_id["RelayFunctionOutbox"]
    assert relay["DestinationConfig"]["OnFailure"]["Destination"] == "arn:RelayDLQ"
    assert relay["FilterCriteria"]["Filters"]


def test_the_table_of_services_is_overridable_and_checked():
    assert split.localstack_services({}) == split.DEFAULT_LOCALSTACK_SERVICES
    assert split.localstack_services({"ADUAN_LOCALSTACK_SERVICES": "sqs, events dynamodb"}) == (
        "sqs",
        "events",
        "dynamodb",
    )
    assert split.clients_served(("sqs", "dynamodb")) == ("sqs", "dynamodb", "dynamodbstreams")
    with pytest.raises(SystemExit, match="lambda always stays in moto"):
        split.localstack_services({"ADUAN_LOCALSTACK_SERVICES": "sqs,lambda"})
    with pytest.raises(SystemExit, match="unknown service 'sqss'"):
        split.localstack_services({"ADUAN_LOCALSTACK_SERVICES": "sqss"})


def test_with_dynamodb_on_localstack_the_tables_move_and_the_functions_stay(cfn):
    moved = split.plan(cfn, (*split.DEFAULT_LOCALSTACK_SERVICES, "dynamodb"), "aduan")
    assert moved.where["ComplaintTable"] == "localstack"
    assert moved.where["WebFunction"] == moved.where["WebFunctionRole"] == "moto"


def test_a_circular_reference_across_emulators_is_named():
    cfn = {
        "Resources": {
            "Queue": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"Tags": [{"Key": "t", "Value": {"Ref": "Table"}}]},
            },
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {"TableName": {"Fn::GetAtt": ["Queue", "QueueName"]}},
            },
        }
    }
    with pytest.raises(ValueError, match="circular reference"):
        split.plan(cfn, ("sqs",), "x")


def _fake_python(folder, version):
    folder.mkdir(parents=True)
    python = folder / "python3.13"
    python.write_text(f"#!/bin/sh\necho '{version}'\n")
    python.chmod(0o755)
    return python


def test_python_313_is_found_in_pyenv_versions_without_the_shim(tmp_path):
    from infra.local.localstack import python313

    found = _fake_python(tmp_path / ".pyenv" / "versions" / "3.13.2" / "bin", "(3, 13)")
    _fake_python(tmp_path / "bin", "(3, 12)")  # a shim answering for another version
    assert python313({"HOME": str(tmp_path), "PATH": str(tmp_path / "bin")}) == str(found)


def test_without_python_313_the_message_names_what_to_install(tmp_path):
    from infra.local.localstack import python313

    _fake_python(tmp_path / "bin", "(3, 12)")
    with pytest.raises(SystemExit, match=r"needs Python 3\.13.*pyenv install 3\.13"):
        python313({"HOME": str(tmp_path), "PATH": str(tmp_path / "bin")})


def test_request_counts_come_from_localstacks_own_request_log(tmp_path):
    from infra.local.localstack import request_counts

    log = tmp_path / "localstack.log"
    log.write_text(
        "2026-12-02T05:17:24.511  INFO --- [  MainThread] hypercorn.error : Running on https://127.0.0.1:4800\n"
        "2026-12-02T05:17:30.271  INFO --- [   asgi_gw_0] localstack.request.aws     : AWS sqs.ReceiveMessage => 200\n"
        "2026-12-02T05:17:30.291  INFO --- [   asgi_gw_1] localstack.request.aws     : AWS sqs.ReceiveMessage => 200\n"
        "2026-12-02T05:17:30.301  INFO --- [   asgi_gw_1] localstack.request.aws     : AWS events.PutEvents => 200\n"
    )
    assert request_counts(log) == {"sqs.ReceiveMessage": 2, "events.PutEvents": 1}
    assert request_counts(tmp_path / "missing.log") == {}
