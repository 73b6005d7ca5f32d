"""Business metrics are CloudWatch EMF lines with low-cardinality dimensions only."""

from __future__ import annotations

import json

from aduan.observability import count


def emf_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_a_count_is_one_emf_line_with_its_dimensions(capsys):
    count("ComplaintsReceived", channel="whatsapp")
    [line] = emf_lines(capsys.readouterr().out)
    [directive] = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Aduan"
    assert directive["Metrics"] == [{"Name": "ComplaintsReceived", "Unit": "Count"}]
    assert directive["Dimensions"] == [["channel"]]
    assert line["channel"] == "whatsapp"
    assert line["ComplaintsReceived"] == [1.0]


def test_nothing_is_written_for_a_zero_count(capsys):
    count("SlaBreaches", 0)
    assert emf_lines(capsys.readouterr().out) == []
