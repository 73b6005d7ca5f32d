"""One template across two emulators: which resource goes where, and the stacks that deploy it.

LocalStack serves some services, the embedded moto the rest. The table below names the services
by their boto3 client name; a resource follows its CloudFormation type (`AWS::<Service>::...`),
so nothing here lists a resource by hand. The template is cut into stacks in dependency order:
a resource on one emulator that needs a value from a resource on the other goes into a later
stack, and each earlier stack exports (as Outputs) exactly the values the later ones read; they
are written into the later stack as literals before it is deployed.

Event source mappings are never deployed: the local cloud runs them itself (an emulator would
run the functions, and moto's Lambda accepts only sources it holds). They come back resolved, in
the shape ListEventSourceMappings answers, for the pollers.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LOCALSTACK = "localstack"
MOTO = "moto"

# boto3 client name -> the `AWS::<Service>::` part of the CloudFormation types it deploys, for the
# services that may be moved to LocalStack (ADUAN_LOCALSTACK_SERVICES names them).
MOVABLE: dict[str, str] = {
    "sqs": "SQS",
    "events": "Events",
    "s3": "S3",
    "kms": "KMS",
    "logs": "Logs",
    "cloudwatch": "CloudWatch",
    "sns": "SNS",
    "scheduler": "Scheduler",
    "dynamodb": "DynamoDB",  # LocalStack in Docker has DynamoDB Local; this machine does not
    "ses": "SES",
}
# What LocalStack (community edition, run without Docker) serves well here. moto keeps the rest:
# DynamoDB (LocalStack would download DynamoDB Local, Java and not open source) and its streams,
# Lambda registration and IAM (moto's Lambda accepts only roles of its own IAM), Cognito (not in
# the community edition) and SES (the fake providers' outbox reads moto's recorded mail).
DEFAULT_LOCALSTACK_SERVICES: tuple[str, ...] = (
    "sqs",
    "events",
    "s3",
    "kms",
    "logs",
    "cloudwatch",
    "sns",
    "scheduler",
)
# Clients that go wherever another service goes (a table's stream lives with its table).
FOLLOWERS: dict[str, str] = {"dynamodbstreams": "dynamodb"}
# Never moved: the functions always run in the local runtime, registered in moto.
PINNED_TO_MOTO = ("lambda", "iam", "cognito-idp", "cloudformation", "sts")


def localstack_services(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The services LocalStack serves: ADUAN_LOCALSTACK_SERVICES (comma or space separated) or
    the default table. An unknown or pinned name is refused with the list of known ones."""
    raw = environ.get("ADUAN_LOCALSTACK_SERVICES", "").strip()
    if not raw:
        return DEFAULT_LOCALSTACK_SERVICES
    names = tuple(dict.fromkeys(n for n in re.split(r"[,\s]+", raw.lower()) if n))
    for name in names:
        if name in PINNED_TO_MOTO:
            raise SystemExit(
                f"ADUAN_LOCALSTACK_SERVICES: {name} always stays in moto (the functions run in the local runtime)"
            )
        if name not in MOVABLE:
            raise SystemExit(
                f"ADUAN_LOCALSTACK_SERVICES: unknown service {name!r}; known: {', '.join(MOVABLE)}"
            )
    return names


def clients_served(services: tuple[str, ...]) -> tuple[str, ...]:
    """The boto3 clients that go to LocalStack: the services and the clients that follow them."""
    return (*services, *(follower for follower, leader in FOLLOWERS.items() if leader in services))


def emulator_of(resource_type: str, services: tuple[str, ...]) -> str:
    part = resource_type.split("::")[1] if resource_type.count("::") >= 2 else ""
    return LOCALSTACK if any(MOVABLE[s] == part for s in services) else MOTO


# ---------------------------------------------------------------- references
Ref = tuple[str, str | None]  # (logical id, attribute or None for Ref)
_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}")


def references(node: Any, local: frozenset[str] = frozenset()) -> set[Ref]:
    """Every Ref, Fn::GetAtt and ${Name} / ${Name.Attr} inside a Fn::Sub in `node`."""
    found: set[Ref] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add((value, None))
            elif key == "Fn::GetAtt":
                name, attribute = value.split(".", 1) if isinstance(value, str) else value
                found.add((name, attribute))
            elif key == "Fn::Sub":
                text, variables = (value, {}) if isinstance(value, str) else value
                names = local | frozenset(variables)
                found |= {(n, a or None) for n, a in _SUB_NAME.findall(text) if n not in names}
                found |= references(variables, local)
            else:
                found |= references(value, local)
    elif isinstance(node, list):
        for item in node:
            found |= references(item, local)
    return found


def substitute(node: Any, values: Mapping[Ref, str]) -> Any:
    """`node` with every reference found in `values` written as its literal value."""
    if isinstance(node, dict):
        if len(node) == 1:
            ((key, value),) = node.items()
            if key == "Ref" and isinstance(value, str) and (value, None) in values:
                return values[(value, None)]
            if key == "Fn::GetAtt":
                name, attribute = value.split(".", 1) if isinstance(value, str) else value
                if (name, attribute) in values:
                    return values[(name, attribute)]
            if key == "Fn::Sub":
                text, variables = (value, None) if isinstance(value, str) else value

                def literal(match: re.Match[str]) -> str:
                    ref = (match.group(1), match.group(2))
                    if variables and ref[0] in variables:
                        return match.group(0)
                    return values.get(ref, match.group(0))

                text = _SUB_NAME.sub(literal, text)
                return {
                    "Fn::Sub": text if variables is None else [text, substitute(variables, values)]
                }
        return {key: substitute(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [substitute(item, values) for item in node]
    return node


def output_name(ref: Ref) -> str:
    name, attribute = ref
    return f"Split{name}{'Ref' if attribute is None else 'Att' + attribute.replace('.', '')}"


# ---------------------------------------------------------------- the plan
@dataclass
class StackPlan:
    name: str
    emulator: str
    level: int
    template: dict[str, Any]  # references to earlier stacks still symbolic; see resolved()
    exports: set[Ref] = field(default_factory=set)

    @property
    def resources(self) -> list[str]:
        return list(self.template["Resources"])

    def resolved(self, values: Mapping[Ref, str]) -> dict[str, Any]:
        """The template with earlier stacks' values as literals and this stack's exports added."""
        template = substitute(self.template, values)
        outputs = template.setdefault("Outputs", {})
        for ref in sorted(self.exports, key=lambda r: (r[0], r[1] or "")):
            name, attribute = ref
            outputs[output_name(ref)] = {
                "Value": {"Ref": name} if attribute is None else {"Fn::GetAtt": [name, attribute]}
            }
        if not outputs:
            del template["Outputs"]
        return template


@dataclass
class SplitPlan:
    stacks: list[StackPlan]
    mappings: dict[str, dict[str, Any]]  # logical id -> the mapping's properties, symbolic
    where: dict[str, str]  # logical id -> emulator

    def mapping_exports(self) -> set[Ref]:
        return {
            ref
            for props in self.mappings.values()
            for ref in references(props)
            if ref[0] in self.where
        }


def plan(cfn: dict[str, Any], services: tuple[str, ...], stack_prefix: str) -> SplitPlan:
    resources: dict[str, Any] = cfn["Resources"]
    mappings = {
        k: r["Properties"]
        for k, r in resources.items()
        if r["Type"] == "AWS::Lambda::EventSourceMapping"
    }
    deployed = {k: r for k, r in resources.items() if k not in mappings}
    where = {k: emulator_of(r["Type"], services) for k, r in deployed.items()}
    needs = {k: _dependencies(r, deployed) for k, r in deployed.items()}
    levels: dict[str, int] = {}

    def level(name: str, path: tuple[str, ...] = ()) -> int:
        if name in levels:
            return levels[name]
        if name in path:
            raise ValueError(f"circular reference: {' -> '.join((*path, name))}")
        found = max(
            (level(d, (*path, name)) + (where[d] != where[name]) for d in needs[name]), default=0
        )
        levels[name] = found
        return found

    for name in deployed:
        level(name)
    # Then as late as the dependents allow: fewer stacks (moto's tables join its functions).
    dependents: dict[str, set[str]] = {k: set() for k in deployed}
    for name, wanted in needs.items():
        for dependency in wanted:
            dependents[dependency].add(name)
    last = {
        emulator: max(v for k, v in levels.items() if where[k] == emulator)
        for emulator in set(where.values())
    }
    late: dict[str, int] = {}

    def latest(name: str) -> int:
        if name not in late:
            late[name] = min(
                (latest(d) - (where[d] != where[name]) for d in dependents[name]),
                default=last[where[name]],
            )
        return late[name]

    levels = {name: latest(name) for name in deployed}
    keys = sorted(
        {(levels[k], where[k]) for k in deployed}, key=lambda key: (key[0], key[1] != LOCALSTACK)
    )
    head = {k: v for k, v in cfn.items() if k not in ("Resources", "Outputs")}
    stacks: dict[tuple[int, str], StackPlan] = {}
    for number, key in enumerate(keys, 1):
        members = {k: copy.deepcopy(r) for k, r in deployed.items() if (levels[k], where[k]) == key}
        for resource in members.values():
            _drop_foreign_depends_on(resource, members)
        template = {**copy.deepcopy(head), "Resources": members}
        stacks[key] = StackPlan(f"{stack_prefix}-{number}-{key[1]}", key[1], key[0], template)
    home = {k: stacks[(levels[k], where[k])] for k in deployed}
    # The template's own Outputs go to the latest stack among what they read.
    for output_key, output in (cfn.get("Outputs") or {}).items():
        read = [r[0] for r in references(output) if r[0] in home]
        target = max((home[n] for n in read), key=lambda s: s.level, default=stacks[keys[-1]])
        target.template.setdefault("Outputs", {})[output_key] = copy.deepcopy(output)
    # Each stack exports what later stacks (and the mappings) read from it.
    for stack in stacks.values():
        for ref in references(
            {"Resources": stack.template["Resources"], "Outputs": stack.template.get("Outputs", {})}
        ):
            if ref[0] in home and home[ref[0]] is not stack:
                home[ref[0]].exports.add(ref)
    split = SplitPlan(list(stacks.values()), mappings, where)
    for ref in split.mapping_exports():
        home[ref[0]].exports.add(ref)
    return split


def _dependencies(resource: dict[str, Any], deployed: Mapping[str, Any]) -> set[str]:
    depends_on = resource.get("DependsOn", [])
    depends = {depends_on} if isinstance(depends_on, str) else set(depends_on)
    return {n for n, _ in references(resource)} & set(deployed) | (depends & set(deployed))


def _drop_foreign_depends_on(resource: dict[str, Any], members: Mapping[str, Any]) -> None:
    """An earlier stack is complete before a later one starts: only same-stack DependsOn stays."""
    if "DependsOn" not in resource:
        return
    depends_on = resource["DependsOn"]
    kept = [
        d for d in ([depends_on] if isinstance(depends_on, str) else depends_on) if d in members
    ]
    if kept:
        resource["DependsOn"] = kept
    else:
        del resource["DependsOn"]


def exported_values(stack: StackPlan, outputs: Mapping[str, str]) -> dict[Ref, str]:
    return {ref: outputs[output_name(ref)] for ref in stack.exports}


def resolved_mappings(
    split: SplitPlan, values: Mapping[Ref, str], function_arns: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The mappings as ListEventSourceMappings answers them, for the local cloud's pollers."""
    found = []
    for logical_id, props in split.mappings.items():
        function = props["FunctionName"]
        function_id = function.get("Ref") if isinstance(function, dict) else None
        mapping = substitute({k: v for k, v in props.items() if k != "FunctionName"}, values)
        mapping["UUID"] = logical_id
        mapping["FunctionArn"] = function_arns[function_id] if function_id else function
        mapping["State"] = "Enabled" if props.get("Enabled", True) else "Disabled"
        found.append(mapping)
    return found
