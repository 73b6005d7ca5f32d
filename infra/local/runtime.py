"""Functions run in-process, one "container" each: imported on first use, invoked one at a time.

A Lambda container handles one invocation at a time, so each function has a lock; handlers may
keep state per container (clients, caches) exactly as they would in AWS. API calls the
functions make are counted per function through botocore's event hooks.
"""

from __future__ import annotations

import contextvars
import importlib
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
class LocalFunction:
    spec: FunctionSpec
    name: str
    arn: str
    environment: dict[str, str]
    lock: threading.Lock = field(default_factory=threading.Lock)
    handler: Any = None
    invocations: int = 0
    errors: int = 0

    def load(self) -> Any:
        if self.handler is None:
            module_name, _, attribute = self.spec.handler.rpartition(".")
            self.handler = getattr(importlib.import_module(module_name), attribute)
        return self.handler


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
        with function.lock:
            token = current_function.set(logical_id)
            try:
                handler = function.load()
                function.invocations += 1
                return handler(event, LambdaContext(function))
            except Exception as error:
                function.errors += 1
                raise FunctionError(f"{logical_id} failed: {type(error).__name__}: {error}") from error
            finally:
                current_function.reset(token)

    # botocore hook: count every API call a function makes, by function and operation.
    def count_calls(self, client: Any) -> None:
        service = client.meta.service_model.service_name

        def counted(model: Any, **_: Any) -> None:
            with self._calls_lock:
                self.calls[(current_function.get() or "-", f"{service}:{model.name}")] += 1

        client.meta.events.register("before-call", counted)
