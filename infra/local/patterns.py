"""EventBridge / Lambda event-filter pattern matching (the subset the template uses, and more).

Used for the stream mapping's FilterCriteria (moto stores but does not apply them to in-process
runs) and by the contract tests that check every rule matches the events meant for it.
"""

from __future__ import annotations

from typing import Any

_MISSING = object()


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    for key, expected in pattern.items():
        actual = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(expected, dict):
            if actual is _MISSING or not isinstance(actual, dict) or not matches(expected, actual):
                return False
        elif isinstance(expected, list):
            if not _any_value(expected, actual):
                return False
        else:
            raise ValueError(f"pattern values must be lists or objects, got {expected!r} at {key}")
    return True


def _any_value(options: list[Any], actual: Any) -> bool:
    values = actual if isinstance(actual, list) else [actual]
    return any(_one(option, value) for option in options for value in values)


def _one(option: Any, value: Any) -> bool:
    if not isinstance(option, dict):
        return value is not _MISSING and option == value
    ((kind, arg),) = option.items()
    if kind == "exists":
        return (value is not _MISSING) == bool(arg)
    if value is _MISSING:
        return False
    if kind == "prefix":
        return isinstance(value, str) and value.startswith(arg)
    if kind == "suffix":
        return isinstance(value, str) and value.endswith(arg)
    if kind == "anything-but":
        banned = arg if isinstance(arg, list) else [arg]
        if isinstance(arg, dict) and "prefix" in arg:
            return not (isinstance(value, str) and value.startswith(arg["prefix"]))
        return value not in banned
    if kind == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == str(arg).lower()
    if kind == "numeric":
        return isinstance(value, int | float) and _numeric(arg, value)
    raise ValueError(f"unsupported pattern operator {kind}")


def _numeric(conditions: list[Any], value: float) -> bool:
    ops = {
        "<": float.__lt__,
        "<=": float.__le__,
        ">": float.__gt__,
        ">=": float.__ge__,
        "=": float.__eq__,
    }
    return all(
        ops[op](float(value), float(bound))
        for op, bound in zip(conditions[::2], conditions[1::2], strict=True)
    )
