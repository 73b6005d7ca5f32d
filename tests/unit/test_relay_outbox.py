from relay.outbox import outbox_records


def stream_record(sequence, sk, event_name="INSERT"):
    image = {
        "PK": {"S": "C#A"},
        "SK": {"S": sk},
        "source": {"S": "aduan.intake"},
        "detail_type": {"S": "ComplaintReceived"},
        "detail": {"S": "{}"},
    }
    return {"eventName": event_name, "dynamodb": {"SequenceNumber": sequence, "NewImage": image}}


def test_only_inserted_history_items_are_published():
    records = outbox_records(
        [
            stream_record("1", "E#2026#a"),
            stream_record("2", "META"),
            stream_record("3", "E#2026#b", "MODIFY"),
            stream_record("4", "R"),
        ]
    )
    assert [r.key for r in records] == ["1"]
    assert records[0].source == "aduan.intake" and records[0].detail_type == "ComplaintReceived"
