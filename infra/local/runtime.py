"""Functions run in-process in "containers": each imported on first use, one invocation at a time.

A Lambda container handles one invocation at a time and keeps its module state (the resolver,
clients, caches) between invocations; Lambda starts another container when all are busy. Here a
function gets up to `max_containers` of them (the gateway's functions several, the pollers' one,
since a mapping's batches arrive one after another). The first container is the module as
imported; each further one is a fresh copy of the function's own package modules (its handler,
resolver and routers), loaded beside the first, while the layer (`aduan`) stays shared as a layer's
code would. API calls the functions make are counted per function through botocore's hooks.
"""

from __future__ import annotations

import contextvars
import importlib
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from infra.local.template import FunctionSpec

current_function: contextvars.ContextVar[str] = contextvars.ContextVar("current_function", default="")


class LambdaContext:
    def __init__(self, function: LocalFunction) -> None:
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.arn
        self.memory_limit_in_mb = function.spec.memory
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + function.spec.timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(int((self._deadline - time.monotonic()) * 1000), 0)


@dataclass
class Container:
    handler: Any
    busy: bool = False


@dataclass
class LocalFunction:
    spec: FunctionSpec
    name: str
    arn: str
    environment: dict[str, str]
    max_containers: int = 1
    containers: list[Container] = field(default_factory=list)
    available: threading.Condition = field(default_factory=threading.Condition)
    invocations: int = 0
    errors: int = 0

    def acquire(self) -> Container:
        """A free container, a new one (a cold start) if all are busy and there is room, or wait."""
        with self.available:
            while True:
                for container in self.containers:
                    if not container.busy:
                        container.busy = True
                        return container
                if len(self.containers) < self.max_containers:
                    container = Container(self._load(fresh_copy=bool(self.containers)), busy=True)
                    self.containers.append(container)
                    return container
                self.available.wait()

    def release(self, container: Container) -> None:
        with self.available:
            container.busy = False
            self.available.notify()

    def _load(self, fresh_copy: bool) -> Any:
        module_name, _, attribute = self.spec.handler.rpartition(".")
        if not fresh_copy:
            return getattr(importlib.import_module(module_name), attribute)
        # Import the handler again with the function's own package modules out of sys.modules,
        # so the copy gets its own module state; then put the first container's modules back.
        package = module_name.split(".")[0]
        with _import_lock:
            own = {name: module for name, module in sys.modules.items() if name.startswith(package + ".")}
            for name in own:
                del sys.modules[name]
            try:
                return getattr(importlib.import_module(module_name), attribute)
            finally:
                sys.modules.update(own)
                for name, module in own.items():  # `from intake import handler` finds the first again
                    parent, _, child = name.rpartition(".")
                    if parent in sys.modules:
                        setattr(sys.modules[parent], child, module)


_import_lock = threading.Lock()


class FunctionError(Exception):
    """The handler raised: Lambda reports the invocation as failed (whole batch retried)."""


class Runtime:
    def __init__(self, functions: dict[str, LocalFunction]) -> None:
        self.functions = functions  # by logical id
        self._by_arn = {f.arn: f for f in functions.values()}
        self.calls: Counter[tuple[str, str]] = Counter()
        self._calls_lock = threading.Lock()

    def by_arn(self, arn: str) -> LocalFunction:
        return self._by_arn[arn]

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        function = self.functions[logical_id]
        container = function.acquire()
        token = current_function.set(logical_id)
        try:
            function.invocations += 1
            return container.handler(event, LambdaContext(function))
        except Exception as error:
            function.errors += 1
            raise FunctionError(f"{logical_id} failed: {type(error).__name__}: {error}") from error
        finally:
            current_function.reset(token)
            function.release(container)

    # botocore hook: count every API call a function makes, by function and operation.
    def count_calls(self, client: Any) -> None:
        service = client.meta.service_model.service_name

        def counted(model: Any, **_: Any) -> None:
            with self._calls_lock:
                self.calls[(current_function.get() or "-", f"{service}:{model.name}")] += 1

        client.meta.events.register("before-call", counted)
