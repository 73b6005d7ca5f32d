"""aduan.api.parse_json: the one reader of JSON bodies refuses what would fail further in."""

from __future__ import annotations

import pytest

from aduan.api import MAX_JSON_DEPTH, InvalidJson, json_body, parse_json


def nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


def test_ordinary_documents_are_read():
    assert parse_json(b'{"title": "Jalan berlubang", "tags": [1, [2, {"a": null}]]}') == {
        "title": "Jalan berlubang",
        "tags": [1, [2, {"a": None}]],
    }
    assert parse_json(nested(MAX_JSON_DEPTH)) is not None


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 100_000])
def test_deep_nesting_is_refused_as_a_bad_request(depth):
    with pytest.raises(InvalidJson) as refused:
        parse_json(nested(depth).encode())
    assert refused.value.status == 400 and refused.value.code == "invalid_json"


def test_deep_objects_count_too():
    deep = '{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(InvalidJson):
        parse_json(deep)


@pytest.mark.parametrize(
    "body",
    [
        rb'{"title": "\udb9d"}',
        rb'{"title": "ok", "reporter": {"name": "x\udc00y"}}',
        rb'{"\ud800": "key"}',
        rb'["fine", ["\udfff"]]',
    ],
)
def test_lone_surrogates_are_refused(body):
    with pytest.raises(InvalidJson) as refused:
        parse_json(body)
    assert "surrogate" in refused.value.message


def test_a_surrogate_pair_is_ordinary_text():
    assert parse_json(rb'{"t": "\ud83d\ude00"}') == {"t": "\U0001f600"}


def test_the_http_body_goes_through_the_same_reader():
    event = {"headers": {"content-type": "application/json"}, "body": nested(5_000)}
    with pytest.raises(InvalidJson):
        json_body(event)
