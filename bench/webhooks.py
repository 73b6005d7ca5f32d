"""Webhook latency on the local cloud: p50 / p99 per channel, from the provider's side.

    .venv/bin/python -m bench.webhooks [--messages 200] [--clients 4] [--gateway URL --fake URL]

Each request is what a provider sends (signed with the local secrets, see infra.local.citizen):
a new complaint, a follow-up, a CEK, and a duplicate delivery, spread over many senders. The
time is the provider's wait for our 2xx (the durable write; everything after it is async).
Target: p99 under 1 s (well inside Twilio's 15 s). Figures only: nothing here asserts.
Without --gateway it starts its own local cloud on free ports.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "shared")]

TEXTS = ("Jalan berlubang di depan pasar", "Lampu jalan mati sejak seminggu", "Sampah menumpuk di TPS", "Saluran air tersumbat")


def senders(gateway: str, fake: str) -> dict[str, Callable[[int], int]]:
    from infra.local import citizen

    def whatsapp(i: int) -> int:
        phone = f"62811{i % 50:07d}"
        text = f"CEK {random.choice(['ZZZZZ-99999', ''])}" if i % 7 == 3 else random.choice(TEXTS)
        payload = citizen.whatsapp_payload([citizen.whatsapp_message(phone, text=text)])
        sent = citizen.post_whatsapp(gateway, payload)
        if i % 10 == 0:  # the provider retrying the same delivery
            sent = citizen.post_whatsapp(gateway, payload)
        return sent.status

    def telegram(i: int) -> int:
        return citizen.send_telegram(gateway, chat_id=700000 + i % 50, text=random.choice(TEXTS), fake_url=fake).status

    def sms(i: int) -> int:
        return citizen.send_sms(gateway, from_=f"+62812{i % 50:07d}", text="SAMBAT " + random.choice(TEXTS), public_base_url=gateway, fake_url=fake).status

    def lapor(i: int) -> int:
        return citizen.send_lapor(gateway, tracking_id=f"B{i % 50}", text=random.choice(TEXTS), fake_url=fake).status

    def email(i: int) -> int:
        return citizen.send_email(gateway, from_=f"warga{i % 50}@example.com", subject="Pengaduan", text=random.choice(TEXTS), fake_url=fake).status

    return {"whatsapp": whatsapp, "telegram": telegram, "sms": sms, "lapor": lapor, "email": email}


def measure(send: Callable[[int], int], messages: int, clients: int) -> tuple[list[float], int]:
    timings: list[float] = []
    failures = 0
    lock = threading.Lock()
    counter = iter(range(messages))

    def client() -> None:
        nonlocal failures
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            started = time.perf_counter()
            status = send(i)
            elapsed = time.perf_counter() - started
            with lock:
                timings.append(elapsed)
                failures += not 200 <= status < 300

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, failures


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def report(results: dict[str, tuple[list[float], int]], messages: int, clients: int) -> None:
    print(f"\nWebhook latency on the local cloud: {messages} deliveries per channel, {clients} sender(s) at once")
    print(f"  {'channel':<10}{'p50':>9}{'p99':>9}{'max':>9}{'failed':>8}   target p99 < 1000 ms")
    for channel, (timings, failed) in results.items():
        p50, p99 = statistics.median(timings) * 1000, percentile(timings, 0.99) * 1000
        flag = "" if p99 < 1000 else "  over target"
        print(f"  {channel:<10}{p50:>6.0f} ms{p99:>6.0f} ms{max(timings) * 1000:>6.0f} ms{failed:>8}{flag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100, help="per channel and mode")
    parser.add_argument("--clients", type=int, default=4, help="concurrent senders in the second mode")
    parser.add_argument("--gateway", help="a running local cloud's HTTP API (default: start one)")
    parser.add_argument("--fake", help="its fake provider server")
    args = parser.parse_args()
    cloud = None
    if args.gateway:
        gateway, fake = args.gateway, args.fake or "http://127.0.0.1:3001"
    else:
        from infra.local.cloud import LocalCloud, Ports

        cloud = LocalCloud(Ports.free(), endpoint="", quiet=True).start()
        gateway, fake = cloud.gateway_url, cloud.providers_url
    try:
        channels = senders(gateway, fake)
        for send in channels.values():
            send(10_000)  # warm each path once (imports, clients, caches): cold starts are bench.run's
        # One sender is a provider delivering in order; several at once queue here, because the
        # local runtime has one container per function where Lambda would start more.
        for clients in (1, args.clients):
            results: dict[str, tuple[list[float], int]] = defaultdict(lambda: ([], 0))
            for channel, send in channels.items():
                results[channel] = measure(send, args.messages, clients)
            report(results, args.messages, clients)
    finally:
        if cloud is not None:
            cloud.stop()


if __name__ == "__main__":
    main()
