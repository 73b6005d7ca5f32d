"""A burst of new complaints through the channels' webhooks and the web API, on the local cloud.

    .venv/bin/python -m bench.burst                      # 100, then 10,000 on the same cloud
    .venv/bin/python -m bench.burst --runs 100 1000 --senders 8

Each complaint comes from a sender of its own (WhatsApp, Telegram, SMS through their signed
webhooks; the web form with a phone number), spread over `--senders` concurrent senders. A
complaint is acknowledged when its reply reached the fake provider's outbox; then its history
must show it routed once and its acknowledgement recorded once. Prints, per run: lost (never
acknowledged), doubled (more than one acknowledgement, or routed twice), throughput end to end
(acknowledged complaints per second, first POST to last acknowledgement), latency percentiles
(POST -> acknowledgement in the outbox) and the POST answer time. Figures only: every log line
of the local cloud goes to bench/results/local-cloud.log.

E-mail is left out of the mix: the fake provider server reads SES mail from the emulator's
whole-state dump, which grows with the table, so it would measure the fake, not the system.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "shared")]
LOG = ROOT / "bench" / "results" / "local-cloud.log"
TRACKING_ID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b")
TEXTS = (
    "Jalan berlubang besar di depan pasar Blimbing, sudah dua motor jatuh",
    "Lampu PJU di Jl. Soekarno Hatta mati sejak seminggu, gelap sekali",
    "Sampah menumpuk di TPS Jl. Bandung tidak diangkut tiga hari",
    "Saluran air tersumbat di Sawojajar, air meluap ke jalan kalau hujan",
)
CHANNELS = ("whatsapp", "telegram", "sms", "web")


@dataclass
class Sent:
    channel: str
    address: str  # where its acknowledgement goes, as the outbox spells it
    at: float
    answer_s: float
    status: int


def _sender(gateway: str, fake: str) -> Callable[[str, int], tuple[str, int]]:
    from infra.local import citizen
    from tests.support import http

    def send(channel: str, n: int) -> tuple[str, int]:
        text = TEXTS[n % len(TEXTS)]
        if channel == "whatsapp":
            phone = f"62811{n:08d}"
            payload = citizen.whatsapp_payload([citizen.whatsapp_message(phone, text=text)])
            return phone, citizen.post_whatsapp(gateway, payload).status
        if channel == "telegram":
            chat = 3_000_000_000 + n
            return str(chat), citizen.send_telegram(
                gateway, chat_id=chat, text=text, fake_url=fake
            ).status
        if channel == "sms":
            phone = f"+62813{n:08d}"
            sent = citizen.send_sms(
                gateway, from_=phone, text=f"SAMBAT {text}", public_base_url=gateway, fake_url=fake
            )
            return phone, sent.status
        phone = f"0814{n:08d}"
        form = {
            "title": "Aduan warga",
            "description": text,
            "reporter": {"name": "Warga", "phone": phone},
        }
        return "+62" + phone[1:], http("POST", f"{gateway}/v1/complaints", form).status

    return send


def _address(value: str) -> str:
    return re.sub(r"[\s\-()+]", "", value.removeprefix("whatsapp:"))


def burst(cloud: Any, count: int, senders: int, first: int) -> dict[str, Any]:
    send = _sender(cloud.gateway_url, cloud.providers_url)
    jobs = iter([(CHANNELS[i % len(CHANNELS)], first + i) for i in range(count)])
    lock = threading.Lock()
    sent: list[Sent] = []

    def sender() -> None:
        while True:
            with lock:
                job = next(jobs, None)
            if job is None:
                return
            started = time.time()
            t0 = time.perf_counter()
            address, status = send(*job)
            answer = time.perf_counter() - t0
            with lock:
                sent.append(Sent(job[0], _address(address), started, answer, status))

    outbox_before = (
        len(cloud.providers.messages("whatsapp"))
        + len(cloud.providers.messages("telegram"))
        + len(cloud.providers.messages("sms"))
    )
    began = time.time()
    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    posting_s = time.time() - began
    accepted = [s for s in sent if 200 <= s.status < 300]
    deadline = time.monotonic() + max(120.0, count * 0.5)
    while time.monotonic() < deadline:
        replies = sum(len(cloud.providers.messages(c)) for c in ("whatsapp", "telegram", "sms"))
        if replies - outbox_before >= len(accepted):
            break
        time.sleep(0.5)
    idle_deadline = time.monotonic() + 120
    while not cloud.idle() and time.monotonic() < idle_deadline:
        time.sleep(0.5)
    return _tally(cloud, accepted, len(sent) - len(accepted), began, posting_s)


def _tally(
    cloud: Any, accepted: list[Sent], refused: int, began: float, posting_s: float
) -> dict[str, Any]:
    from aduan.repository import ComplaintRepository

    wanted = {s.address: s for s in accepted}
    acks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for channel in ("whatsapp", "telegram", "sms"):
        for message in cloud.providers.messages(channel):
            address = _address(str(message.get("to") or ""))
            if address in wanted and TRACKING_ID.search(message.get("text") or ""):
                acks[address].append(message)
    repository = ComplaintRepository(cloud.resources["ComplaintTable"], cloud.client("dynamodb"))
    lost = doubled = 0
    latencies: list[float] = []
    last = began
    for address, one in wanted.items():
        replies = acks.get(address, [])
        if not replies:
            lost += 1
            continue
        if len(replies) > 1:
            doubled += 1
            continue
        found = TRACKING_ID.search(replies[0]["text"])
        assert found  # only replies carrying a tracking id were collected
        _, history = repository.with_history(found.group(0))
        kinds = Counter(h.detail_type for h in history)
        if kinds["ComplaintRouted"] + kinds["ComplaintNeedsTriage"] != 1:
            doubled += 1 if kinds["ComplaintRouted"] + kinds["ComplaintNeedsTriage"] > 1 else 0
            lost += 1 if kinds["ComplaintRouted"] + kinds["ComplaintNeedsTriage"] == 0 else 0
            continue
        at = datetime.fromisoformat(replies[0]["at"].replace("Z", "+00:00")).timestamp()
        latencies.append(at - one.at)
        last = max(last, at)
    answers = sorted(s.answer_s for s in accepted)
    return {
        "sent": len(accepted) + refused,
        "refused": refused,
        "lost": lost,
        "doubled": doubled,
        "acknowledged": len(latencies),
        "throughput": len(latencies) / max(last - began, 1e-9),
        "posting_s": posting_s,
        "latencies": sorted(latencies),
        "answers": answers,
        "by_channel": Counter(s.channel for s in accepted),
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]


def report(result: dict[str, Any], senders: int) -> None:
    mix = ", ".join(f"{c} {n}" for c, n in sorted(result["by_channel"].items()))
    lat, ans = result["latencies"], result["answers"]
    print(f"\nBurst: {result['sent']} new complaints from {senders} concurrent senders ({mix})")
    print(
        f"  answered 2xx {result['sent'] - result['refused']}   other answers {result['refused']}   posting took {result['posting_s']:.1f} s"
    )
    print(
        f"  acknowledged once and routed once {result['acknowledged']}   lost {result['lost']}   doubled {result['doubled']}"
    )
    print(f"  throughput end to end: {result['throughput']:.1f} complaints/s (target >= 20)")
    print(
        "  POST -> acknowledgement in the outbox: "
        f"p50 {percentile(lat, 0.5):.2f} s   p95 {percentile(lat, 0.95):.2f} s   p99 {percentile(lat, 0.99):.2f} s   max {lat[-1] if lat else float('nan'):.2f} s"
    )
    print(
        f"  POST answered in: p50 {percentile(ans, 0.5) * 1000:.0f} ms   p99 {percentile(ans, 0.99) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--runs", type=int, nargs="+", default=[100, 10_000], help="complaints per run, one cloud"
    )
    parser.add_argument("--senders", type=int, default=8)
    args = parser.parse_args()
    from infra.local.cloud import LocalCloud, Ports

    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text("")
    print(
        f"Aduan burst benchmark, {datetime.now().isoformat(timespec='seconds')}, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work shares them)"
    )
    cloud = LocalCloud(Ports.free(), endpoint="", logs=LOG, run_schedules=False).start()
    try:
        # An unmeasured burst first, so every container (4 per HTTP function, one per batch in
        # flight for the queues) has started, as in steady traffic: the runs measure warm ones.
        burst(cloud, 4 * args.senders, args.senders, 90_000_000)
        first = itertools.count(0, 10_000_000)
        rates = []
        for count in args.runs:
            result = burst(cloud, count, args.senders, next(first))
            report(result, args.senders)
            rates.append((count, result["throughput"]))
        if len(rates) > 1:
            (small, base), (large, rate) = rates[0], rates[-1]
            print(
                f"\n  rate at {large} vs {small}: {rate / base:.2f} (target within 20 %: 0.80 or more)"
            )
    finally:
        cloud.stop()


if __name__ == "__main__":
    main()
