"""The emulator's DynamoDB turns (infra/local/emulator.py, fix 15): one request at a time, a
waiting caller's before the stream consumers', and a consumer passed for long enough before
the callers. The full-collection freeze (fix 16) installs once however often it is asked."""

from __future__ import annotations

import gc
import threading
import time

import pytest

from infra.local import collector, emulator


class HeldApp:
    """A WSGI app that records whom it served and holds its first request until released."""

    def __init__(self) -> None:
        self.served: list[str] = []
        self.holding = threading.Event()
        self.release = threading.Event()

    def __call__(self, environ, start_response):
        self.served.append(environ["name"])
        if len(self.served) == 1:
            self.holding.set()
            assert self.release.wait(10)
        start_response("200 OK", [])
        return [b"{}"]


def _request(turns, name, caller_waits):
    environ = {"HTTP_X_AMZ_TARGET": "DynamoDB_20120810.PutItem", "name": name}
    if caller_waits:
        environ[emulator._CALLER_WAITS_KEY] = "1"
    thread = threading.Thread(target=lambda: turns(environ, lambda *_: None))
    thread.start()
    return thread


def _until(condition):
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the middleware never reached the state"
        time.sleep(0.005)


def test_a_waiting_callers_request_goes_before_the_consumers_queued_earlier(monkeypatch):
    monkeypatch.setattr(emulator, "PASSED_AT_MOST_S", 30.0)
    app = HeldApp()
    turns = emulator.SerialDynamoDB(app)
    first = _request(turns, "consumer-1", caller_waits=False)
    assert app.holding.wait(10)
    queued = _request(turns, "consumer-2", caller_waits=False)
    time.sleep(0.05)  # consumer-2 is waiting for the turn before the caller comes
    caller = _request(turns, "webhook", caller_waits=True)
    _until(lambda: turns._callers_waiting == 1)
    app.release.set()
    for thread in (first, queued, caller):
        thread.join(10)
    assert app.served == ["consumer-1", "webhook", "consumer-2"]


def test_a_consumer_passed_for_the_bound_goes_before_the_callers(monkeypatch):
    monkeypatch.setattr(emulator, "PASSED_AT_MOST_S", 0.05)
    app = HeldApp()
    turns = emulator.SerialDynamoDB(app)
    first = _request(turns, "webhook-1", caller_waits=True)
    assert app.holding.wait(10)
    consumer = _request(turns, "consumer", caller_waits=False)
    _until(lambda: turns._overdue == 1)  # its bound passed while the first turn was held
    caller = _request(turns, "webhook-2", caller_waits=True)
    _until(lambda: turns._callers_waiting == 1)
    app.release.set()
    for thread in (first, consumer, caller):
        thread.join(10)
    assert app.served == ["webhook-1", "consumer", "webhook-2"]


def test_one_dynamodb_request_at_a_time_whoever_asks():
    inside = 0
    most_inside = 0
    lock = threading.Lock()

    def app(environ, start_response):
        nonlocal inside, most_inside
        with lock:
            inside += 1
            most_inside = max(most_inside, inside)
        time.sleep(0.002)
        with lock:
            inside -= 1
        start_response("200 OK", [])
        return [b"{}"]

    turns = emulator.SerialDynamoDB(app)
    threads = [_request(turns, f"r{n}", caller_waits=n % 2 == 0) for n in range(40)]
    for thread in threads:
        thread.join(10)
    assert most_inside == 1
    assert not turns._busy and turns._callers_waiting == 0 and turns._overdue == 0


@pytest.fixture
def callbacks_restored():
    before = list(gc.callbacks)
    yield
    gc.callbacks[:] = before
    collector._holders = 0
    gc.unfreeze()


def test_the_freeze_is_installed_once_and_freezes_after_a_full_collection(callbacks_restored):
    collector.walk_new_objects_only()
    collector.walk_new_objects_only()
    assert gc.callbacks.count(collector._freeze_survivors) == 1
    gc.unfreeze()
    kept = [object() for _ in range(100)]
    gc.collect()
    assert gc.get_freeze_count() >= len(kept)


def test_the_freeze_is_given_back_when_the_last_holder_stops(callbacks_restored):
    collector.walk_new_objects_only()  # the test session's cloud
    collector.walk_new_objects_only()  # a test's own cloud
    collector.walk_all_objects_again()
    assert collector._freeze_survivors in gc.callbacks
    collector.walk_all_objects_again()
    assert collector._freeze_survivors not in gc.callbacks
    assert gc.get_freeze_count() == 0
