"""The embedded emulator's narrowed queries answer exactly what a walk of the table would
(and its SQS fixes answer what moto's own code does).

Queries on the table and on its GSIs start from the items under their key (see
infra/local/emulator.py); every way of writing an item must keep that map true.
"""

from __future__ import annotations

import contextlib
import random


def _put(ddb, table, pk, sk, **attrs):
    item = {"PK": {"S": pk}, "SK": {"S": sk}, **{k: {"S": v} for k, v in attrs.items()}}
    ddb.put_item(TableName=table, Item=item)


def _gsi(ddb, table, index, pk_attr, value, **extra):
    found, start = [], None
    while True:
        args = {
            "TableName": table,
            "IndexName": index,
            "KeyConditionExpression": "#k = :v",
            "ExpressionAttributeNames": {"#k": pk_attr},
            "ExpressionAttributeValues": {":v": {"S": value}},
            **extra,
        }
        if start:
            args["ExclusiveStartKey"] = start
        answer = ddb.query(**args)
        found += [(i["PK"]["S"], i["SK"]["S"]) for i in answer["Items"]]
        start = answer.get("LastEvaluatedKey")
        if not start:
            return found


def test_index_queries_follow_every_kind_of_write(complaint_table):
    from moto.dynamodb.models.table import Table

    assert getattr(Table.query, "narrowed", False)  # the emulator's narrowed queries are on
    table, ddb = complaint_table
    # GIVEN items in two inboxes, some written before the first index query
    for n in range(6):
        _put(ddb, table, f"C#{n}", "META", GSI1PK=f"U#{n % 2}", GSI1SK=f"open#{n:02d}")
    assert _gsi(ddb, table, "UnitInbox", "GSI1PK", "U#0") == [
        ("C#0", "META"),
        ("C#2", "META"),
        ("C#4", "META"),
    ]
    # WHEN items are put, updated into another inbox, removed from the index, deleted,
    # written in a transaction and in a batch
    _put(ddb, table, "C#6", "META", GSI1PK="U#0", GSI1SK="open#06")
    ddb.update_item(
        TableName=table,
        Key={"PK": {"S": "C#2"}, "SK": {"S": "META"}},
        UpdateExpression="SET GSI1PK = :u",
        ExpressionAttributeValues={":u": {"S": "U#1"}},
    )
    ddb.update_item(
        TableName=table,
        Key={"PK": {"S": "C#4"}, "SK": {"S": "META"}},
        UpdateExpression="REMOVE GSI1PK",
    )
    ddb.delete_item(TableName=table, Key={"PK": {"S": "C#0"}, "SK": {"S": "META"}})
    ddb.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": table,
                    "Item": {
                        "PK": {"S": "C#7"},
                        "SK": {"S": "META"},
                        "GSI1PK": {"S": "U#0"},
                        "GSI1SK": {"S": "open#07"},
                    },
                }
            },
            {
                "Update": {
                    "TableName": table,
                    "Key": {"PK": {"S": "C#1"}, "SK": {"S": "META"}},
                    "UpdateExpression": "SET GSI1PK = :u",
                    "ExpressionAttributeValues": {":u": {"S": "U#0"}},
                }
            },
        ]
    )
    ddb.batch_write_item(
        RequestItems={
            table: [
                {
                    "PutRequest": {
                        "Item": {
                            "PK": {"S": "C#8"},
                            "SK": {"S": "META"},
                            "GSI1PK": {"S": "U#0"},
                            "GSI1SK": {"S": "open#08"},
                        }
                    }
                },
                {"DeleteRequest": {"Key": {"PK": {"S": "C#6"}, "SK": {"S": "META"}}}},
            ]
        }
    )
    # THEN each inbox lists exactly its items, in index order, in pages too and backwards
    expected = [("C#1", "META"), ("C#7", "META"), ("C#8", "META")]
    assert _gsi(ddb, table, "UnitInbox", "GSI1PK", "U#0") == expected
    assert _gsi(ddb, table, "UnitInbox", "GSI1PK", "U#0", Limit=1) == expected
    assert _gsi(ddb, table, "UnitInbox", "GSI1PK", "U#0", ScanIndexForward=False) == expected[::-1]
    assert _gsi(ddb, table, "UnitInbox", "GSI1PK", "U#1") == [
        ("C#2", "META"),
        ("C#3", "META"),
        ("C#5", "META"),
    ]
    assert _gsi(ddb, table, "UnitInbox", "GSI1PK", "U#9") == []


def test_narrowed_queries_match_a_scan_on_random_data(complaint_table):
    table, ddb = complaint_table
    chooser = random.Random(7)
    for n in range(120):
        pk = f"C#{chooser.randrange(40)}"
        _put(
            ddb,
            table,
            pk,
            f"E#{n:03d}",
            GSI4PK=f"cat#{chooser.randrange(5)}",
            GSI4SK=f"{chooser.randrange(1000):04d}",
        )
        if n % 9 == 0:
            ddb.delete_item(TableName=table, Key={"PK": {"S": pk}, "SK": {"S": f"E#{n - 3:03d}"}})
    everything = ddb.scan(TableName=table)["Items"]
    for category in range(5):
        wanted = sorted(
            (
                (i["GSI4SK"]["S"], i["PK"]["S"], i["SK"]["S"])
                for i in everything
                if i.get("GSI4PK", {}).get("S") == f"cat#{category}"
            ),
        )
        got = _gsi(ddb, table, "SimilarComplaints", "GSI4PK", f"cat#{category}")
        assert sorted(got) == sorted((pk, sk) for _, pk, sk in wanted)
    for n in range(40):
        on_base = ddb.query(
            TableName=table,
            KeyConditionExpression="PK = :p AND begins_with(SK, :e)",
            ExpressionAttributeValues={":p": {"S": f"C#{n}"}, ":e": {"S": "E#"}},
        )["Items"]
        assert [i["SK"]["S"] for i in on_base] == sorted(
            i["SK"]["S"] for i in everything if i["PK"]["S"] == f"C#{n}"
        )


def _random_writes(ddb, table, chooser, n, sort_type="S", with_range=True):
    """Puts, updates (into another partition, to another sort key, out of the index), deletes and
    transactions, on one index's keys (GSI4PK, GSI4SK), with clashing sort keys and prefixes."""

    def sort_value():
        if sort_type == "N":
            return {"N": str(chooser.choice([-3, 0, 1, 2.5, 10, 10, 42, 1e3]))}
        return {"S": chooser.choice(["a", "ab", "abc", "abd", "b", "b#1", "b#2", "c"])}

    def key(pk, sk):
        return {"PK": {"S": pk}, **({"SK": {"S": sk}} if with_range else {})}

    def item(pk, sk):
        found = {**key(pk, sk), "GSI4PK": {"S": f"p{chooser.randrange(3)}"}, "n": {"N": "1"}}
        if chooser.random() < 0.85:  # the index is sparse: some items have no sort key
            found["GSI4SK"] = sort_value()
        return found

    for _ in range(n):
        pk, sk = f"C#{chooser.randrange(30)}", f"E#{chooser.randrange(3)}"
        roll = chooser.random()
        if roll < 0.5:
            ddb.put_item(TableName=table, Item=item(pk, sk))
        elif roll < 0.65:
            ddb.update_item(
                TableName=table,
                Key=key(pk, sk),
                UpdateExpression="SET GSI4SK = :s, GSI4PK = :p",
                ExpressionAttributeValues={
                    ":s": sort_value(),
                    ":p": {"S": f"p{chooser.randrange(3)}"},
                },
            )
        elif roll < 0.75:
            ddb.update_item(TableName=table, Key=key(pk, sk), UpdateExpression="REMOVE GSI4SK")
        elif roll < 0.88:
            ddb.delete_item(TableName=table, Key=key(pk, sk))
        else:
            other = f"C#{chooser.randrange(30, 40)}"
            ddb.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": table, "Item": item(other, sk)}},
                    {
                        "Update": {
                            "TableName": table,
                            "Key": key(pk, sk),
                            "UpdateExpression": "SET GSI4SK = :s",
                            "ExpressionAttributeValues": {":s": sort_value()},
                        }
                    },
                ]
            )


def _compare_every_page(ddb, table, chooser, queries, sort_type="S"):
    from infra.local import emulator

    conditions = ["", "= :a", "< :a", "<= :a", "> :a", ">= :a", "BETWEEN :a AND :b"]
    if sort_type == "S":
        conditions.append("begins_with")
    for _ in range(queries):
        condition = chooser.choice(conditions)
        low, high = sorted(
            [
                {"S": chooser.choice(["a", "ab", "abc", "b", "b#", "c", "d"])}
                if sort_type == "S"
                else {"N": str(chooser.choice([-5, 0, 2.5, 10, 50]))}
                for _ in range(2)
            ],
            key=lambda v: v.get("S") or float(v.get("N", 0)),
        )
        expression = "GSI4PK = :p"
        values = {":p": {"S": f"p{chooser.randrange(4)}"}}
        if condition == "begins_with":
            expression += " AND begins_with(GSI4SK, :a)"
            values[":a"] = low
        elif condition:
            expression += f" AND GSI4SK {condition}"
            values[":a"] = low
            if ":b" in condition:
                values[":b"] = high
        args = {
            "TableName": table,
            "IndexName": "SimilarComplaints",
            "KeyConditionExpression": expression,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": chooser.random() < 0.5,
        }
        limit = chooser.choice([None, 1, 2, 3, 5, 50])
        if limit:
            args["Limit"] = limit
        if chooser.random() < 0.3:  # filters apply after the limit, as in DynamoDB
            args["FilterExpression"] = "begins_with(PK, :c)"
            args["ExpressionAttributeValues"] = {**values, ":c": {"S": "C#1"}}
        if chooser.random() < 0.3:
            args["Select"] = "COUNT"
        start, pages = None, 0
        while True:
            asked = {**args, **({"ExclusiveStartKey": start} if start else {})}
            narrowed = ddb.query(**asked)
            with emulator.moto_as_is():
                walked = ddb.query(**asked)
            for answer in (narrowed, walked):
                answer.pop("ResponseMetadata")
            assert narrowed == walked, asked
            start, pages = narrowed.get("LastEvaluatedKey"), pages + 1
            if not start:
                break
            assert pages < 200


def test_index_pages_are_moto_s_own_on_random_writes_and_queries(complaint_table):
    # GIVEN an index written every way, with clashing and missing sort keys
    table, ddb = complaint_table
    chooser = random.Random(12)
    for _ in range(4):
        _random_writes(ddb, table, chooser, 60)
        # THEN every page of every kind of query (each sort key condition, both directions,
        # limits, filters, counts, paged with the start key) is exactly what moto's walk answers
        _compare_every_page(ddb, table, chooser, 40)


def test_index_pages_with_number_sort_keys_on_a_table_without_a_range_key(moto_endpoint):
    from tests.support import aws_client

    ddb = aws_client(moto_endpoint, "dynamodb")
    table = f"numbers-{random.randrange(10**8)}"
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": t}
            for n, t in (("PK", "S"), ("GSI4PK", "S"), ("GSI4SK", "N"))
        ],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "SimilarComplaints",
                "KeySchema": [
                    {"AttributeName": "GSI4PK", "KeyType": "HASH"},
                    {"AttributeName": "GSI4SK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    try:
        chooser = random.Random(5)
        for _ in range(3):
            _random_writes(ddb, table, chooser, 50, sort_type="N", with_range=False)
            _compare_every_page(ddb, table, chooser, 30, sort_type="N")
    finally:
        ddb.delete_table(TableName=table)


def test_queue_attributes_named_are_those_of_all(moto_endpoint):
    from tests.support import aws_client

    sqs = aws_client(moto_endpoint, "sqs")
    url = sqs.create_queue(QueueName=f"q-{random.randrange(10**8)}")["QueueUrl"]
    try:
        for n in range(5):
            sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=30)
        assert len(received["Messages"]) == 2  # within their retention period
        names = [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "MessageRetentionPeriod",
            "Policy",  # not set: left out, as with All
        ]
        named = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        every = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert named == {k: every[k] for k in names if k in every}
        assert (
            named["ApproximateNumberOfMessages"],
            named["ApproximateNumberOfMessagesNotVisible"],
        ) == ("3", "2")
    finally:
        sqs.delete_queue(QueueUrl=url)


def _rich_item(chooser, pk, sk):
    """An item with every attribute type, nested, empty and unusual values among them."""

    def scalar():
        return chooser.choice(
            [
                {"S": chooser.choice(["", "x", "Jalan berlubang ☂ 路", "a" * 300])},
                {"N": chooser.choice(["0", "-1.50", "1e3", "12345678901234567890"])},
                {"B": chooser.choice([b"", b"\x00\xff", b"gambar"])},
                {"BOOL": chooser.random() < 0.5},
                {"NULL": True},
            ]
        )

    def value(depth=0):
        roll = chooser.random()
        if depth < 2 and roll < 0.15:
            return {"M": {f"k{n}": value(depth + 1) for n in range(chooser.randrange(3))}}
        if depth < 2 and roll < 0.3:
            return {"L": [value(depth + 1) for _ in range(chooser.randrange(3))]}
        if roll < 0.36:
            return {"SS": ["b", "a", "c"][: chooser.randrange(1, 4)]}
        if roll < 0.42:
            return {"NS": ["2", "1.5", "-3"][: chooser.randrange(1, 4)]}
        if roll < 0.46:
            return {"BS": [b"\x01", b"\x02"]}
        return scalar()

    item = {"PK": {"S": pk}, "SK": {"S": sk}, "id": {"S": pk}, "title": value(), "status": value()}
    item.update({f"a{n}": value() for n in range(chooser.randrange(6))})
    item.update(GSI4PK={"S": "p"}, GSI4SK={"S": sk}, GSI2PK={"S": "d"}, GSI2SK={"S": sk})
    if chooser.random() < 0.5:
        item["description"] = {"S": "deskripsi"}
    return item


def test_items_are_projected_and_answered_as_moto_does(complaint_table, moto_endpoint):
    from infra.local import emulator
    from tests.support import aws_client

    table, ddb = complaint_table
    chooser = random.Random(3)
    keys = []
    for n in range(40):
        pk, sk = f"C#{n % 8}", f"E#{n:03d}"
        ddb.put_item(TableName=table, Item=_rich_item(chooser, pk, sk))
        keys.append({"PK": {"S": pk}, "SK": {"S": sk}})
    names = {"#s": "status", "#t": "title"}
    asked = [
        ("get_item", {"Key": keys[3]}),
        ("get_item", {"Key": keys[5], "ProjectionExpression": "id, #t, #s, a1, nope"}),
        ("get_item", {"Key": keys[6], "ProjectionExpression": "a0.k0, a1[0], #t"}),
        (
            "query",
            {
                "KeyConditionExpression": "PK = :p",
                "ExpressionAttributeValues": {":p": {"S": "C#1"}},
            },
        ),
        ("scan", {"Limit": 15}),
        ("batch_get_item", {"RequestItems": {table: {"Keys": keys[:10]}}}),
    ]
    asked = [
        (op, {"TableName": table, **args}) if op != "batch_get_item" else (op, args)
        for op, args in asked
    ]
    for index in ("SimilarComplaints", "Deadlines"):  # INCLUDE and KEYS_ONLY projections
        pk = "GSI4PK" if index == "SimilarComplaints" else "GSI2PK"
        asked.append(
            (
                "query",
                {
                    "TableName": table,
                    "IndexName": index,
                    "KeyConditionExpression": f"{pk} = :p",
                    "ExpressionAttributeValues": {":p": {"S": "p" if pk == "GSI4PK" else "d"}},
                },
            )
        )
    asked.append(
        (
            "query",
            {
                "TableName": table,
                "IndexName": "SimilarComplaints",
                "KeyConditionExpression": "GSI4PK = :p",
                "ExpressionAttributeValues": {":p": {"S": "p"}},
                "ProjectionExpression": "id, #t, #s",
                "ExpressionAttributeNames": names,
                "ScanIndexForward": False,
                "Limit": 7,
            },
        )
    )
    for op, args in asked:
        args = {k: v for k, v in args.items() if not (k == "ExpressionAttributeNames" and not v)}
        used = {k: v for k, v in names.items() if k in args.get("ProjectionExpression", "")}
        if used:
            args["ExpressionAttributeNames"] = used
        direct = getattr(ddb, op)(**args)
        with emulator.moto_as_is():
            as_is = getattr(ddb, op)(**args)
        for answer in (direct, as_is):
            answer.pop("ResponseMetadata")
        assert direct == as_is, (op, args)
    # and an update's new image, and a refused transaction's old one
    update = {
        "TableName": table,
        "Key": keys[7],
        "UpdateExpression": "SET a9 = :v",
        "ExpressionAttributeValues": {":v": {"L": [{"S": "x"}, {"N": "2"}, {"M": {}}]}},
        "ReturnValues": "ALL_NEW",
    }
    direct = ddb.update_item(**update)["Attributes"]
    with emulator.moto_as_is():
        assert ddb.update_item(**update)["Attributes"] == direct
    refused = {
        "TransactItems": [
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": keys[8],
                    "ConditionExpression": "attribute_not_exists(PK)",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            }
        ]
    }
    reasons = []
    for as_moto in (False, True):
        with emulator.moto_as_is() if as_moto else contextlib.nullcontext():
            try:
                ddb.transact_write_items(**refused)
            except ddb.exceptions.TransactionCanceledException as error:
                reasons.append(error.response["CancellationReasons"])
    assert len(reasons) == 2 and reasons[0] == reasons[1] and reasons[0][0]["Item"]
    # and the table's stream records (new images of every write above)
    streams = aws_client(moto_endpoint, "dynamodbstreams")
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    direct = streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
    with emulator.moto_as_is():
        as_is = streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
    assert len(direct) >= 40 and direct == as_is


def test_deletes_wait_for_the_queue_lock_that_sends_take(moto_endpoint):
    """moto's delete rebuilds the queue's message list: a message sent between the rebuild and
    its assignment was lost (one acknowledgement in 5,000 in a burst). Deletes (and receives)
    take the queue's lock, which a send holds while it appends."""
    import threading

    from moto.sqs import models

    from tests.support import aws_client

    sqs = aws_client(moto_endpoint, "sqs")
    url = sqs.create_queue(QueueName=f"q-{random.randrange(10**8)}")["QueueUrl"]
    name = url.rsplit("/", 1)[1]
    try:
        sqs.send_message(QueueUrl=url, MessageBody="first")
        handle = sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
        queue = next(
            q
            for region in models.sqs_backends.values()
            for backend in region.values()
            for q in backend.queues.values()
            if q.name == name
        )
        # WHEN a send holds the queue's lock (as add_message does while it appends)
        with queue._messages_lock:
            deleting = threading.Thread(
                target=sqs.delete_message, kwargs={"QueueUrl": url, "ReceiptHandle": handle}
            )
            deleting.start()
            deleting.join(timeout=0.5)
            # THEN the delete waits for it
            assert deleting.is_alive()
        deleting.join(timeout=10)
        assert not deleting.is_alive()
        assert not sqs.receive_message(QueueUrl=url, VisibilityTimeout=0).get("Messages")
    finally:
        sqs.delete_queue(QueueUrl=url)
