"""A web complaint, end to end on the local cloud: tracked, routed, acknowledged."""

from __future__ import annotations

import json

import pytest

from tests.support import eventually, http, recorded_events

pytestmark = pytest.mark.e2e

FORM = {
    "title": "Jalan berlubang",
    "description": "Jalan rusak dan berlubang besar di depan pasar Sawojajar, sudah dua motor jatuh minggu ini",
    "location": {
        "kecamatan": "Kedungkandang",
        "kelurahan": "Sawojajar",
        "address": "Jl. Danau Toba",
    },
    "reporter": {"name": "Budi Santoso", "phone": "0812-3456-7890", "email": "budi@example.com"},
}


def post(cloud, body, headers=None):
    return http("POST", f"{cloud.gateway_url}/v1/complaints", body, headers)


def outbox(cloud, **filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return http("GET", f"{cloud.providers_url}/_outbox?{query}").json["messages"]


def timeline(cloud, tracking_id):
    return [
        entry["event"]
        for entry in http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json.get(
            "timeline", []
        )
    ]


def test_a_web_complaint_is_tracked_routed_and_acknowledged(cloud):
    # WHEN a citizen submits the web form
    answer = post(cloud, FORM)
    # THEN they get a tracking id at once
    assert answer.status == 202, answer
    tracking_id = answer.json["tracking_id"]
    assert answer.json["status"] == "received"
    assert answer.json["status_url"] == f"{cloud.gateway_url}/v1/complaints/{tracking_id}"
    # AND routing proposes the unit for roads in Kedungkandang
    eventually(lambda: "ComplaintRouted" in timeline(cloud, tracking_id), what="routing")
    detail = http("GET", answer.json["status_url"]).json
    assert detail["category"] == "roads" and detail["status_label"] == "Belum diverifikasi"
    assert detail["location"] == {
        "kecamatan": "kedungkandang",
        "kelurahan": "kedungkandang-sawojajar",
    }
    # AND the acknowledgement with the tracking id reaches the SMS and the e-mail given
    sms = eventually(
        lambda: outbox(cloud, channel="sms", contains=tracking_id), what="SMS acknowledgement"
    )
    assert sms[0]["to"] == "+6281234567890" and sms[0]["text"].startswith("Yth. Bapak/Ibu")
    mail = eventually(
        lambda: outbox(cloud, channel="email", contains=tracking_id), what="e-mail acknowledgement"
    )
    assert mail[0]["to"] == "budi@example.com"
    # AND each delivery is recorded on the complaint's history
    eventually(
        lambda: recorded_events(cloud, tracking_id).count("NotificationSent") == 2,
        what="deliveries recorded",
    )
    # AND the public timeline shows the citizen's steps, not the deliveries
    assert "NotificationSent" not in timeline(cloud, tracking_id)
    # AND the messages link to the tracking page, not to JSON
    assert f"/lacak/{tracking_id}#k=" in mail[0]["text"] and "/v1/complaints" not in mail[0]["text"]


def test_the_reporters_identity_is_stored_encrypted_and_never_shown(cloud):
    tracking_id = post(cloud, FORM).json["tracking_id"]
    items = cloud.client("dynamodb").query(
        TableName=cloud.resources["ComplaintTable"],
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"C#{tracking_id}"}},
    )["Items"]
    stored = json.dumps(items)
    assert "Budi" not in stored and "3456" not in stored and "budi@example.com" not in stored
    public = http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").raw.decode()
    assert "Budi" not in public and "3456" not in public


def test_a_confidential_complaint_shows_only_its_status_and_only_to_its_citizen(cloud):
    answer = post(cloud, {**FORM, "confidential": True}).json
    tracking_id = answer["tracking_id"]
    # to anybody else it is not there at all (the same answer as an unknown id)
    assert http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").status == 404
    view = http(
        "GET",
        f"{cloud.gateway_url}/v1/complaints/{tracking_id}",
        headers={"X-Access-Key": answer["access_key"]},
    ).json
    assert set(view) == {
        "tracking_id",
        "status",
        "status_label",
        "confidential",
        "can_act",
        "actions",
        "rated",
    }


def test_an_unclear_complaint_goes_to_the_coordinators_triage(cloud):
    tracking_id = post(
        cloud,
        {
            "title": "Mohon perhatian",
            "description": "Saya ingin menyampaikan sesuatu kepada bapak wali kota tentang kota kita",
        },
    ).json["tracking_id"]
    eventually(lambda: "ComplaintNeedsTriage" in timeline(cloud, tracking_id), what="triage")


def test_a_retried_post_with_the_same_idempotency_key_returns_the_first_answer(cloud):
    key = {"Idempotency-Key": "retry-7f3a9c"}
    first = post(cloud, FORM, key)
    second = post(cloud, FORM, key)
    assert first.status == second.status == 202
    assert first.json == second.json
    # the same key with another body is the client's mistake
    other = post(cloud, {**FORM, "title": "Lain lagi"}, key)
    assert other.status == 422 and other.json["error"]["code"] == "idempotency_key_reused"


def test_a_lookup_is_forgiving_about_how_the_id_is_typed(cloud):
    tracking_id = post(cloud, FORM).json["tracking_id"]
    typed = tracking_id.lower().replace("-", "")
    assert (
        http("GET", f"{cloud.gateway_url}/v1/complaints/{typed}").json["tracking_id"] == tracking_id
    )


@pytest.mark.parametrize(
    "raw, headers, status, code",
    [
        (b"{not json", {}, 400, "invalid_json"),
        (json.dumps({"title": "x"}).encode(), {}, 422, "validation_error"),
        (json.dumps({**FORM, "reporter": {"email": "nope"}}).encode(), {}, 422, "validation_error"),
        (json.dumps([1, 2]).encode(), {}, 422, "validation_error"),
        (
            b"title=x",
            {"content-type": "application/x-www-form-urlencoded"},
            415,
            "unsupported_media_type",
        ),
        (b"", {}, 422, "validation_error"),
        (
            json.dumps({**FORM, "description": "x" * (300 * 1024)}).encode(),
            {},
            413,
            "payload_too_large",
        ),
    ],
    ids=["not-json", "missing-fields", "bad-email", "array", "form-encoded", "empty", "oversized"],
)
def test_bad_input_gets_a_clear_json_4xx(cloud, raw, headers, status, code):
    answer = http("POST", f"{cloud.gateway_url}/v1/complaints", raw=raw, headers=headers)
    assert answer.status == status, answer
    assert answer.json["error"]["code"] == code and answer.json["error"]["message"]
    assert "Traceback" not in answer.raw.decode()


@pytest.mark.parametrize(
    "path", ["/nope", "/v1/complaints/ZZZZZ-ZZZZZ", "/v1/complaints/not-an-id", "/v1"]
)
def test_unknown_paths_and_ids_answer_a_json_404(cloud, path):
    answer = http("GET", f"{cloud.gateway_url}{path}")
    assert answer.status == 404 and answer.json["error"]["code"] == "not_found"


def test_the_openapi_document_describes_the_api(cloud):
    document = http("GET", f"{cloud.gateway_url}/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert {"/v1/complaints", "/v1/complaints/{tracking_id}"} <= set(document["paths"])
    assert "ComplaintForm" in document["components"]["schemas"]


def test_a_browser_form_on_another_origin_passes_the_cors_preflight(cloud):
    preflight = http(
        "OPTIONS",
        f"{cloud.gateway_url}/v1/complaints",
        headers={
            "Origin": "https://lapor.kota.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    answer = http(
        "POST",
        f"{cloud.gateway_url}/v1/complaints",
        FORM,
        headers={"Origin": "https://lapor.kota.example"},
    )
    assert answer.status == 202 and answer.headers["access-control-allow-origin"] == "*"
