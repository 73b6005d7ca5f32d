"""The embedded AWS emulator: moto's server in its own process, with eighteen fixes.

It runs in a child process so its request handling (the bulk of the local cloud's CPU) does not
compete with the local cloud's own threads for one interpreter lock: on two cores the gateway answers
faster under load. Fixes to moto, applied in the child:

1. moto's DynamoDB is not thread-safe: TransactWriteItems deep-copies the whole table to roll back
   on failure, and a concurrent write changes the table during the copy ("dictionary changed size
   during iteration", answered as HTTP 500). DynamoDB requests are therefore served one at a time;
   the other services (SQS long polls in particular) stay concurrent.
2. moto's /moto-api/data.json (where the fake providers read SES mail) reads every attribute of
   every model; a deployed Lambda function's `docker_client` raises DockerException when no Docker
   engine runs, which breaks the whole endpoint. Here it answers AttributeError, which data.json
   skips. The functions never run in moto anyway: the local runtime runs them.
3. moto's TransactWriteItems deep-copies every table it touches before each transaction so it
   can roll back; the cost grows with the table (seconds per call at a few thousand items, and
   gigabytes of garbage). With DynamoDB requests serialised, all conditions can be checked first
   and the writes applied only if every one holds: the same all-or-nothing result, without
   the copy.
4. moto's DeleteEventSourceMapping forgets the mapping but leaves it attached to its queue or
   table, where moto would still try to run the function in Docker on every send or write; the
   local cloud deletes the mappings it runs itself, so deleting also detaches them here.
5. moto's USER_SRP_AUTH accepts any password; infra.local.srp checks the SRP proof as Cognito
   does, so the console's sign-in refuses a wrong password locally too.
6. moto's Query walks the whole table, sorted, for every query: for a base-table key and for
   an index alike (a GSI query at 10,000 complaints costs as much as a Scan). Here a base-table
   query starts from the items under its partition key, and a query on a GSI from the items
   under its index key, kept in a map that every write (put, update, delete, in a transaction
   or not) updates for the item it wrote. An index with a sort key keeps each key's items in
   moto's order, so a query takes only its page from them: the items from its start key (or the
   sort key condition's first match) to its Limit, found by bisection. moto's own query code then
   does the rest (key conditions, sort order, filters, pages, limits) on those candidates only,
   so answers are unchanged (tests/adapters/test_emulator_queries.py compares every page with
   moto's walk); they just stop growing with the table or the index key's share of it.
7. moto's SQS reads the clock through datetime arithmetic for each message it looks at, and
   computes all of a queue's attributes (three walks of the queue) to read one: three times for
   each message it receives (the retention check) and for each attribute GetQueueAttributes
   names. With a backlog that is quadratic. Here the retention check reads the retention period,
   GetQueueAttributes computes the attributes once, and the clock is time.time(). And moto's
   delete rebuilds the queue's message list unguarded, so a message sent meanwhile was lost (one
   acknowledgement in 5,000 in a burst): deletes and receives take the queue's lock, as sends do.
8. moto's EventBridge builds a JSONPath parser for each expression of the input template, for
   every target of every event; each expression is parsed once.
9. moto projects items (an index's projection, a ProjectionExpression) through a round trip to
   Python values, and writes every attribute value of an answer (DynamoDB's, and the stream
   records' images) through its generic serializer: about 1 ms of CPU per item returned.
   Projections of plain top-level attributes are copied, and attribute values (an item or a
   stream image whole) written directly, as moto writes them (the tests compare both).
10. moto finds the service of every request by listing its package folder and matching the
    host against every service's URL patterns, and the action's method by listing its handler
    class: once per host and per class here.
11. werkzeug's development server (moto's) closes the connection after every answer, so every
    AWS call of every function opened a new connection and started a new thread here. The
    connection stays open for the client's next request (KeepAliveHandler), as AWS's endpoints
    keep it: GetItem 1.33 -> 0.87 ms of emulator CPU.
12. moto applies an UpdateExpression by parsing it, deep-copying the tree and walking it ten
    times (validators resolving names, values and paths against the item) before executing it,
    and each SET re-measures the whole item: in a burst, where every step updates a complaint's
    META item with one SET per changed attribute, update_item was 30 % of the emulator's CPU
    (py-spy, 10,000-complaint burst; the reports' ADDs to their aggregates are as many again). A
    plain update (SET `path = :value`, REMOVE `path`, ADD `path :number` on top-level attributes
    of an existing item) that moto's validators would pass is applied directly: the same values
    in the same order, the same condition check, the same stream record; anything else, or
    anything moto would refuse, is moto's own code
    (tests/adapters/test_emulator_updates.py compares answers, items and stream records).
13. moto's SendMessage reads the queue's content-based deduplication flag through all of the
    queue's attributes, three of which walk the queue (fix 7 left this one): O(backlog) for each
    message sent, every rule's delivery to a consumer's queue included, so a burst whose
    consumers fall behind slows down as their queues grow (5 % of the emulator's CPU 7 minutes
    into a 10,000-complaint burst). During a send its queue's attributes are that one flag;
    the same answers (the SQS test compares sends to standard and FIFO queues with moto's).
14. moto's Query deep-copies every item of a page before answering it; nothing changes them
    afterwards (projections make new items; the answer is written under the DynamoDB lock), so
    a Query's page is a new list of the same items: 13 % of the emulator's CPU in a burst once
    fix 12 was in (test_emulator_queries.py compares every page with moto's own, which copies).
15. With fix 1, a webhook's DynamoDB requests queued behind the stream consumers' for the one
    lock (a third of a webhook's answer time with 4 senders): in AWS they do not wait for each
    other. The requests of an invocation someone waits for (the HTTP API's, marked by the local
    runtime) take the next turn, before the consumers' waiting with them (SerialDynamoDB).
16. Python's full garbage collection walks every object the process holds (every item, index
    map and stream record): 0.2-0.5 s every 15-25 s a few thousand complaints in, a webhook's
    write waiting for it. Each walks only the objects new since the last (infra.local.collector).
17. moto builds an item attribute by attribute, and each assignment measures every attribute
    already in to check the 400 KB limit: quadratic in the item's attributes, and a complaint's
    items have thirty-odd (7 % of the emulator's CPU in a burst, most of it under
    TransactWriteItems' puts). Here the item's size is summed once as it is built, checked after
    each attribute as moto checks it: the same refusal at the same attribute.
18. Python's HTTP server reads each request's headers through the e-mail package's parser:
    half of the emulator's CPU for a GetItem. The emulator's process reads plain header lines
    directly, into the same message (infra.local.http_headers).
"""

from __future__ import annotations

import bisect
import contextlib
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from moto.moto_server.threaded_moto_server import MotoRequestHandler, ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from infra.local import collector, http_headers
from infra.local.snapshot import ANSWERED
from infra.local.worker import CALLER_WAITS

_DYNAMODB_TARGET = "DynamoDB_20120810."


# The local runtime marks the DynamoDB requests of an invocation someone waits for (the HTTP
# API's: a provider's webhook, a page) with the CALLER_WAITS header.
_CALLER_WAITS_KEY = "HTTP_" + CALLER_WAITS.upper().replace("-", "_")
# How long a consumer's request may be passed by waiting callers' requests before it goes first.
PASSED_AT_MOST_S = 0.25


class SerialDynamoDB:
    """WSGI middleware: one DynamoDB request at a time, everything else as it comes.

    A request whose caller waits goes before the consumers' requests waiting with it: in AWS a
    webhook's write does not queue behind the stream consumers' work, here one lock serves them
    all, and on two cores a webhook's answer waited for their queue (a third of its time in a
    4-sender run of bench.webhooks). A consumer's request passed for PASSED_AT_MOST_S is overdue
    and goes before the callers' in its turn: consumers are slowed in a burst, never stopped.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self._state = threading.Condition()
        self._busy = False
        self._callers_waiting = 0
        self._overdue = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith(_DYNAMODB_TARGET):
            with self._turn(bool(environ.get(_CALLER_WAITS_KEY))):
                # Materialise the body inside the turn: the work happens while it is produced.
                return list(self.app(environ, start_response))
        return self.app(environ, start_response)

    def a_turn_of_its_own(self) -> contextlib.AbstractContextManager[None]:
        """No DynamoDB request is served while it is held (the snapshot's, taken at stop)."""
        return self._turn(caller_waits=True)

    @contextlib.contextmanager
    def _turn(self, caller_waits: bool) -> Iterator[None]:
        with self._state:
            if caller_waits:
                self._wait_as_caller()
            else:
                self._wait_as_consumer()
            self._busy = True
        try:
            yield
        finally:
            with self._state:
                self._busy = False
                self._state.notify_all()

    def _wait_as_caller(self) -> None:
        self._callers_waiting += 1
        try:
            while self._busy or self._overdue:
                self._state.wait()
        finally:
            self._callers_waiting -= 1

    def _wait_as_consumer(self) -> None:
        passed_until = time.monotonic() + PASSED_AT_MOST_S
        overdue = False
        try:
            while self._busy or (self._callers_waiting and not overdue):
                left = passed_until - time.monotonic()
                if not overdue and left <= 0:
                    overdue = True
                    self._overdue += 1
                    continue
                self._state.wait(None if overdue else left)
        finally:
            if overdue:
                self._overdue -= 1


class KeepAliveHandler(MotoRequestHandler):
    """moto's request handler, keeping the connection open for the client's next request, as
    AWS's endpoints do (werkzeug's development server closes every connection, so every AWS call
    of every function paid for a new connection here and a new thread there).

    A request's body is read whole before the app runs (so the next request on the connection
    starts right after it), and the answer is sent with its length. A request with a chunked
    body, or a client asking to close, closes the connection after the answer, as before.
    """

    def run_wsgi(self) -> None:
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
        if environ.get("wsgi.input_terminated"):  # a chunked body: read as werkzeug reads it
            self.close_connection = True
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            environ["wsgi.input"] = io.BytesIO(self.rfile.read(length) if length else b"")
        answer: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if exc_info and answer:
                raise exc_info[1].with_traceback(exc_info[2])
            answer[:] = [status, headers]
            return lambda data: body.append(data)

        body: list[bytes] = []
        try:
            try:
                chunks = self.server.app(environ, start_response)
                try:
                    body.extend(chunks)
                finally:
                    if hasattr(chunks, "close"):
                        chunks.close()
            except Exception as error:
                if self.server.passthrough_errors:
                    raise
                from werkzeug.debug.tbtools import DebugTraceback
                from werkzeug.exceptions import InternalServerError

                self.server.log(
                    "error", f"Error on request:\n{DebugTraceback(error).render_traceback_text()}"
                )
                answer, body = [], []
                chunks = InternalServerError()(environ, start_response)
                body.extend(chunks)
            status, headers = answer
            code, _, message = status.partition(" ")
            payload = b"".join(body)
            self.send_response(int(code), message)
            names = set()
            for name, value in headers:
                self.send_header(name, value)
                names.add(name.lower())
            bodiless = (
                environ["REQUEST_METHOD"] == "HEAD" or int(code) in (204, 304) or int(code) < 200
            )
            if "content-length" not in names and not bodiless:
                self.send_header("Content-Length", str(len(payload)))
            if self.close_connection:
                self.send_header("Connection", "close")
            # Headers and body in one write: two small writes on a kept-open connection wait for
            # the client's delayed acknowledgement (Nagle), 40 ms a request.
            self._headers_buffer.append(b"\r\n")
            if payload and not bodiless:
                self._headers_buffer.append(payload)
            self.flush_headers()
        finally:
            # The snapshot's gate counts this answer as on its way until here (a stop waits
            # for it: a change in the snapshot whose answer is lost would be applied twice).
            answered = environ.get(ANSWERED)
            if answered is not None:
                answered()


class EmbeddedMoto(ThreadedMotoServer):
    """moto's threaded server in this process (adapter tests use it directly)."""

    def __init__(self, port: int) -> None:
        super().__init__(ip_address="127.0.0.1", port=port, verbose=False)
        _without_docker()
        _transactions_check_then_write()
        _deleting_a_mapping_detaches_it()
        from infra.local import srp

        srp.install()
        _updates_applied_directly()  # before the index maps wrap update_item: they see its item
        _narrow_queries()
        _query_results_not_copied()
        _queues_without_walks()
        _sends_without_walks()
        _event_paths_parsed_once()
        _items_projected_and_answered_directly()
        _requests_routed_once_per_host()
        _unknown_shard_iterators_expired()
        _items_measured_once()

    def _server_entry(self) -> None:
        collector.walk_new_objects_only()
        app = SerialDynamoDB(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=KeepAliveHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


def _without_docker() -> None:
    from moto.utilities import docker_utilities

    def no_docker(_: object) -> None:
        raise AttributeError("no Docker engine: the local runtime runs the functions")

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
            check = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if check.expr(current):
                errors.append((None, None, None))
            else:
                old = (
                    current.to_json()["Attributes"]
                    if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                    else None
                )
                errors.append(("ConditionalCheckFailed", ConditionalCheckFailed().message, old))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
        for item in transact_items:
            op_type, op = next(iter(item.items()))
            names = op.get("ExpressionAttributeNames")
            values = op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(
                    op["TableName"],
                    op["Item"],
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Delete":
                self.delete_item(
                    op["TableName"],
                    op["Key"],
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Update":
                self.update_item(
                    op["TableName"],
                    op["Key"],
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )

    transact_write_items.check_then_write = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _unknown_shard_iterators_expired() -> None:
    """GetRecords with a shard iterator moto does not know (a snapshot keeps none:
    infra.local.snapshot) answers as AWS does for an old one, ExpiredIteratorException, so the
    reader asks for a new one (moto raised a KeyError: a 500, retried by the client in vain)."""
    from moto.core.exceptions import JsonRESTError
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    get_records = DynamoDBStreamsBackend.get_records

    def get_records_or_expired(self: Any, iterator_arn: str, limit: int) -> dict[str, Any]:
        if iterator_arn not in self.shard_iterators:
            raise JsonRESTError("ExpiredIteratorException", "Iterator expired: ask for a new one")
        return get_records(self, iterator_arn, limit)

    DynamoDBStreamsBackend.get_records = get_records_or_expired  # type: ignore[method-assign]


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
                    for owner in [
                        *getattr(backend, "tables", {}).values(),
                        *getattr(backend, "queues", {}).values(),
                    ]:
                        owner.lambda_event_source_mappings.pop(esm.function_arn, None)
        return esm

    delete_event_source_mapping.detaches = True  # type: ignore[attr-defined]
    LambdaBackend.delete_event_source_mapping = delete_event_source_mapping  # type: ignore[method-assign]


def _queues_without_walks() -> None:
    """SQS as moto serves it, without the repeated walks of the queue on every message.

    moto reads its clock through datetime arithmetic for each message it looks at (visible?
    delayed?), and computes every attribute of the queue, the message counts included (each a
    walk of the queue), whenever it needs one: three times for each message it receives (the
    retention check), once for each message sent (content-based deduplication), three times per
    attribute asked for. With a backlog that is quadratic. Here the clock is time.time() (the
    same instant moto computes), the retention check reads the queue's retention period, and
    GetQueueAttributes computes the attributes once per request. Same answers, same timing.
    """
    from moto.core import utils
    from moto.sqs import models

    if getattr(models.SQSBackend.get_queue_attributes, "computed_once", False):
        return

    def unix_time(dt: Any = None) -> float:
        return time.time() if dt is None else utils.unix_time(dt)

    def unix_time_millis(dt: Any = None) -> float:
        return time.time() * 1000.0 if dt is None else utils.unix_time_millis(dt)

    models.unix_time = unix_time
    models.unix_time_millis = unix_time_millis
    original = models.SQSBackend.get_queue_attributes

    def get_queue_attributes(self: Any, queue_name: str, attribute_names: list[str]) -> Any:
        if not attribute_names or "All" in attribute_names:
            return original(self, queue_name, attribute_names)
        queue = self.get_queue(queue_name)
        valid = ["All", *queue.BASE_ATTRIBUTES, *queue.FIFO_ATTRIBUTES, *queue.KMS_ATTRIBUTES]
        invalid = next((name for name in attribute_names if name not in valid), None)
        if invalid or invalid == "":
            from moto.sqs.exceptions import InvalidAttributeName

            raise InvalidAttributeName(invalid)
        attributes = queue.attributes
        return {
            name: attributes[name]
            for name in attribute_names
            if name in attributes and attributes[name] is not None
        }

    def is_message_valid_based_on_retention_period(
        self: Any, queue_name: str, message: Any
    ) -> bool:
        retention_period = self.get_queue(queue_name).message_retention_period
        return bool(retention_period + message.sent_timestamp / 1000 > unix_time())

    # moto rebuilds a queue's message list to delete one, unguarded: a message sent to the
    # queue meanwhile (EventBridge delivering while a consumer deletes its batch) was lost, and
    # two consumers receiving at once could both take one message. Deletes and receives hold
    # the queue's own lock, which sends already take (a long poll releases it while it waits).
    delete_message, receive_message = models.Queue.delete_message, models.SQSBackend.receive_message

    def locked_delete(self: Any, receipt_handle: str) -> None:
        with self._messages_lock:
            delete_message(self, receipt_handle)

    def locked_receive(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        with self.get_queue(queue_name)._messages_lock:
            return receive_message(self, queue_name, *args, **kwargs)

    models.Queue.delete_message = locked_delete  # type: ignore[method-assign]
    models.SQSBackend.receive_message = locked_receive  # type: ignore[method-assign]
    get_queue_attributes.computed_once = True  # type: ignore[attr-defined]
    models.SQSBackend.get_queue_attributes = get_queue_attributes  # type: ignore[method-assign]
    models.SQSBackend.is_message_valid_based_on_retention_period = (  # type: ignore[method-assign]
        is_message_valid_based_on_retention_period
    )


def _sends_without_walks() -> None:
    """moto's SendMessage reads one attribute of the queue, ContentBasedDeduplication (a FIFO
    queue's), through `Queue.attributes`, which computes every attribute, the three message
    counts among them (each a walk of the queue): for every message sent, rules' deliveries
    included. While a send runs, its queue's `attributes` is that one attribute, as
    `attributes` spells it (absent for a standard queue); everywhere else it is moto's."""
    from moto.sqs import models

    if getattr(models.SQSBackend.send_message, "without_walks", False):
        return
    send_message, attributes = models.SQSBackend.send_message, models.Queue.attributes
    sending = threading.local()

    def send(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        outer = getattr(sending, "queue", None)
        sending.queue = self.get_queue(queue_name)
        try:
            return send_message(self, queue_name, *args, **kwargs)
        finally:
            sending.queue = outer

    def queue_attributes(self: Any) -> dict[str, Any]:
        if getattr(sending, "queue", None) is not self or _as_is.is_set():
            return attributes.fget(self)  # type: ignore[no-any-return]
        if not self.fifo_queue:
            return {}
        flag = self.content_based_deduplication
        return {"ContentBasedDeduplication": str(flag).lower() if isinstance(flag, bool) else flag}

    send.without_walks = True  # type: ignore[attr-defined]
    models.SQSBackend.send_message = send  # type: ignore[method-assign]
    models.Queue.attributes = property(queue_attributes)  # type: ignore[assignment,method-assign]


def _event_paths_parsed_once() -> None:
    """moto's EventBridge parses the same JSONPath expressions (the default input template's
    eight) with a freshly built parser for every target of every event; parse each once."""
    import functools

    import jsonpath_ng.ext

    if getattr(jsonpath_ng.ext.parse, "cache_info", None):
        return
    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=256)(jsonpath_ng.ext.parse)


class _Partition:
    """The items under one index key value: by table key, and in the index's order when the
    index has a sort key (moto's order: index sort key, then the table's hash and range keys)."""

    def __init__(self) -> None:
        self.items: dict[Any, Any] = {}  # table key -> item
        self.order: list[tuple[Any, ...]] = []  # sorted native sort keys ...
        self.ordered: list[Any] = []  # ... and their items
        self.unordered = False  # keys that do not compare (mixed types): moto sorts instead

    def add(self, key: Any, item: Any, sort_key: tuple[Any, ...] | None) -> None:
        self.items[key] = item
        if sort_key is None or self.unordered:
            return
        try:
            at = bisect.bisect_left(self.order, sort_key)
        except TypeError:
            self.unordered = True
            self.order, self.ordered = [], []
            return
        self.order.insert(at, sort_key)
        self.ordered.insert(at, item)

    def remove(self, key: Any, sort_key: tuple[Any, ...] | None) -> None:
        self.items.pop(key, None)
        if sort_key is None or self.unordered:
            return
        at = bisect.bisect_left(self.order, sort_key)
        if at < len(self.order) and self.order[at] == sort_key:
            del self.order[at], self.ordered[at]


def _none() -> None:
    return None


class _IndexMaps:
    """Per table and GSI: index key value -> its _Partition, built on the first query."""

    def __reduce__(self) -> Any:
        # Left out of a snapshot (infra.local.snapshot): loaded, the table has none, and its
        # first query builds them again from its items, as at any start.
        return _none, ()

    def __init__(self, table: Any) -> None:
        self.gsis: dict[str, tuple[str, str | None]] = {}  # index -> (hash attr, range attr)
        for index in table.global_indexes:
            hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
            ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
            if len(hashes) == 1 and len(ranges) <= 1:  # multi-attribute keys: moto's own walk
                self.gsis[index.name] = (hashes[0], ranges[0] if ranges else None)
        self.with_range_key = table.range_key_attr is not None
        self.entries: dict[str, dict[Any, _Partition]] = {name: {} for name in self.gsis}
        self.where: dict[Any, dict[str, tuple[Any, Any]]] = {}  # key -> index -> (value, sort)
        for item in table.all_items():
            self.put(item)

    @staticmethod
    def key(item: Any) -> Any:
        return (item.hash_key, item.range_key)

    def sort_key(self, index_range: Any, hash_key: Any, range_key: Any) -> tuple[Any, ...]:
        """moto's order of an index's items (Table.sorted_items), in plain Python values."""
        if self.with_range_key:
            return (index_range.cast_value, hash_key.cast_value, range_key.cast_value)
        return (index_range.cast_value, hash_key.cast_value)

    def put(self, item: Any) -> None:
        key = self.key(item)
        self.remove(key)
        placed: dict[str, tuple[Any, Any]] = {}
        for name, (hash_attr, range_attr) in self.gsis.items():
            value = item.attrs.get(hash_attr)
            if value is None:
                continue
            sort_key = None
            if range_attr is not None:
                index_range = item.attrs.get(range_attr)
                if index_range is None:  # DynamoDB indexes only items with every key attribute
                    continue
                sort_key = self.sort_key(index_range, item.hash_key, item.range_key)
            self.entries[name].setdefault(value, _Partition()).add(key, item, sort_key)
            placed[name] = (value, sort_key)
        if placed:
            self.where[key] = placed

    def remove(self, key: Any) -> None:
        for name, (value, sort_key) in self.where.pop(key, {}).items():
            partition = self.entries[name].get(value)
            if partition is not None:
                partition.remove(key, sort_key)
                if not partition.items:
                    del self.entries[name][value]


_ITEM_BYTES = 400 * 1024  # DynamoDB's (and moto's) largest item


def _successor(prefix: Any) -> Any:
    """The least string above every string that begins with `prefix` (None: there is none)."""
    if isinstance(prefix, str) and prefix and ord(prefix[-1]) < sys.maxunicode:
        return prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return None


def _window(
    partition: _Partition,
    maps: _IndexMaps,
    range_comparison: str | None,
    range_objs: list[Any],
    limit: int | None,
    start: dict[str, Any] | None,
    forward: bool,
    attrs: tuple[str, str, str | None],
) -> list[Any] | None:
    """The items of a query page, in index order: those after the start key in the query's
    direction that satisfy the sort key condition, the first limit + 1 of them (moto's query then
    answers the page, and its LastEvaluatedKey, from these exactly as from all of them).
    None when this cannot be told without moto's walk."""
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import RESULT_SIZE_LIMIT

    order = partition.order

    def first(entry: tuple[Any, ...]) -> Any:
        return entry[0]

    lo, hi = 0, len(order)
    values = [o.cast_value for o in range_objs]
    try:
        if range_comparison in ("=", "EQ"):
            lo, hi = (
                bisect.bisect_left(order, values[0], key=first),
                bisect.bisect_right(order, values[0], key=first),
            )
        elif range_comparison in ("<", "LT"):
            hi = bisect.bisect_left(order, values[0], key=first)
        elif range_comparison in ("<=", "LE"):
            hi = bisect.bisect_right(order, values[0], key=first)
        elif range_comparison in (">", "GT"):
            lo = bisect.bisect_right(order, values[0], key=first)
        elif range_comparison in (">=", "GE"):
            lo = bisect.bisect_left(order, values[0], key=first)
        elif range_comparison == "BETWEEN":
            lo = bisect.bisect_left(order, values[0], key=first)
            hi = bisect.bisect_right(order, values[1], key=first)
        elif range_comparison == "BEGINS_WITH":
            lo = bisect.bisect_left(order, values[0], key=first)
            above = _successor(values[0])
            if above is not None:
                hi = bisect.bisect_left(order, above, key=first)
        elif range_comparison is not None:
            return None
        if start is not None:
            index_range, hash_attr, range_attr = attrs
            if any(a not in start for a in (index_range, hash_attr, range_attr) if a):
                return None
            after = maps.sort_key(
                DynamoType(start[index_range]),
                DynamoType(start[hash_attr]),
                DynamoType(start[range_attr]) if range_attr else None,
            )
            if forward:
                lo = max(lo, bisect.bisect_right(order, after))
            else:
                hi = min(hi, bisect.bisect_left(order, after))
    except (TypeError, IndexError, KeyError, ValueError, ArithmeticError):
        return None
    if limit is not None and int(limit) < 1:
        return None
    # moto walks the page's items in order and stops at the first item after the limit-th match
    # (whatever it is: the page then has a LastEvaluatedKey) or before a match that would take
    # the page over 1 MB. So the page is every item from the first candidate to the limit-th
    # match, and the item after it; matches past the window cannot change the page unless the
    # page is near 1 MB (then moto walks them all).
    steps = range(lo, hi) if forward else range(hi - 1, lo - 1, -1)
    page: list[Any] = []
    matched = size = 0
    last: int | None = None
    index_range = attrs[0]
    for at in steps:
        item = partition.ordered[at]
        page.append(item)
        last = at
        found = item.attrs.get(index_range)
        if found is not None and (
            range_comparison is None or found.compare(range_comparison, range_objs)
        ):
            matched += 1
            size += item.size()
            if limit is not None and matched == int(limit):
                break
    if size > RESULT_SIZE_LIMIT - _ITEM_BYTES:
        return None
    if last is not None and limit is not None and matched == int(limit):
        following = last + 1 if forward else last - 1
        if 0 <= following < len(order):
            page.append(partition.ordered[following])
    return page if forward else page[::-1]


_narrowed = threading.local()  # the candidates of the query being served, on its own thread
_as_is = threading.Event()  # set: moto's own code answers (the tests compare with it)


@contextlib.contextmanager
def moto_as_is() -> Iterator[None]:
    """For the tests: queries walk the table, and items are projected and answered, by moto's
    own code, to compare the fixes' answers with."""
    _as_is.set()
    try:
        yield
    finally:
        _as_is.clear()


def _narrow_queries() -> None:
    import inspect

    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    if getattr(Table.query, "narrowed", False):
        return
    all_items, query = Table.all_items, Table.query
    signature = inspect.signature(query)
    put_item, delete_item, update_item = (
        Table.put_item,
        Table.delete_item,
        DynamoDBBackend.update_item,
    )

    def maps(table: Any, build: bool) -> _IndexMaps | None:
        found = table.__dict__.get("_aduan_index_maps")
        if found is None and build:
            found = table.__dict__["_aduan_index_maps"] = _IndexMaps(table)
        return found

    def candidates(table: Any, a: dict[str, Any]) -> list[Any] | None:
        hash_key, index_name = a["hash_key"], a["index_name"]
        if index_name is None or index_name in {i.name for i in table.indexes}:  # base table, LSI
            if hash_key is None:
                return None
            under = table.items.get(hash_key) if hash_key in table.items else None
            if under is None:
                return []
            return list(under.values()) if table.range_key_attr else [under]
        index = maps(table, build=True)
        if index is None or index_name not in index.gsis:
            return None
        hash_attr, range_attr = index.gsis[index_name]
        conditions = dict(a["hash_key_conditions"] or [])
        value = conditions.get(hash_attr, hash_key)
        if value is None:
            return None
        partition = index.entries[index_name].get(value)
        if partition is None:
            return []
        ranges = a["range_key_conditions"] or []
        if (
            range_attr is not None
            and not partition.unordered
            and not a["filter_kwargs"]
            and set(conditions) <= {hash_attr}
            and len(ranges) <= 1
            and all(name == range_attr for name, _, _ in ranges)
        ):
            page = _window(
                partition,
                index,
                a["range_comparison"],
                a["range_objs"],
                a["limit"],
                a["exclusive_start_key"],
                a["scan_index_forward"] is not False,
                (range_attr, table.hash_key_attr, table.range_key_attr),
            )
            if page is not None:
                return page
        return list(partition.items.values())

    def narrowed_all_items(self: Any) -> list[Any]:
        if getattr(_narrowed, "table", None) is self:
            return list(_narrowed.items)
        return all_items(self)

    def narrowed_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        found = None if _as_is.is_set() else candidates(self, bound.arguments)
        if found is None:
            return query(self, *args, **kwargs)
        _narrowed.table, _narrowed.items = self, found
        try:
            return query(self, *args, **kwargs)
        finally:
            _narrowed.table = _narrowed.items = None

    def indexed_put(self: Any, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        item = put_item(self, item_attrs, *args, **kwargs)
        index = maps(self, build=False)
        if index is not None:
            index.put(item)
        return item

    def indexed_delete(self: Any, hash_key: Any, range_key: Any = None) -> Any:
        item = delete_item(self, hash_key, range_key)
        index = maps(self, build=False)
        if index is not None and item is not None:
            index.remove(_IndexMaps.key(item))
        return item

    def indexed_update(
        self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        item = update_item(self, table_name, key, *args, **kwargs)
        index = maps(self.get_table(table_name), build=False)
        if index is not None and item is not None:
            index.put(item)  # updated in place: its index values may have changed
        return item

    narrowed_query.narrowed = True  # type: ignore[attr-defined]
    Table.all_items = narrowed_all_items  # type: ignore[method-assign]
    Table.query = narrowed_query  # type: ignore[method-assign]
    Table.put_item = indexed_put  # type: ignore[method-assign]
    Table.delete_item = indexed_delete  # type: ignore[method-assign]
    DynamoDBBackend.update_item = indexed_update  # type: ignore[method-assign]


_UPDATE_TOKENS = re.compile(r"\s*(#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z][A-Za-z0-9_]*|=|,)\s*")
_ITEM_LIMIT = 405_000  # moto's LimitedSizeDict bound (DynamoDB's 400 KB, as moto measures it)
_CLAUSES = ("SET", "REMOVE", "ADD")


def _plain_update(
    expression: str,
) -> tuple[list[tuple[str, str]], list[str], list[tuple[str, str]], list[str]] | None:
    """`SET p = :v, ...`, `REMOVE p, ...` and `ADD p :v, ...` clauses (each once, in any order),
    every path a top-level attribute (a name or a #placeholder) and every value a :placeholder:
    the SET pairs, the REMOVE paths and the ADD pairs, as tokens, and the clauses' order. None
    for anything else (moto's own code serves it)."""
    tokens: list[str] = []
    at = 0
    while at < len(expression):
        found = _UPDATE_TOKENS.match(expression, at)
        if found is None or found.end() == at:
            return None
        tokens.append(found.group(1))
        at = found.end()
    clauses: dict[str, list[Any]] = {}
    i = 0
    while i < len(tokens):
        clause = tokens[i]
        if clause not in _CLAUSES or clause in clauses:
            return None
        actions = clauses[clause] = []
        i += 1
        while True:
            if i >= len(tokens) or tokens[i][0] in ":=," or tokens[i] in _CLAUSES:
                return None
            path = tokens[i]
            if clause == "SET":
                if i + 2 >= len(tokens) or tokens[i + 1] != "=" or tokens[i + 2][0] != ":":
                    return None
                actions.append((path, tokens[i + 2]))
                i += 3
            elif clause == "ADD":
                if i + 1 >= len(tokens) or tokens[i + 1][0] != ":":
                    return None
                actions.append((path, tokens[i + 1]))
                i += 2
            else:
                actions.append(path)
                i += 1
            if i < len(tokens) and tokens[i] == ",":
                i += 1
                continue
            break
    if not clauses:
        return None
    order = [*clauses, *(c for c in _CLAUSES if c not in clauses)]
    return clauses.get("SET", []), clauses.get("REMOVE", []), clauses.get("ADD", []), order


def _updates_applied_directly() -> None:
    """moto applies an UpdateExpression by parsing it, deep-copying the tree, walking it ten times
    (validators that resolve names, values and paths against the item) and executing it; each
    SET then re-measures the whole item (LimitedSizeDict) - about a third of the emulator's CPU
    in a burst, where every step updates a complaint's META item with one SET per changed
    attribute, and the reports add to their aggregates. Here an update whose expression is plain
    SET `path = :value`, REMOVE `path` and ADD `path :number` on top-level attributes of an
    existing item, that moto's validators would all pass, is applied directly: the same values
    (DynamoType of each placeholder's value, sums as moto adds them, in the expression's
    order), the same condition check, the same stream record (the old image is the item before
    the update, as moto's deep copy is). Anything else, or anything moto would
    refuse, goes through moto's own code (tests/adapters/test_emulator_updates.py compares)."""
    from moto.dynamodb.comparisons import create_condition_expression_parser, get_expected
    from moto.dynamodb.exceptions import ConditionalCheckFailed
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize
    from moto.dynamodb.parsing.reserved_keywords import ReservedKeywords

    if getattr(DynamoDBBackend, "_aduan_direct_updates", False):
        return
    update_item = DynamoDBBackend.update_item
    reserved = ReservedKeywords.get_reserved_keywords()

    def resolved(token: str, names: dict[str, str] | None) -> str | None:
        if token.startswith("#"):
            return (names or {}).get(token)
        return None if token.upper() in reserved else token

    def direct_update(
        self: Any,
        table_name: str,
        key: dict[str, dict[str, Any]],
        update_expression: str,
        expression_attribute_names: dict[str, Any],
        expression_attribute_values: dict[str, Any],
        attribute_updates: dict[str, Any] | None = None,
        expected: dict[str, Any] | None = None,
        condition_expression: str | None = None,
        return_values_on_condition_check_failure: str | None = None,
    ) -> Any:
        def moto() -> Any:
            return update_item(
                self,
                table_name,
                key,
                update_expression,
                expression_attribute_names,
                expression_attribute_values,
                attribute_updates=attribute_updates,
                expected=expected,
                condition_expression=condition_expression,
                return_values_on_condition_check_failure=return_values_on_condition_check_failure,
            )

        plain = None
        if update_expression and not attribute_updates and not expected and not _as_is.is_set():
            plain = _plain_update(update_expression)
        if plain is None:
            return moto()
        table = self.get_table(table_name)
        if not all([table.hash_key_attr in key, table.range_key_attr in key]):
            return moto()
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr])
        item = table.get_item(hash_value, range_value)
        if item is None:  # an update that creates the item: moto's path
            return moto()
        sets, removes, adds, order = plain
        names, values = expression_attribute_names, expression_attribute_values or {}
        paths = [path for path, _ in sets] + removes + [path for path, _ in adds]
        attributes = [resolved(path, names) for path in paths]
        if (
            None in attributes
            or len(set(attributes)) < len(attributes)
            or len(set(paths)) < len(paths)
            or any(a in table.table_key_attrs for a in attributes)
            or any(v not in values for _, v in sets + adds)
        ):
            return moto()  # moto refuses it (or might): its own error
        new = [DynamoType(values[v]) for _, v in sets]
        set_attributes = attributes[: len(sets)]
        removed = attributes[len(sets) : len(sets) + len(removes)]
        # ADD of a number to a number (or to nothing: 0): the sum, as moto's AddExecutor makes
        # it. Sets, or any other type, are moto's.
        sums = []
        for attribute, (_, v) in zip(attributes[len(sets) + len(removes) :], adds, strict=True):
            added, current = DynamoType(values[v]), item.attrs.get(attribute)
            if added.type != "N" or (current is not None and current.type != "N"):
                return moto()
            sums.append((attribute, (current or DynamoType({"N": "0"})) + added))
        definitions = {d["AttributeName"]: d["AttributeType"] for d in table.attr}
        for (path, _), value in zip(sets, new, strict=True):
            # moto's checks of a key attribute's type and emptiness read the path's token as
            # written (a #placeholder never matches an attribute name).
            if path in definitions and definitions[path] != value.type:
                return moto()
            if path in table.attribute_keys and not value.value and value.type in ("S", "B"):
                return moto()
        # Each SET re-checks the item's size; none can fail when the item, with every new
        # value added on top, stays under the limit. Otherwise moto decides.
        # moto runs the actions in the expression's order; paths never overlap, so the order
        # only decides where new attributes are added: SETs and ADDs in their clauses' order.
        settings = list(zip(set_attributes, new, strict=True))
        written = settings + sums if order.index("SET") < order.index("ADD") else sums + settings
        grown = item.size() + sum(bytesize(a) + v.size() for a, v in written)
        if grown > _ITEM_LIMIT:
            return moto()
        old = None
        if table.stream_shard is not None:
            # The item as it was (moto deep-copies it): the update below replaces or removes
            # whole attributes and never changes a value in place.
            old = Item.__new__(Item)
            old.hash_key, old.range_key = item.hash_key, item.range_key
            old.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
            dict.__init__(old.attrs)
            dict.update(old.attrs, item.attrs)
        if not get_expected({}).expr(item):
            raise ConditionalCheckFailed
        condition = create_condition_expression_parser(
            condition_expression, expression_attribute_names, expression_attribute_values
        ).parse()
        if not condition.expr(item):
            if return_values_on_condition_check_failure == "ALL_OLD":
                raise ConditionalCheckFailed(item=item.to_json()["Attributes"])
            raise ConditionalCheckFailed
        for attribute in removed:
            item.attrs.pop(attribute, None)
        for attribute, value in written:
            dict.__setitem__(item.attrs, attribute, value)
        if table.stream_shard is not None:
            table.stream_shard.add(old, item)
        return item

    DynamoDBBackend._aduan_direct_updates = True  # type: ignore[attr-defined]
    DynamoDBBackend.update_item = direct_update  # type: ignore[method-assign]


def _query_results_not_copied() -> None:
    """moto's Query deep-copies every item of the page before projecting and answering it: the
    items are only read from there on (projections make new items, the answer is written from
    them under the DynamoDB lock), so the copy protects nothing here, and it was an eighth of
    the emulator's CPU in a burst. During a Query, the copy is a new list of the same items."""
    import copy

    from moto.dynamodb.models import table as tables

    if isinstance(tables.copy, _CopyOutsideQueries):
        return
    query = tables.Table.query
    querying = threading.local()

    def uncopied_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        querying.on = not _as_is.is_set()
        try:
            return query(self, *args, **kwargs)
        finally:
            querying.on = False

    uncopied_query.narrowed = getattr(query, "narrowed", False)  # type: ignore[attr-defined]
    tables.copy = _CopyOutsideQueries(copy, querying)  # type: ignore[assignment]
    tables.Table.query = uncopied_query  # type: ignore[method-assign]


class _CopyOutsideQueries:
    """The `copy` module as moto's table module sees it: deepcopy of a Query's page is a
    shallow one (see _query_results_not_copied); everything else is the module's."""

    def __init__(self, module: Any, querying: threading.local) -> None:
        self._module, self._querying = module, querying

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if getattr(self._querying, "on", False) and isinstance(value, list):
            return list(value)
        return self._module.deepcopy(value, memo)


class _Unusual(Exception):
    """A value the direct path does not know: moto's own code handles it."""


_LIST_INDEX = re.compile(r"(.+)\[(\d+)\]$")  # how moto's find_nested_key tells a list element
_PLAIN = frozenset({"S", "BOOL", "NULL"})  # types moto's projection round trip leaves as they are


def _items_projected_and_answered_directly() -> None:
    """moto projects an item (an index's projection, a ProjectionExpression) by converting it to
    Python values and back, and answers each attribute value through its generic, model-driven
    serializer: about 1 ms per item of CPU, most of a Query's. Here a projection of top-level
    attributes of plain types (S, BOOL, NULL) copies them, and an attribute value is written as
    moto's serializer writes it (strings and numbers as text, binaries in base64, sets, maps and
    lists member by member), and a map of them (an item, a stream record's image) whole, not
    attribute by attribute; anything else goes through moto's own code. Same answers
    (tests/adapters/test_emulator_queries.py and test_emulator_updates.py compare them with
    moto's)."""
    from moto.core.serialize import BaseJSONSerializer
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

    if getattr(Item.project, "direct", False):
        return
    project, structure = Item.project, BaseJSONSerializer._serialize_type_structure
    attribute_map = BaseJSONSerializer._serialize_type_map

    def direct_project(self: Any, projection_expressions: list[list[str]]) -> Any:
        if _as_is.is_set():
            return project(self, projection_expressions)
        picked: dict[str, Any] = {}
        for expression in projection_expressions:
            if len(expression) != 1 or _LIST_INDEX.match(expression[0]):
                return project(self, projection_expressions)
            found = self.attrs.get(expression[0])
            if found is None:
                continue
            if found.type not in _PLAIN:
                return project(self, projection_expressions)
            picked.setdefault(expression[0], found)
        result: Any = Item.__new__(Item)
        result.hash_key, result.range_key = self.hash_key, self.range_key
        attrs = LimitedSizeDict.__new__(LimitedSizeDict)
        dict.__init__(attrs)
        for name, found in picked.items():
            dict.__setitem__(attrs, name, DynamoType({found.type: found.value}))
        result.attrs = attrs
        return result

    def text(value: Any) -> Any:
        return str(value) if value not in [None, {}, []] else value

    def attribute_value(serializer: Any, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict) or len(value) != 1:
            raise _Unusual
        ((kind, inner),) = value.items()
        if inner is None:
            raise _Unusual
        if kind in ("S", "N"):
            return {kind: text(inner)}
        if kind == "B":
            return {kind: serializer._base64(inner)}
        if kind in ("SS", "NS"):
            return {kind: [text(v) for v in inner]}
        if kind == "BS":
            return {kind: [serializer._base64(v) for v in inner]}
        if kind == "M":
            return {kind: {k: attribute_value(serializer, v) for k, v in inner.items()}}
        if kind == "L":
            return {kind: [attribute_value(serializer, v) for v in inner]}
        if kind in ("BOOL", "NULL"):
            return {kind: inner}
        raise _Unusual

    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if (
            key
            and shape.name == "AttributeValue"
            and not _as_is.is_set()
            and self.operation_model.service_model.service_name in ("dynamodb", "dynamodbstreams")
            and not getattr(self._value_picker, "response_transformers", None)
        ):
            try:
                serialized[self.get_serialized_name(shape, key)] = attribute_value(self, value)
                return
            except _Unusual:
                pass
        structure(self, serialized, value, shape, key)

    def serialize_map(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        # An item or a stream image whole: moto's serializer walks it attribute by attribute.
        if (
            shape.value.name == "AttributeValue"
            and "name" not in shape.value.serialization
            and not _as_is.is_set()
            and self.operation_model.service_model.service_name in ("dynamodb", "dynamodbstreams")
            and not getattr(self._value_picker, "response_transformers", None)
        ):
            try:
                written = {name: attribute_value(self, one) for name, one in value.items()}
            except _Unusual:
                pass
            else:
                serialized[self.get_serialized_name(shape, key)] = written
                return
        attribute_map(self, serialized, value, shape, key)

    direct_project.direct = True  # type: ignore[attr-defined]
    Item.project = direct_project  # type: ignore[method-assign]
    BaseJSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign]
    BaseJSONSerializer._serialize_type_map = serialize_map  # type: ignore[method-assign]


def _items_measured_once() -> None:
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    if getattr(Item.__init__, "measured_once", False):
        return
    build = Item.__init__

    def measured_once(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        if _as_is.is_set():
            build(self, hash_key, range_key, attrs)
            return
        self.hash_key, self.range_key = hash_key, range_key
        self.attrs = built = LimitedSizeDict.__new__(LimitedSizeDict)
        size = 0
        for key, value in attrs.items():
            attribute = DynamoType(value)
            size += bytesize(key) + attribute.size()
            if size > ITEM_SIZE_LIMIT:
                raise ItemSizeTooLarge
            dict.__setitem__(built, key, attribute)

    measured_once.measured_once = True  # type: ignore[attr-defined]
    Item.__init__ = measured_once  # type: ignore[method-assign]


ITEM_SIZE_LIMIT = 405_000  # moto's (LimitedSizeDict): between the 409 and 410 KB AWS refuses at


def _requests_routed_once_per_host() -> None:
    """moto finds each request's service by listing its own package folder (a stat of each of
    its 150-odd service folders) and matching the host against every service's URL patterns,
    and finds the action's method by listing its handler class's members: for every request.
    Both answers depend only on the host and the class; each is worked out once."""
    import functools

    from moto.core import responses
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if getattr(DomainDispatcherApplication.get_backend_for_host, "once", False):
        return
    backend_for_host = DomainDispatcherApplication.get_backend_for_host

    def get_backend_for_host(self: Any, host: str | None) -> Any:
        known = self.__dict__.setdefault("_aduan_backend_for_host", {})
        if host not in known:
            found = backend_for_host(self, host)
            if found is None:
                return None  # not remembered: moto may print its hint again, as it does
            known[host] = found
        return known[host]

    get_backend_for_host.once = True  # type: ignore[attr-defined]
    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]
    responses.method_names_from_class = functools.cache(responses.method_names_from_class)


UNREADABLE_STATE = 3  # the child's exit code when its snapshot cannot be loaded


class MotoProcess:
    """The embedded emulator as a child process: `python -m infra.local.emulator --port N`.

    `state`: a folder whose snapshot (infra.local.snapshot) the child loads at start, if there
    is one, and writes when it is stopped; None keeps everything in memory only."""

    def __init__(self, port: int, output: IO[str] | None = None, state: Path | None = None) -> None:
        self.port = port
        self.output = output  # where its own lines go (default: the parent's stdout and stderr)
        self.state = state
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        root = Path(__file__).resolve().parents[2]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
        }
        command = [sys.executable, "-m", "infra.local.emulator", "--port", str(self.port)]
        if self.state is not None:
            command += ["--state", str(self.state)]
        self.process = subprocess.Popen(
            command, cwd=root, env=env, stdout=self.output, stderr=self.output
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if self.process.returncode == UNREADABLE_STATE:
                    # SystemExit, as for a state saved with other ports: `make run` prints the
                    # message and stops, without a traceback in front of it
                    raise SystemExit(
                        f"the state in {self.state} cannot be read (the emulator's line above "
                        "says why); start with --fresh"
                    )
                raise RuntimeError(f"the AWS emulator exited with code {self.process.returncode}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(
            f"the AWS emulator did not listen on port {self.port} within {timeout} s"
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # with a state folder, the child writes its snapshot first
            try:
                self.process.wait(timeout=60 if self.state is not None else 5)
            except subprocess.TimeoutExpired:
                self.process.kill()
            if self.state is not None and self.process.wait() != 0:
                print(
                    f"[local] the AWS emulator did not write its state to {self.state} (exit "
                    f"{self.process.returncode}; its log says why): the next start goes on from "
                    "the snapshot before, if any",
                    file=self.output or sys.stderr,
                    flush=True,
                )


def main() -> None:
    import argparse
    import signal

    parser = argparse.ArgumentParser(
        description="The local cloud's AWS emulator (moto, with fixes)."
    )
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument(
        "--state",
        type=Path,
        help="the folder of its snapshot (infra.local.snapshot); none: memory only",
    )
    args = parser.parse_args()
    import logging
    import warnings

    # moto warns about each type its CloudFormation skips; the local cloud covers those itself.
    warnings.filterwarnings("ignore", message="Tried to parse AWS::", category=UserWarning)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per API call otherwise
    logging.getLogger("moto").setLevel(logging.ERROR)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it (Ctrl-C reaches both)
    http_headers.install()  # in this process only: the tests' in-process servers keep Python's
    server = EmbeddedMoto(args.port)
    if args.state is not None:
        from infra.local import snapshot

        path = args.state / snapshot.FILE
        snapshot.remove_leftovers(args.state)
        if path.exists():
            began = time.perf_counter()
            try:
                snapshot.load(path)
            except snapshot.Unreadable as error:
                # Not started empty instead: the next stop would write over the state.
                print(f"[emulator] {error}", file=sys.stderr, flush=True)
                os._exit(UNREADABLE_STATE)
            print(
                f"[emulator] state loaded from {path} in {time.perf_counter() - began:.2f} s",
                flush=True,
            )
    server.start()
    if args.state is not None:
        # Requests pass through the gate from here on: it holds them back while it snapshots.
        gate = snapshot.Gate(server._server.app, server._server.app.a_turn_of_its_own(), path)
        server._server.app = gate

        def stop(*_: Any) -> None:
            took = gate.stop()  # returns once every answer computed before the snapshot is sent
            print(f"[emulator] state written to {path} in {took:.2f} s", flush=True)
            os._exit(0)  # the requests held back end with the process, unanswered

        signal.signal(signal.SIGTERM, stop)
    threading.Event().wait()


if __name__ == "__main__":
    main()
