"""`python -m infra.local` (what `make run` runs): start the local cloud and keep it up.

    make run                                   # AWS emulator :4566, HTTP API :3000, providers :3001
    make run ARGS="--api-port 8080"            # or: .venv/bin/python -m infra.local --api-port 8080

Whatever the ports, the stack's public URL (Twilio's signatures, the status links in messages)
follows the HTTP API's port, and the citizen and auth tools find this cloud through
`.local/cloud.json` (see infra.local.discovery).
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path

from infra.local import discovery
from infra.local.cloud import LocalCloud, Ports
from infra.local.snapshot import own_files


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the whole Aduan stack locally (no Docker).")
    parser.add_argument(
        "--aws-port",
        type=int,
        default=4566,
        help="the AWS endpoint: moto, or LocalStack with --localstack (default %(default)s)",
    )
    parser.add_argument(
        "--api-port",
        type=int,
        default=3000,
        help="the HTTP API and the public URL, as `sam local` (default %(default)s)",
    )
    parser.add_argument(
        "--providers-port",
        type=int,
        default=3001,
        help="the fake WhatsApp/Telegram/Twilio/LAPOR!/SNS server (default %(default)s)",
    )
    parser.add_argument(
        "--localstack",
        action="store_true",
        help="LocalStack for the messaging and storage (AWS_ENDPOINT_URL: one already running), moto the rest",
    )
    parser.add_argument(
        "--moto-port", type=int, default=4567, help="moto beside LocalStack (default %(default)s)"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start empty: delete the state kept from the last run (its files in $ADUAN_STATE_DIR or .local-state/)",
    )
    args = parser.parse_args()
    state = Path(os.environ.get("ADUAN_STATE_DIR") or ROOT / ".local-state")
    if args.fresh and not args.localstack:  # (LocalStack mode keeps nothing there)
        forget(state)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    ports = Ports(args.aws_port, args.api_port, args.providers_port, args.moto_port)
    if args.localstack:
        from infra.local.localstack import LocalStackCloud

        cloud: LocalCloud = LocalStackCloud(ports).start()
    else:
        cloud = LocalCloud(ports, state=state).start()
    discovery.announce(cloud)
    print(cloud.summary(), flush=True)
    # Said at every start, so nobody takes the local cloud for a store that keeps (or loses) things.
    print(state_line(cloud), flush=True)
    print("Ctrl-C stops everything.", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while stopping would leave servers half closed: stopping takes a moment.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("\nstopping…", flush=True)
        discovery.withdraw()
        cloud.stop()
        print("stopped.", flush=True)


def forget(state: Path) -> list[Path]:
    """--fresh: the local cloud's own files in the state folder deleted, nothing else (the
    folder may be one the user keeps other things in). Those deleted."""
    gone = own_files(state) if state.is_dir() else []
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def state_line(cloud: LocalCloud) -> str:
    if cloud.state is None:  # LocalStack mode
        return (
            "State lives in memory only (LocalStack mode): stopping loses every complaint,"
            " message and token; each start begins empty (with the seed data)."
        )
    if not cloud.restored:
        return (
            f"State starts empty; kept in {cloud.state}/ at stop (Ctrl-C) for the next start;"
            " --fresh starts empty."
        )
    ddb = cloud.client("dynamodb")
    tables = ddb.list_tables()["TableNames"]
    items = sum(ddb.describe_table(TableName=t)["Table"].get("ItemCount", 0) for t in tables)
    return f"State from {cloud.state}/ ({len(tables)} tables, {items} items); --fresh starts empty."


ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    main()
