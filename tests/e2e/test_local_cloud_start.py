"""A local cloud that fails to start leaves nothing running: its emulators are stopped too."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from infra.local.cloud import LocalCloud, Ports

pytestmark = pytest.mark.e2e


def a_cloud_of_this_mode(ports: Ports, tmp_path: Path) -> LocalCloud:
    if os.environ.get("ADUAN_CLOUD") == "localstack":
        from infra.local.localstack import LocalStackCloud

        return LocalStackCloud(
            ports, localstack_url="", log=tmp_path / "localstack.log", quiet=True
        )
    return LocalCloud(ports, endpoint="", quiet=True)


def test_a_failed_start_stops_the_emulators_it_started(tmp_path):
    ports = Ports.free()
    saved = dict(os.environ)  # a start points the process's endpoints at its emulators
    try:
        with socket.socket() as taken:  # something else already answers on the HTTP API's port
            taken.bind(("127.0.0.1", ports.gateway))
            taken.listen()
            cloud = a_cloud_of_this_mode(ports, tmp_path)
            with pytest.raises(SystemExit, match=f"port {ports.gateway} \\(HTTP API\\) is in use"):
                cloud.start()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    children = [cloud.moto.process, getattr(getattr(cloud, "localstack", None), "process", None)]
    started = [child for child in children if child is not None]
    assert started, "the emulators were started before the port check"
    assert all(child.poll() is not None for child in started)
