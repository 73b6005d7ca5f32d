"""Reference data (categories, areas, units, rules, templates, calendar) as items in the table.

Seeded from `infra/seed/*.json` and editable there without a deploy. Each kind lives in one
partition (`REF#<kind>`), so loading a kind is one Query, and a container keeps it for a few
minutes: edits reach every function within `TTL_SECONDS`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

TTL_SECONDS = 300
KINDS = ("category", "area", "unit", "rule", "template", "calendar")

_lock = threading.Lock()
_cache: dict[str, tuple[float, Any]] = {}


def seed_items(seed: dict[str, Any]) -> list[dict[str, Any]]:
    """Table items for the seed files' contents (`{"categories": [...], "areas": {...}, ...}`)."""
    items: list[dict[str, Any]] = []

    def add(kind: str, key: str, body: Any) -> None:
        items.append(
            {
                "PK": f"REF#{kind}",
                "SK": key,
                "kind": "reference",
                "body": json.dumps(body, ensure_ascii=False),
            }
        )

    for category in seed.get("categories", []):
        add("category", category["id"], category)
    areas = seed.get("areas")
    if areas:
        add("area", "gazetteer", areas)
    for unit in seed.get("units", []):
        add("unit", unit["id"], unit)
    for rule in seed.get("rules", []):
        add("rule", rule["id"], rule)
    for name, body in (seed.get("templates") or {}).items():
        if not name.startswith("_"):
            add("template", name, {"name": name, **body})
    if seed.get("calendar"):
        add("calendar", "default", seed["calendar"])
    return items


def cached(
    kind: str,
    load: Callable[[str], list[dict[str, Any]]],
    build: Callable[[list[Any]], Any] = list,
    now: Callable[[], float] = time.monotonic,
) -> Any:
    """`build(bodies)` of one kind, loaded through `load` (a repository query) at most every TTL.

    `build` turns the bodies into what the caller works with (a gazetteer, a calendar), so that
    work is also done once per TTL rather than once per record.
    """
    key = f"{kind}:{getattr(build, '__qualname__', build)}"
    with _lock:
        hit = _cache.get(key)
        if hit and now() - hit[0] < TTL_SECONDS:
            return hit[1]
    built = build([json.loads(item["body"]) for item in load(kind)])
    with _lock:
        _cache[key] = (now(), built)
    return built


def forget() -> None:
    with _lock:
        _cache.clear()
