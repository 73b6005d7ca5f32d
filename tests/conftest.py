"""Shared fixtures. The local cloud is started once per test session on free ports, so a
developer's `make run` (on 4566/3000/3001) can keep running while the suite runs."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture(scope="session")
def cloud():
    from infra.local.cloud import LocalCloud, Ports

    local = LocalCloud(Ports.free(), endpoint="", quiet=True).start()
    yield local
    local.stop()


@pytest.fixture(autouse=True)
def _unit_tests_stay_offline(request, monkeypatch):
    """Unit tests must not reach any server: a connection attempt fails loudly."""
    if "tests/unit/" not in str(request.node.fspath).replace("\\", "/"):
        return

    def refuse(*_args, **_kwargs):
        raise RuntimeError("unit tests must not open network connections")

    monkeypatch.setattr(socket.socket, "connect", refuse)
