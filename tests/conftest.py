"""Shared fixtures. The local cloud is started once per test session on free ports, so a
developer's `make run` (on 4566/3000/3001) can keep running while the suite runs."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

from tests.support import aws_client, table_from_template

OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
# Every log line the functions write goes to one file per test process (`make test` runs the suite
# in several, pytest-xdist's workers) in one folder, which the suite's last step scans for personal
# data (tests/e2e/test_zz_logs_hold_no_personal_data.py).
CLOUD_LOGS = OUTPUT / "cloud-logs"
CLOUD_LOG = CLOUD_LOGS / f"local-cloud-{os.getpid()}.log"
# Which test process this is: pytest-xdist's worker id ("gw0", ...), "main" without xdist.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# A LocalStack the developer runs themselves (read before any cloud of the suite sets the
# variable for its own functions).
USERS_LOCALSTACK = os.environ.get("AWS_ENDPOINT_URL", "")


def pytest_sessionstart(session):
    # A run starts without an earlier run's logs, except the scan's own step after the run
    # (ADUAN_TEST_LOGS_KEEP, set by the Makefile); xdist's workers start inside the run.
    worker = hasattr(session.config, "workerinput")
    if not worker and not os.environ.get("ADUAN_TEST_LOGS_KEEP"):
        shutil.rmtree(CLOUD_LOGS, ignore_errors=True)
    CLOUD_LOGS.mkdir(parents=True, exist_ok=True)


def start_cloud(**options):
    """The local cloud: the embedded moto; with ADUAN_CLOUD=localstack (`make test-localstack`)
    LocalStack serves the messaging and storage and moto the rest (AWS_ENDPOINT_URL, if set,
    names a LocalStack already running). `options` go to LocalCloud (e.g. `faults`)."""
    from infra.local.cloud import LocalCloud, Ports

    if os.environ.get("ADUAN_CLOUD") == "localstack":
        from infra.local.localstack import LocalStackCloud

        log = OUTPUT / f"localstack-{WORKER}.log"  # one per test process
        local: LocalCloud = LocalStackCloud(
            Ports.free(),
            localstack_url=USERS_LOCALSTACK,
            log=log,
            quiet=True,
            logs=CLOUD_LOG,
            **options,
        )
    else:
        local = LocalCloud(Ports.free(), endpoint="", quiet=True, logs=CLOUD_LOG, **options)
    return local.start()


@pytest.fixture(scope="session")
def cloud():
    local = start_cloud()
    yield local
    local.stop()


@pytest.fixture(scope="module")
def own_cloud(request):
    """A cloud for one test module alone, for tests whose actions reach every complaint in the
    table (the SLA sweep fired days ahead) and so must not meet the rest of the suite's. (With a
    LocalStack, two clouds in one process would share the endpoint variables: `make
    test-localstack` runs such modules in a pytest session of their own, and the module shares
    that session's cloud.)"""
    if os.environ.get("ADUAN_CLOUD") == "localstack":
        yield request.getfixturevalue("cloud")
        return
    local = start_cloud()
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
    for key in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL_")]:
        monkeypatch.delenv(key)  # a LocalStack-mode cloud in the same session sets these
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
