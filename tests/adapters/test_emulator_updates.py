"""The embedded emulator's direct updates answer, store and stream exactly what moto's own
UpdateExpression code does (see infra/local/emulator.py, fix 12).

Every case runs twice on two tables made alike from the template: once as the emulator serves
it, once with moto's own code (`moto_as_is`); the answers (or errors), the items left and the
stream records must be the same. Plain SET/REMOVE updates must not reach moto's validators.
"""

from __future__ import annotations

import contextlib
import uuid

import pytest

KEY = {"PK": {"S": "C#1"}, "SK": {"S": "META"}}
ITEM = {
    **KEY,
    "id": {"S": "1"},
    "status": {"S": "received"},
    "version": {"N": "3"},
    "title": {"S": "Jalan berlubang"},
    "tags": {"SS": ["a", "b"]},
    "location": {"M": {"kecamatan": {"S": "klojen"}, "lat": {"N": "-7.9"}}},
    "steps": {"L": [{"S": "x"}, {"N": "1"}]},
    "urgent": {"BOOL": False},
    "note": {"NULL": True},
    "GSI1PK": {"S": "U#1"},
    "GSI1SK": {"S": "open#01"},
}


def _update(expression, names=None, values=None, **extra):
    args = {"Key": KEY, "UpdateExpression": expression, **extra}
    if names:
        args["ExpressionAttributeNames"] = names
    if values:
        args["ExpressionAttributeValues"] = values
    return ("update_item", args)


def _in_transaction(expression, names=None, values=None, **extra):
    _, args = _update(expression, names, values, **extra)
    return ("transact_write_items", {"TransactItems": [{"Update": args}]})


S = {":a": {"S": "verified"}, ":b": {"N": "4"}, ":c": {"M": {"k": {"L": [{"S": "v"}]}}}}
CASES = [
    # served directly
    _update(
        "SET #s = :a, #v = :b",
        {"#s": "status", "#v": "version"},
        {":a": S[":a"], ":b": S[":b"]},
        ReturnValues="ALL_NEW",
    ),
    _update(
        "SET title = :a, fresh = :c REMOVE urgent, note",
        values={":a": S[":a"], ":c": S[":c"]},
        ReturnValues="ALL_OLD",
    ),
    _update("REMOVE #t SET #n = :b", {"#t": "tags", "#n": "newer"}, {":b": S[":b"]}),
    _update("SET GSI1PK = :u, #k = :o", {"#k": "GSI1SK"}, {":u": {"S": "U#2"}, ":o": {"S": "o"}}),
    _update(
        "SET #s = :a",
        {"#s": "status", "#v": "version"},
        {":a": S[":a"], ":three": {"N": "3"}},
        ConditionExpression="#v = :three",
        ReturnValues="UPDATED_NEW",
    ),
    _update(
        "SET #s = :a",
        {"#s": "status", "#v": "version"},
        {":a": S[":a"], ":nine": {"N": "9"}},
        ConditionExpression="#v = :nine",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    ),
    _update("SET #l = :a, #l2 = :a", {"#l": "one", "#l2": "two"}, {":a": {"SS": ["p", "q"]}}),
    _in_transaction("SET #s = :a REMOVE steps", {"#s": "status"}, {":a": S[":a"]}),
    _in_transaction("SET #x = :b", {"#x": "version"}, {":b": {"N": "5"}}),
    _in_transaction(
        "SET #k = :k ADD #c0 :one, #c1 :half",
        {"#k": "kind", "#c0": "version", "#c1": "received"},
        {":k": {"S": "report"}, ":one": {"N": "1"}, ":half": {"N": "1.5"}},
    ),
    _update(
        "ADD #n :two SET #k = :k",
        {"#n": "count", "#k": "kind"},
        {":two": {"N": "2"}, ":k": S[":a"]},
    ),
    # refused by moto (the direct path must hand them over, and moto answers its own error)
    _update("SET status = :a", values={":a": S[":a"]}),  # a reserved word, unquoted
    _update("SET #p = :a", {"#p": "PK"}, {":a": S[":a"]}),  # a key attribute
    _update("SET #s = :missing", {"#s": "status"}, {":a": S[":a"]}),
    _update("SET #missing = :a", {"#s": "status"}, {":a": S[":a"]}),
    _update("SET #s = :a, #s = :b", {"#s": "status"}, {":a": S[":a"], ":b": S[":b"]}),
    _update("SET #s = :a REMOVE #t", {"#s": "status", "#t": "status"}, {":a": S[":a"]}),
    _update("SET GSI1PK = :e", values={":e": {"S": ""}}),  # an index key, empty
    _update("SET GSI1SK = :n", values={":n": {"N": "1"}}),  # an index key, wrong type
    _update("SET #s = :a SET #t = :a", {"#s": "status", "#t": "title"}, {":a": S[":a"]}),
    _update("SET #s = :a,", {"#s": "status"}, {":a": S[":a"]}),
    # moto's own code serves them (not plain)
    _update("SET #v = #v + :b", {"#v": "version"}, {":b": S[":b"]}),
    _update("SET #l.kecamatan = :a", {"#l": "location"}, {":a": S[":a"]}),
    _update("ADD #t :s", {"#t": "tags"}, {":s": {"SS": ["c"]}}),
    _update("ADD #t :one", {"#t": "title"}, {":one": {"N": "1"}}),  # not a number: refused
    _update("SET #s = if_not_exists(#s, :a)", {"#s": "status"}, {":a": S[":a"]}),
    _update("set #s = :a", {"#s": "status"}, {":a": S[":a"]}),
]
PLAIN = 11  # the first cases, which must be served without moto's validators


def _answer(ddb, op, args, table):
    try:
        answer = getattr(ddb, op)(**args)
    except ddb.exceptions.ClientError as error:
        return ("error", error.response["Error"], error.response.get("CancellationReasons"))
    answer.pop("ResponseMetadata", None)
    consumed = answer.get("ConsumedCapacity") or []
    for one in consumed if isinstance(consumed, list) else [consumed]:
        assert one.pop("TableName") == table
    return ("ok", answer)


def _records(streams, ddb, table):
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
    # What differs between two tables by construction: the record's id and time, the order.
    return [
        (
            r["eventName"],
            r["dynamodb"]["Keys"],
            r["dynamodb"].get("OldImage"),
            r["dynamodb"].get("NewImage"),
        )
        for r in records
    ]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_an_update_is_answered_stored_and_streamed_as_moto_does(moto_endpoint, case, monkeypatch):
    from moto.dynamodb import models

    from infra.local import emulator
    from tests.support import aws_client, table_from_template

    ddb = aws_client(moto_endpoint, "dynamodb")
    streams = aws_client(moto_endpoint, "dynamodbstreams")
    tables = [
        table_from_template(ddb, "ComplaintTable", f"updates-{uuid.uuid4().hex[:8]}")
        for _ in range(2)
    ]
    reached, validated = [], []  # the backend's update_item; moto's validators
    validator, update_item = models.UpdateExpressionValidator, models.DynamoDBBackend.update_item
    monkeypatch.setattr(
        models,
        "UpdateExpressionValidator",
        lambda *a, **k: validated.append(1) or validator(*a, **k),
    )
    monkeypatch.setattr(
        models.DynamoDBBackend,
        "update_item",
        lambda *a, **k: reached.append(1) or update_item(*a, **k),
    )
    op, args = CASES[case]
    seen = []
    try:
        for table, as_moto in zip(tables, (False, True), strict=True):
            ddb.put_item(TableName=table, Item=ITEM)
            if op == "transact_write_items":
                asked = {"TransactItems": [{"Update": {**args["TransactItems"][0]["Update"]}}]}
                asked["TransactItems"][0]["Update"]["TableName"] = table
            else:
                asked = {**args, "TableName": table}
            with emulator.moto_as_is() if as_moto else contextlib.nullcontext():
                answer = _answer(ddb, op, asked, table)
                stored = ddb.get_item(TableName=table, Key=KEY, ConsistentRead=True)["Item"]
                index = ddb.query(
                    TableName=table,
                    IndexName="UnitInbox",
                    KeyConditionExpression="GSI1PK = :u",
                    ExpressionAttributeValues={":u": {"S": "U#2"}},
                )["Items"]
                records = _records(streams, ddb, table)  # their images written by each side too
            if not as_moto:
                served_directly = bool(reached) and not validated
            seen.append((answer, stored, index, records))
    finally:
        for table in tables:
            ddb.delete_table(TableName=table)
    direct, as_is = seen
    assert direct == as_is, (direct[0], as_is[0])
    assert served_directly == (case < PLAIN), CASES[case]
    if case < PLAIN and "ConditionExpression" not in str(args):
        assert direct[0][0] == "ok" and direct[1] != ITEM, direct[0]  # the update happened
