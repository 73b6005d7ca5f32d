"""Open311 GeoReport v2 on the local cloud: every endpoint in both formats, the filters, the
errors, privacy, and the documents checked against the spec's JSON Schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import xmltodict

from infra.local.defaults import local_secrets
from tests.e2e.officer_client import KEL, Officers
from tests.open311_schemas import validate
from tests.support import eventually, http

pytestmark = pytest.mark.e2e

FORM_TYPE = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}


def api(cloud, path: str) -> str:
    return f"{cloud.gateway_url}/open311/v2/{path}"


def get(cloud, path: str, **params):
    query = f"?{urlencode(params)}" if params else ""
    return http("GET", api(cloud, path) + query)


def post(cloud, fields: dict, fmt: str = "json", headers: dict | None = None):
    raw = urlencode(fields, doseq=True).encode()
    return http("POST", api(cloud, f"requests.{fmt}"), raw=raw, headers=headers or FORM_TYPE)


def a_request(**overrides) -> dict:
    fields = {
        "api_key": local_secrets()["OPEN311_API_KEY"],
        "service_code": "roads",
        "lat": "-7.9666",
        "long": "112.6326",
        "address_string": "Jl. Ijen depan museum, Oro-oro Dowo, Klojen",
        "description": "Jalan berlubang besar di depan museum, motor sering jatuh kalau malam.",
        "email": "pelapor.open311@example.com",
        "first_name": "Rina",
        "last_name": "Wulandari",
        "attribute[jenis_kerusakan]": "berlubang",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def content_type(answer) -> str:
    return {k.lower(): v for k, v in answer.headers.items()}.get("content-type", "")


def as_xml(answer) -> dict:
    assert content_type(answer) == "text/xml; charset=utf-8", answer.headers
    assert answer.raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return xmltodict.parse(answer.raw)


def listed(document) -> list:
    """xmltodict gives one child as a dict and several as a list."""
    if document is None:
        return []
    return document if isinstance(document, list) else [document]


def file_one(cloud, **overrides) -> str:
    answer = post(cloud, a_request(**overrides))
    assert answer.status == 200, answer
    return answer.json[0]["service_request_id"]


def web_complaint(cloud, **extra) -> str:
    body = {
        "title": "Lampu jalan mati di Jalan Bromo",
        "description": "Lampu penerangan jalan di Jalan Bromo mati sejak tiga hari, gelap sekali.",
        "location": {"kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo"},
        "reporter": {"name": "Budi Santoso", "phone": "081234567890"},
        **extra,
    }
    answer = http("POST", f"{cloud.gateway_url}/v1/complaints", body)
    assert answer.status == 202, answer
    return answer.json["tracking_id"]


@pytest.fixture(scope="module")
def since():
    return (datetime.now(UTC) - timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- discovery, services


def test_discovery_names_this_endpoint_and_both_formats(cloud):
    document = get(cloud, "discovery.json")
    assert document.status == 200 and content_type(document) == "application/json; charset=utf-8"
    endpoint = document.json["endpoints"][0]
    assert endpoint["url"] == f"{cloud.gateway_url}/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    xml = as_xml(get(cloud, "discovery.xml"))["discovery"]
    assert xml["endpoints"]["endpoint"]["url"] == endpoint["url"]


def test_services_are_the_categories_in_both_formats(cloud):
    services = get(cloud, "services.json")
    assert services.status == 200, services
    validate("services.json", services.json)
    codes = {s["service_code"]: s for s in services.json}
    seed = json.loads(Path("infra/seed/categories.json").read_text(encoding="utf-8"))
    assert set(codes) == {c["id"] for c in seed}
    assert codes["roads"]["service_name"] == "Jalan, Jembatan dan Trotoar"
    assert codes["roads"]["metadata"] is True and codes["waste"]["metadata"] is False
    assert all(s["type"] == "realtime" for s in services.json)
    xml = listed(as_xml(get(cloud, "services.xml"))["services"]["service"])
    assert {s["service_code"] for s in xml} == set(codes)
    english = {s["service_code"]: s for s in get(cloud, "services.json", lang="en").json}
    assert english["roads"]["service_name"] == "Roads, bridges and sidewalks"


def test_a_service_definition_lists_its_attributes(cloud):
    roads = get(cloud, "services/roads.json")
    assert roads.status == 200, roads
    validate("service-definition.json", roads.json)
    codes = [a["code"] for a in roads.json["attributes"]]
    assert codes == ["jenis_kerusakan", "lebar_lubang_cm"]
    kinds = roads.json["attributes"][0]
    assert kinds["datatype"] == "singlevaluelist" and kinds["order"] == 1
    assert {"key": "berlubang", "name": "Berlubang"} in kinds["values"]
    xml = as_xml(get(cloud, "services/roads.xml"))["service_definition"]
    assert xml["service_code"] == "roads"
    first = listed(xml["attributes"]["attribute"])[0]
    assert first["code"] == "jenis_kerusakan" and first["variable"] == "true"
    assert listed(first["values"]["value"])[0]["key"] == "berlubang"
    empty = get(cloud, "services/waste.json").json
    assert empty == {"service_code": "waste", "attributes": []}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_a_404_in_the_spec_error_format(cloud, fmt):
    answer = get(cloud, f"services/potholes-on-mars.{fmt}")
    assert answer.status == 404
    errors = answer.json if fmt == "json" else listed(as_xml(answer)["errors"]["error"])
    assert str(errors[0]["code"]) == "404" and "tidak dikenal" in errors[0]["description"]


# --------------------------------------------------------------------------- POST requests


def test_a_post_files_a_complaint_through_the_same_intake_as_the_web_form(cloud):
    answer = post(cloud, a_request())
    assert answer.status == 200, answer
    [created] = answer.json
    validate_created(created)
    tracking_id = created["service_request_id"]
    assert tracking_id in created["service_notice"]
    # the same complaint the web form makes: public status view, routing, acknowledgement
    view = http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json
    assert view["title"] == "Jalan, Jembatan dan Trotoar" and view["status"] == "received"
    officers = Officers(cloud)
    detail = eventually(
        lambda: (d := officers.detail("koordinator", tracking_id))["complaint"]["category"] and d,
        what="routing",
    )
    assert detail["complaint"]["channel"] == "open311"
    assert detail["complaint"]["category"] == "roads"
    assert "Jenis kerusakan: Berlubang" in detail["complaint"]["description"]
    assert detail["reporter"]["email"] == "pelapor.open311@example.com"
    mails = eventually(
        lambda: http(
            "GET",
            f"{cloud.providers_url}/_outbox?"
            + urlencode({"channel": "email", "contains": tracking_id}),
        ).json["messages"],
        what="acknowledgement",
    )
    assert mails[0]["to"] == "pelapor.open311@example.com"


def validate_created(created: dict) -> None:
    from tests.open311_schemas import validate_swagger

    validate_swagger("RequestResponse", created)


def test_a_post_in_xml_answers_xml(cloud):
    answer = post(cloud, a_request(lat=None, long=None), fmt="xml")
    assert answer.status == 200, answer
    created = as_xml(answer)["service_requests"]["request"]
    assert len(created["service_request_id"]) == 11


def test_a_post_may_name_the_kelurahan_by_its_address_id(cloud):
    tracking_id = file_one(
        cloud, lat=None, long=None, address_string=None, address_id="klojen-kauman"
    )

    def located():
        view = http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json
        return view["location"] == {"kecamatan": "klojen", "kelurahan": "klojen-kauman"} and view

    view = eventually(located, what="routing to the kelurahan named by address_id")
    assert view["location"] == {"kecamatan": "klojen", "kelurahan": "klojen-kauman"}


@pytest.mark.parametrize(
    "overrides, status, words",
    [
        ({"api_key": None}, 400, "api_key wajib"),
        ({"api_key": "o311_not-a-key-we-issued"}, 403, "api_key tidak sah"),
        ({"service_code": None}, 400, "service_code wajib"),
        ({"service_code": "flying_cars"}, 400, "tidak dikenal"),
        ({"lat": None, "long": None, "address_string": None}, 400, "lokasi wajib"),
        ({"lat": "utara"}, 400, "lat harus berupa angka"),
        ({"lat": "95"}, 400, "lat di luar jangkauan"),
        ({"long": None, "address_string": None}, 400, "lat dan long"),
        ({"address_id": "atlantis"}, 400, "address_id tidak dikenal"),
        ({"description": "rusak"}, 400, "description wajib"),
        ({"email": "bukan-email"}, 400, "email tidak sah"),
        ({"attribute[warna]": "merah"}, 400, "attribute 'warna' tidak ada"),
        ({"attribute[jenis_kerusakan]": "meteor"}, 400, "bukan pilihan"),
        ({"attribute[lebar_lubang_cm]": "lebar"}, 400, "harus berupa angka"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id"),
    ],
    ids=[
        "no-key",
        "wrong-key",
        "no-service",
        "unknown-service",
        "no-location",
        "lat-not-a-number",
        "lat-out-of-range",
        "lat-without-long",
        "unknown-address-id",
        "short-description",
        "bad-email",
        "unknown-attribute",
        "value-not-in-list",
        "number-attribute",
        "media-url-scheme",
        "other-jurisdiction",
    ],
)
def test_a_bad_post_is_a_4xx_in_the_spec_format_and_files_nothing(cloud, overrides, status, words):
    before = len(get(cloud, "requests.json").json)
    answer = post(cloud, a_request(**overrides))
    assert answer.status == status, answer
    [error] = answer.json
    assert error["code"] == status and words in error["description"], error
    assert "Traceback" not in answer.raw.decode()
    assert len(get(cloud, "requests.json").json) == before


@pytest.mark.parametrize(
    "raw, headers, status",
    [
        (json.dumps({"service_code": "roads"}).encode(), {"content-type": "application/json"}, 400),
        (b"api_key=%FF%FE&service_code=roads", FORM_TYPE, 400),
        (b"a=" + b"x" * (70 * 1024), FORM_TYPE, 413),
        (b"&".join(b"f%d=1" % i for i in range(150)), FORM_TYPE, 400),
    ],
    ids=["json-body", "not-utf8", "oversized", "too-many-fields"],
)
def test_a_body_that_is_not_the_spec_form_is_a_clear_4xx(cloud, raw, headers, status):
    answer = http("POST", api(cloud, "requests.json"), raw=raw, headers=headers)
    assert answer.status == status, answer
    assert answer.json[0]["code"] == status and answer.json[0]["description"]


def test_errors_are_in_english_on_request(cloud):
    answer = http(
        "POST",
        api(cloud, "requests.json"),
        raw=urlencode(a_request(api_key="nope")).encode(),
        headers={**FORM_TYPE, "accept-language": "en-GB,en;q=0.8"},
    )
    assert answer.status == 403 and answer.json[0]["description"] == "api_key is not valid"


# --------------------------------------------------------------------------- GET requests


def test_requests_list_public_complaints_in_both_formats_and_match_the_schema(cloud, since):
    public = file_one(cloud)
    anonymous = web_complaint(cloud, anonymous=True)
    confidential = web_complaint(cloud, confidential=True)
    found = get(cloud, "requests.json", start_date=since)
    assert found.status == 200, found
    validate("requests.json", found.json)
    by_id = {r["service_request_id"]: r for r in found.json}
    assert public in by_id and anonymous in by_id
    # rahasia is never listed; anonim shows no reporter; the text is the public view's
    assert confidential not in by_id
    text = json.dumps(found.json, ensure_ascii=False)
    for secret in ("Budi", "081234567890", "6281234567890", "Rina", "pelapor.open311", "Jl. Ijen"):
        assert secret not in text, secret
    mine = by_id[public]
    assert mine["status"] == "open" and mine["service_code"] == "roads"
    assert mine["description"] == "Jalan, Jembatan dan Trotoar"
    assert mine["lat"] == -7.967 and mine["long"] == 112.633  # rounded: ~100 m
    assert by_id[anonymous]["description"] == "Lampu jalan mati di Jalan Bromo"
    # newest last, and XML carries the same requests
    stamps = [r["requested_datetime"] for r in found.json]
    assert stamps == sorted(stamps)
    xml = listed(
        as_xml(get(cloud, "requests.xml", start_date=since))["service_requests"]["request"]
    )
    assert {r["service_request_id"] for r in xml} == set(by_id)


def test_requests_filters(cloud, since):
    roads = file_one(cloud)
    lights = file_one(
        cloud,
        service_code="street_lighting",
        **{"attribute[jenis_kerusakan]": None, "attribute[nomor_tiang]": "PJU-17"},
    )
    by_code = get(cloud, "requests.json", start_date=since, service_code="street_lighting").json
    ids = {r["service_request_id"] for r in by_code}
    assert lights in ids and roads not in ids
    both = get(cloud, "requests.json", start_date=since, service_code="roads,street_lighting").json
    assert {roads, lights} <= {r["service_request_id"] for r in both}
    # other tests of the session may have closed complaints within the window: judge only ours
    closed = get(cloud, "requests.json", start_date=since, status="closed").json
    assert all(r["status"] == "closed" for r in closed)
    assert not {roads, lights} & {r["service_request_id"] for r in closed}
    assert roads in {
        r["service_request_id"] for r in get(cloud, "requests.json", status="open").json
    }
    # service_request_id overrides every other filter, typed as forgivingly as the status page
    typed = roads.lower().replace("-", "")
    picked = get(
        cloud, "requests.json", service_request_id=f"{typed},{lights}", status="closed"
    ).json
    assert [r["service_request_id"] for r in picked] == [roads, lights]
    # a window in the past finds nothing from today
    old = get(
        cloud,
        "requests.json",
        start_date="2026-01-01T00:00:00+07:00",
        end_date="2026-02-01T00:00:00+07:00",
    )
    assert old.status == 200 and old.json == []


@pytest.mark.parametrize(
    "params, words",
    [
        ({"start_date": "kemarin"}, "start_date harus berformat W3C"),
        ({"start_date": "2026-11-01T00:00:00"}, "zona waktu"),
        ({"start_date": "2026-02-30T00:00:00Z"}, "bukan tanggal"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 hari"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "lebih awal"),
        ({"status": "pending"}, "open atau closed"),
        ({"service_code": "teleportation"}, "tidak dikenal"),
        ({"service_request_id": ",".join(["A"] * 101)}, "paling banyak 100"),
        ({"jurisdiction_id": "nyc.gov"}, "jurisdiction_id"),
    ],
    ids=[
        "not-a-date",
        "no-zone",
        "no-such-day",
        "over-90-days",
        "end-before-start",
        "status",
        "service",
        "too-many-ids",
        "jurisdiction",
    ],
)
def test_bad_filters_are_4xx_in_the_spec_format(cloud, params, words):
    for fmt in ("json", "xml"):
        answer = get(cloud, f"requests.{fmt}", **params)
        assert 400 <= answer.status < 500, answer
        errors = answer.json if fmt == "json" else listed(as_xml(answer)["errors"]["error"])
        assert words in errors[0]["description"], errors


def test_one_request_in_both_formats_and_rahasia_answers_like_a_missing_id(cloud):
    tracking_id = file_one(cloud)
    one = get(cloud, f"requests/{tracking_id}.json")
    assert one.status == 200, one
    validate("requests.json", one.json)
    assert [r["service_request_id"] for r in one.json] == [tracking_id]
    xml = as_xml(get(cloud, f"requests/{tracking_id}.xml"))["service_requests"]["request"]
    assert xml["service_request_id"] == tracking_id and xml["status"] == "open"
    assert xml["media_url"] is None  # <media_url/>
    confidential = web_complaint(cloud, confidential=True)
    hidden, missing = (
        get(cloud, f"requests/{confidential}.json"),
        get(cloud, "requests/ZZZZZ-ZZZZZ.json"),
    )
    assert hidden.status == missing.status == 404 and hidden.raw == missing.raw
    assert get(cloud, f"requests/{quote('<script>')}.json").status == 404


@pytest.mark.parametrize(
    "path", ["requests.csv", "requests", "nothing.json", "services/roads.html"]
)
def test_unknown_resources_and_formats_are_404s(cloud, path):
    answer = get(cloud, path)
    assert answer.status == 404 and answer.json[0]["code"] == 404


# --------------------------------------------------------------------------- updates (mySociety)


def test_service_request_updates_follow_the_lifecycle(cloud, since):
    officers = Officers(cloud)
    tracking_id = file_one(cloud, address_id="klojen-oro-oro-dowo")
    eventually(
        lambda: officers.detail("koordinator", tracking_id)["complaint"]["category"], what="routing"
    )
    version = officers.detail("koordinator", tracking_id)["complaint"]["version"]
    verified = officers.act(
        "koordinator", tracking_id, action="verify", unit_id=KEL, version=version
    )
    assert verified.status == 200, verified
    refused = officers.act(
        "admin.oro-oro-dowo",
        tracking_id,
        action="not_authority",
        text="Bukan wewenang kelurahan; jalan kota.",
    )
    assert refused.status == 200, refused
    confidential = web_complaint(cloud, confidential=True)

    def steps():
        answer = get(cloud, "servicerequestupdates.json", start_date=since)
        assert answer.status == 200, answer
        mine = [u for u in answer.json if u["service_request_id"] == tracking_id]
        return (mine if len(mine) >= 4 else None), answer.json

    mine, everything = eventually(lambda: (found := steps())[0] and found, what="updates")
    assert [u["status"] for u in mine] == [
        "open",
        "investigating",
        "internal_referral",
        "not_councils_responsibility",
    ]
    assert mine[2]["description"] == "Didisposisikan ke perangkat daerah"
    assert all(u["updated_datetime"].endswith("Z") and u["update_id"] for u in mine)
    assert confidential not in {u["service_request_id"] for u in everything}
    xml = listed(
        as_xml(get(cloud, "servicerequestupdates.xml", start_date=since))[
            "service_request_updates"
        ]["request_update"]
    )
    assert [u["status"] for u in xml if u["service_request_id"] == tracking_id] == [
        u["status"] for u in mine
    ]


# --------------------------------------------------------------------------- media_url


def test_a_media_url_on_an_allowed_origin_is_fetched_stored_and_linked(cloud):
    from aduan.photo_metadata import strip
    from infra.local.citizen import register_media
    from tests.e2e.channel_client import meta
    from tests.support import has_exif, photo_jpeg

    photo = photo_jpeg()  # with GPS EXIF, as a phone writes it
    url = register_media(cloud.providers_url, photo, "image/jpeg", "lubang.jpg")["meta"]["url"]
    tracking_id = file_one(cloud, media_url=url)
    [media] = eventually(lambda: meta(cloud, tracking_id).get("media"), what="the photo linked")
    stored = cloud.client("s3").get_object(Bucket=cloud.resources["MediaBucket"], Key=media["key"])
    kept = stored["Body"].read()
    assert kept == strip(photo, "image/jpeg") and not has_exif(kept)  # metadata removed
    # photos are for the officers first: the public request links none
    assert get(cloud, f"requests/{tracking_id}.json").json[0]["media_url"] is None


def test_a_media_url_elsewhere_is_refused_by_the_media_worker_and_the_complaint_stays(cloud):
    from tests.e2e.channel_client import items

    tracking_id = file_one(cloud, media_url="https://photos.example.net/lubang.jpg")

    def outcome():
        stored = [
            json.loads(i["detail"])["data"]
            for i in items(cloud, f"C#{tracking_id}")
            if i.get("detail_type") == "MediaStored"
        ]
        return stored[0] if stored else None

    recorded = eventually(outcome, what="the media outcome recorded")
    assert recorded["stored"] == []
    assert [r["reason"] for r in recorded["rejected"]] == ["host_not_allowed"]
    assert get(cloud, f"requests/{tracking_id}.json").status == 200
