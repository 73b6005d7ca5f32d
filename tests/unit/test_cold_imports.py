"""What a function's handler imports in a fresh interpreter (a cold container): a library its
invocations never use stays out, as its import is cold start paid for nothing (bench/run.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported(module: str, code_dir: str) -> set[str]:
    paths = [str(ROOT / code_dir), str(ROOT / "shared")]
    code = f"import sys; sys.path[:0] = {paths!r}; import {module}; print(*sys.modules)"
    return set(
        subprocess.run(
            [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )


def test_the_relay_forwards_stored_json_without_building_events():
    # It reads the outbox's source, detail-type and JSON detail and puts them on the bus as
    # they are: no event model is built, so neither the events nor their library are imported.
    modules = imported("relay.handler", "services/relay")
    assert "relay.handler" in modules
    assert not {m for m in modules if m.split(".")[0] == "msgspec" or m == "aduan.events"}


HANDLERS = [
    ("web.handler", "services/web"),
    ("inbound.handler", "services/inbound"),
    ("casework.handler", "services/casework"),
    ("reports.api", "services/reports"),
    ("routing.handler", "services/routing"),
    ("notify.handler", "services/notify"),
    ("lapor.bridge", "services/lapor"),
]


@pytest.mark.parametrize(("module", "code_dir"), HANDLERS)
def test_no_function_imports_pydantic_or_powertools_event_handlers(module, code_dir):
    # pydantic's import was 1.3-1.4 x a bare boto3 client; Powertools' event_handler package
    # imports every resolver it has (aduan.model and aduan.http_api say why).
    modules = imported(module, code_dir)
    assert module in modules
    assert not {m for m in modules if m.split(".")[0] == "pydantic"}
    assert "aws_lambda_powertools.event_handler" not in modules


def test_the_reports_api_leaves_the_export_jobs_to_their_routes():
    # Only the background export routes use them; the figures and charts answer without.
    modules = imported("reports.api", "services/reports")
    assert "reports.api" in modules and "reports.exports" not in modules
