"""One place that creates AWS clients: once per container, thread-safe, endpoint from the env.

botocore reads `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` itself, so the same code talks
to AWS, to the embedded moto server or to LocalStack without a branch here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_lock = threading.Lock()
_clients: dict[str, Any] = {}
# Called with each new client: the local cloud and the benchmark count API calls through
# botocore's event hooks this way, without wrapping any code.
client_created_hooks: list[Callable[[Any], None]] = []


def client(service: str) -> Any:
    """A cached boto3 client. Creation is locked: boto3's default session is not thread-safe."""
    found = _clients.get(service)
    if found is not None:
        return found
    with _lock:
        if service not in _clients:
            import boto3  # imported on first use so a handler's cold start pays for it once
            from botocore.config import Config

            made = boto3.session.Session().client(
                service,
                config=Config(
                    retries={"mode": "standard", "max_attempts": 4},
                    connect_timeout=3,
                    read_timeout=10,
                ),
            )
            for hook in client_created_hooks:
                hook(made)
            _clients[service] = made
        return _clients[service]


def reset_clients() -> None:
    """Forget every client (tests that change endpoints or credentials call this)."""
    with _lock:
        _clients.clear()
