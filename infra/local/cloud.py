"""The local cloud: the whole stack on one machine, no Docker, no AWS account.

An embedded moto server (or the endpoint in AWS_ENDPOINT_URL, e.g. LocalStack) gets the
template's resources by a CloudFormation deploy of template.yaml itself; the functions run
in-process behind the same event shapes AWS delivers: HTTP API v2 events from the gateway, SQS
batches and DynamoDB stream records from the event source mappings the deploy created, and
scheduled events from the template's schedules.
"""

from __future__ import annotations

import io
import json
import os
import socket
import sys
import time
import zipfile
from dataclasses import dataclass
from typing import Any

from infra.local import template as tpl
from infra.local.defaults import local_secrets
from infra.local.gateway import Gateway
from infra.local.pollers import Poller, ScheduledInvoker, SqsPoller, StreamPoller
from infra.local.runtime import LocalFunction, Runtime

REGION = "ap-southeast-3"
STACK = "aduan"


@dataclass
class Ports:
    aws: int = 4566  # the LocalStack port, so awslocal and AWS_ENDPOINT_URL habits work
    gateway: int = 3000  # the sam local port
    providers: int = 3001

    @classmethod
    def free(cls) -> Ports:
        return cls(free_port(), free_port(), free_port())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _check_free(port: int, what: str) -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} ({what}) is in use: is another local cloud running? Stop it or choose other ports.")


class LocalCloud:
    def __init__(
        self,
        ports: Ports | None = None,
        endpoint: str | None = None,
        retry_delay_s: int = 1,
        run_schedules: bool = True,
        quiet: bool = False,
        http_containers: int = 4,
    ) -> None:
        self.http_containers = http_containers
        self.ports = ports or Ports()
        self.endpoint = endpoint if endpoint is not None else os.environ.get("AWS_ENDPOINT_URL")
        self.embedded = not self.endpoint
        self.retry_delay_s = retry_delay_s
        self.run_schedules = run_schedules
        self.quiet = quiet
        self.pollers: list[Poller] = []
        self.schedulers: dict[str, ScheduledInvoker] = {}
        self.moto: Any = None
        self.providers: Any = None
        self.gateway: Gateway | None = None
        self.runtime: Runtime | None = None
        self.resources: dict[str, str] = {}
        self.environment: dict[str, str] = {}

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> LocalCloud:
        started = time.perf_counter()
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
        os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = os.environ.get("AWS_REGION", REGION)
        self.region = os.environ["AWS_REGION"]
        if self.embedded:
            _check_free(self.ports.aws, "AWS emulator")
            # moto in a child process, with fixes for running it under load: see emulator.py
            from infra.local.emulator import MotoProcess

            self.moto = MotoProcess(self.ports.aws)
            self.moto.start()
            self.endpoint = f"http://127.0.0.1:{self.ports.aws}"
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint
        _check_free(self.ports.gateway, "HTTP API")
        _check_free(self.ports.providers, "fake providers")
        self.gateway_url = f"http://127.0.0.1:{self.ports.gateway}"
        self.providers_url = f"http://127.0.0.1:{self.ports.providers}"
        self._start_providers()
        sam = tpl.load()
        self._deploy(sam)
        self._load_functions(sam)
        self._start_event_sources(sam)
        self._seed()
        self.gateway = Gateway(self.runtime, tpl.routes(sam), "127.0.0.1", self.ports.gateway, authorizer=self._authorizer(sam), cors=tpl.cors(sam))
        self.gateway.start()
        self.started_in = time.perf_counter() - started
        return self

    def stop(self) -> None:
        for poller in [*self.pollers, *self.schedulers.values()]:
            poller.stop()
        for poller in [*self.pollers, *self.schedulers.values()]:
            if poller.is_alive():
                poller.join(timeout=3)
        if self.gateway:
            self.gateway.stop()
        if self.providers:
            self.providers.stop()
        if self.moto:
            self.moto.stop()
        from aduan import aws

        if self.runtime and self.runtime.count_calls in aws.client_created_hooks:
            aws.client_created_hooks.remove(self.runtime.count_calls)

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    # ---------------------------------------------------------------- clients
    def client(self, service: str) -> Any:
        import boto3

        return boto3.session.Session().client(service, endpoint_url=self.endpoint, region_name=self.region)

    # ---------------------------------------------------------------- steps
    def _start_providers(self) -> None:
        from infra.local.fake_providers import FakeProviders

        self.providers = FakeProviders(host="127.0.0.1", port=self.ports.providers, moto_endpoint=self.endpoint, gateway_url=self.gateway_url)
        self.providers.start()

    def parameters(self, sam: dict[str, Any]) -> dict[str, str]:
        """Template parameters for the local stack: dev-only values pointing at local servers."""
        secrets = local_secrets()
        secrets["PUBLIC_BASE_URL"] = self.gateway_url
        for key, value in secrets.items():
            if value.startswith("http://127.0.0.1:3001"):
                secrets[key] = self.providers_url + value[len("http://127.0.0.1:3001") :]
        secrets["SNS_TRUSTED_CERT_URL"] = f"{self.providers_url}/sns/cert.pem"
        # Template parameters are CamelCase spellings of the settings' env names.
        wanted = {name: name for name in tpl.parameter_names(sam)}
        by_env = {"".join(part.capitalize() for part in key.lower().split("_")): value for key, value in secrets.items()}
        params = {"Stage": "local", "LogRetentionDays": "7"}
        params.update({name: by_env[name] for name in wanted if name in by_env})
        return params

    def _deploy(self, sam: dict[str, Any]) -> None:
        # moto warns about each type its CloudFormation skips; the local cloud covers those itself.
        import logging
        import warnings

        warnings.filterwarnings("ignore", message="Tried to parse AWS::", category=UserWarning)
        logging.getLogger("moto").setLevel(logging.ERROR)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log: one line per API call
        s3 = self.client("s3")
        s3.create_bucket(Bucket=tpl.CODE_BUCKET, CreateBucketConfiguration={"LocationConstraint": self.region})
        placeholder = io.BytesIO()
        with zipfile.ZipFile(placeholder, "w") as archive:
            archive.writestr("README", "functions run in-process from their CodeUri folders")
        s3.put_object(Bucket=tpl.CODE_BUCKET, Key=tpl.CODE_KEY, Body=placeholder.getvalue())
        cfn = self.client("cloudformation")
        cfn.create_stack(
            StackName=STACK,
            TemplateBody=json.dumps(tpl.to_cloudformation(sam)),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in self.parameters(sam).items()],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        deadline = time.monotonic() + 120
        while True:
            stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
            if stack["StackStatus"] == "CREATE_COMPLETE":
                break
            if stack["StackStatus"].endswith("FAILED") or "ROLLBACK" in stack["StackStatus"] or time.monotonic() > deadline:
                raise RuntimeError(f"local stack {stack['StackStatus']}: {stack.get('StackStatusReason')}")
            time.sleep(0.2)
        paginator = cfn.get_paginator("list_stack_resources")
        for page in paginator.paginate(StackName=STACK):
            for resource in page["StackResourceSummaries"]:
                self.resources[resource["LogicalResourceId"]] = resource.get("PhysicalResourceId", "")
        self.outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def _load_functions(self, sam: dict[str, Any]) -> None:
        lam = self.client("lambda")
        functions: dict[str, LocalFunction] = {}
        merged: dict[str, str] = {}
        for logical_id, spec in tpl.functions(sam).items():
            config = lam.get_function_configuration(FunctionName=self.resources[logical_id])
            environment = (config.get("Environment") or {}).get("Variables", {})
            for key, value in environment.items():
                # One process hosts every function, so their variables must agree.
                if merged.get(key, value) != value:
                    raise RuntimeError(f"{key} differs between functions ({merged[key]!r} vs {value!r}); in-process functions share one environment")
                merged[key] = value
            functions[logical_id] = LocalFunction(
                spec, config["FunctionName"], config["FunctionArn"], environment, max_containers=self._containers(sam, logical_id)
            )
        self.environment = merged
        os.environ.update(merged)
        for path in [*tpl.layer_dirs(sam), *{spec.code_dir for spec in tpl.functions(sam).values()}]:
            if str(path) not in sys.path:
                sys.path.insert(0, str(path))
        from aduan import aws, reference
        from aduan.settings import get_settings

        get_settings.cache_clear()
        aws.reset_clients()
        reference.forget()
        self.runtime = Runtime(functions)
        aws.client_created_hooks.append(self.runtime.count_calls)
        ses = self.client("ses")
        ses.verify_email_identity(EmailAddress=merged.get("EMAIL_FROM", "aduan@example.go.id"))

    def _containers(self, sam: dict[str, Any], logical_id: str) -> int:
        """Functions behind the HTTP API get several containers (requests arrive at once); the
        pollers' functions one (a mapping's batches arrive one after another)."""
        return self.http_containers if any(r.function == logical_id for r in tpl.routes(sam)) else 1

    def _seed(self) -> None:
        from infra.seeding import seed_table

        self.seeded = seed_table(self.resources["ComplaintTable"])

    def _start_event_sources(self, sam: dict[str, Any]) -> None:
        assert self.runtime is not None
        lam, sqs = self.client("lambda"), self.client("sqs")
        streams = self.client("dynamodbstreams")
        logical_by_arn = {f.arn: logical for logical, f in self.runtime.functions.items()}
        mappings = lam.list_event_source_mappings()["EventSourceMappings"]
        self._detach_emulator_mappings(lam, mappings)
        for mapping in mappings:
            function = logical_by_arn.get(mapping["FunctionArn"])
            if function is None:
                continue
            if ":sqs:" in mapping["EventSourceArn"]:
                poller: Poller = SqsPoller(sqs, self.runtime, mapping, function, self.region, self.retry_delay_s)
            else:
                poller = StreamPoller(streams, sqs, self.runtime, mapping, function, self.region)
            self.pollers.append(poller)
        for schedule in tpl.schedules(sam):
            self.schedulers[schedule.function] = ScheduledInvoker(self.runtime, schedule.function, schedule.expression, schedule.input, self.region)
        for poller in self.pollers:
            poller.start()
        if self.run_schedules:
            for scheduler in self.schedulers.values():
                scheduler.start()

    def _detach_emulator_mappings(self, lam: Any, mappings: list[dict[str, Any]]) -> None:
        """The mappings are read back, then taken away from the emulator: the local cloud polls.

        Left in place, moto would try to run the functions itself in Docker on every SQS send and
        table write (and fail the write), and LocalStack would consume the queues. (moto's delete
        leaves a mapping attached; the embedded emulator fixes that, see emulator.py.)
        """
        for mapping in mappings:
            lam.delete_event_source_mapping(UUID=mapping["UUID"])

    def _authorizer(self, sam: dict[str, Any]) -> Any:
        if not tpl.authorizers(sam):
            return None
        from infra.local.auth import LocalJwtAuthorizer

        return LocalJwtAuthorizer.from_template(self, sam)

    # ---------------------------------------------------------------- for tests and people
    def idle(self) -> bool:
        """Nothing in flight: every polled queue is empty (visible and in flight) and no poller is
        handling a batch. Tests and the benchmark wait for this (with a deadline)."""
        sqs = self.client("sqs")
        for poller in self.pollers:
            url = getattr(poller, "queue_url", None)
            if url is None:
                continue
            counts = sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
            )["Attributes"]
            if int(counts["ApproximateNumberOfMessages"]) or int(counts["ApproximateNumberOfMessagesNotVisible"]):
                return False
        return not any(p.busy.is_set() for p in self.pollers)

    def queue_url(self, logical_id: str) -> str:
        return self.resources[logical_id]  # CloudFormation's physical id of a queue is its URL

    def summary(self) -> str:
        lines = [
            f"Aduan local cloud is up ({'embedded moto' if self.embedded else self.endpoint}) in {self.started_in:.1f} s",
            f"  HTTP API         {self.gateway_url}   (try: curl {self.gateway_url}/openapi.json)",
            f"  AWS endpoint     {self.endpoint}   (export AWS_ENDPOINT_URL={self.endpoint})",
            f"  Fake providers   {self.providers_url}   (every message sent: {self.providers_url}/_outbox)",
            f"  Complaint table  {self.resources.get('ComplaintTable')}",
            f"  Event bus        {self.environment.get('EVENT_BUS_NAME')}",
            f"  Functions        {', '.join(self.runtime.functions) if self.runtime else ''}",
            f"  Reference data   {self.seeded} items seeded from infra/seed/",
            f"  Officers         pool {self.resources.get('OfficerUserPool', '-')}; demo users in docs/officers.md "
            "(token: python -m infra.local.auth token koordinator)",
        ]
        return "\n".join(lines)
