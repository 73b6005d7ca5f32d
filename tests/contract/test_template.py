"""template.yaml keeps the house rules: every resource a consumer needs, wired the safe way."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aduan import lease
from infra.local import template

ROOT = Path(__file__).resolve().parents[2]
SAM = template.load()
RESOURCES = SAM["Resources"]
GLOBAL_FN = SAM["Globals"]["Function"]


def of_type(kind):
    return {k: r for k, r in RESOURCES.items() if r["Type"] == kind}


FUNCTIONS = of_type("AWS::Serverless::Function")
QUEUES = of_type("AWS::SQS::Queue")


def fn_props(logical_id):
    return {**GLOBAL_FN, **FUNCTIONS[logical_id]["Properties"]}


def test_cfn_lint_finds_nothing():
    lint = shutil.which("cfn-lint") or str(Path(sys.executable).parent / "cfn-lint")
    result = subprocess.run([lint, str(ROOT / "template.yaml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_lint_passes():
    # `make test` installs the SAM CLI in .venv-sam (it pins its own boto3 and translator).
    sam = ROOT / ".venv-sam" / "bin" / "sam"
    assert sam.exists(), "run `make test` (it installs the SAM CLI into .venv-sam)"
    result = subprocess.run(
        [
            str(sam),
            "validate",
            "--lint",
            "--region",
            "ap-southeast-3",
            "-t",
            str(ROOT / "template.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_template_translates_to_plain_cloudformation():
    translated = template.to_cloudformation(SAM)
    assert not [
        r for r in translated["Resources"].values() if r["Type"].startswith("AWS::Serverless::")
    ]


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_handler_exists_and_is_callable(logical_id):
    props = fn_props(logical_id)
    code_dir = ROOT / props["CodeUri"]
    assert code_dir.is_dir()
    module_name, _, attribute = props["Handler"].rpartition(".")
    assert (code_dir / (module_name.replace(".", "/") + ".py")).exists()
    handler = getattr(importlib.import_module(module_name), attribute)
    assert callable(handler)


def declared_needs(handler):
    while handler is not None:
        if hasattr(handler, "needs"):
            return handler.needs
        handler = getattr(handler, "__wrapped__", None)
    return ()


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_the_variables_a_function_needs_are_set_by_the_template(logical_id):
    props = fn_props(logical_id)
    module_name, _, attribute = props["Handler"].rpartition(".")
    needs = declared_needs(getattr(importlib.import_module(module_name), attribute))
    environment = {
        **GLOBAL_FN.get("Environment", {}).get("Variables", {}),
        **FUNCTIONS[logical_id]["Properties"].get("Environment", {}).get("Variables", {}),
    }
    assert {name.upper() for name in needs} <= set(environment), (logical_id, needs)


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_runs_python312_on_arm64_traced_with_its_own_log_group(logical_id):
    props = fn_props(logical_id)
    assert (
        props["Runtime"] == "python3.12"
        and props["Architectures"] == ["arm64"]
        and props["Tracing"] == "Active"
    )
    group = props["LoggingConfig"]["LogGroup"]["Ref"]
    assert (
        RESOURCES[group]["Type"] == "AWS::Logs::LogGroup"
        and "RetentionInDays" in RESOURCES[group]["Properties"]
    )


def consumers():
    """(queue, function) pairs from the functions' SQS events."""
    pairs = []
    for logical_id in FUNCTIONS:
        for event in fn_props(logical_id).get("Events", {}).values():
            if event["Type"] == "SQS":
                pairs.append(
                    (event["Properties"]["Queue"]["Fn::GetAtt"][0], logical_id, event["Properties"])
                )
    return pairs


def dlqs():
    return {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in QUEUES.values()
        if "RedrivePolicy" in q["Properties"]
    }


@pytest.mark.parametrize("queue, function, event", consumers(), ids=[c[0] for c in consumers()])
def test_every_consumer_queue_has_a_dlq_and_a_long_enough_visibility_timeout(
    queue, function, event
):
    props = QUEUES[queue]["Properties"]
    assert props["RedrivePolicy"]["maxReceiveCount"] >= 1
    timeout = int(fn_props(function).get("Timeout", 3))
    assert props["VisibilityTimeout"] >= 6 * timeout, (
        f"{queue}: {props['VisibilityTimeout']} < 6 × {timeout}"
    )
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


# The functions that claim a side effect before doing it, and the lease they claim it for.
CLAIMERS = {"NotifyFunction": "notify.deliver", "LaporBridgeFunction": "lapor.bridge"}


@pytest.mark.parametrize("function", sorted(CLAIMERS))
def test_a_claim_lease_is_the_function_timeout_and_waits_on_its_own_queue(function):
    # A pending claim older than the function's timeout was left by an invocation that has
    # ended, so the lease is no longer than that (and no shorter: a live sender keeps it). It is
    # read from the invocation's context (aduan.lease); outside one it falls back to the Timeout
    claimer = importlib.import_module(CLAIMERS[function])
    assert claimer.claim_lease is lease.claim_lease
    timeout = int(fn_props(function).get("Timeout", 3))
    assert lease.WITHOUT_CONTEXT.total_seconds() == timeout, f"{function}: timeout {timeout} s"
    (queue,) = [q for q, f, _ in consumers() if f == function]
    # the queue's visibility timeout exceeds it, so a redelivery after a crash finds it expired
    assert QUEUES[queue]["Properties"]["VisibilityTimeout"] > timeout
    # and a record meeting a live claim goes back on its own queue, delayed (aduan.consumer)
    allowed = [
        statement
        for policy in fn_props(function).get("Policies", [])
        for statement in policy.get("Statement", [])
        if "sqs:SendMessage" in statement["Action"]
    ]
    assert allowed and all(s["Resource"] == {"Fn::GetAtt": [queue, "Arn"]} for s in allowed)


def test_every_queue_is_a_consumer_queue_or_a_dlq():
    consumed = {q for q, _, _ in consumers()}
    on_failure = {
        e["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        for f in FUNCTIONS
        for e in fn_props(f).get("Events", {}).values()
        if e["Type"] in ("DynamoDB", "Kinesis") and "DestinationConfig" in e["Properties"]
    }
    assert set(QUEUES) == consumed | dlqs() | on_failure


def test_every_dlq_has_an_alarm_on_its_first_message():
    alarmed = set()
    for alarm in of_type("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props["MetricName"] == "ApproximateNumberOfMessagesVisible" and props["Threshold"] == 1:
            alarmed.add(props["Dimensions"][0]["Value"]["Fn::GetAtt"][0])
    failure_queues = dlqs() | {q for q in QUEUES if q.endswith("DLQ")}
    assert failure_queues <= alarmed, failure_queues - alarmed


def test_put_events_is_allowed_only_on_the_bus():
    for logical_id in FUNCTIONS:
        for policy in fn_props(logical_id).get("Policies", []):
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                actions = (
                    statement["Action"]
                    if isinstance(statement["Action"], list)
                    else [statement["Action"]]
                )
                if "events:PutEvents" in actions:
                    assert statement["Resource"] == {"Fn::GetAtt": ["Bus", "Arn"]}, logical_id
                assert "*" not in actions and not any(a.endswith(":*") for a in actions), logical_id


def test_rules_name_the_bus_with_getatt():
    for rule in of_type("AWS::Events::Rule").values():
        assert rule["Properties"]["EventBusName"] == {"Fn::GetAtt": ["Bus", "Name"]}


def test_the_complaint_table_has_the_stream_and_indexes_of_the_design():
    table = RESOURCES["ComplaintTable"]["Properties"]
    assert table["StreamSpecification"]["StreamViewType"] in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} >= {
        "UnitInbox",
        "Deadlines",
        "ExternalRef",
    }
    assert "IdempotencyTable" in RESOURCES


def test_samconfig_deploys_to_jakarta():
    text = (ROOT / "samconfig.toml").read_text()
    assert 'region = "ap-southeast-3"' in text


def test_sam_build_ships_every_function_and_the_layer_compiled_by_the_makefile(tmp_path):
    # Code shipped as source is compiled again in every cold container (Lambda's code folders
    # are read-only): each function and the layer are built by the Makefile's build-* targets.
    sam = template.load()
    built = {
        logical_id: resource
        for logical_id, resource in sam["Resources"].items()
        if resource["Type"] in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion")
    }
    assert len(built) >= 13
    for logical_id, resource in built.items():
        assert resource.get("Metadata", {}).get("BuildMethod") == "makefile", logical_id
        assert resource["Metadata"].get("ContextPath") == ".", logical_id
        plan = subprocess.run(
            ["make", "-n", "-f", str(ROOT / "Makefile"), f"build-{logical_id}"],
            cwd=tmp_path,
            env={"ARTIFACTS_DIR": str(tmp_path / "out"), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
        )
        assert plan.returncode == 0, plan.stderr
        assert "compileall" in plan.stdout and "unchecked-hash" in plan.stdout, logical_id
