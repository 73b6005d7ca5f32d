"""The log lines of the whole run hold none of the test identities. `make test` runs it after the
rest of the suite (in a step of its own: the suite runs in several processes), so it scans what
every other test made the functions log, in every process's file; alone, it makes its own traffic.

The identities are the ones this test sends on every channel, plus every e-mail address, phone
number and reporter name written literally in the tests and the citizen tool."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import CLOUD_LOGS
from tests.e2e.test_reporter_privacy import complain_on_every_channel
from tests.support import http

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
EMAIL = re.compile(r"[\w.+-]+@example\.(?:com|org|net)")
PHONE = re.compile(r"(?<![\w.])(?:\+?62|0)8\d{8,11}(?!\w)")
NAME = re.compile(r'"name":\s*"([A-Z][a-z]+(?: [A-Z][a-z]+)+)"')


def identities_written_in_the_tests() -> set[str]:
    found: set[str] = set()
    sources = [*ROOT.joinpath("tests").rglob("*.py"), ROOT / "infra" / "local" / "citizen.py"]
    for source in sources:
        text = source.read_text(encoding="utf-8")
        found |= set(EMAIL.findall(text)) | set(PHONE.findall(text)) | set(NAME.findall(text))
    return found


def test_no_log_line_holds_a_test_identity(cloud):
    # this run's own traffic: every channel, and a web complaint with a full identity
    sent = complain_on_every_channel(cloud)
    form = {
        "title": "Jalan berlubang",
        "description": "Jalan berlubang besar di depan pasar Sawojajar, bahaya untuk motor",
        "reporter": {"name": "Budi Santoso", "phone": "081234567890", "email": "budi@example.com"},
    }
    assert http("POST", f"{cloud.gateway_url}/v1/complaints", form).status == 202
    identities = identities_written_in_the_tests() | {address for _, address, _ in sent}
    identities |= {"Budi Santoso", "+6281234567890"}
    assert len(identities) > 20  # the harvest found the tests' identities
    logs = sorted(CLOUD_LOGS.glob("*.log"))
    if os.environ.get("ADUAN_TEST_LOGS_KEEP"):  # after the run: its processes' logs are here too
        assert len(logs) > 1, logs
    lines = [
        line
        for log in logs
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
    ]
    services = {m for line in lines for m in re.findall(r'"service":"([a-z-]+)"', line)}
    # the webhooks', routing's and notify's lines are all there to be scanned
    assert {"intake", "routing", "notify"} <= services, services
    leaked = sorted({who for line in lines for who in identities if who in line})
    assert not leaked, f"{len(leaked)} identities in the log: {leaked[:10]}"
