"""One container of one function: a process that imports the handler and answers invocations.

Lambda runs each function in its own containers: its own interpreter, its own module state, its
own environment variables, one invocation at a time. The local runtime starts this script for
each container it needs (`infra/local/runtime.py`) and sends it invocations over two pipes, a
4-byte length then a JSON document each way. The function's own output (its log lines) goes to
the process's stdout and stderr, as Lambda sends it to CloudWatch.

This file runs as a script with `python -I`, so the container's import path is what Lambda's
is: the function's code folder and the layer folders, nothing of the repository around them
(it imports only the standard library itself).

Faults for the robustness tests are injected here, never in the product: an invocation may be
told to die (as a container killed mid-work does) just before or just after its n-th AWS call,
or after the handler returned but before the answer got out; or to have one AWS operation
answer as a failing service would.

A container that dies after a provider took a message (an HTTP POST through urllib, or an SES
send) and before the transaction that records it (TransactWriteItems) says so in one line,
`[local fault] ... provider send(s) not yet recorded`: that is the one moment a crash can send
a message twice (the retry cannot know it went; no provider here takes an idempotency key), and
the fault runs count doubled replies against these lines.
"""

from __future__ import annotations

import base64
import json
import os
import struct
import sys
import time
import traceback
import uuid
from typing import Any

EXIT_KILLED = 137  # what a container killed by the runtime reports
# On every DynamoDB request of an invocation someone waits for (the HTTP API's): the emulator
# serves those before the consumers' (infra/local/emulator.py SerialDynamoDB).
CALLER_WAITS = "X-Local-Caller-Waits"


def read_message(stream: Any) -> Any:
    header = stream.read(4)
    if len(header) < 4:
        return None
    (size,) = struct.unpack(">I", header)
    return json.loads(stream.read(size))


def write_message(stream: Any, message: Any) -> None:
    payload = json.dumps(message, default=_json_default).encode()
    stream.write(struct.pack(">I", len(payload)) + payload)
    stream.flush()


def _json_default(value: Any) -> Any:
    # Lambda's events carry binary values base64-encoded (DynamoDB "B", SQS binary attributes).
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class LambdaContext:
    def __init__(self, spec: dict[str, Any], request_id: str) -> None:
        self.function_name = spec["name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec["arn"]
        self.memory_limit_in_mb = spec["memory"]
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{spec['name']}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + spec["timeout"]

    def get_remaining_time_in_millis(self) -> int:
        return max(int((self._deadline - time.monotonic()) * 1000), 0)


# DynamoDB operations that take ReturnConsumedCapacity (asked for on every call, for the bill).
_CAPACITY_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB bills it: attribute names plus values, in bytes."""
    return sum(len(name.encode()) + _value_size(v) for name, v in item.items())


def _value_size(value: dict[str, Any]) -> int:
    (kind, v), *_ = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        return (len(v.strip("-").replace(".", "").lstrip("0")) + 1) // 2 + 1
    if kind == "B":
        return len(v) if isinstance(v, (bytes, bytearray)) else len(base64.b64decode(v))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: x}) for x in v)
    if kind == "L":
        return 3 + sum(1 + _value_size(x) for x in v)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + _value_size(x) for k, x in v.items())
    return 0


def attribute_sizes(item: dict[str, Any]) -> dict[str, int]:
    """Each attribute's billed size (name + value): no values leave the container."""
    return {name: len(name.encode()) + _value_size(v) for name, v in item.items()}


class Usage:
    """What an invocation's AWS calls would be billed for: DynamoDB read request units from the
    item sizes by DynamoDB's rules (the items answered), the writes with what the benchmark
    needs to size them and their index writes (a put's attribute sizes; an update's, delete's
    or condition check's key, sized from the table afterwards), the capacity the service itself
    reported (ReturnConsumedCapacity), and the entries of each PutEvents."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.figures: dict[str, float] = {}
        # [PK, SK, units per KB (2: in a transaction), attribute sizes of a put or None]
        self.writes: list[list[Any]] = []

    def add(self, name: str, amount: float) -> None:
        self.figures[name] = self.figures.get(name, 0.0) + amount

    def ask_capacity(self, operation: str, params: dict[str, Any]) -> None:
        if operation in _CAPACITY_OPERATIONS:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def before(self, service: str, operation: str, params: dict[str, Any]) -> None:
        if service == "events" and operation == "PutEvents":
            self.add("events:entries", len(params.get("Entries") or []))
        if service != "dynamodb":
            return
        if operation == "PutItem":
            self._write(params["Item"], 1)
        elif operation in ("UpdateItem", "DeleteItem"):
            self._keyed(params["Key"], 1)
        elif operation == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    if "PutRequest" in request:
                        self._write(request["PutRequest"]["Item"], 1)
                    else:
                        self._keyed(request["DeleteRequest"]["Key"], 1)
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                (kind, op), *_ = entry.items()
                if kind == "Put":
                    self._write(op["Item"], 2)
                else:  # Update, Delete, ConditionCheck: billed on the item's size
                    self._keyed(op["Key"], 2)

    def after(self, service: str, operation: str, parsed: dict[str, Any], params: Any) -> None:
        if service != "dynamodb" or not isinstance(parsed, dict):
            return
        consumed = parsed.get("ConsumedCapacity")
        for one in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            self.add("dynamodb:reported", float(one.get("CapacityUnits") or 0))
        strong = 1.0 if (params or {}).get("ConsistentRead") else 0.5
        if operation == "GetItem" and parsed.get("Item"):
            self._read([parsed["Item"]], strong, each=True)
        elif operation in ("Query", "Scan"):
            self._read(parsed.get("Items") or [], strong, each=False)
        elif operation == "BatchGetItem":
            for table, keys in ((params or {}).get("RequestItems") or {}).items():
                factor = 1.0 if keys.get("ConsistentRead") else 0.5
                self._read(parsed.get("Responses", {}).get(table, []), factor, each=True)
        elif operation == "TransactGetItems":
            self._read([r["Item"] for r in parsed.get("Responses", []) if r.get("Item")], 2.0, True)

    def _read(self, items: list[dict[str, Any]], factor: float, each: bool) -> None:
        # A Query or Scan is billed on the sum of the items read; a get on each item.
        sizes = [item_size(i) for i in items] if each else [sum(item_size(i) for i in items)]
        self.add("dynamodb:rru", factor * sum(max(1, -(-size // 4096)) for size in sizes))

    def _write(self, item: dict[str, Any], factor: int) -> None:
        self.writes.append([item["PK"]["S"], item["SK"]["S"], factor, attribute_sizes(item)])

    def _keyed(self, key: dict[str, Any], factor: int) -> None:
        self.writes.append([key["PK"]["S"], key["SK"]["S"], factor, None])


class Calls:
    """Every AWS call the container makes, by operation, and the faults planned on them."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.plan: dict[str, Any] = {}
        self.made = 0
        self.caller_waits = False
        self.usage = Usage()
        self.unrecorded = 0  # provider sends since the last transaction (see the module's text)

    def watch(self, client: Any) -> None:
        service = client.meta.service_model.service_name
        usage = self.usage
        # The request the product made, with ReturnConsumedCapacity asked for: its answer's
        # extra field changes nothing the product reads.
        if service == "dynamodb":
            client.meta.events.register(
                "provide-client-params.dynamodb",
                lambda model, params, **_: usage.ask_capacity(model.name, params),
            )
            client.meta.events.register("before-send.dynamodb", self.mark)
        client.meta.events.register(
            "before-call", lambda model, params, **_: self.before(service, model.name, params)
        )
        client.meta.events.register(
            "after-call",
            lambda model, parsed, **kwargs: self.after(service, model.name, parsed, kwargs),
        )

    def mark(self, request: Any, **_: Any) -> None:
        if self.caller_waits:
            request.headers[CALLER_WAITS] = "1"

    def before(self, service: str, operation: str, params: dict[str, Any]) -> Any:
        name = f"{service}:{operation}"
        self.counts[name] = self.counts.get(name, 0) + 1
        self.made += 1
        self._params = params
        try:
            self.usage.before(service, operation, _request_params(service, operation, params))
        except Exception:  # accounting must never fail the product's call
            pass
        plan = self.plan
        if plan.get("die") == "before" and (
            plan.get("at") == self.made or plan.get("operation") == operation
        ):
            _die(self)
        failing = plan.get("fail") or {}
        if failing.get("operation") == operation:
            # A non-None answer from a before-call hook is the call's answer (botocore skips the
            # request): the service answering a failure, not a network error.
            return _failed_answer(operation, params)
        return None

    def after(self, service: str, operation: str, parsed: Any, extra: dict[str, Any]) -> None:
        try:
            request = _request_params(service, operation, getattr(self, "_params", {}))
            self.usage.after(service, operation, parsed, request)
        except Exception:
            pass
        if operation == "TransactWriteItems":
            self.unrecorded = 0
        elif service in ("ses", "sesv2") and operation.startswith("Send"):
            self.unrecorded += 1
        plan = self.plan
        if plan.get("die") == "after" and (
            plan.get("at") == self.made or plan.get("operation") == operation
        ):
            _die(self)

    def watch_provider_posts(self) -> None:
        """Count the POSTs providers took (aduan.provider_http sends through urllib.request)."""
        import urllib.request

        real = urllib.request.urlopen

        def urlopen(request: Any, *args: Any, **kwargs: Any) -> Any:
            answer = real(request, *args, **kwargs)
            if getattr(request, "get_method", lambda: "GET")() == "POST":
                self.unrecorded += 1
            return answer

        urllib.request.urlopen = urlopen  # type: ignore[assignment]


def _request_params(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """The operation's parameters as the product passed them (before-call sees the serialized
    request; its JSON body holds them for DynamoDB and EventBridge)."""
    body = params.get("body") if isinstance(params, dict) else None
    if isinstance(body, (bytes, str)) and body:
        try:
            found = json.loads(body)
            return found if isinstance(found, dict) else {}
        except ValueError:
            return {}
    return {}


class _Answer:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self.headers: dict[str, str] = {}


def _failed_answer(operation: str, params: dict[str, Any]) -> Any:
    if operation == "PutEvents":  # the bus takes the request and refuses every entry
        body = params.get("body") or b"{}"
        entries = len(json.loads(body).get("Entries", [])) if isinstance(body, (bytes, str)) else 1
        refused = [
            {"ErrorCode": "InternalFailure", "ErrorMessage": "injected"}
            for _ in range(max(entries, 1))
        ]
        return _Answer(200), {
            "FailedEntryCount": len(refused),
            "Entries": refused,
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }
    return _Answer(500), {
        "Error": {"Code": "InternalFailure", "Message": "injected"},
        "ResponseMetadata": {"HTTPStatusCode": 500},
    }


def _die(calls: Calls | None = None) -> None:
    if calls is not None and calls.unrecorded:
        print(
            f"[local fault] {os.environ.get('AWS_LAMBDA_FUNCTION_NAME')} died with "
            f"{calls.unrecorded} provider send(s) not yet recorded",
            file=sys.stderr,
        )
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_KILLED)


def serve(spec: dict[str, Any], requests: Any, answers: Any) -> None:
    sys.path[:0] = spec["paths"]
    calls = Calls()
    calls.watch_provider_posts()
    try:
        from aduan import aws  # the layer's one client factory: count and fault its clients

        aws.client_created_hooks.append(calls.watch)
    except ImportError:
        pass
    import importlib

    module_name, _, attribute = spec["handler"].rpartition(".")
    started = time.perf_counter()
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
    except Exception:
        # Lambda answers every invocation of a container whose init failed with the init error.
        write_message(answers, {"ready": False, "error": traceback.format_exc()})
        return
    write_message(answers, {"ready": True, "init_s": time.perf_counter() - started})
    while True:
        request = read_message(requests)
        if request is None:
            return
        calls.counts = {}
        calls.made = 0
        calls.usage.reset()
        calls.unrecorded = 0
        calls.plan = request.get("fault") or {}
        calls.caller_waits = bool(request.get("caller_waits"))
        context = LambdaContext(spec, request.get("request_id") or str(uuid.uuid4()))
        started = time.perf_counter()
        try:
            result = handler(request["event"], context)
            answer: dict[str, Any] = {"ok": True, "result": result}
            json.dumps(result, default=_json_default)  # Lambda fails an answer it cannot marshal
        except Exception as error:
            traceback.print_exc()
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        if calls.plan.get("die") == "end":
            _die(calls)
        answer["calls"] = calls.counts
        answer["usage"] = {"figures": calls.usage.figures, "writes": calls.usage.writes}
        answer["duration_s"] = time.perf_counter() - started
        write_message(answers, answer)


def main() -> None:
    spec = json.loads(sys.argv[1])
    requests = os.fdopen(int(sys.argv[2]), "rb")
    answers = os.fdopen(int(sys.argv[3]), "wb")
    serve(spec, requests, answers)


if __name__ == "__main__":
    main()
