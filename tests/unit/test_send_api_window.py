"""Messenger and Instagram replies: Meta's 24-hour window, HUMAN_AGENT for 7 days, then none."""

from datetime import UTC, datetime, timedelta

import pytest

from notify.senders.messenger_platform import clip, mode_for, request_body

NOW = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("quiet", "template", "mode"),
    [
        (timedelta(minutes=5), "acknowledgement", "RESPONSE"),
        (timedelta(hours=23, minutes=45), "verified", "RESPONSE"),
        (timedelta(hours=23, minutes=55), "verified", None),  # inside the margin: not risked
        (timedelta(hours=25), "closed", None),  # an automatic notice: only inside 24 hours
        (timedelta(hours=25), "answered", "HUMAN_AGENT"),  # an officer's answer
        (timedelta(days=6, hours=23), "deferred", "HUMAN_AGENT"),  # an officer's question
        (timedelta(days=6, hours=23, minutes=55), "answered", None),
        (timedelta(days=8), "answered", None),
    ],
)
def test_window_rules(quiet, template, mode):
    assert mode_for(NOW - quiet, NOW, template) == mode


def test_nobody_who_never_wrote_is_messaged():
    assert mode_for(None, NOW, "answered") is None


def test_bodies_for_a_response_and_a_human_agent_message():
    assert request_body("messenger", "245", "Halo", "RESPONSE") == {
        "recipient": {"id": "245"},
        "message": {"text": "Halo"},
        "messaging_type": "RESPONSE",
    }
    tagged = request_body("instagram", "178", "Jawaban", "HUMAN_AGENT")
    assert tagged["messaging_type"] == "MESSAGE_TAG" and tagged["tag"] == "HUMAN_AGENT"


def test_texts_fit_each_product_limit():
    assert len(clip("messenger", "a" * 5000)) == 2000
    long = "é" * 900  # 1,800 bytes
    clipped = clip("instagram", long)
    assert len(clipped.encode()) <= 1000 and clipped.endswith("…")
    assert clip("instagram", "pendek") == "pendek"
