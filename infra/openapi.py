"""Assemble the whole OpenAPI document into services/web/web/openapi.json (served at /openapi.json).

    python -m infra.openapi          # rewrite the file from the code
    python -m infra.openapi --check  # exit 1 if the file and the code disagree (what the tests do)

Each function describes its own routes next to its code (`web.openapi`, `inbound.webhooks.openapi`,
and `<service>.openapi` modules exposing `PATHS` and optionally `SCHEMAS`); functions never import
each other at run time, so the document is put together here, at build time.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "services" / "web" / "web" / "openapi.json"
# (import root, module) of every part that describes routes besides the citizens' API.
PARTS = [
    ("services/inbound", "inbound.webhooks.openapi"),
    ("services/casework", "casework.openapi"),
    ("services/reports", "reports.openapi"),
]


# API Gateway's JWT authorizer answers a missing or refused token with its own body, before any
# function runs: every operation behind it can answer this, so it is said here, once.
AUTHORIZER_REFUSAL: dict[str, Any] = {
    "description": "No token, or one the authorizer refuses",
    "content": {
        "application/json": {
            "schema": {
                "anyOf": [
                    {"$ref": "#/components/schemas/ErrorBody"},
                    {
                        "type": "object",
                        "properties": {"message": {"type": "string"}},
                        "required": ["message"],
                    },
                ]
            }
        }
    },
}


def _behind_the_authorizer(paths: dict[str, Any]) -> None:
    for item in paths.values():
        for operation in item.values():
            if operation.get("security"):
                operation["responses"].setdefault("401", AUTHORIZER_REFUSAL)


def assembled() -> dict[str, Any]:
    for root in ("shared", "services/web", *(root for root, _ in PARTS)):
        if str(ROOT / root) not in sys.path:
            sys.path.insert(0, str(ROOT / root))
    from web.openapi import document

    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    security: dict[str, Any] = {}
    for _, name in PARTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue
        paths.update(getattr(module, "PATHS", {}))
        schemas.update(getattr(module, "SCHEMAS", {}))
        security.update(getattr(module, "SECURITY_SCHEMES", {}))
    _behind_the_authorizer(paths)
    # The server is the deployment's own URL; the web function fills it in when it serves the file.
    whole = document("", extra_paths=paths, extra_schemas=schemas)
    if security:
        whole.setdefault("components", {})["securitySchemes"] = security
    return whole


def rendered() -> str:
    return json.dumps(assembled(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = rendered()
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run python -m infra.openapi")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
