"""Where the running local cloud is: `make run` writes its URLs to `.local/cloud.json`.

The citizen and auth tools read it, so they talk to the local cloud that is actually running
(whatever ports `make run` was given) instead of assuming the default ports. Only `make run`
announces itself; the test suite's and the benchmark's clouds (on free ports) do not.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

STATE = Path(__file__).resolve().parents[2] / ".local" / "cloud.json"


class NotRunning(RuntimeError):
    pass


def announce(cloud: Any, state: Path | None = None) -> None:
    state = state or STATE
    state.parent.mkdir(parents=True, exist_ok=True)
    found = {
        "pid": os.getpid(),
        "gateway": cloud.gateway_url,
        "public_base_url": cloud.gateway_url,
        "providers": cloud.providers_url,
        "aws": cloud.endpoint,
        "region": cloud.region,
    }
    state.write_text(json.dumps(found, indent=2) + "\n")


def withdraw(state: Path | None = None) -> None:
    state = state or STATE
    try:
        if json.loads(state.read_text()).get("pid") == os.getpid():
            state.unlink()
    except (OSError, ValueError):
        pass


def find(state: Path | None = None) -> dict[str, Any]:
    """The running local cloud's URLs, or NotRunning saying what to do."""
    state = state or STATE
    try:
        found: dict[str, Any] = json.loads(state.read_text())
    except (OSError, ValueError):
        raise NotRunning(
            "no local cloud is running (start it with `make run`), or pass its URLs with --gateway/--fake/--endpoint"
        ) from None
    if not _alive(int(found.get("pid", 0))) or not _listening(found.get("gateway", "")):
        raise NotRunning(
            f"the local cloud recorded in {state} is not running any more (start it with `make run`)"
        )
    return found


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _listening(url: str) -> bool:
    parts = urlsplit(url)
    if not parts.hostname or not parts.port:
        return False
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((parts.hostname, parts.port)) == 0
