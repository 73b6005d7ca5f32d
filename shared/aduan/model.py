"""Typed models at the boundaries, on msgspec: the one base every model of the house uses.

Why msgspec and not pydantic: a Lambda function pays for its imports on every cold start.
Importing pydantic's BaseModel alone made a cold function 1.3-1.4 times a bare boto3 client
(measured as bench/run.py measures a cold start, 2026-12-02), and building the models added
more; msgspec imports in about 5 ms and checks the same shapes (types, lengths, ranges,
patterns, unknown fields) in C.

Three rules make the models read as before:
- A constructor does not check its values (msgspec's never does): code builds models from
  values it made itself. Input from outside goes through `parse` (a dict, as JSON decodes or
  DynamoDB gives it), `parse_json`, or `checked` (keyword values picked from a provider's
  payload), and any of those raises `ValidationError` for a value that does not fit.
- `Model` (and `Fact`, its frozen twin: events, a provider's message) ignores fields it does not know (stored items and events written by newer code);
  `Form` refuses them and strips the spaces around its text fields (bodies people typed);
  `Trimmed` strips and ignores (a partner's payload that may grow).
- `problems` turns a `ValidationError` into the API's `{field, problem}` list, never with the
  value that was refused (it may be personal data).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Self, cast

import msgspec
from msgspec import Meta, ValidationError, field

__all__ = [
    "Fact",
    "Form",
    "Instant",
    "Meta",
    "Model",
    "Trimmed",
    "ValidationError",
    "field",
    "json_schema",
    "problems",
    "schema_components",
    "without_none",
]

# A moment, with its offset (what every writer here stores; JSON Schema's `date-time`).
Instant = Annotated[datetime, Meta(tz=True)]


class _Methods:
    """What every model can do (a mixin, so that `Model` and the frozen `Fact` share it)."""

    __slots__ = ()
    __struct_fields__: tuple[str, ...]

    @classmethod
    def parse(cls, data: Any) -> Self:
        return msgspec.convert(data, cls)

    @classmethod
    def parse_json(cls, raw: str | bytes) -> Self:
        return msgspec.json.decode(raw, type=cls)

    @classmethod
    def checked(cls, **values: Any) -> Self:
        """The model of `values`, each checked as `parse` checks a dict (a constructor checks
        nothing): nested models and datetimes go to JSON's types and back."""
        return msgspec.convert(msgspec.to_builtins(values), cls)

    def to_dict(self, *, exclude_none: bool = False) -> dict[str, Any]:
        """The model in JSON's types (datetimes as ISO 8601 text, enums as their values)."""
        data: dict[str, Any] = msgspec.to_builtins(self)
        return without_none(data) if exclude_none else data

    def to_json(self) -> str:
        return msgspec.json.encode(self).decode()

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` (not checked: the caller's own values)."""
        return cast(Self, msgspec.structs.replace(cast(Any, self), **changes))

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return cls.__struct_fields__


class Model(_Methods, msgspec.Struct, kw_only=True):
    """A typed shape; code may change a copy (`replace`)."""


class Fact(_Methods, msgspec.Struct, kw_only=True, frozen=True):
    """A shape nothing may change once made: events, and what a provider said."""


class Trimmed(Model, kw_only=True):
    """Input from outside: its text fields are kept without their surrounding spaces (dropped
    after the checks of length and pattern: a text field that must hold something says so
    with the pattern `\\S`), and a number with nothing after the point is a whole number
    where one is asked for (JSON has one number type: 4.0 is 4, as JSON Schema's `integer`
    says)."""

    @classmethod
    def parse(cls, data: Any) -> Self:
        return msgspec.convert(_whole_numbers(data), cls)

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if isinstance(value, str) and value != (stripped := value.strip()):
                msgspec.structs.force_setattr(self, name, stripped)


class Form(Trimmed, kw_only=True, forbid_unknown_fields=True):
    """A body a person typed: unknown fields refused, text fields trimmed."""


def _whole_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def without_none(value: Any) -> Any:
    """`value` (JSON's types) without the None values of its objects, at every depth."""
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value]
    return value


# msgspec says where as `$.location.lat` or `$.photos[0]`, after the problem: "... - at `$...`".
_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<name>[^`]*)`")
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]*)`")
# "Invalid enum value 'x'": the refused value is the sender's, not ours to echo.
_VALUE = re.compile(r"^(Invalid (?:enum )?value) .*$")


def problems(error: ValidationError) -> list[dict[str, str]]:
    """The refused field (`location.lat`, `photos.0`) and what is wrong with it, as the API
    answers them. msgspec stops at the first problem, so there is one."""
    message = str(error)
    path = ""
    if (at := _AT.search(message)) is not None:
        message = message[: at.start()]
        path = at["path"]
    parts = [p for p in re.split(r"[.\[\]]", path) if p]
    if (named := _UNKNOWN.match(message) or _MISSING.match(message)) is not None:
        parts.append(named["name"])
    message = _VALUE.sub(r"\1", message)
    return [{"field": ".".join(parts), "problem": message}]


def schema_components(
    models: list[type[Model]], ref_template: str = "#/components/schemas/{name}"
) -> dict[str, Any]:
    """The JSON Schemas of `models` and of every model they hold, by name (OpenAPI's
    components)."""
    return msgspec.json.schema_components(models, ref_template=ref_template)[1]


def json_schema(model: type[Model]) -> dict[str, Any]:
    """One model's JSON Schema, the models it holds under `$defs`."""
    defs = schema_components([model], ref_template="#/$defs/{name}")
    own = defs.pop(model.__name__)
    return {**own, "$defs": defs} if defs else own
