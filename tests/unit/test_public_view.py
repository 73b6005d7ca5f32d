from datetime import UTC, datetime

from aduan.complaint import ComplaintForm
from aduan.repository import HistoryEntry
from web.complaints import build_complaint, public_view

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def complaint(**overrides):
    base = {
        "title": "Lampu jalan mati",
        "description": "Lampu PJU di Jl. Soekarno Hatta mati sudah seminggu",
        "reporter": {"name": "Budi Santoso", "phone": "081234567890", "email": "budi@example.com"},
    }
    made, event = build_complaint(
        ComplaintForm.parse({**base, **overrides}), "web", NOW, "A0B1C-D2E3F", "req-1"
    )
    return made, event


def history(event):
    return [
        HistoryEntry(
            event.event_id,
            event.detail_type(),
            event.SOURCE,
            NOW.isoformat(),
            event.data.to_dict(),
        )
    ]


def test_the_public_view_never_shows_the_reporter():
    made, event = complaint()
    view = public_view(made, history(event), {})
    text = str(view)
    assert (
        "Budi" not in text
        and "0812" not in text
        and "6281234567890" not in text
        and "budi@" not in text
    )
    assert view["status"] == "received" and view["status_label"] == "Belum diverifikasi"
    assert [entry["label"] for entry in view["timeline"]] == ["Pengaduan diterima"]


def test_a_confidential_complaint_shows_its_status_only():
    made, event = complaint(confidential=True)
    view = public_view(made, history(event), {})
    assert set(view) == {"tracking_id", "status", "status_label", "confidential"}


def test_the_event_announcing_a_complaint_carries_no_personal_data():
    _, event = complaint()
    payload = event.detail_json()
    assert "Budi" not in payload and "0812" not in payload and "budi@" not in payload
    assert event.data.contact_channels == ["email", "sms"]


def test_labels_follow_the_requested_language():
    made, event = complaint()
    view = public_view(made, history(event), {}, language="en")
    assert view["status_label"] == "Not yet verified"
    assert view["timeline"][0]["label"] == "Complaint received"
