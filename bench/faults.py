"""Complaints under faults, on the local cloud: nothing lost, nothing doubled.

    .venv/bin/python -m bench.faults [--complaints 200] [--crash-rate 0.2] [--senders 4]

Faults are injected by the local runtime and the fake providers only (infra/local/faults.py),
never by the product: `--crash-rate` of all function invocations die at a random point (just
before or just after one of their first AWS calls, or after their last write, before the answer
got out); the relay's container dies between reading the stream and publishing, twice; notify's
dies once just after its claim; every provider answers 503 or 429 for a stretch (see `plan`). A
sender whose POST fails retries it as providers and browsers do: the same delivery (webhook
message id, Idempotency-Key), and so does one whose POST got no answer in time. Then every
complaint must be routed once and acknowledged once.
And the emulator is restarted once mid-run, when half the complaints are in: stopped (it writes
its snapshot, infra/local/snapshot.py) and started from that on the same port, while the senders,
the pollers and the functions go on and meet an endpoint that is away for a moment. Prints lost,
doubled, the faults injected, how many containers died between a provider's answer and its
record (the one moment a reply can go twice), how long the emulator was away and how long it all
took. Figures only: the local cloud's log lines go to bench/results/local-cloud.log. The bounded
runs in `make test` are tests/e2e/test_faults.py and tests/e2e/test_faults_random.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "shared")]

CHANNELS = ("whatsapp", "telegram", "sms", "web")
SENDER_PATIENCE_S = 60.0  # how long a sender goes on retrying one delivery
TEXT = "Saluran air tersumbat di Jl. Bandung, air meluap ke jalan setiap hujan"


def delivery(gateway: str, channel: str, n: int) -> tuple[str, Callable[[], int]]:
    """The address its acknowledgement goes to, and one attempt at delivering it (repeatable)."""
    from infra.local import citizen
    from tests.support import http

    if channel == "whatsapp":
        phone = f"62815{n:08d}"
        payload = citizen.whatsapp_payload([citizen.whatsapp_message(phone, text=TEXT)])
        return phone, lambda: citizen.post_whatsapp(gateway, payload).status
    if channel == "telegram":
        chat = 4_000_000_000 + n
        update = citizen.telegram_update(chat, text=TEXT)
        return str(chat), lambda: citizen.post_telegram(gateway, update).status
    if channel == "sms":
        phone = f"+62816{n:08d}"
        params = citizen.sms_params(
            phone,
            f"SAMBAT {TEXT}",
            to=citizen.local_secrets()["SMS_FROM"],
            account_sid=citizen.local_secrets()["TWILIO_ACCOUNT_SID"],
            message_sid=citizen.new_twilio_sid(),
        )
        return phone.lstrip("+"), lambda: citizen.post_sms(
            gateway, params, public_base_url=gateway
        ).status
    phone = f"0817{n:08d}"
    form = {"title": "Aduan warga", "description": TEXT, "reporter": {"phone": phone}}
    key = str(uuid.uuid4())
    return "62" + phone[1:], lambda: http(
        "POST", f"{gateway}/v1/complaints", form, headers={"Idempotency-Key": key}
    ).status


def plan(cloud: Any, outage_calls: int = 3) -> None:
    """The scripted faults, on top of the random crashes: every provider fails `outage_calls`
    calls (locally a failed message is retried after 1 s, so an outage is counted in calls: one
    as long as the queue's maxReceiveCount (5) parks the reply in the dead-letter queue, from
    where `infra.redrive` brings it back); the relay dies between reading the stream and
    publishing, twice; notify dies once just after it claimed an acknowledgement (the claim's
    UpdateItem on the reporter item, before sending: it stays pending for the lease), and
    notify and routing once after all their writes."""
    for channel in ("whatsapp", "telegram", "sms"):
        cloud.providers.add_fault(
            channel, 503 if channel != "telegram" else 429, count=outage_calls
        )
    cloud.faults.die_next("RelayFunction", times=2, die="before", operation="PutEvents")
    cloud.faults.die_next("NotifyFunction", die="after", operation="UpdateItem")
    for logical_id in ("NotifyFunction", "RoutingFunction"):
        cloud.faults.die_next(logical_id, die="end")


def run(
    cloud: Any,
    complaints: int,
    senders: int,
    log: Path | None = None,
    wait_s: float | None = None,
    restart: bool = False,
) -> dict[str, Any]:
    """Send `complaints` (each retried by its sender until accepted), wait until every one is
    answered and the queues are idle (at most `wait_s`), and count. `log`: the cloud's log, read
    from where it stands now for the containers that died with a provider send not yet recorded.
    `restart`: the emulator is restarted once, when half the complaints are accepted (the cloud
    needs a state folder)."""
    from bench.burst import TRACKING_ID, _address

    log_from = log.stat().st_size if log and log.exists() else 0
    jobs = iter(range(complaints))
    lock = threading.Lock()
    addresses: dict[str, str] = {}
    retries = Counter[str]()
    gave_up: list[str] = []
    half_in = threading.Event()
    away: list[float] = []  # how long the restarted emulator was away

    def sender() -> None:
        while True:
            with lock:
                n = next(jobs, None)
            if n is None:
                return
            channel = CHANNELS[n % len(CHANNELS)]
            address, attempt = delivery(cloud.gateway_url, channel, n)
            # A provider retries a webhook for hours (Meta: up to 7 days); this sender for
            # SENDER_PATIENCE_S, by the clock rather than a count of tries: with a fifth of the
            # invocations crashing and the emulator away for a restart, twelve quick tries could
            # all fall into one bad stretch on a busy machine.
            patience = time.monotonic() + SENDER_PATIENCE_S
            tries = 0
            while True:
                try:
                    status = attempt()
                except OSError:  # no answer in time (the emulator away): the same delivery again
                    status = 0
                if 200 <= status < 300:
                    break
                with lock:
                    retries[channel] += 1
                if time.monotonic() >= patience:
                    with lock:
                        gave_up.append(address)
                    break
                time.sleep(min(0.2 * 2**tries, 3.0))
                tries += 1
            with lock:
                addresses[_address(address)] = channel
                if len(addresses) >= complaints // 2:
                    half_in.set()

    def restarter() -> None:
        half_in.wait()
        away.append(cloud.restart_emulator())

    began = time.time()
    threads = [threading.Thread(target=sender) for _ in range(senders)]
    if restart:
        threads.append(threading.Thread(target=restarter))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deadline = time.monotonic() + (wait_s if wait_s is not None else max(300.0, complaints * 2.0))
    answered = None
    while time.monotonic() < deadline:
        replies = _replies(cloud, addresses, TRACKING_ID)
        if answered is None and len(replies) >= len(addresses):
            answered = time.time() - began
        if answered is not None and cloud.idle():
            break
        time.sleep(1.0)
    took = time.time() - began
    replies = _replies(cloud, addresses, TRACKING_ID)
    from aduan.repository import ComplaintRepository

    repository = ComplaintRepository(cloud.resources["ComplaintTable"], cloud.client("dynamodb"))
    lost = doubled_replies = doubled_routing = unrouted = 0
    lost_by_channel: Counter[str] = Counter()
    for address in addresses:
        found = replies.get(address, [])
        if not found:
            lost += 1
            lost_by_channel[addresses[address]] += 1
            continue
        doubled_replies += len(found) > 1
        ids = {m.group(0) for m in (TRACKING_ID.search(r["text"] or "") for r in found) if m}
        for tracking_id in ids:
            _, history = repository.with_history(tracking_id)
            kinds = Counter(h.detail_type for h in history)
            routed = kinds["ComplaintRouted"] + kinds["ComplaintNeedsTriage"]
            doubled_routing += routed > 1
            unrouted += routed == 0
    runtime = cloud.runtime
    return {
        "complaints": len(addresses),
        "lost": lost,
        "doubled_replies": doubled_replies,
        "doubled_routing": doubled_routing,
        "unrouted": unrouted,
        "gave_up": len(gave_up),
        "retries": retries,
        "took": took,
        "answered": answered,
        "lost_by_channel": lost_by_channel,
        "parked": _parked(cloud),
        "invocations": sum(f.invocations for f in runtime.functions.values()) if runtime else 0,
        "crashed": dict(sorted(cloud.faults.planned.items())),
        "emulator_away": away[0] if away else None,
        **(_from_log(log, log_from) if log else {"unrecorded_sends": 0, "waited": 0}),
    }


def _from_log(log: Path, offset: int) -> dict[str, int]:
    """What the cloud's log says since `offset`: containers that died after a provider took a
    message and before its record (the one moment a message can go twice: infra/local/worker.py),
    and records that met another invocation's live claim and came back later (aduan.consumer)."""
    unrecorded = waited = 0
    with log.open("rb") as lines:
        lines.seek(offset)
        for line in lines:
            unrecorded += b"[local fault]" in line and b"not yet recorded" in line
            waited += b"claim held elsewhere" in line
    return {"unrecorded_sends": unrecorded, "waited": waited}


def figures(result: dict[str, Any], senders: int, outage_calls: int, seed: int) -> list[str]:
    crashed = result["crashed"]
    lines = [
        f"{result['complaints']} complaints ({', '.join(CHANNELS)}), {senders} senders, "
        f"{result['took']:.0f} s (the last acknowledged after "
        f"{'-' if result['answered'] is None else format(result['answered'], '.0f')} s), "
        f"fault seed {seed}",
        f"  faults: {sum(crashed.values())} of {result['invocations']} invocations crashed or "
        f"failed on purpose ({', '.join(f'{k} {v}' for k, v in crashed.items())}); "
        f"providers 503/429 for {outage_calls} calls each; relay died before publishing twice; "
        f"died between a provider's answer and its record: {result['unrecorded_sends']}",
        f"  POSTs retried by senders: {sum(result['retries'].values())}   "
        f"senders who gave up: {result['gave_up']}   "
        f"records that waited for a live claim's lease: {result['waited']}",
        *(
            [
                f"  emulator restarted once mid-run (from its snapshot, same port): away "
                f"{result['emulator_away']:.1f} s"
            ]
            if result.get("emulator_away") is not None
            else []
        ),
        f"  lost {result['lost']}   doubled replies {result['doubled_replies']}   "
        f"routed twice {result['doubled_routing']}   never routed {result['unrouted']}",
    ]
    if result["lost"] or result["parked"]:
        lines.append(
            f"  lost by channel: {dict(result['lost_by_channel'])}   "
            f"in dead-letter queues: {result['parked']}"
        )
    return lines


def _parked(cloud: Any) -> dict[str, int]:
    """Messages in the dead-letter queues (a consumer gave up on them)."""
    sqs = cloud.client("sqs")
    parked = {}
    for logical_id in cloud.resources:
        if logical_id.endswith("DLQ"):
            attributes = sqs.get_queue_attributes(
                QueueUrl=cloud.queue_url(logical_id), AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
            if int(attributes["ApproximateNumberOfMessages"]):
                parked[logical_id] = int(attributes["ApproximateNumberOfMessages"])
    return parked


def _replies(
    cloud: Any, addresses: dict[str, str], pattern: Any
) -> dict[str, list[dict[str, Any]]]:
    from bench.burst import _address

    found: dict[str, list[dict[str, Any]]] = {}
    for channel in ("whatsapp", "telegram", "sms"):
        for message in cloud.providers.messages(channel):
            address = _address(str(message.get("to") or ""))
            if address in addresses and pattern.search(message.get("text") or ""):
                found.setdefault(address, []).append(message)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--complaints", type=int, default=200)
    parser.add_argument("--crash-rate", type=float, default=0.2)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--log", type=Path, help="where the local cloud logs (default bench/results/)"
    )
    parser.add_argument("--outage-calls", type=int, default=3, help="failed calls per provider")
    args = parser.parse_args()
    from bench.run import LOG as DEFAULT_LOG
    from infra.local.cloud import LocalCloud, Ports
    from infra.local.faults import Faults

    log = args.log or DEFAULT_LOG
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    print(
        f"Aduan faults benchmark, {datetime.now().isoformat(timespec='seconds')}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    faults = Faults(crash_rate=args.crash_rate, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="aduan-faults-state-") as state:
        cloud = LocalCloud(
            Ports.free(),
            endpoint="",
            logs=log,
            run_schedules=False,
            faults=faults,
            quiet=True,
            state=Path(state),
        ).start()
        try:
            plan(cloud, args.outage_calls)
            result = run(cloud, args.complaints, args.senders, log=log, restart=True)
        finally:
            cloud.stop()
    print()
    print("\n".join(figures(result, args.senders, args.outage_calls, args.seed)))


if __name__ == "__main__":
    main()
