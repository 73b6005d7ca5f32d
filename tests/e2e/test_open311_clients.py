"""Open311 from outside: a real GeoReport client (the `georeport` package) reads services and
requests in both formats, and a plain HTTP client POSTs the spec's form fields."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode

import pytest
from georeport import GeoReport

from infra.local.defaults import local_secrets

pytestmark = pytest.mark.e2e


def plain_post(url: str, fields: dict[str, str]) -> tuple[int, bytes]:
    """Only the standard library: what any app in any language would send."""
    request = urllib.request.Request(
        url,
        data=urlencode(fields).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    with urllib.request.urlopen(request, timeout=15) as answer:
        return answer.status, answer.read()


@pytest.fixture(scope="module")
def filed(cloud):
    import json

    status, body = plain_post(
        f"{cloud.gateway_url}/open311/v2/requests.json",
        {
            "api_key": local_secrets()["OPEN311_API_KEY"],
            "jurisdiction_id": "malangkota.go.id",
            "service_code": "street_lighting",
            "lat": "-7.9826",
            "long": "112.6308",
            "description": "Lampu PJU di perempatan Kayutangan mati dua malam berturut-turut.",
            "attribute[nomor_tiang]": "PJU-0417",
            "phone": "081298765432",
        },
    )
    assert status == 200
    [created] = json.loads(body)
    return created["service_request_id"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_georeport_client_reads_services_and_a_definition(cloud, fmt):
    client = GeoReport(
        f"{cloud.gateway_url}/open311/v2", jurisdiction="malangkota.go.id", output_format=fmt
    )
    services = client.get_service_list()
    lighting = next(s for s in services if s["service_code"] == "street_lighting")
    assert lighting["service_name"] == "Penerangan Jalan Umum (PJU)"
    definition = client.get_service_definition("street_lighting")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = [attributes["attribute"]]
    assert attributes[0]["code"] == "nomor_tiang"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_georeport_client_reads_requests_and_one_request(cloud, filed, fmt):
    client = GeoReport(
        f"{cloud.gateway_url}/open311/v2", jurisdiction="malangkota.go.id", output_format=fmt
    )
    found = client.get_service_requests(service_code="street_lighting", status="open")
    found = found if isinstance(found, list) else [found]
    assert filed in [r["service_request_id"] for r in found]
    picked = client.get_service_requests(service_request_id=filed)
    picked = picked if isinstance(picked, list) else [picked]
    assert [r["service_request_id"] for r in picked] == [filed]
    one = client.get_service_request(filed)
    assert one["service_request_id"] == filed and one["status"] == "open"
    assert one["service_code"] == "street_lighting"
    # the phone number sent with it is nowhere in what the client reads
    assert "81298765432" not in str(found) + str(one)
