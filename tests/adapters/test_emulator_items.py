"""The embedded emulator builds an item with one running size sum (infra/local/emulator.py, fix
17): the same items stored, and the same refusal for an item over moto's 400 KB limit, as moto's
own attribute-by-attribute check; and moto's per-attribute re-measuring is not run."""

from __future__ import annotations

import contextlib
import uuid

import pytest

KEY = {"PK": {"S": "C#1"}, "SK": {"S": "META"}}


def _item(text_bytes: int) -> dict:
    return {
        **KEY,
        "title": {"S": "Jalan berlubang"},
        "version": {"N": "3"},
        "tags": {"SS": ["a", "b"]},
        "location": {"M": {"kecamatan": {"S": "klojen"}, "lat": {"N": "-7.9"}}},
        "text": {"S": "x" * text_bytes},
        "after": {"S": "the attribute after the big one"},
    }


@pytest.mark.parametrize("text_bytes", [10, 404_700, 404_900, 406_000])
def test_an_item_is_stored_or_refused_as_moto_does(moto_endpoint, text_bytes, monkeypatch):
    from moto.dynamodb.models import dynamo_type

    from infra.local import emulator
    from tests.support import aws_client, table_from_template

    ddb = aws_client(moto_endpoint, "dynamodb")
    measured = []
    set_item = dynamo_type.LimitedSizeDict.__setitem__
    monkeypatch.setattr(
        dynamo_type.LimitedSizeDict,
        "__setitem__",
        lambda *a: measured.append(1) or set_item(*a),
    )
    seen = []
    for as_moto in (False, True):
        table = table_from_template(ddb, "ComplaintTable", f"items-{uuid.uuid4().hex[:8]}")
        try:
            measured.clear()
            with emulator.moto_as_is() if as_moto else contextlib.nullcontext():
                try:
                    ddb.put_item(TableName=table, Item=_item(text_bytes))
                    answer: object = "stored"
                except ddb.exceptions.ClientError as error:
                    answer = error.response["Error"]
            stored = ddb.get_item(TableName=table, Key=KEY, ConsistentRead=True).get("Item")
            seen.append((answer, stored))
            if not as_moto:
                assert not measured  # the running sum, not moto's re-measuring
        finally:
            ddb.delete_table(TableName=table)
    direct, as_is = seen
    assert direct == as_is
    assert (direct[0] == "stored") == (text_bytes < 404_800), direct[0]
