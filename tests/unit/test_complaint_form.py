import pytest

from aduan.complaint import ComplaintForm, Reporter
from aduan.model import ValidationError


def form(**overrides):
    base = {
        "title": "Jalan rusak",
        "description": "Jalan berlubang di depan pasar, bahaya untuk motor",
    }
    return ComplaintForm.parse({**base, **overrides})


def test_a_minimal_anonymous_complaint_is_valid():
    complaint = form()
    assert complaint.reporter.contact_channels() == []
    assert not complaint.anonymous and not complaint.confidential and complaint.language == "id"


def test_an_indonesian_mobile_number_becomes_e164():
    assert Reporter(phone="0812-3456-7890").phone == "+6281234567890"
    assert Reporter(phone="+62 812 3456 7890").phone == "+6281234567890"


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"description": "short"},
        {"type": "complaint"},
        {"reporter": {"email": "not-an-address"}},
        {"reporter": {"phone": "call me"}},
        {"location": {"lat": -7.98}},
        {"location": {"lat": 123, "lon": 112.6}},
        {"unexpected": True},
        {"language": "jv"},
    ],
)
def test_invalid_forms_are_refused(overrides):
    with pytest.raises(ValidationError):
        form(**overrides)


def test_contacts_map_to_the_channels_notify_uses():
    reporter = Reporter(name="Sri", phone="081234567890", email="sri@example.com")
    assert reporter.contact_channels() == ["email", "sms"]


def test_coordinates_are_kept_to_the_centimetre_so_any_valid_one_can_be_stored():
    # found by fuzzing: 1.5e-215 passed validation and then failed to store (a 500)
    from aduan.complaint import Location

    tiny = Location(lat=89.99999999999999, lon=1.568390942474884e-215)
    assert (tiny.lat, tiny.lon) == (90.0, 0.0)
    assert Location(lat=-7.9666204, lon=112.6326321).lon == 112.6326321
