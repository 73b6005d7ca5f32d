"""What the Lapor form offers to choose from, from the reference data (pure builders).

`GET /v1/areas`: every kecamatan with its kelurahan (ids and names, no aliases: those are for
the routing's gazetteer). `GET /v1/categories`: the categories' ids and names per language.
"""

from __future__ import annotations

from typing import Any


def areas_view(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    gazetteer = bodies[0] if bodies else {}
    return {
        "city": {
            "id": gazetteer.get("city", {}).get("id"),
            "name": gazetteer.get("city", {}).get("name"),
        },
        "kecamatan": [
            {
                "id": kecamatan["id"],
                "name": kecamatan["name"],
                "kelurahan": sorted(
                    ({"id": k["id"], "name": k["name"]} for k in kecamatan.get("kelurahan", [])),
                    key=lambda k: k["name"],
                ),
            }
            for kecamatan in sorted(gazetteer.get("kecamatan", []), key=lambda k: k["name"])
        ],
    }


def categories_view(bodies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    ordered = sorted(bodies, key=lambda c: c.get("name_id", c["id"]))
    return {
        language: {
            "categories": [
                {"id": c["id"], "name": c.get(f"name_{language}") or c.get("name_id") or c["id"]}
                for c in ordered
            ]
        }
        for language in ("id", "en")
    }
