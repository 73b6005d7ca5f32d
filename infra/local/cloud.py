"""The local cloud: the whole stack on one machine, no Docker, no AWS account.

An embedded moto server (or the endpoint in AWS_ENDPOINT_URL, e.g. LocalStack) gets the
template's resources by a CloudFormation deploy of template.yaml itself; each function runs in
its own worker processes (infra.local.runtime, one per container, as Lambda's) behind the same
event shapes AWS delivers: HTTP API v2 events from the gateway, SQS batches and DynamoDB stream
records from the event source mappings the deploy created, and scheduled events from the
template's schedules.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import random
import socket
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from infra.local import collector
from infra.local import template as tpl
from infra.local.auth import DEMO_OFFICERS, DEMO_PASSWORD
from infra.local.defaults import local_secrets
from infra.local.gateway import Gateway
from infra.local.pollers import Poller, ScheduledInvoker, SqsPoller, StreamPoller, sqs_batches
from infra.local.runtime import LocalFunction, Runtime

REGION = "ap-southeast-3"
STACK = "aduan"


@dataclass
class Ports:
    aws: int = 4566  # the LocalStack port, so awslocal and AWS_ENDPOINT_URL habits work
    gateway: int = 3000  # the sam local port
    providers: int = 3001
    moto: int = 4567  # the embedded moto beside LocalStack, in LocalStack mode

    @classmethod
    def free(cls) -> Ports:
        return cls(free_port(), free_port(), free_port(), free_port())


def free_port() -> int:
    """A port nothing listens on, below Linux's ephemeral range (32768 and up): a port the kernel
    hands out to outgoing connections can be taken between this check and the bind."""
    chooser = random.SystemRandom()
    for _ in range(200):
        port = chooser.randrange(10_000, 32_768)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found between 10000 and 32767")


def _check_free(port: int, what: str) -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(
                f"port {port} ({what}) is in use: is another local cloud running? Stop it or choose other ports."
            )


# The event source mappings the deploy created (_event_source_mappings), in the code bucket.
_MAPPINGS_KEY = "local-cloud/event-source-mappings.json"
_CHECKPOINTS_KEY = "local-cloud/stream-checkpoints.json"  # the stream pollers', at stop

# What the local clouds of this process put in its environment (LocalCloud._load_functions).
_EXPORTED: dict[str, str] = {}


class LocalCloud:
    # stop() puts back the AWS_ENDPOINT_URL it set (LocalStack mode restores its own endpoints).
    gives_endpoint_back = True

    def __init__(
        self,
        ports: Ports | None = None,
        endpoint: str | None = None,
        retry_delay_s: int = 1,
        run_schedules: bool = True,
        quiet: bool = False,
        http_containers: int = 4,
        logs: Path | None = None,
        faults: Any | None = None,
        timeouts: dict[str, int] | None = None,
        state: Path | None = None,
    ) -> None:
        """`logs`: a file for every log line of the functions, the emulator and the local cloud
        itself (default: this process's stdout and stderr). `faults`: an infra.local.faults.Faults
        to crash invocations on purpose (robustness tests only). `timeouts`: seconds by function
        logical id, instead of the template's Timeout (a claim's lease follows it: aduan.lease).
        `state`: a folder where the embedded emulator keeps its state across restarts
        (infra.local.snapshot); a start with a snapshot there goes on from it instead of
        deploying and seeding (None: memory only)."""
        self.timeouts = timeouts or {}
        self.state = state
        self.restored = False  # this start went on from a snapshot
        self.http_containers = http_containers
        self.logs = logs
        self.output: IO[str] | None = None
        from infra.local.faults import Faults

        self.faults = faults or Faults()  # none by default; tests script their own
        self.ports = ports or Ports()
        self.endpoint = endpoint if endpoint is not None else os.environ.get("AWS_ENDPOINT_URL")
        self.embedded = not self.endpoint
        self.endpoints: dict[
            str, str
        ] = {}  # client name -> endpoint, where it is not self.endpoint
        self.retry_delay_s = retry_delay_s
        self.run_schedules = run_schedules
        self.quiet = quiet
        self.pollers: list[Poller] = []
        self._checkpoints_held = False  # the pollers' checkpoints resumed, or the pollers started
        self._freezing = False  # this cloud holds the process's full-collection freeze
        self.schedulers: dict[str, ScheduledInvoker] = {}
        self.moto: Any = None
        self.providers: Any = None
        self.gateway: Gateway | None = None
        self.runtime: Runtime | None = None
        self.resources: dict[str, str] = {}
        self.environment: dict[str, str] = {}

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> LocalCloud:
        try:
            return self._start()
        except BaseException:
            self.stop()  # a failed start leaves no emulator or server behind
            if self.state is not None and not self.restored:
                from infra.local.snapshot import FILE

                # nor a half-deployed stack for the next start to go on from
                (self.state / FILE).unlink(missing_ok=True)
            raise

    def _start(self) -> LocalCloud:
        started = time.perf_counter()
        collector.walk_new_objects_only()  # this process serves the gateway and the pollers
        self._freezing = True
        self._environ_before = dict(os.environ)  # given back at stop (a test's own cloud)
        self._exported_before = dict(_EXPORTED)  # which of those an earlier cloud had exported
        if self.logs is not None:
            self.logs.parent.mkdir(parents=True, exist_ok=True)
            self.output = self.logs.open("a", buffering=1)
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
        os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = os.environ.get(
            "AWS_REGION", REGION
        )
        self.region = os.environ["AWS_REGION"]
        self._start_emulator()  # LocalStack mode starts two (infra/local/localstack.py)
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
        authorizer = self._authorizer(sam)
        assert self.runtime is not None
        self.gateway = Gateway(
            self.runtime,
            tpl.routes(sam),
            "127.0.0.1",
            self.ports.gateway,
            authorizer=authorizer,
            cors=tpl.cors(sam),
            static=self._static_site(authorizer),
            log=self.log,
        )
        self.gateway.start()
        self.started_in = time.perf_counter() - started
        return self

    def _start_emulator(self) -> None:
        if self.embedded:
            _check_free(self.ports.aws, "AWS emulator")
            # moto in a child process, with fixes for running it under load: see emulator.py
            from infra.local.emulator import MotoProcess

            if self.state is not None:
                from infra.local.snapshot import FILE

                self.restored = (self.state / FILE).exists()
            self.moto = MotoProcess(self.ports.aws, output=self.output, state=self.state)
            self.moto.start()
            self.endpoint = f"http://127.0.0.1:{self.ports.aws}"
        assert self.endpoint
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint

    def restart_emulator(self) -> float:
        """Stop the embedded emulator (it writes its snapshot) and start it again from that on
        the same port, while everything else keeps running: the pollers and the functions meet
        an endpoint that is away for a moment, as a real outage. The seconds it was away."""
        assert self.moto is not None and self.state is not None, "needs a state folder"
        began = time.perf_counter()
        self.moto.stop()
        stopped = time.perf_counter()
        self.moto.start()
        self.log(
            f"[local] emulator restarted: stopped in {stopped - began:.1f} s, "
            f"listening again {time.perf_counter() - stopped:.1f} s later"
        )
        return time.perf_counter() - began

    def stop(self) -> None:
        for poller in [*self.pollers, *self.schedulers.values()]:
            poller.stop()
        for poller in [*self.pollers, *self.schedulers.values()]:
            if poller.is_alive():
                poller.join(timeout=3)
        if self.state is not None and self._checkpoints_held:
            # Not before: a restored start that failed earlier would write over the saved ones
            # with nothing, and the next start hand every stream record to the functions again.
            self._save_checkpoints()
        if self.gateway:
            self.gateway.stop()
        if self.providers:
            self.providers.stop()
        if self.runtime:
            self.runtime.stop()
        if self.moto:
            self.moto.stop()
        self._give_environment_back()
        if self._freezing:
            self._freezing = False
            collector.walk_all_objects_again()
        if self.output:
            self.output.close()
            self.output = None

    def _give_environment_back(self) -> None:
        """What this cloud exported to the process goes back to what it was, where nobody has
        changed it since: another cloud of the process (the test session's) keeps working."""
        before = getattr(self, "_environ_before", None)
        if before is None:
            return
        ours = dict(self.environment)
        if self.gives_endpoint_back and self.embedded and self.endpoint:
            ours["AWS_ENDPOINT_URL"] = self.endpoint
        for key, value in ours.items():
            if os.environ.get(key) != value:
                continue
            if key in before:
                os.environ[key] = before[key]
            else:
                del os.environ[key]
            # A value given back stays the earlier cloud's export, not the developer's setting:
            # the next cloud of the process must not take it for one (its providers' port).
            if key in before and self._exported_before.get(key) == before[key]:
                _EXPORTED[key] = before[key]
            elif _EXPORTED.get(key) == value:
                del _EXPORTED[key]
        if self.runtime is None:  # stopped before the functions' layers were on the path
            return
        from aduan import aws
        from aduan.settings import get_settings

        get_settings.cache_clear()
        aws.reset_clients()

    def log(self, line: str) -> None:
        """One line of the local cloud's own (a failed invocation, a poller's hiccup)."""
        print(line, file=self.output or sys.stdout, flush=True)

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    # ---------------------------------------------------------------- clients
    def endpoint_for(self, service: str) -> str:
        """Where a client goes: this cloud's own split, else a per-service variable
        (AWS_ENDPOINT_URL_DYNAMODB, ...) as botocore would read it, else the endpoint."""
        if service in self.endpoints:
            return self.endpoints[service]
        from infra.local.localstack import endpoint_variable

        return os.environ.get(endpoint_variable(service)) or self.endpoint

    def client(self, service: str) -> Any:
        return self.client_at(self.endpoint_for(service), service)

    def client_at(self, endpoint: str, service: str) -> Any:
        import boto3

        return boto3.session.Session().client(
            service, endpoint_url=endpoint, region_name=self.region
        )

    # ---------------------------------------------------------------- steps
    def _start_providers(self) -> None:
        from infra.local.fake_providers import FakeProviders

        # The outbox lists the e-mail moto's SES recorded.
        self.providers = FakeProviders(
            host="127.0.0.1",
            port=self.ports.providers,
            moto_endpoint=self.endpoint_for("ses"),
            gateway_url=self.gateway_url,
        )
        self.providers.start()

    def parameters(self, sam: dict[str, Any]) -> dict[str, str]:
        """Template parameters for the local stack: dev-only values pointing at local servers.
        A variable set by the developer overrides its default; one an earlier cloud in this
        process exported for its own functions (below) does not: a test's own cloud would
        otherwise send its replies to the session cloud's fake providers."""
        secrets = local_secrets({k: v for k, v in os.environ.items() if _EXPORTED.get(k) != v})
        secrets["PUBLIC_BASE_URL"] = self.gateway_url
        for key, value in secrets.items():
            if value.startswith("http://127.0.0.1:3001"):
                secrets[key] = self.providers_url + value[len("http://127.0.0.1:3001") :]
        secrets["SNS_TRUSTED_CERT_URL"] = f"{self.providers_url}/sns/cert.pem"
        # Template parameters are CamelCase spellings of the settings' env names.
        wanted = {name: name for name in tpl.parameter_names(sam)}
        by_env = {
            "".join(part.capitalize() for part in key.lower().split("_")): value
            for key, value in secrets.items()
        }
        params = {"Stage": "local", "LogRetentionDays": "7"}
        params.update({name: by_env[name] for name in wanted if name in by_env})
        return params

    def _deploy(self, sam: dict[str, Any]) -> None:
        # moto warns about each type its CloudFormation skips; the local cloud covers those itself.
        import logging
        import warnings

        warnings.filterwarnings("ignore", message="Tried to parse AWS::", category=UserWarning)
        logging.getLogger("moto").setLevel(logging.ERROR)
        logging.getLogger("werkzeug").setLevel(
            logging.ERROR
        )  # moto's request log: one line per API call
        template, params = tpl.to_cloudformation(sam), self.parameters(sam)
        if self.restored:
            resources, self.outputs = self._deployed_stack(STACK, template, params)
        else:
            self._upload_code_placeholder()
            resources, self.outputs = self._create_stack(
                self.client("cloudformation"), STACK, template, params
            )
        self.resources.update(resources)

    def _deployed_stack(
        self, name: str, template: dict[str, Any], params: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """The stack a snapshot holds, if it is what this start would deploy: deploying over it
        would need an update moto's CloudFormation does not do faithfully, so a changed template
        or changed settings (other ports: the stack's URLs follow them) ask for --fresh."""
        cfn = self.client("cloudformation")
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
        declared = set(template.get("Parameters", {}))
        wanted = {k: v for k, v in params.items() if k in declared}
        kept = {p["ParameterKey"]: p["ParameterValue"] for p in stack.get("Parameters", [])}
        changed = sorted(k for k, v in wanted.items() if kept.get(k) != v)
        body = cfn.get_template(StackName=name)["TemplateBody"]
        if not isinstance(body, str):
            body = json.dumps(body)
        if changed or json.loads(body) != json.loads(json.dumps(template)):
            what = f"other values of {', '.join(changed)}" if changed else "another template.yaml"
            raise SystemExit(
                f"the state in {self.state} was saved with {what}: start with the same ports "
                "and settings, or with --fresh to deploy afresh (that state is then lost)"
            )
        resources: dict[str, str] = {}
        for page in cfn.get_paginator("list_stack_resources").paginate(StackName=name):
            for resource in page["StackResourceSummaries"]:
                resources[resource["LogicalResourceId"]] = resource.get("PhysicalResourceId", "")
        return resources, {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def _upload_code_placeholder(self) -> None:
        # In the S3 of the emulator that registers the functions: its Lambda reads the code there.
        s3 = self.client_at(self.endpoint_for("lambda"), "s3")
        s3.create_bucket(
            Bucket=tpl.CODE_BUCKET, CreateBucketConfiguration={"LocationConstraint": self.region}
        )
        placeholder = io.BytesIO()
        with zipfile.ZipFile(placeholder, "w") as archive:
            archive.writestr(
                "README", "functions run in the local runtime from their CodeUri folders"
            )
        s3.put_object(Bucket=tpl.CODE_BUCKET, Key=tpl.CODE_KEY, Body=placeholder.getvalue())

    def _create_stack(
        self, cfn: Any, name: str, template: dict[str, Any], params: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Create a stack, wait for it; its resources (logical -> physical id) and outputs."""
        declared = set(template.get("Parameters", {}))
        cfn.create_stack(
            StackName=name,
            TemplateBody=json.dumps(template),
            Parameters=[
                {"ParameterKey": k, "ParameterValue": v} for k, v in params.items() if k in declared
            ],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        deadline = time.monotonic() + 120
        while True:
            stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
            if stack["StackStatus"] == "CREATE_COMPLETE":
                break
            if (
                stack["StackStatus"].endswith("FAILED")
                or "ROLLBACK" in stack["StackStatus"]
                or time.monotonic() > deadline
            ):
                events = cfn.describe_stack_events(StackName=name)["StackEvents"]
                failed = [
                    f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason')}"
                    for e in events
                    if "FAILED" in e.get("ResourceStatus", "")
                ]
                raise RuntimeError(
                    f"local stack {name} {stack['StackStatus']}: {stack.get('StackStatusReason')} {failed[:5]}"
                )
            time.sleep(0.2)
        resources: dict[str, str] = {}
        for page in cfn.get_paginator("list_stack_resources").paginate(StackName=name):
            for resource in page["StackResourceSummaries"]:
                resources[resource["LogicalResourceId"]] = resource.get("PhysicalResourceId", "")
        return resources, {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def _load_functions(self, sam: dict[str, Any]) -> None:
        lam = self.client("lambda")
        functions: dict[str, LocalFunction] = {}
        merged: dict[str, str] = {}
        conflicting: set[str] = set()
        layers = tpl.layer_dirs(sam)
        for logical_id, spec in tpl.functions(sam).items():
            if logical_id in self.timeouts:
                spec = dataclasses.replace(spec, timeout=self.timeouts[logical_id])
            config = lam.get_function_configuration(FunctionName=self.resources[logical_id])
            environment = (config.get("Environment") or {}).get("Variables", {})
            for key, value in environment.items():
                if merged.setdefault(key, value) != value:
                    conflicting.add(key)
            functions[logical_id] = LocalFunction(
                spec,
                config["FunctionName"],
                config["FunctionArn"],
                environment,
                max_containers=self._containers(sam, logical_id),
                layers=layers,
                base_environment=dict(os.environ),
            )
        # Each container gets its own function's variables; this process (tests, the seeding, the
        # benchmark's reads) gets those the functions agree on.
        self.environment = {k: v for k, v in merged.items() if k not in conflicting}
        os.environ.update(self.environment)
        _EXPORTED.update(self.environment)
        for path in layers:
            if str(path) not in sys.path:
                sys.path.insert(0, str(path))
        from aduan import aws, reference
        from aduan.settings import get_settings

        get_settings.cache_clear()
        aws.reset_clients()
        reference.forget()
        self.runtime = Runtime(functions, output=self.output, faults=self.faults)
        ses = self.client("ses")
        ses.verify_email_identity(EmailAddress=merged.get("EMAIL_FROM", "aduan@example.go.id"))

    def _containers(self, sam: dict[str, Any], logical_id: str) -> int:
        """Functions behind the HTTP API get several containers (requests arrive at once); the
        pollers' functions one, and as many as their mappings' batches in flight once those are
        known (_start_event_sources)."""
        return self.http_containers if any(r.function == logical_id for r in tpl.routes(sam)) else 1

    def _seed(self) -> None:
        if self.restored:
            # The snapshot holds the seed data as the stack left it (an Open311 key revoked
            # since stays revoked): seeding again would put the first start's values back.
            self.seeded = 0
            return
        from infra.seeding import seed_table

        self.seeded = seed_table(self.resources["ComplaintTable"])
        self._seed_open311_key()

    def _seed_open311_key(self) -> None:
        # The demo Open311 client app, so a GeoReport client can POST at once (docs/open311.md).
        from datetime import UTC, datetime

        from aduan.repository import ComplaintRepository
        from infra.open311_keys import issue

        key = local_secrets()["OPEN311_API_KEY"]
        issue(
            ComplaintRepository(self.resources["ComplaintTable"]),
            "Demo lokal",
            datetime.now(UTC),
            key,
        )

    def _start_event_sources(self, sam: dict[str, Any]) -> None:
        assert self.runtime is not None
        lam, sqs = self.client("lambda"), self.client("sqs")
        streams = self.client("dynamodbstreams")
        logical_by_arn = {f.arn: logical for logical, f in self.runtime.functions.items()}
        polled: dict[str, int] = {}  # function -> batches its mappings run at once
        for mapping in self._event_source_mappings(lam):
            function = logical_by_arn.get(mapping["FunctionArn"])
            if function is None:
                continue
            if ":sqs:" in mapping["EventSourceArn"]:
                batches = sqs_batches(mapping)  # at once, each in its own container
                self.pollers += [
                    SqsPoller(sqs, self.runtime, mapping, function, self.region, self.retry_delay_s)
                    for _ in range(batches)
                ]
                polled[function] = polled.get(function, 0) + batches
            else:
                self.pollers.append(
                    StreamPoller(streams, sqs, self.runtime, mapping, function, self.region)
                )
                polled[function] = polled.get(function, 0) + 1  # one batch per shard at a time
        for function, batches in polled.items():
            local = self.runtime.functions[function]
            local.max_containers = max(local.max_containers, batches)
        for schedule in tpl.schedules(sam):
            self.schedulers[schedule.function] = ScheduledInvoker(
                self.runtime, schedule.function, schedule.expression, schedule.input, self.region
            )
        for poller in [*self.pollers, *self.schedulers.values()]:
            poller.log = self.log
        if self.restored:
            self._resume_checkpoints()
        self._checkpoints_held = True  # from here on, the pollers' checkpoints are the ones to save
        for poller in self.pollers:
            poller.start()
        if self.run_schedules:
            for scheduler in self.schedulers.values():
                scheduler.start()

    def _event_source_mappings(self, lam: Any) -> list[dict[str, Any]]:
        """The mappings are read back, then taken away from the emulator: the local cloud polls.

        Left in place, moto would try to run the functions itself in Docker on every SQS send and
        table write (and fail the write), and LocalStack would consume the queues. (moto's delete
        leaves a mapping attached; the embedded emulator fixes that, see emulator.py.)
        """
        # Kept beside the code placeholder, so a start from a snapshot (which holds no mapping
        # any more) finds them.
        s3 = self.client_at(self.endpoint_for("lambda"), "s3")
        if self.restored:
            kept = s3.get_object(Bucket=tpl.CODE_BUCKET, Key=_MAPPINGS_KEY)["Body"].read()
            return list(json.loads(kept))
        mappings: list[dict[str, Any]] = lam.list_event_source_mappings()["EventSourceMappings"]
        for mapping in mappings:
            lam.delete_event_source_mapping(UUID=mapping["UUID"])
        s3.put_object(
            Bucket=tpl.CODE_BUCKET, Key=_MAPPINGS_KEY, Body=json.dumps(mappings, default=str)
        )
        return mappings

    def _save_checkpoints(self) -> None:
        """Where each stream poller got to, beside the mappings, for the next start to go on from
        (without it, that start would hand every record of the streams to the functions again)."""
        kept = {
            f"{p.function} {p.stream_arn}": p.checkpoint
            for p in self.pollers
            if isinstance(p, StreamPoller)
        }
        try:
            s3 = self.client_at(self.endpoint_for("lambda"), "s3")
            s3.put_object(Bucket=tpl.CODE_BUCKET, Key=_CHECKPOINTS_KEY, Body=json.dumps(kept))
        except Exception as error:  # the emulator away: the next start reads the streams again
            self.log(f"[local] stream checkpoints not saved: {error}")

    def _resume_checkpoints(self) -> None:
        s3 = self.client_at(self.endpoint_for("lambda"), "s3")
        try:
            body = s3.get_object(Bucket=tpl.CODE_BUCKET, Key=_CHECKPOINTS_KEY)["Body"].read()
        except s3.exceptions.NoSuchKey:
            return  # (the last run's checkpoints were not saved: its streams are read again)
        kept = json.loads(body)
        for poller in self.pollers:
            if isinstance(poller, StreamPoller):
                poller.checkpoint = dict(kept.get(f"{poller.function} {poller.stream_arn}", {}))

    def _authorizer(self, sam: dict[str, Any]) -> Any:
        if not tpl.authorizers(sam):
            return None
        from infra.local.auth import LocalJwtAuthorizer

        return LocalJwtAuthorizer.from_template(self, sam)

    def _static_site(self, authorizer: Any) -> Any:
        from infra.local.static import StaticSite

        # The console signs in against the emulator's user pool and loads photos from its S3.
        config = {
            "region": self.region,
            "userPoolId": getattr(authorizer, "pool_id", ""),
            "clientId": getattr(authorizer, "client_id", ""),
            "cognitoEndpoint": f"{self.endpoint_for('cognito-idp')}/",
            "apiBase": "",
            "cityName": self.outputs["CityName"],  # as deploy_frontend.py, from the stack
        }
        # Both are the one emulator, or (LocalStack mode) moto's Cognito and LocalStack's S3.
        origins = " ".join(
            dict.fromkeys([self.endpoint_for("cognito-idp"), self.endpoint_for("s3")])
        )
        return StaticSite(generated={"/console/config.json": config}, origins=origins)

    # ---------------------------------------------------------------- for tests and people
    def idle(self, settle_s: float = 0.2) -> bool:
        """Nothing in flight: every polled queue is empty (visible, in flight and delayed: a
        record waiting for another invocation's claim comes back delayed), every stream mapping
        has caught up with its stream, and no poller is handling a batch — twice, `settle_s`
        apart, with no batch handled in between (a bus may hand an event to its queue a moment
        after PutEvents answered). Tests and the benchmark wait for this (with a deadline)."""
        handled = [p.handled for p in self.pollers]
        if not self._quiet():
            return False
        time.sleep(settle_s)
        return self._quiet() and handled == [p.handled for p in self.pollers]

    def _quiet(self) -> bool:
        return all(p.caught_up() for p in self.pollers) and not any(
            p.busy.is_set() for p in self.pollers
        )

    def queue_url(self, logical_id: str) -> str:
        return self.resources[logical_id]  # CloudFormation's physical id of a queue is its URL

    def summary(self) -> str:
        lines = [
            f"Aduan local cloud is up ({'embedded moto' if self.embedded else self.endpoint}) in {self.started_in:.1f} s",
            f"  HTTP API         {self.gateway_url}   (try: curl {self.gateway_url}/openapi.json)",
            f"  Officer console  {self.gateway_url}/console/   (sign in as: {', '.join(o.username for o in DEMO_OFFICERS)};",
            f"                   password {DEMO_PASSWORD}, see docs/officers.md)",
            f"  AWS endpoint     {self.endpoint}   (export AWS_ENDPOINT_URL={self.endpoint})",
            f"  Fake providers   {self.providers_url}   (every message sent: {self.providers_url}/_outbox)",
            f"  Complaint table  {self.resources.get('ComplaintTable')}",
            f"  Event bus        {self.environment.get('EVENT_BUS_NAME')}",
            f"  Functions        {', '.join(self.runtime.functions) if self.runtime else ''}",
            f"  Reference data   {self.seeded} items seeded from infra/seed/"
            if not self.restored
            else "  Reference data   as the state left it (not seeded again)",
            f"  Open311          {self.gateway_url}/open311/v2/discovery.json; demo api_key "
            f"{local_secrets()['OPEN311_API_KEY']} (docs/open311.md)",
            f"  Officers         pool {self.resources.get('OfficerUserPool', '-')}; demo users in docs/officers.md "
            "(token: python -m infra.local.auth token koordinator)",
        ]
        return "\n".join(lines)
