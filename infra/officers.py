"""Officer accounts' groups in the Cognito user pool, from the reference data.

The template declares the role groups (coordinator, unit_admin, bidang). The unit and bidang
groups are the ids in infra/seed/units.json, so they are data: after `sam deploy` (and whenever
units.json changes) run

    python -m infra.officers groups --user-pool-id <OfficerUserPoolId output> [--region ap-southeast-3]

and put each officer in one role group, their unit's group and, for a bidang, its bidang group
(see docs/officers.md).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SEED_UNITS = Path(__file__).resolve().parent / "seed" / "units.json"
ROLES = ("coordinator", "unit_admin", "bidang")


def unit_groups(units: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Group name -> description: one per unit and one per bidang."""
    groups: dict[str, str] = {}
    for unit in units:
        groups[unit["id"]] = unit["name"][:2048]
        for bidang in unit.get("bidang", []):
            groups[bidang["id"]] = f"{bidang['name']} - {unit['name']}"[:2048]
    return groups


def ensure_groups(cognito: Any, pool_id: str, groups: dict[str, str]) -> int:
    """Create the groups that do not exist yet; returns how many were created."""
    existing: set[str] = set()
    for page in cognito.get_paginator("list_groups").paginate(UserPoolId=pool_id):
        existing |= {g["GroupName"] for g in page["Groups"]}
    created = 0
    for name, description in groups.items():
        if name not in existing:
            cognito.create_group(UserPoolId=pool_id, GroupName=name, Description=description)
            created += 1
    return created


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    groups = sub.add_parser("groups", help="create the unit and bidang groups from units.json")
    groups.add_argument("--user-pool-id", required=True)
    groups.add_argument("--region", default="ap-southeast-3")
    args = parser.parse_args()
    import boto3

    cognito = boto3.client("cognito-idp", region_name=args.region)
    wanted = unit_groups(json.loads(SEED_UNITS.read_text()))
    print(
        f"created {ensure_groups(cognito, args.user_pool_id, wanted)} of {len(wanted)} unit and bidang groups"
    )


if __name__ == "__main__":
    main()
