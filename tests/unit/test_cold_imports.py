"""What a function's handler imports in a fresh interpreter (a cold container): a library its
invocations never use stays out, as its import is cold start paid for nothing (bench/run.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported(module: str, code_dir: str) -> set[str]:
    paths = [str(ROOT / code_dir), str(ROOT / "shared")]
    code = f"import sys; sys.path[:0] = {paths!r}; import {module}; print(*sys.modules)"
    return set(
        subprocess.run(
            [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )


def test_the_relay_forwards_stored_json_without_pydantic():
    # It reads the outbox's source, detail-type and JSON detail and puts them on the bus as
    # they are: no event model is built, so pydantic (~50 ms of a cold start) is not imported.
    modules = imported("relay.handler", "services/relay")
    assert "relay.handler" in modules
    assert not {m for m in modules if m.split(".")[0] == "pydantic" or m == "aduan.events"}


def test_the_reports_api_leaves_the_export_jobs_to_their_routes():
    # Only the background export routes use them; the figures and charts answer without.
    modules = imported("reports.api", "services/reports")
    assert "reports.api" in modules and "reports.exports" not in modules
