import pytest

from infra.local.patterns import matches

EVENT = {
    "source": "aduan.intake",
    "detail-type": "ComplaintReceived",
    "detail": {"data": {"channel": "sms", "n": 5}},
}


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ({"source": ["aduan.intake"]}, True),
        ({"source": ["aduan.routing"]}, False),
        ({"source": ["aduan.routing", "aduan.intake"], "detail-type": ["ComplaintReceived"]}, True),
        ({"detail": {"data": {"channel": [{"prefix": "s"}]}}}, True),
        ({"detail": {"data": {"channel": [{"anything-but": ["sms"]}]}}}, False),
        ({"detail": {"data": {"missing": [{"exists": False}]}}}, True),
        ({"detail": {"data": {"channel": [{"exists": True}]}}}, True),
        ({"detail": {"data": {"n": [{"numeric": [">", 3, "<=", 5]}]}}}, True),
        ({"detail": {"data": {"n": [{"numeric": [">", 5]}]}}}, False),
        ({"detail": {"missing": {"x": ["y"]}}}, False),
    ],
)
def test_patterns_match_as_eventbridge_does(pattern, expected):
    assert matches(pattern, EVENT) is expected
