"""The local Lambda service: each function runs in its own worker processes ("containers").

A Lambda container is its own interpreter with its own module state and environment, handling
one invocation at a time; Lambda starts another container (a cold start) when all are busy and
throws a container away when it crashes or times out. Here each container is a process running
`infra/local/worker.py` for one function (its code folder and the layers on its import path, its
own environment variables from the deployed function configuration), and a function gets up to
`max_containers` of them: the HTTP API's functions several, the pollers' one, since a mapping's
batches arrive one after another. The gateway and the pollers only pass events and answers.

Each answer carries the AWS calls the invocation made and its duration, so the runtime counts
calls per function and operation (the benchmark's calls per complaint) and billed time (its
cost figures). `faults` (see infra.local.faults) may plan a crash for an invocation; the
worker carries it out.
"""

from __future__ import annotations

import json
import math
import os
import select
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from infra.local.template import FunctionSpec

WORKER = Path(__file__).with_name("worker.py")
# The local machine is slower than Lambda and shares its cores with the emulator: a container is
# killed (and the invocation failed) only after twice the function's configured timeout.
TIMEOUT_FACTOR = 2
# What a Lambda container has in its environment besides the function's own variables.
_PASSED_THROUGH = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
)


class FunctionError(Exception):
    """The invocation failed (the handler raised, the container died or timed out): Lambda
    reports it as failed and the event source retries the whole batch."""


class ContainerGone(Exception):
    pass


@dataclass
class Container:
    process: subprocess.Popen[bytes]
    requests: IO[bytes]
    answers: int  # file descriptor, read with a deadline
    init_s: float = 0.0
    busy: bool = False

    def invoke(self, request: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        payload = json.dumps(request).encode()
        try:
            self.requests.write(struct.pack(">I", len(payload)) + payload)
            self.requests.flush()
        except (BrokenPipeError, ValueError) as error:
            raise ContainerGone(f"container exited ({self.process.poll()})") from error
        return self.read(time.monotonic() + timeout_s)

    def read(self, deadline: float) -> dict[str, Any]:
        (size,) = struct.unpack(">I", self._exactly(4, deadline))
        answer: dict[str, Any] = json.loads(self._exactly(size, deadline))
        return answer

    def _exactly(self, size: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                self.kill()
                raise ContainerGone("timed out")
            chunk = os.read(self.answers, min(size, 1 << 20))
            if not chunk:
                code = self.process.wait()
                raise ContainerGone(f"container exited with code {code}")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for closing in (self.requests.close, lambda: os.close(self.answers)):
            try:
                closing()
            except OSError:
                pass

    def stop(self) -> None:
        """Close its requests pipe (the worker exits at end of input), then make sure."""
        try:
            self.requests.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


@dataclass
class LocalFunction:
    spec: FunctionSpec
    name: str
    arn: str
    environment: dict[str, str]
    max_containers: int = 1
    layers: list[Path] = field(default_factory=list)
    base_environment: dict[str, str] | None = None
    containers: list[Container] = field(default_factory=list)
    starting: int = 0
    available: threading.Condition = field(default_factory=threading.Condition)
    invocations: int = 0
    errors: int = 0
    cold_starts: int = 0

    def acquire(self, output: IO[str] | None) -> Container:
        """A free container, a new one (a cold start) if all are busy and there is room, or wait."""
        with self.available:
            while True:
                for container in self.containers:
                    if not container.busy:
                        container.busy = True
                        return container
                if len(self.containers) + self.starting < self.max_containers:
                    self.starting += 1
                    break
                self.available.wait()
        try:
            container = self._start(output)  # outside the lock: other containers keep serving
        except BaseException:
            with self.available:
                self.starting -= 1
                self.available.notify()
            raise
        with self.available:
            self.starting -= 1
            self.cold_starts += 1
            container.busy = True
            self.containers.append(container)
        return container

    def release(self, container: Container, alive: bool) -> None:
        with self.available:
            container.busy = False
            if not alive and container in self.containers:
                self.containers.remove(container)
            self.available.notify()

    def _start(self, output: IO[str] | None) -> Container:
        requests_read, requests_write = os.pipe()
        answers_read, answers_write = os.pipe()
        spec = {
            "handler": self.spec.handler,
            "paths": [str(self.spec.code_dir), *map(str, self.layers)],
            "name": self.name,
            "arn": self.arn,
            "memory": self.spec.memory,
            "timeout": self.spec.timeout,
        }
        process = subprocess.Popen(
            # -I: the import path is the function's code and layers only, as in Lambda.
            [
                sys.executable,
                "-I",
                str(WORKER),
                json.dumps(spec),
                str(requests_read),
                str(answers_write),
            ],
            pass_fds=(requests_read, answers_write),
            env=self._container_environment(),
            cwd=str(self.spec.code_dir),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )
        os.close(requests_read)
        os.close(answers_write)
        container = Container(process, os.fdopen(requests_write, "wb"), answers_read)
        try:
            ready = container.read(time.monotonic() + 60 + TIMEOUT_FACTOR * self.spec.timeout)
        except ContainerGone as error:
            container.kill()
            raise FunctionError(f"{self.spec.logical_id} did not start: {error}") from error
        if not ready.get("ready"):
            container.kill()
            raise FunctionError(
                f"{self.spec.logical_id} failed to initialise: {ready.get('error')}"
            )
        container.init_s = ready["init_s"]
        return container

    def _container_environment(self) -> dict[str, str]:
        # The process environment as it was when this cloud loaded its functions: a second local
        # cloud started later in the same process (a test's own) must not move its endpoints.
        base = self.base_environment if self.base_environment is not None else dict(os.environ)
        region = base.get("AWS_REGION", "ap-southeast-3")
        env = {key: base[key] for key in _PASSED_THROUGH if key in base}
        # Where the AWS APIs are: one endpoint, or one per service (LocalStack beside moto).
        env.update({k: v for k, v in base.items() if k.startswith("AWS_ENDPOINT_URL_")})
        env.update(
            {
                "AWS_REGION": region,
                "AWS_DEFAULT_REGION": region,
                "AWS_LAMBDA_FUNCTION_NAME": self.name,
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.spec.memory),
                "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.name}",
                "AWS_LAMBDA_LOG_STREAM_NAME": "local",
                "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
                "LAMBDA_TASK_ROOT": str(self.spec.code_dir),
                "_HANDLER": self.spec.handler,
                "TZ": ":UTC",
                "PYTHONUNBUFFERED": "1",  # log lines in order with the other containers'
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        env.update(self.environment)
        return env

    def stop(self) -> None:
        with self.available:
            containers, self.containers = list(self.containers), []
        for container in containers:
            container.stop()


class Runtime:
    def __init__(
        self,
        functions: dict[str, LocalFunction],
        output: IO[str] | None = None,
        faults: Any | None = None,
    ) -> None:
        self.functions = functions  # by logical id
        self._by_arn = {f.arn: f for f in functions.values()}
        self.output = output  # where the containers' log lines go (None: this process's stdout)
        self.faults = faults
        self.calls: Counter[tuple[str, str]] = Counter()
        self.billed: Counter[str] = Counter()  # seconds of handler time per function
        self.invocations: Counter[str] = Counter()
        # What the calls would be billed for (infra/local/worker.py Usage), per function.
        self.usage: dict[tuple[str, str], float] = {}
        # (function, PK, SK, units per KB, a put's attribute sizes or None): sized by the bench
        self.writes: list[tuple[str, str, str, int, dict[str, int] | None]] = []
        self._lock = threading.Lock()

    def by_arn(self, arn: str) -> LocalFunction:
        return self._by_arn[arn]

    def invoke(self, logical_id: str, event: dict[str, Any], caller_waits: bool = False) -> Any:
        """The function's answer to `event`; `caller_waits` for an invocation someone waits for
        (the HTTP API's), whose DynamoDB requests the emulator serves first."""
        function = self.functions[logical_id]
        fault = self.faults.plan(logical_id) if self.faults else None
        container = function.acquire(self.output)
        alive = True
        request = {
            "event": event,
            "request_id": str(uuid.uuid4()),
            "fault": fault,
            "caller_waits": caller_waits,
        }
        with self._lock:
            function.invocations += 1
        try:
            answer = container.invoke(request, TIMEOUT_FACTOR * function.spec.timeout)
        except ContainerGone as error:
            alive = False
            with self._lock:
                function.errors += 1
            raise FunctionError(f"{logical_id} failed: {error}") from None
        finally:
            function.release(container, alive)
        with self._lock:
            for operation, count in answer.get("calls", {}).items():
                self.calls[(logical_id, operation)] += count
            # Lambda bills the handler's time rounded up to the millisecond.
            self.billed[logical_id] += math.ceil(answer.get("duration_s", 0.0) * 1000) / 1000
            self.invocations[logical_id] += 1
            usage = answer.get("usage") or {}
            for name, amount in (usage.get("figures") or {}).items():
                self.usage[(logical_id, name)] = self.usage.get((logical_id, name), 0.0) + amount
            for pk, sk, factor, sizes in usage.get("writes") or []:
                self.writes.append((logical_id, pk, sk, factor, sizes))
            if not answer["ok"]:
                function.errors += 1
        if not answer["ok"]:
            raise FunctionError(f"{logical_id} failed: {answer['error']}")
        return answer["result"]

    def stop(self) -> None:
        for function in self.functions.values():
            function.stop()
