"""Reading template.yaml for the local cloud: the deployable CloudFormation, and what moto skips.

moto deploys the translated template (tables, queues, bus, rules, keys, functions, event source
mappings). It skips the HTTP API, schedules and the Cognito pool, so the local cloud reads those
from the template itself; the CloudFront distribution is left out (the local gateway serves the
front end). Nothing here lists a resource by hand.
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
CODE_BUCKET = "aduan-local-code"
CODE_KEY = "placeholder.zip"


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    return yaml_parse(path.read_text())


class _NoManagedPolicies:
    """The translator asks IAM for managed policy ARNs; moto neither needs nor checks them."""

    def load(self) -> dict[str, str]:
        return {}


def to_cloudformation(sam: dict[str, Any]) -> dict[str, Any]:
    """The SAM template as plain CloudFormation, code pointing at a placeholder object in S3.

    Functions run in the local runtime from their CodeUri folders: the code moto stores is never used.
    """
    from samtranslator.translator.transform import transform

    # The translator resolves AWS::Region from the default boto3 session; any region will do.
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
    sam = without_cloudfront(copy.deepcopy(sam))
    for resource in sam["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            props["CodeUri"] = f"s3://{CODE_BUCKET}/{CODE_KEY}"
        elif resource["Type"] == "AWS::Serverless::LayerVersion":
            props["ContentUri"] = f"s3://{CODE_BUCKET}/{CODE_KEY}"
    return transform(sam, {}, _NoManagedPolicies())


def _refers_to(node: Any, ids: set[str]) -> bool:
    text = json.dumps(node)
    return any(
        f'"Ref": "{i}"' in text or f'"Fn::GetAtt": ["{i}"' in text or f"${{{i}" in text for i in ids
    )


def without_cloudfront(sam: dict[str, Any]) -> dict[str, Any]:
    """The template without the CloudFront distribution and what refers to it (its bucket
    policy, its outputs): locally the gateway serves the front end itself (infra.local.static)."""
    resources = sam["Resources"]
    gone = {k for k, r in resources.items() if r["Type"].startswith("AWS::CloudFront::")}
    while True:
        more = {k for k, r in resources.items() if k not in gone and _refers_to(r, gone)}
        if not more:
            break
        gone |= more
    sam["Resources"] = {k: r for k, r in resources.items() if k not in gone}
    sam["Outputs"] = {k: o for k, o in sam.get("Outputs", {}).items() if not _refers_to(o, gone)}
    return sam


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    handler: str
    code_dir: Path
    timeout: int
    memory: int


@dataclass(frozen=True)
class Route:
    method: str  # GET, POST, ..., or ANY
    path: str  # /v1/complaints/{tracking_id}, or $default
    function: str  # logical id
    auth: str | None = None  # the authorizer name, when the route is protected
    pattern: re.Pattern[str] | None = field(default=None, compare=False)

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(frozen=True)
class Schedule:
    function: str
    expression: str  # rate(5 minutes) / cron(...)
    input: str | None = None


def functions(sam: dict[str, Any]) -> dict[str, FunctionSpec]:
    globals_ = sam.get("Globals", {}).get("Function", {})
    found = {}
    for logical_id, resource in sam["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = {**globals_, **resource["Properties"]}
        found[logical_id] = FunctionSpec(
            logical_id,
            props["Handler"],
            ROOT / props["CodeUri"],
            int(props.get("Timeout", 3)),
            int(props.get("MemorySize", 128)),
        )
    return found


def layer_dirs(sam: dict[str, Any]) -> list[Path]:
    return [
        ROOT / r["Properties"]["ContentUri"]
        for r in sam["Resources"].values()
        if r["Type"] == "AWS::Serverless::LayerVersion"
    ]


def routes(sam: dict[str, Any]) -> list[Route]:
    """HTTP API routes from the functions' HttpApi events, most specific first."""
    default_auth = _default_authorizer(sam)
    found = []
    for logical_id, resource in sam["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] != "HttpApi":
                continue
            props = event.get("Properties", {})
            path, method = props.get("Path", "$default"), props.get("Method", "ANY").upper()
            auth = props.get("Auth", {}).get("Authorizer", default_auth)
            if auth == "NONE":
                auth = None
            found.append(Route(method, path, logical_id, auth, _path_pattern(path)))
    return sorted(found, key=_specificity)


def _default_authorizer(sam: dict[str, Any]) -> str | None:
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::HttpApi":
            return resource.get("Properties", {}).get("Auth", {}).get("DefaultAuthorizer")
    return None


def cors(sam: dict[str, Any]) -> dict[str, Any]:
    """The HTTP API's CorsConfiguration (API Gateway answers preflights and adds the headers)."""
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::HttpApi":
            return resource.get("Properties", {}).get("CorsConfiguration") or {}
    return {}


def authorizers(sam: dict[str, Any]) -> dict[str, dict[str, Any]]:
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::HttpApi":
            return resource.get("Properties", {}).get("Auth", {}).get("Authorizers", {}) or {}
    return {}


def _path_pattern(path: str) -> re.Pattern[str] | None:
    if path == "$default":
        return None
    regex = ""
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{") and part.endswith("+}"):
            regex += f"(?P<{part[1:-2]}>.+)"
        elif part.startswith("{"):
            regex += f"(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$")


def _specificity(route: Route) -> tuple[int, int, int]:
    # API Gateway: exact paths beat parameters, parameters beat greedy, $default is last.
    if route.path == "$default":
        return (3, 0, 0)
    greedy = "+}" in route.path
    params = route.path.count("{")
    return (
        2 if greedy else (1 if params else 0),
        -len(route.path),
        1 if route.method == "ANY" else 0,
    )


def schedules(sam: dict[str, Any]) -> list[Schedule]:
    found = []
    for logical_id, resource in sam["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] in ("Schedule", "ScheduleV2"):
                props = event["Properties"]
                found.append(Schedule(logical_id, props["ScheduleExpression"], props.get("Input")))
    return found


def user_pools(sam: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in sam["Resources"].items() if r["Type"] == "AWS::Cognito::UserPool"}


def parameter_names(sam: dict[str, Any]) -> set[str]:
    return set(sam.get("Parameters", {}))
