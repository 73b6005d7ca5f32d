"""Shared fixtures. The local cloud is started once per test session on free ports, so a
developer's `make run` (on 4566/3000/3001) can keep running while the suite runs."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.support import aws_client, table_from_template


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

    test_thread = threading.current_thread()
    real_connect = socket.socket.connect

    def refuse(sock, *args, **kwargs):
        # Only the test's own thread is refused: a local cloud started by earlier e2e tests keeps
        # its background pollers running for the rest of the session.
        if threading.current_thread() is test_thread:
            raise RuntimeError("unit tests must not open network connections")
        return real_connect(sock, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", refuse)



@pytest.fixture(scope="session")
def moto_endpoint():
    from infra.local.cloud import free_port
    from infra.local.emulator import EmbeddedMoto

    port = free_port()
    server = EmbeddedMoto(port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws_env(moto_endpoint, monkeypatch):
    """Point aduan.aws (the layer's client factory) at the moto server for one test."""
    from aduan import aws, crypto

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-3")
    aws.reset_clients()
    crypto.forget_keys()
    yield moto_endpoint
    aws.reset_clients()
    crypto.forget_keys()


@pytest.fixture
def complaint_table(moto_endpoint, request):
    import uuid

    ddb = aws_client(moto_endpoint, "dynamodb")
    name = table_from_template(ddb, "ComplaintTable", f"complaints-{uuid.uuid4().hex[:8]}")
    yield name, ddb
    ddb.delete_table(TableName=name)
