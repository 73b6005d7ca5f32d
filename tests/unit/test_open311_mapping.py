"""The pure parts of Open311: documents on the wire, filters, services and their attributes,
submissions, requests from complaints, and the mySociety status of each step."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from aduan.complaint import ComplaintForm
from aduan.status import Status
from aduan.timeline import PUBLIC_STEPS
from web.complaints import build_complaint, public_view
from web.open311.documents import Document, Open311Error, error_document, split_format
from web.open311.keys import api_key_hash, key_id, new_api_key
from web.open311.queries import MAX_RESULTS, request_query, window
from web.open311.service_requests import Names, is_published, service_request
from web.open311.services import answer_lines, service, service_definition
from web.open311.submission import Area, Submission, complaint_form, parse_form
from web.open311.updates import UPDATE_STEPS, extended_status, request_update

NOW = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
ROADS = {
    "id": "roads",
    "name_id": "Jalan, Jembatan dan Trotoar",
    "name_en": "Roads, bridges and sidewalks",
    "keywords": ["berlubang", "aspal"],
    "attributes": [
        {
            "code": "jenis_kerusakan",
            "datatype": "singlevaluelist",
            "required": True,
            "description_id": "Jenis kerusakan",
            "values": [
                {"key": "berlubang", "name_id": "Berlubang"},
                {"key": "retak", "name_id": "Retak"},
            ],
        },
        {"code": "lebar_cm", "datatype": "number", "description_id": "Lebar (cm)"},
    ],
}


def refused(call, *args, **kwargs) -> Open311Error:
    with pytest.raises(Open311Error) as caught:
        call(*args, **kwargs)
    return caught.value


# --------------------------------------------------------------------------- documents


def test_xml_follows_the_spark_convention_and_survives_any_text():
    doc = Document(
        "service_requests",
        [{"service_request_id": "A", "description": "<b>&\x00\x07 ok", "lat": None, "ok": True}],
    )
    root = ET.fromstring(doc.render("xml").split("\n", 1)[1])
    request = root.find("request")
    assert root.tag == "service_requests" and request is not None
    assert request.findtext("description") == "<b>& ok"
    assert request.find("lat") is not None and request.findtext("lat") == ""
    assert request.findtext("ok") == "true"
    assert (
        doc.render("json")
        == '[{"service_request_id": "A", "description": "<b>&\\u0000\\u0007 ok", "lat": null, "ok": true}]'
    )


def test_errors_are_the_spec_list_of_code_and_description():
    assert error_document(403, "api_key tidak sah").value == [
        {"code": 403, "description": "api_key tidak sah"}
    ]
    assert "<errors><error><code>403</code>" in error_document(403, "x").render("xml")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("requests.json", ("requests", "json")),
        ("roads.xml", ("roads", "xml")),
        ("requests", None),
        ("a.csv", None),
    ],
)
def test_the_format_is_the_path_suffix(name, expected):
    assert split_format(name) == expected


# --------------------------------------------------------------------------- filters


def test_the_window_defaults_to_the_last_90_days_and_may_not_be_longer():
    assert window({}, NOW).start == NOW - timedelta(days=90) and window({}, NOW).end == NOW
    only_end = window({"end_date": "2026-06-01T00:00:00Z"}, NOW)
    assert only_end.start == datetime(2026, 3, 3, tzinfo=UTC)
    only_start = window({"start_date": "2026-11-30T00:00:00+07:00"}, NOW)
    assert only_start.end == NOW
    assert (
        "90"
        in refused(
            window, {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"}, NOW
        ).message_en
    )


def test_a_bare_date_is_allowed_and_a_time_without_a_zone_is_not():
    assert window({"start_date": "2026-11-01", "end_date": "2026-11-02"}, NOW).start == datetime(
        2026, 11, 1, tzinfo=UTC
    )
    assert "zone" in refused(window, {"start_date": "2026-11-01T00:00"}, NOW).message_en


def test_ids_override_every_other_filter():
    query = request_query({"service_request_id": "A,B,A", "status": "bogus"}, NOW, frozenset())
    assert query.ids == ("A", "B") and query.window is None


def test_filters_are_checked_and_empty_ones_are_absent():
    query = request_query(
        {"service_code": "roads", "status": "Open", "start_date": ""}, NOW, frozenset({"roads"})
    )
    assert (
        query.wants("roads", "open")
        and not query.wants("roads", "closed")
        and not query.wants("waste", "open")
    )
    assert query.limit == MAX_RESULTS
    assert refused(request_query, {"status": "pending"}, NOW, frozenset()).status == 400
    assert refused(request_query, {"service_code": "x"}, NOW, frozenset({"roads"})).status == 400


# --------------------------------------------------------------------------- services


def test_a_service_and_its_definition():
    entry = service(ROADS)
    assert (
        entry["metadata"] is True
        and entry["type"] == "realtime"
        and entry["keywords"] == "berlubang, aspal"
    )
    assert service(ROADS, "en")["service_name"] == "Roads, bridges and sidewalks"
    attributes = service_definition(ROADS).value["attributes"]
    assert [a["order"] for a in attributes] == [1, 2]
    assert attributes[0]["values"] == [
        {"key": "berlubang", "name": "Berlubang"},
        {"key": "retak", "name": "Retak"},
    ]
    assert "values" not in attributes[1]


def test_attribute_answers_become_labelled_lines_after_checks():
    assert answer_lines(ROADS, {"jenis_kerusakan": ["retak"], "lebar_cm": ["40"]}) == [
        "Jenis kerusakan: Retak",
        "Lebar (cm): 40",
    ]
    assert "required" in refused(answer_lines, ROADS, {}).message_en
    assert "not one of" in refused(answer_lines, ROADS, {"jenis_kerusakan": ["meteor"]}).message_en
    assert (
        "one value"
        in refused(answer_lines, ROADS, {"jenis_kerusakan": ["retak", "berlubang"]}).message_en
    )
    assert (
        "number"
        in refused(
            answer_lines, ROADS, {"jenis_kerusakan": ["retak"], "lebar_cm": ["lebar"]}
        ).message_en
    )
    assert "not defined" in refused(answer_lines, ROADS, {"warna": ["merah"]}).message_en


# --------------------------------------------------------------------------- submissions

FORM = "application/x-www-form-urlencoded"


def submitted(**fields: str) -> Submission:
    base = {
        "api_key": "k",
        "service_code": "roads",
        "lat": "-7.98",
        "long": "112.63",
        "description": "Jalan berlubang besar sekali",
    }
    base.update(fields)
    from urllib.parse import urlencode

    return parse_form(urlencode(base).encode(), FORM)


def test_the_form_becomes_the_web_forms_complaint():
    sub = submitted(
        **{
            "attribute[jenis_kerusakan]": "berlubang",
            "first_name": "Rina",
            "last_name": "W",
            "phone": "0812 3456 7890",
        }
    )
    form = complaint_form(sub, ROADS, "Jalan", {})
    assert isinstance(form, ComplaintForm)
    assert form.category == "roads" and form.title == "Jalan"
    assert form.location.lat == -7.98 and form.location.lon == 112.63
    assert form.description.endswith("\n\nJenis kerusakan: Berlubang")
    assert form.reporter.name == "Rina W" and form.reporter.phone == "+6281234567890"


def test_an_address_id_names_a_kelurahan():
    sub = submitted(
        lat="", long="", address_id="klojen-kauman", **{"attribute[jenis_kerusakan]": "retak"}
    )
    form = complaint_form(sub, ROADS, "Jalan", {"klojen-kauman": Area("Klojen", "Kauman")})
    assert (form.location.kecamatan, form.location.kelurahan) == ("Klojen", "Kauman")


@pytest.mark.parametrize(
    "body, content_type, words",
    [
        (b"a=1", "application/json", "x-www-form-urlencoded"),
        (b"a=%FF", FORM, "UTF-8"),
        (b"attribute=1", FORM, "not a valid attribute"),
        (b"&".join(b"f%d=1" % i for i in range(101)), FORM, "more than 100"),
    ],
)
def test_what_is_not_the_spec_form_is_refused(body, content_type, words):
    assert words in refused(parse_form, body, content_type).message_en


def test_a_form_field_the_web_form_refuses_is_named_by_its_open311_name():
    error = refused(
        complaint_form,
        submitted(email="nope", **{"attribute[jenis_kerusakan]": "retak"}),
        ROADS,
        "Jalan",
        {},
    )
    assert error.status == 400 and error.message_id == "email tidak sah"


# --------------------------------------------------------------------------- requests


def made(**overrides):
    body = {
        "title": "Lampu jalan mati",
        "description": "Lampu PJU mati, hubungi saya di 081234567890 ya pak",
        "location": {
            "kecamatan": "klojen",
            "kelurahan": "klojen-kauman",
            "address": "Jl. Semeru 5",
            "lat": -7.98264,
            "lon": 112.63081,
        },
        "reporter": {"name": "Budi", "phone": "081234567890"},
        **overrides,
    }
    complaint, _ = build_complaint(ComplaintForm.parse(body), "web", NOW, "A0B1C-D2E3F", "r")
    return complaint


NAMES = Names(
    categories={"other": "Lainnya"},
    areas={"klojen": "Kecamatan Klojen", "klojen-kauman": "Kelurahan Kauman"},
    city="Kota Malang",
)


def test_a_request_shows_only_what_the_public_view_shows():
    complaint = made(anonymous=True)
    request = service_request(complaint, public_view(complaint, [], {}), NAMES)
    assert request["description"] == "Lampu jalan mati"  # the public title, not the citizen's text
    assert request["address"] == "Kelurahan Kauman, Kecamatan Klojen, Kota Malang"
    assert (request["lat"], request["long"]) == (-7.983, 112.631)
    assert request["requested_datetime"] == "2026-12-02T05:00:00Z" and request["status"] == "open"
    text = str(request)
    assert "0812" not in text and "Budi" not in text and "Semeru" not in text


def test_a_rahasia_complaint_is_never_a_request():
    complaint = made(confidential=True)
    assert not is_published(public_view(complaint, [], {}))


def test_closed_and_archived_complaints_are_closed_requests():
    for status in (Status.CLOSED, Status.ARCHIVED):
        complaint = made().replace(status=status)
        assert (
            service_request(complaint, public_view(complaint, [], {}), NAMES)["status"] == "closed"
        )


# --------------------------------------------------------------------------- updates


def test_the_index_of_public_steps_holds_exactly_the_update_steps():
    assert UPDATE_STEPS == PUBLIC_STEPS


@pytest.mark.parametrize(
    "detail_type, data, status",
    [
        ("ComplaintReceived", {}, "open"),
        ("ComplaintVerified", {"status": "verified"}, "investigating"),
        ("ComplaintDispatched", {"status": "dispatched"}, "internal_referral"),
        ("ComplaintAssignedToBidang", {"status": "in_progress"}, "internal_referral"),
        ("ComplaintNotAuthority", {"status": "verified"}, "not_councils_responsibility"),
        ("ComplaintArchived", {"reason_code": "duplicate"}, "duplicate"),
        ("ComplaintArchived", {"reason_code": "out_of_scope"}, "not_councils_responsibility"),
        ("ComplaintArchived", {"reason_code": "spam"}, "no_further_action"),
        ("ComplaintResponded", {}, "action_scheduled"),
        ("ComplaintClosed", {}, "closed"),
        ("ComplaintAutoClosed", {}, "closed"),
        ("CitizenReplied", {"reopened": True, "status": "in_progress"}, "in_progress"),
        ("CitizenReplied", {"answered_deferral": True, "status": "received"}, "open"),
        ("CitizenReplied", {"reopened": False, "answered_deferral": False}, None),
        ("InternalNoteAdded", {}, None),
        ("NotificationSent", {}, None),
    ],
)
def test_each_step_has_its_mysociety_status(detail_type, data, status):
    assert extended_status(detail_type, data) == status


def test_an_update_reads_like_the_public_timeline():
    update = request_update(
        "e1", "A0B1C-D2E3F", "ComplaintDispatched", "2026-12-02T12:00:00+07:00", {}
    )
    assert update == {
        "update_id": "e1",
        "service_request_id": "A0B1C-D2E3F",
        "status": "internal_referral",
        "updated_datetime": "2026-12-02T05:00:00Z",
        "description": "Didisposisikan ke perangkat daerah",
        "media_url": None,
    }


# --------------------------------------------------------------------------- keys


def test_keys_are_random_and_stored_as_a_hash():
    first, second = new_api_key(), new_api_key()
    assert first != second and len(first) >= 32
    assert api_key_hash(first) != first and len(api_key_hash(first)) == 64
    assert key_id(api_key_hash(first)) == api_key_hash(first)[:12]
