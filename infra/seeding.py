"""Load the reference data in infra/seed/ into the complaint table.

The local cloud calls `seed_table` at start; after `sam deploy`, run it once against AWS:
    python -m infra.seeding --table <ComplaintTableName output> [--region ap-southeast-3]
Re-running it updates the items in place (edit a JSON file, seed again).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

SEED_DIR = Path(__file__).resolve().parent / "seed"
FILES = {
    "categories": "categories.json",
    "areas": "areas.json",
    "units": "units.json",
    "rules": "rules.json",
    "templates": "templates.json",
    "calendar": "calendar.json",
}


def load_seed(seed_dir: Path = SEED_DIR) -> dict[str, Any]:
    return {
        key: json.loads((seed_dir / name).read_text())
        for key, name in FILES.items()
        if (seed_dir / name).exists()
    }


def seed_table(table_name: str, seed_dir: Path = SEED_DIR) -> int:
    from aduan.reference import seed_items
    from aduan.repository import ComplaintRepository

    items = seed_items(load_seed(seed_dir))
    ComplaintRepository(table_name).put_items(items)
    return len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--table", required=True)
    parser.add_argument("--seed-dir", type=Path, default=SEED_DIR)
    args = parser.parse_args()
    print(f"seeded {seed_table(args.table, args.seed_dir)} reference items into {args.table}")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "shared"))
    main()
