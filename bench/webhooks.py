"""Webhook latency on the local cloud: p50 / p99 per channel, from the provider's side.

    .venv/bin/python -m bench.webhooks [--messages 200] [--clients 4] [--gateway URL --fake URL]

Each request is what a provider sends (signed with the local secrets, see infra.local.citizen):
a new complaint, a follow-up, a CEK, and a duplicate delivery, spread over many senders. The
time is the provider's wait for our 2xx (the durable write; everything after it is async): each
POST to the webhook is one sample, a provider's retry of a delivery its own (not the sum of
both), and what the sender does before its POST (the fake SNS signing an e-mail's
notification) is not in it. Target: p99 <= 300 ms with 4 senders at once. Figures only: nothing
here asserts; the local cloud's log lines go to bench/results/local-cloud.log.
Without --gateway it starts its own local cloud on free ports, and measures each channel once
the cloud is idle again (the previous channel's replies, routing and acknowledgements sent), so
a channel's figure carries its own messages' work behind it, not the one before it's.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "shared")]

TEXTS = (
    "Jalan berlubang di depan pasar",
    "Lampu jalan mati sejak seminggu",
    "Sampah menumpuk di TPS",
    "Saluran air tersumbat",
)


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

    def meta(channel: str) -> Callable[[int], int]:
        def send(i: int) -> int:
            sender = f"{'24' if channel == 'messenger' else '17'}8{i % 50:013d}"
            text = "CEK" if i % 7 == 3 else random.choice(TEXTS)
            payload = citizen.messaging_payload(
                channel, [citizen.messaging_event(sender, channel=channel, text=text)]
            )
            sent = citizen.post_messaging(gateway, channel, payload)
            if i % 10 == 0:  # Meta retrying the same delivery
                sent = citizen.post_messaging(gateway, channel, payload)
            return sent.status

        return send

    def telegram(i: int) -> int:
        return citizen.send_telegram(
            gateway, chat_id=700000 + i % 50, text=random.choice(TEXTS), fake_url=fake
        ).status

    def sms(i: int) -> int:
        return citizen.send_sms(
            gateway,
            from_=f"+62812{i % 50:07d}",
            text="SAMBAT " + random.choice(TEXTS),
            public_base_url=gateway,
            fake_url=fake,
        ).status

    def lapor(i: int) -> int:
        return citizen.send_lapor(
            gateway, tracking_id=f"B{i % 50}", text=random.choice(TEXTS), fake_url=fake
        ).status

    def email(i: int) -> int:
        return citizen.send_email(
            gateway,
            from_=f"warga{i % 50}@example.com",
            subject="Pengaduan",
            text=random.choice(TEXTS),
            fake_url=fake,
        ).status

    return {
        "whatsapp": whatsapp,
        "messenger": meta("messenger"),
        "instagram": meta("instagram"),
        "telegram": telegram,
        "sms": sms,
        "lapor": lapor,
        "email": email,
    }


_posts = threading.local()  # this sender thread's POSTs to the webhook: (status, seconds)


def time_webhook_posts(gateway: str) -> None:
    """Time every request infra.local.citizen sends to the gateway, one sample each; requests
    to the fake provider server (SNS signing) are the provider's own work, not timed."""
    from infra.local import citizen

    real = citizen.request
    if getattr(real, "timed", False):
        return

    def request(url: str, *args: Any, **kwargs: Any) -> Any:
        if not url.startswith(gateway):
            return real(url, *args, **kwargs)
        started = time.perf_counter()
        sent = real(url, *args, **kwargs)
        getattr(_posts, "found", []).append((sent.status, time.perf_counter() - started))
        return sent

    request.timed = True  # type: ignore[attr-defined]
    citizen.request = request  # type: ignore[assignment]


def _warm(send: Callable[[int], int], i: int) -> int:
    return send(10_000 + i)


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
            _posts.found = []
            send(i)
            with lock:
                for status, elapsed in _posts.found:
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
    print(
        f"\nWebhook latency on the local cloud: {messages} deliveries per channel (and the "
        f"providers' retries), {clients} sender(s) at once, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"  {'channel':<10}{'p50':>9}{'p99':>9}{'max':>9}{'failed':>8}   target p99 <= 300 ms")
    for channel, (timings, failed) in results.items():
        p50, p99 = statistics.median(timings) * 1000, percentile(timings, 0.99) * 1000
        flag = "" if p99 <= 300 else "  over target"
        print(
            f"  {channel:<10}{p50:>6.0f} ms{p99:>6.0f} ms{max(timings) * 1000:>6.0f} ms{failed:>8}{flag}"
        )


def answers(
    gateway: str, fake: str, messages: int, clients: int, warm: int = 0, cloud: Any = None
) -> dict[str, tuple[list[float], int]]:
    """Each channel's webhook answer times, `messages` deliveries from `clients` senders at
    once, one sample per POST; each channel measured once `cloud` (if given) is idle again."""
    time_webhook_posts(gateway)
    channels = senders(gateway, fake)
    for send in channels.values():
        # Warm each path in `warm` containers at once (imports, clients, caches): cold starts
        # are bench.run's figure, not this one's.
        if warm:
            measure(functools.partial(_warm, send), warm, warm)
    results: dict[str, tuple[list[float], int]] = {}
    for channel, send in channels.items():
        if cloud is not None:
            _settle(cloud)
        results[channel] = measure(send, messages, clients)
    return results


def _settle(cloud: Any, deadline_s: float = 60.0) -> None:
    """Wait until the cloud has done what the messages before asked for (or the deadline)."""
    deadline = time.monotonic() + deadline_s
    while not cloud.idle() and time.monotonic() < deadline:
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100, help="per channel and mode")
    parser.add_argument(
        "--clients", type=int, default=4, help="concurrent senders in the second mode"
    )
    parser.add_argument("--gateway", help="a running local cloud's HTTP API (default: start one)")
    parser.add_argument("--fake", help="its fake provider server")
    args = parser.parse_args()
    cloud = None
    if args.gateway:
        gateway, fake = args.gateway, args.fake or "http://127.0.0.1:3001"
    else:
        from bench.run import LOG
        from infra.local.cloud import LocalCloud, Ports

        LOG.parent.mkdir(parents=True, exist_ok=True)
        cloud = LocalCloud(Ports.free(), endpoint="", logs=LOG).start()
        gateway, fake = cloud.gateway_url, cloud.providers_url
    try:
        # One sender is a provider delivering in order; several at once each get a container
        # of their own (the local runtime gives the HTTP API's functions up to 4, as Lambda
        # would start more).
        for clients in (1, args.clients):
            warm = args.clients if clients == 1 else 0  # before the first measure only
            results = answers(gateway, fake, args.messages, clients, warm, cloud)
            report(results, args.messages, clients)
    finally:
        if cloud is not None:
            cloud.stop()


if __name__ == "__main__":
    main()
