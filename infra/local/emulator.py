"""The embedded AWS emulator: moto's server in its own process, with four fixes.

It runs in a child process so its request handling (the bulk of the local cloud's CPU) does not
compete with the in-process functions for one interpreter lock: on two cores the gateway answers
faster under load. Fixes to moto, applied in the child:

1. moto's DynamoDB is not thread-safe: TransactWriteItems deep-copies the whole table to roll back
   on failure, and a concurrent write changes the table during the copy ("dictionary changed size
   during iteration", answered as HTTP 500). DynamoDB requests are therefore served one at a time;
   the other services (SQS long polls in particular) stay concurrent.
2. moto's /moto-api/data.json (where the fake providers read SES mail) reads every attribute of
   every model; a deployed Lambda function's `docker_client` raises DockerException when no Docker
   engine runs, which breaks the whole endpoint. Here it answers AttributeError, which data.json
   skips. The functions never run in moto anyway: the local cloud runs them in-process.
3. moto's TransactWriteItems deep-copies every table it touches before each transaction so it
   can roll back; the cost grows with the table (seconds per call at a few thousand items, and
   gigabytes of garbage). With DynamoDB requests serialised, all conditions can be checked first
   and the writes applied only if every one holds: the same all-or-nothing result, without
   the copy.
4. moto's DeleteEventSourceMapping forgets the mapping but leaves it attached to its queue or
   table, where moto would still try to run the function in Docker on every send or write; the
   local cloud deletes the mappings it runs itself, so deleting also detaches them here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from moto.moto_server.threaded_moto_server import MotoRequestHandler, ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

_DYNAMODB_TARGET = "DynamoDB_20120810."


class SerialDynamoDB:
    """WSGI middleware: one DynamoDB request at a time, everything else as it comes."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith(_DYNAMODB_TARGET):
            with self.lock:
                # Materialise the body inside the lock: the work happens while it is produced.
                return list(self.app(environ, start_response))
        return self.app(environ, start_response)


class EmbeddedMoto(ThreadedMotoServer):
    """moto's threaded server in this process (adapter tests use it directly)."""

    def __init__(self, port: int) -> None:
        super().__init__(ip_address="127.0.0.1", port=port, verbose=False)
        _without_docker()
        _transactions_check_then_write()
        _deleting_a_mapping_detaches_it()

    def _server_entry(self) -> None:
        app = SerialDynamoDB(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


def _without_docker() -> None:
    from moto.utilities import docker_utilities

    def no_docker(_: object) -> None:
        raise AttributeError("no Docker engine: functions run in-process")

    docker_utilities.DockerModel.docker_client = property(no_docker)  # type: ignore[assignment]


def _transactions_check_then_write() -> None:
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend.transact_write_items, "check_then_write", False):
        return

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        seen: set[tuple[str, str]] = set()
        errors: list[tuple[Any, Any, Any]] = []
        for item in transact_items:
            if len(item) > 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(item.items()))
            table = self.get_table(op["TableName"])
            if op_type == "Put":
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            unique = (op["TableName"], str(dict(sorted(key.items()))))
            if unique in seen:
                raise MultipleTransactionsException()
            seen.add(unique)
            condition = op.get("ConditionExpression")
            if condition is None:
                errors.append((None, None, None))
                continue
            current = self.get_item(op["TableName"], key)
            check = get_filter_expression(condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues"))
            if check.expr(current):
                errors.append((None, None, None))
            else:
                old = current.to_json()["Attributes"] if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" else None
                errors.append(("ConditionalCheckFailed", ConditionalCheckFailed().message, old))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
        for item in transact_items:
            op_type, op = next(iter(item.items()))
            names = op.get("ExpressionAttributeNames")
            values = op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(op["TableName"], op["Item"], expression_attribute_names=names, expression_attribute_values=values)
            elif op_type == "Delete":
                self.delete_item(op["TableName"], op["Key"], expression_attribute_names=names, expression_attribute_values=values)
            elif op_type == "Update":
                self.update_item(
                    op["TableName"], op["Key"], update_expression=op["UpdateExpression"], expression_attribute_names=names, expression_attribute_values=values
                )

    transact_write_items.check_then_write = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _deleting_a_mapping_detaches_it() -> None:
    from moto.awslambda.models import LambdaBackend
    from moto.dynamodb.models import dynamodb_backends
    from moto.sqs.models import sqs_backends

    if getattr(LambdaBackend.delete_event_source_mapping, "detaches", False):
        return
    original = LambdaBackend.delete_event_source_mapping

    def delete_event_source_mapping(self: Any, uuid: str) -> Any:
        esm = original(self, uuid)
        if esm is not None:
            for backends in (dynamodb_backends, sqs_backends):
                for backend in backends[self.account_id].values():
                    for owner in [*getattr(backend, "tables", {}).values(), *getattr(backend, "queues", {}).values()]:
                        owner.lambda_event_source_mappings.pop(esm.function_arn, None)
        return esm

    delete_event_source_mapping.detaches = True  # type: ignore[attr-defined]
    LambdaBackend.delete_event_source_mapping = delete_event_source_mapping  # type: ignore[method-assign]


class MotoProcess:
    """The embedded emulator as a child process: `python -m infra.local.emulator --port N`."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        root = Path(__file__).resolve().parents[2]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, "-m", "infra.local.emulator", "--port", str(self.port)], cwd=root, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the AWS emulator exited with code {self.process.returncode}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the AWS emulator did not listen on port {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


def main() -> None:
    import argparse
    import signal

    parser = argparse.ArgumentParser(description="The local cloud's AWS emulator (moto, with fixes).")
    parser.add_argument("--port", type=int, default=4566)
    args = parser.parse_args()
    import logging
    import warnings

    # moto warns about each type its CloudFormation skips; the local cloud covers those itself.
    warnings.filterwarnings("ignore", message="Tried to parse AWS::", category=UserWarning)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per API call otherwise
    logging.getLogger("moto").setLevel(logging.ERROR)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it (Ctrl-C reaches both)
    EmbeddedMoto(args.port).start()
    threading.Event().wait()


if __name__ == "__main__":
    main()
