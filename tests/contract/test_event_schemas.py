"""Every event model has a checked-in JSON Schema, and the code and the file agree."""

from __future__ import annotations

import json

from infra import schemas


def test_every_event_has_a_checked_in_schema_equal_to_the_code():
    files = schemas.rendered()
    for path, text in files.items():
        assert path.exists(), f"{path.name} is missing: run `python -m infra.schemas`"
        assert json.loads(path.read_text()) == json.loads(text), (
            f"{path.name} differs from the code: run `python -m infra.schemas`"
        )
    stray = {p.name for p in schemas.OUT.glob("*.json")} - {p.name for p in files}
    assert not stray, f"schemas without an event model: {stray}"


def test_every_event_names_its_source_service():
    for name, cls in schemas.event_types().items():
        assert cls.SOURCE.startswith("aduan."), name
        schema = schemas.schema_of(cls)
        assert {"metadata", "data"} <= set(schema["properties"]), name


def test_an_event_round_trips_through_its_json():
    from datetime import UTC, datetime

    from aduan.events import ComplaintReceived, ComplaintReceivedData, parse_event

    event = ComplaintReceived(
        data=ComplaintReceivedData(
            complaint_id="A0B1C-D2E3F",
            channel="web",
            title="t",
            description="d",
            received_at=datetime.now(UTC),
        )
    )
    again = parse_event("ComplaintReceived", json.loads(event.detail_json()))
    assert again == event
