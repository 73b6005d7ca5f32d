"""The embedded emulator's last snapshot at stop (infra/local/snapshot.py's Gate): it waits for
the request under way, holds back those after it, and returns only once the answer computed
before the dump is sent (the process exits right after: an answer lost then would make its
client retry a change the snapshot already holds)."""

from __future__ import annotations

import threading
import time

from infra.local.snapshot import ANSWERED, Gate


def test_the_stop_waits_for_the_request_under_way_and_its_answer(tmp_path):
    # GIVEN a request in the app when the stop begins
    release, entered = threading.Event(), []

    def app(environ, start_response):
        entered.append(environ["name"])
        release.wait(10)
        start_response("200 OK", [])
        return [b"done"]

    gate = Gate(app, threading.Lock(), tmp_path / "emulator.pickle", log=lambda _: None)
    first = {"name": "under way"}
    answers: dict[str, list[bytes]] = {}

    def request(environ):
        answers[environ["name"]] = gate(environ, lambda *_: None)

    running = threading.Thread(target=request, args=(first,), daemon=True)
    running.start()
    while not entered:
        time.sleep(0.01)
    stopped = threading.Event()
    stopping = threading.Thread(target=lambda: (gate.stop(), stopped.set()), daemon=True)
    stopping.start()
    time.sleep(0.1)
    # WHEN another request arrives meanwhile
    later = threading.Thread(target=request, args=({"name": "later"},), daemon=True)
    later.start()
    time.sleep(0.2)
    # THEN nothing is dumped while the first runs, and the later one never reaches the app
    assert not stopped.is_set() and not (tmp_path / "emulator.pickle").exists()
    release.set()
    running.join(5)
    assert answers["under way"] == [b"done"]
    time.sleep(0.2)
    # the snapshot is written, but the stop waits for that answer to be sent
    assert (tmp_path / "emulator.pickle").exists()
    assert not stopped.is_set()
    first[ANSWERED]()  # (what the request handler calls once the answer is written)
    assert stopped.wait(5)
    assert entered == ["under way"] and "later" not in answers
