"""The local cloud itself: functions in their own processes, the gateway's answers, the tools."""

from __future__ import annotations

import json
import os
import socket

import pytest

from infra.local import citizen, discovery
from tests.support import eventually, http

pytestmark = pytest.mark.e2e


def _containers(cloud, logical_id):
    return cloud.runtime.functions[logical_id].containers


def test_each_function_runs_in_its_own_processes(cloud):
    # GIVEN a complaint that goes through the web API, the relay, routing and notify
    body = {
        "title": "Lampu mati",
        "description": "Lampu PJU di Jl. Ijen mati sejak tiga hari, gelap",
        "reporter": {"phone": "081233334444"},
    }
    tracking_id = http("POST", f"{cloud.gateway_url}/v1/complaints", body).json["tracking_id"]
    eventually(
        lambda: http(
            "GET", f"{cloud.providers_url}/_outbox?channel=sms&contains={tracking_id}"
        ).json["messages"],
        timeout=60,
        what="acknowledgement",
    )
    # THEN every function that ran did so in processes of its own, none in the gateway's
    pids: dict[int, str] = {}
    used = [name for name, function in cloud.runtime.functions.items() if function.containers]
    assert len(used) >= 4
    for name in used:
        for container in _containers(cloud, name):
            assert container.process.poll() is None
            assert container.process.pid != os.getpid()
            assert pids.setdefault(container.process.pid, name) == name
    # AND each process has only its own function's variables (Lambda's per-function environment)
    notify = cloud.runtime.functions["NotifyFunction"]
    with open(f"/proc/{notify.containers[0].process.pid}/environ", "rb") as environ:
        variables = dict(v.split(b"=", 1) for v in environ.read().split(b"\0") if b"=" in v)
    assert variables[b"AWS_LAMBDA_FUNCTION_NAME"].decode() == notify.name
    assert set(notify.environment) <= {k.decode() for k in variables}
    assert b"PYTEST_CURRENT_TEST" not in variables


def test_a_method_no_route_has_answers_404_json_like_api_gateway(cloud):
    for method in ("TRACE", "PROPFIND"):
        answer = http(method, f"{cloud.gateway_url}/v1/complaints")
        assert answer.status == 404, method
        assert answer.headers["content-type"] == "application/json"
        assert answer.json == {"message": "Not Found"}


def test_free_ports_are_below_the_ephemeral_range():
    from infra.local.cloud import free_port

    ports = {free_port() for _ in range(20)}
    assert all(10_000 <= port < 32_768 for port in ports)
    for port in ports:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))


def test_the_citizen_tool_finds_the_running_cloud_and_signs_its_public_url(
    cloud, tmp_path, monkeypatch, capsys
):
    # GIVEN the local cloud recorded where it runs (its ports are not the defaults)
    state = tmp_path / "cloud.json"
    discovery.announce(cloud, state)
    monkeypatch.setattr(discovery, "STATE", state)
    assert not cloud.gateway_url.endswith(":3000")
    # WHEN a citizen texts without naming any URL
    code = citizen.main(
        ["sms", "--from", "+6281255556666", "SAMBAT saluran air tersumbat di Jl. Bandung"]
    )
    # THEN the SMS reached that cloud, correctly signed for its public URL (Twilio's rule)
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("HTTP 200")


def test_the_tools_say_so_when_no_local_cloud_runs(tmp_path):
    state = tmp_path / "cloud.json"
    with pytest.raises(discovery.NotRunning, match="make run"):
        discovery.find(state)
    # a record left behind by a cloud that is gone is not trusted either
    state.write_text(json.dumps({"pid": 2**22 + 12345, "gateway": "http://127.0.0.1:1"}))
    with pytest.raises(discovery.NotRunning, match="not running any more"):
        discovery.find(state)
