"""The Open311 GeoReport v2 JSON Schemas, read from `../shared/open311-georeport-v2/` beside the
repository (where CI puts the team's shared folder); nothing of it is copied into the repo."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

SCHEMAS = Path(__file__).resolve().parents[1].parent / "shared" / "open311-georeport-v2"


@functools.cache
def _schema_dir() -> Path:
    if not (SCHEMAS / "request.json").is_file():
        pytest.fail(
            f"the Open311 GeoReport v2 schemas are missing: expected {SCHEMAS} "
            "(the shared folder beside the repository, as CI lays it out)",
            pytrace=False,
        )
    return SCHEMAS


@functools.cache
def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    resources = [
        (
            path.name,
            Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT7),
        )
        for path in _schema_dir().glob("*.json")
        if path.name != "swagger.json"
    ]
    return Registry().with_resources(resources)


def _check(schema: dict[str, Any], instance: Any, registry: Any = None) -> None:
    from jsonschema import Draft7Validator

    validator = Draft7Validator(
        schema, registry=registry or _registry(), format_checker=Draft7Validator.FORMAT_CHECKER
    )
    problems = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    assert not problems, "\n".join(f"{list(p.path)}: {p.message}" for p in problems[:10])


def validate(name: str, instance: Any) -> None:
    """Check `instance` against one of the schema files (e.g. "requests.json")."""
    _check(json.loads((_schema_dir() / name).read_text()), instance)


def validate_swagger(definition: str, instance: Any) -> None:
    """Check `instance` against a definition of the spec's Swagger document (e.g. RequestResponse)."""
    swagger = json.loads((_schema_dir() / "swagger.json").read_text())
    schema = {"$ref": f"#/definitions/{definition}", "definitions": swagger["definitions"]}
    _check(schema, instance)
