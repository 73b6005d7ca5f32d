"""The local runtime's fault plans and what a dying container knows (pure: no cloud here)."""

from __future__ import annotations

from infra.local.faults import Faults
from infra.local.worker import Calls


def plans(faults: Faults, function: str, n: int) -> list:
    return [faults.plan(function) for _ in range(n)]


def test_a_seed_replays_each_functions_plans_whatever_the_order_functions_ran_in():
    one, other = Faults(crash_rate=0.5, seed=7), Faults(crash_rate=0.5, seed=7)
    first = plans(one, "NotifyFunction", 20)
    plans(other, "RoutingFunction", 13)  # another function ran first here
    assert plans(other, "NotifyFunction", 20) == first
    assert any(first) and not all(first)
    assert plans(Faults(crash_rate=0.5, seed=8), "NotifyFunction", 20) != first


def test_scripted_faults_come_before_random_ones_and_are_counted():
    faults = Faults(crash_rate=0.0, seed=1)
    faults.die_next("NotifyFunction", die="after", operation="PutItem")
    assert faults.plan("NotifyFunction") == {"die": "after", "operation": "PutItem"}
    assert faults.plan("NotifyFunction") is None
    assert faults.planned["NotifyFunction"] == 1 and faults.pending("NotifyFunction") == 0


def test_a_provider_send_is_unrecorded_until_the_transaction_that_records_it():
    calls = Calls()
    calls.after("dynamodb", "PutItem", {}, {})  # the claim
    calls.after("ses", "SendEmail", {}, {})  # a provider took the message
    assert calls.unrecorded == 1  # dying now may send it again (at least once)
    calls.after("dynamodb", "TransactWriteItems", {}, {})  # recorded with its history entry
    assert calls.unrecorded == 0


def test_a_provider_post_through_urllib_counts_as_a_send(monkeypatch):
    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", lambda request, *a, **k: "answer")
    calls = Calls()
    calls.watch_provider_posts()  # what the worker does in each container
    post = urllib.request.Request("http://provider.test/send", data=b"{}", method="POST")
    assert urllib.request.urlopen(post) == "answer"
    urllib.request.urlopen(urllib.request.Request("http://provider.test/media"))  # a GET
    assert calls.unrecorded == 1
