"""`python -m infra.local` (what `make run` runs): start the local cloud and keep it up."""

from __future__ import annotations

import argparse
import signal
import threading

from infra.local.cloud import LocalCloud, Ports


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the whole Aduan stack locally (no Docker).")
    parser.add_argument("--aws-port", type=int, default=4566)
    parser.add_argument("--api-port", type=int, default=3000)
    parser.add_argument("--providers-port", type=int, default=3001)
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    cloud = LocalCloud(Ports(args.aws_port, args.api_port, args.providers_port)).start()
    print(cloud.summary(), flush=True)
    print("Ctrl-C stops everything.", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while stopping would leave servers half closed: stopping takes a moment.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("\nstopping…", flush=True)
        cloud.stop()
        print("stopped.", flush=True)


if __name__ == "__main__":
    main()
