from aduan.publisher import EventPublisher, OutboxRecord


class FakeBus:
    """Records PutEvents calls; fails the entries whose detail is listed, `times` times each."""

    def __init__(self, failing=None, times=1):
        self.calls = []
        self.failing = dict.fromkeys(failing or [], times)

    def put_events(self, Entries):
        self.calls.append(Entries)
        results = []
        for entry in Entries:
            if self.failing.get(entry["Detail"], 0) > 0:
                self.failing[entry["Detail"]] -= 1
                results.append({"ErrorCode": "InternalFailure", "ErrorMessage": "try again"})
            else:
                results.append({"EventId": "x"})
        return {"FailedEntryCount": sum("ErrorCode" in r for r in results), "Entries": results}


def records(n):
    return [OutboxRecord(str(i), "aduan.intake", "ComplaintReceived", f"d{i}") for i in range(n)]


def test_events_are_sent_ten_per_call():
    bus = FakeBus()
    assert EventPublisher("aduan", bus, backoff_s=0).publish(records(23)) == []
    assert [len(call) for call in bus.calls] == [10, 10, 3]
    assert all(entry["EventBusName"] == "aduan" for call in bus.calls for entry in call)


def test_a_failed_entry_is_retried_alone_until_it_goes_through():
    # GIVEN PutEvents answers 200 but fails one entry once
    bus = FakeBus(failing=["d3"], times=1)
    # WHEN the publisher publishes
    failed = EventPublisher("aduan", bus, backoff_s=0).publish(records(5))
    # THEN only that entry is resent, and nothing is lost
    assert failed == []
    assert [[e["Detail"] for e in call] for call in bus.calls] == [
        ["d0", "d1", "d2", "d3", "d4"],
        ["d3"],
    ]


def test_an_entry_that_keeps_failing_is_returned_not_dropped():
    bus = FakeBus(failing=["d1"], times=99)
    failed = EventPublisher("aduan", bus, attempts=3, backoff_s=0).publish(records(3))
    assert [r.key for r in failed] == ["1"]
    assert len(bus.calls) == 3
