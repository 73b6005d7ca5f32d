"""The domain core (the complaint, its lifecycle and workflow decisions, deadlines on the calendar,
the change loop) imports no adapter: no boto3, no settings, no repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORE = [
    "aduan.answer_check",
    "aduan.calendar",
    "aduan.changes",
    "aduan.complaint",
    "aduan.deadlines",
    "aduan.events",
    "aduan.lifecycle",
    "aduan.status",
    "aduan.timeline",
    "aduan.workflow",
    "aduan.workflow_events",
]
ADAPTERS = ("boto3", "botocore", "aduan.aws", "aduan.dynamo", "aduan.repository", "aduan.store")


def test_the_domain_core_imports_no_adapter_and_no_settings():
    # A fresh interpreter: this test session has imported the adapters long ago.
    code = (
        f"import sys; sys.path.insert(0, {str(SHARED)!r})\n"
        + "".join(f"import {module}\n" for module in CORE)
        + f"print(sorted(m for m in sys.modules if m.startswith({ADAPTERS!r}) or m == 'aduan.settings'))"
    )
    found = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "[]"
