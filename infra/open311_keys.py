"""The city's command for Open311 API keys: one per client app, shown once, stored as a hash.

    python -m infra.open311_keys issue  --table <ComplaintTableName output> --client "FixMyStreet Malang"
    python -m infra.open311_keys list   --table <ComplaintTableName output>
    python -m infra.open311_keys revoke --table <ComplaintTableName output> --key-id <id from list>

`issue` prints the new key once: give it to the app's maintainer; only its SHA-256 is kept, so a
lost key is revoked and a new one issued. `--region` (default ap-southeast-3) picks the region;
against the local cloud, set AWS_ENDPOINT_URL=http://127.0.0.1:4566 and dummy credentials.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _imports() -> None:
    for root in ("shared", "services/web"):
        if str(ROOT / root) not in sys.path:
            sys.path.insert(0, str(ROOT / root))


def issue(repository: Any, client: str, now: datetime, key: str | None = None) -> str:
    """Store a key for `client` (a new random one unless `key` is given) and return it."""
    _imports()
    from web.open311.keys import api_key_hash, new_api_key

    key = key or new_api_key()
    repository.put_open311_client(
        api_key_hash(key), {"client": client, "issued_at": now.isoformat(), "revoked": False}
    )
    return key


def listing(repository: Any) -> list[dict[str, Any]]:
    _imports()
    from web.open311.keys import key_id

    return [
        {
            "key_id": key_id(c["key_hash"]),
            "client": c.get("client", ""),
            "issued_at": c.get("issued_at", ""),
            "revoked": bool(c.get("revoked")),
        }
        for c in repository.open311_clients()
    ]


def revoke(repository: Any, wanted_id: str, now: datetime) -> bool:
    _imports()
    from web.open311.keys import key_id

    for client in repository.open311_clients():
        if key_id(client["key_hash"]) == wanted_id:
            kept = {k: v for k, v in client.items() if k not in ("PK", "SK", "kind", "key_hash")}
            repository.put_open311_client(
                client["key_hash"], {**kept, "revoked": True, "revoked_at": now.isoformat()}
            )
            return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("issue", "list", "revoke"):
        command = sub.add_parser(name)
        command.add_argument("--table", required=True)
        command.add_argument("--region", default="ap-southeast-3")
        if name == "issue":
            command.add_argument("--client", required=True, help="the app's name, e.g. FixMyStreet")
        if name == "revoke":
            command.add_argument("--key-id", required=True)
    args = parser.parse_args()

    os.environ.setdefault("AWS_DEFAULT_REGION", args.region)
    _imports()
    from aduan.repository import ComplaintRepository

    repository = ComplaintRepository(args.table)
    now = datetime.now(UTC)
    if args.command == "issue":
        key = issue(repository, args.client, now)
        print(f"api_key for {args.client} (shown once, keep it safe): {key}")
    elif args.command == "list":
        for row in listing(repository):
            state = "revoked" if row["revoked"] else "active"
            print(f"{row['key_id']}  {state:7}  {row['issued_at']}  {row['client']}")
    elif not revoke(repository, args.key_id, now):
        print(f"no key has the id {args.key_id}")
        return 1
    else:
        print(f"revoked {args.key_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
