"""The bounded random-fault run: a local cloud of its own where invocations die at random.

A module of its own because it starts its own cloud: `make test-localstack` runs it in a pytest
session of its own (two LocalStack clouds in one process would share the endpoint variables).
The bigger run is `python -m bench.faults`.
"""

from __future__ import annotations

import os
import random

import pytest

from bench import faults as fault_run
from infra.local.faults import Faults
from tests.conftest import CLOUD_LOG, start_cloud

pytestmark = pytest.mark.e2e


def test_under_random_crashes_and_provider_outages_every_complaint_is_answered_once(tmp_path):
    # GIVEN a local cloud of its own where 20 % of all invocations die at a random point (before
    # or after one of their first AWS calls, or after their last write); notify once just after
    # its claim and notify and routing once after all their writes; the relay twice between
    # reading the stream and publishing; every provider answers 503/429 for a stretch: all
    # injected by the local runtime and the fake providers (ADUAN_FAULT_SEED replays a seed);
    # its emulator keeps a snapshot in a folder of the test's own
    seed = int(os.environ.get("ADUAN_FAULT_SEED") or random.randrange(1_000_000))
    print(f"\nfault seed {seed} (ADUAN_FAULT_SEED={seed} runs it again)")
    # notify and the LAPOR! bridge run with a 12 s timeout instead of 30 s, so the claim a dead
    # notify leaves is taken over after 12 s (the lease is the function's timeout: aduan.lease)
    embedded = os.environ.get("ADUAN_CLOUD") != "localstack"  # LocalStack's state is not kept
    cloud = start_cloud(
        faults=Faults(crash_rate=0.2, seed=seed),
        run_schedules=False,
        timeouts={"NotifyFunction": 12, "LaporBridgeFunction": 12},
        state=tmp_path if embedded else None,
    )
    try:
        fault_run.plan(cloud, outage_calls=1)
        # WHEN 12 complaints arrive over WhatsApp, Telegram, SMS and the web form, each retried
        # by its sender until accepted, and the emulator is restarted from its snapshot once
        # half of them are in
        result = fault_run.run(
            cloud, complaints=12, senders=4, log=CLOUD_LOG, wait_s=120, restart=embedded
        )
    finally:
        cloud.stop()
    report = "\n".join(fault_run.figures(result, 4, 1, seed))
    print(report)
    # THEN the faults happened, and each complaint was routed once and acknowledged once: none
    # lost (a reply parked in a DLQ counts lost), none doubled except by a container that died
    # between a provider's answer and its record (at least once: no provider takes an
    # idempotency key; printed, and none there means none doubled)
    assert result["emulator_away"] is not None or not embedded, report
    assert sum(result["crashed"].values()) >= 5 and result["crashed"]["NotifyFunction"] >= 2
    assert result["waited"] >= 1, report  # the retry after notify's claim waited for its lease
    assert result["complaints"] == 12 and result["gave_up"] == 0, report
    assert result["lost"] == 0 and not result["parked"], report
    assert result["doubled_routing"] == 0 and result["unrouted"] == 0, report
    assert result["doubled_replies"] <= result["unrecorded_sends"], report
