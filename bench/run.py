"""The benchmark: prints cold import ratios, AWS calls per complaint, latency and throughput.

    make bench            # or: .venv/bin/python -m bench.run [--complaints 500] [--clients 8]

Targets (issue 2): every function's cold import <= 1.5 x a bare `import boto3` measured in the
same run; <= 12 AWS calls per complaint from POST to acknowledgement; no complaint lost.
Figures only: nothing here asserts, the numbers are for people to read and compare.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "shared")]

FORM = {
    "title": "Lampu jalan mati",
    "description": "Lampu PJU di Jl. Soekarno Hatta depan kampus mati sudah seminggu, gelap sekali kalau malam",
    "location": {"kecamatan": "Lowokwaru", "kelurahan": "Jatimulyo"},
    "reporter": {"name": "Warga", "phone": "081234567890", "email": "warga@example.com"},
}


def _import_seconds(statement: str, paths: list[str], runs: int) -> float:
    """Median wall time of `statement` in a fresh interpreter (what a cold container pays)."""
    code = f"import sys,time; sys.path[:0]={paths!r}; t=time.perf_counter(); {statement}; print(time.perf_counter()-t)"
    samples = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(runs)]
    return statistics.median(samples)


def cold_imports(runs: int) -> None:
    from infra.local import template

    sam = template.load()
    layers = [str(p) for p in template.layer_dirs(sam)]
    baseline = _import_seconds("import boto3", layers, runs)
    print(f"\nCold import (median of {runs} fresh interpreters; ratio to a bare `import boto3` = {baseline * 1000:.0f} ms)")
    print(f"  {'function':<22}{'import handler':>16}{'ratio':>8}{'  + boto3 (first call)':>24}")
    for logical_id, spec in sorted(template.functions(sam).items()):
        paths = [str(spec.code_dir), *layers]
        module = spec.handler.rpartition(".")[0]
        alone = _import_seconds(f"import {module}", paths, runs)
        with_boto = _import_seconds(f"import {module}; import boto3", paths, runs)
        flag = "" if alone <= 1.5 * baseline else "  over target"
        print(f"  {logical_id:<22}{alone * 1000:>13.0f} ms{alone / baseline:>7.2f}x{with_boto * 1000:>21.0f} ms{flag}")


def end_to_end(complaints: int, clients: int) -> None:
    from infra.local.cloud import LocalCloud, Ports
    from tests.support import http

    cloud = LocalCloud(Ports.free(), endpoint="").start()
    try:
        # Warm every container once, so the figures are steady state (cold starts are above).
        warm = http("POST", f"{cloud.gateway_url}/v1/complaints", FORM).json["tracking_id"]
        cloud.providers.wait_for("sms", contains=warm, timeout=60)
        cloud.providers.wait_for("email", contains=warm, timeout=60)
        unloaded = _one_at_a_time(cloud, 20)
        calls_before = Counter(cloud.runtime.calls)
        sms_before = len(cloud.providers.messages("sms"))
        posted: dict[str, float] = {}
        failures: list[str] = []
        lock = threading.Lock()
        per_client = [complaints // clients + (1 if i < complaints % clients else 0) for i in range(clients)]

        def client(n: int) -> None:
            for _ in range(n):
                sent = time.time()
                answer = http("POST", f"{cloud.gateway_url}/v1/complaints", FORM)
                with lock:
                    if answer.status == 202:
                        posted[answer.json["tracking_id"]] = sent
                    else:
                        failures.append(f"{answer.status}")

        started = time.time()
        threads = [threading.Thread(target=client, args=(n,)) for n in per_client]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        post_seconds = time.time() - started
        deadline = time.monotonic() + 600
        while len(cloud.providers.messages("sms")) - sms_before < len(posted) and time.monotonic() < deadline:
            time.sleep(0.2)
        # Let the e-mails and the delivery records of the last complaints land as well.
        deadline = time.monotonic() + 60
        while not cloud.idle() and time.monotonic() < deadline:
            time.sleep(0.2)
        acked, latencies, lost = _acknowledged(cloud, posted)
        finished = max(acked.values()) if acked else time.time()
        calls = Counter(cloud.runtime.calls)
        calls.subtract(calls_before)
    finally:
        cloud.stop()

    print("\nEnd to end on the local cloud, one complaint at a time (20, each waited for)")
    print(f"  latency POST -> acknowledgement recorded: p50 {statistics.median(unloaded):.2f} s   max {max(unloaded):.2f} s")
    print(f"\nEnd to end on the local cloud: {len(posted)} complaints from {clients} concurrent clients (a burst)")
    print(f"  POST answered 202: {len(posted)}   other answers: {len(failures)}   posting took {post_seconds:.1f} s")
    print(f"  routed and acknowledged (SMS + e-mail recorded): {len(acked)}   lost: {len(lost)}")
    if latencies:
        q = statistics.quantiles(latencies, n=100)
        print(f"  latency POST -> acknowledgement recorded: p50 {statistics.median(latencies):.2f} s   p95 {q[94]:.2f} s   max {max(latencies):.2f} s")
        print(f"  throughput: {len(acked) / (finished - started):.1f} complaints/s acknowledged end to end")
    by_function: Counter[str] = Counter()
    for (function, operation), count in calls.items():
        if function != "-" and count > 0:
            by_function[function] += count
    total = sum(by_function.values())
    n = max(len(posted), 1)
    print(f"  AWS API calls per complaint, POST to acknowledgement: {total / n:.2f} (target <= 12)")
    for function, count in sorted(by_function.items()):
        ops = ", ".join(f"{op} {c / n:.2f}" for (f, op), c in sorted(calls.items()) if f == function and c > 0)
        print(f"    {function:<18}{count / n:>6.2f}   ({ops})")


def _one_at_a_time(cloud, count: int) -> list[float]:
    from tests.support import http

    latencies = []
    for _ in range(count):
        sent = time.time()
        tracking_id = http("POST", f"{cloud.gateway_url}/v1/complaints", FORM).json["tracking_id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            acked, found, _ = _acknowledged(cloud, {tracking_id: sent})
            if acked:
                latencies.append(found[0])
                break
            time.sleep(0.02)
    return latencies


def _acknowledged(cloud, posted: dict[str, float]) -> tuple[dict[str, float], list[float], list[str]]:
    """Per complaint: when both acknowledgements were recorded (from its history, not the client)."""
    from aduan.repository import ComplaintRepository

    repository = ComplaintRepository(cloud.resources["ComplaintTable"], cloud.client("dynamodb"))
    acked: dict[str, float] = {}
    latencies: list[float] = []
    lost: list[str] = []
    for tracking_id, sent in posted.items():
        _, history = repository.with_history(tracking_id)
        kinds = [h.detail_type for h in history]
        notified = [datetime.fromisoformat(h.occurred_at).timestamp() for h in history if h.detail_type == "NotificationSent"]
        routed = any(k in ("ComplaintRouted", "ComplaintNeedsTriage") for k in kinds)
        if routed and len(notified) >= 2:
            acked[tracking_id] = max(notified)
            latencies.append(max(notified) - sent)
        else:
            lost.append(tracking_id)
    return acked, latencies, lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--import-runs", type=int, default=7)
    args = parser.parse_args()
    print(f"Aduan benchmark, {datetime.now().isoformat(timespec='seconds')}, Python {sys.version.split()[0]}")
    cold_imports(args.import_runs)
    end_to_end(args.complaints, args.clients)


if __name__ == "__main__":
    main()
