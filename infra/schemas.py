"""Export every event's JSON Schema to schemas/events/ (the checked-in contracts).

    python -m infra.schemas          # rewrite the files from the code
    python -m infra.schemas --check  # exit 1 if a file and the code disagree (what the tests do)

The schema describes the EventBridge `detail`; `x-source` and `x-detail-type` name the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "schemas" / "events"


def event_types() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "shared"))
    from aduan.events import load_all_events

    return dict(sorted(load_all_events().items()))


def schema_of(cls: Any) -> dict[str, Any]:
    from aduan.model import json_schema

    schema = json_schema(cls)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "x-source": cls.SOURCE,
        "x-detail-type": cls.detail_type(),
        **schema,
    }


def rendered() -> dict[Path, str]:
    return {
        OUT / f"{name}.json": json.dumps(schema_of(cls), indent=2, sort_keys=True) + "\n"
        for name, cls in event_types().items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    files = rendered()
    stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
    extra = [p for p in OUT.glob("*.json") if p not in files]
    if args.check:
        for path in stale + extra:
            print(f"out of date: {path.relative_to(ROOT)}")
        return 1 if stale or extra else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for path in extra:
        path.unlink()
    for path, text in files.items():
        path.write_text(text)
    print(f"wrote {len(files)} event schemas to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
