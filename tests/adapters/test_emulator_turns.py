"""The embedded emulator serves one DynamoDB request at a time, and when several wait, the event
consumers' go last (infra/local/emulator.py SerialDynamoDB): a webhook's write does not queue
behind the routing and notify work of the complaints before it. The consumers' containers say
who they are in boto3's user agent (`app/...`, from AWS_SDK_UA_APP_ID)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from infra.local.emulator import _DYNAMODB_TARGET, SerialDynamoDB
from infra.local.runtime import BACKGROUND_APP_ID, LocalFunction
from infra.local.template import FunctionSpec

CONSUMER_AGENT = f"Boto3/1.44.8 md/Botocore#1.44.8 app/{BACKGROUND_APP_ID} Botocore/1.44.8"
CALLER_AGENT = "Boto3/1.44.8 md/Botocore#1.44.8 Botocore/1.44.8"


class Recorder:
    """A WSGI app that notes who it serves, holding the first request until released."""

    def __init__(self) -> None:
        self.served: list[str] = []
        self.first_inside = threading.Event()
        self.release_first = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.served.append(environ["name"])
        if len(self.served) == 1:
            self.first_inside.set()
            assert self.release_first.wait(10)
        start_response("200 OK", [])
        return [b"{}"]


def _request(gate: SerialDynamoDB, name: str, agent: str, target: str = _DYNAMODB_TARGET) -> Any:
    environ = {"name": name, "HTTP_USER_AGENT": agent, "HTTP_X_AMZ_TARGET": target + "PutItem"}
    thread = threading.Thread(target=lambda: gate(environ, lambda *_: None))
    thread.start()
    return thread


def _until(condition: Any) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the request never started waiting"
        time.sleep(0.005)


def test_a_waiting_caller_is_served_before_consumers_that_came_first() -> None:
    app = Recorder()
    gate = SerialDynamoDB(app)
    threads = [_request(gate, "consumer holding the turn", CONSUMER_AGENT)]
    assert app.first_inside.wait(10)
    threads.append(_request(gate, "consumer, first in line", CONSUMER_AGENT))
    _until(lambda: gate.waiting["consumers"] == 1)
    threads.append(_request(gate, "webhook, after it", CALLER_AGENT))
    _until(lambda: gate.waiting["callers"] == 1)

    app.release_first.set()
    for thread in threads:
        thread.join(10)

    assert app.served == [
        "consumer holding the turn",
        "webhook, after it",
        "consumer, first in line",
    ]
    assert gate.waiting == {"callers": 0, "consumers": 0}


def test_consumers_are_served_one_at_a_time_and_none_is_left_waiting() -> None:
    app = Recorder()
    app.release_first.set()
    inside, most = 0, 0
    lock = threading.Lock()

    def counting(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.002)
        with lock:
            inside -= 1
        return app(environ, start_response)

    gate = SerialDynamoDB(counting)
    threads = [
        _request(gate, f"r{i}", CONSUMER_AGENT if i % 2 else CALLER_AGENT) for i in range(20)
    ]
    for thread in threads:
        thread.join(10)

    assert most == 1
    assert sorted(app.served) == sorted(f"r{i}" for i in range(20))


def test_other_services_do_not_wait_for_a_turn() -> None:
    app = Recorder()
    gate = SerialDynamoDB(app)
    holder = _request(gate, "dynamodb", CONSUMER_AGENT)
    assert app.first_inside.wait(10)
    sqs = _request(gate, "sqs", CALLER_AGENT, target="AmazonSQS.")
    sqs.join(10)

    assert app.served == ["dynamodb", "sqs"]
    app.release_first.set()
    holder.join(10)


def test_only_an_event_consumers_containers_carry_the_consumer_app_id() -> None:
    def environment(answers_callers: bool) -> dict[str, str]:
        spec = FunctionSpec("F", "f.handler.lambda_handler", Path("."), 30, 512)
        local = LocalFunction(spec, "f", "arn:f", {}, answers_callers=answers_callers)
        return local._container_environment()

    assert environment(answers_callers=False)["AWS_SDK_UA_APP_ID"] == BACKGROUND_APP_ID
    assert "AWS_SDK_UA_APP_ID" not in environment(answers_callers=True)


def test_the_whole_turn_holds_every_dynamodb_request_back_until_it_is_given_up() -> None:
    app = Recorder()
    app.release_first.set()
    gate = SerialDynamoDB(app)
    turn = gate.whole_turn()
    turn.__enter__()
    waiting = [_request(gate, "caller", CALLER_AGENT), _request(gate, "consumer", CONSUMER_AGENT)]
    _until(lambda: gate.waiting == {"callers": 1, "consumers": 1})
    assert app.served == []

    turn.__exit__(None, None, None)
    for thread in waiting:
        thread.join(10)
    assert app.served == ["caller", "consumer"]
