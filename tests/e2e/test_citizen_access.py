"""Only the citizen acts on their complaint: the access key, the private link, and what the
public (who may know the tracking id) can and cannot see or do. On the local cloud."""

from __future__ import annotations

import json

import pytest

from tests.e2e.officer_client import submit, unique_email
from tests.support import eventually, http, recorded_events

pytestmark = pytest.mark.e2e

FORM = {
    "title": "Trotoar rusak",
    "description": "Trotoar di depan sekolah rusak dan berlubang, membahayakan anak-anak yang lewat.",
    "location": {"kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo", "address": "Jl. Kawi 5"},
}


def post(cloud, body, headers=None):
    return http("POST", f"{cloud.gateway_url}/v1/complaints", body, headers)


def table_items(cloud, tracking_id):
    return cloud.client("dynamodb").query(
        TableName=cloud.resources["ComplaintTable"],
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"C#{tracking_id}"}},
        ConsistentRead=True,
    )["Items"]


def test_the_answer_gives_the_key_once_and_only_its_hash_is_stored(cloud):
    email = unique_email()
    answer = post(cloud, {**FORM, "reporter": {"email": email}})
    assert answer.status == 202, answer
    tracking_id, key = answer.json["tracking_id"], answer.json["access_key"]
    assert len(key) >= 22
    assert answer.json["tracking_url"] == f"{cloud.gateway_url}/lacak/{tracking_id}#k={key}"
    # the acknowledgement carries the private link
    mail = eventually(
        lambda: http("GET", f"{cloud.providers_url}/_outbox?channel=email&to={email}").json[
            "messages"
        ],
        what="the acknowledgement",
    )
    assert f"/lacak/{tracking_id}#k={key}" in mail[0]["text"]
    assert "/v1/complaints/" not in mail[0]["text"]  # a page, not JSON

    # once it is sent, the key exists nowhere in the table, only its hash
    def key_gone():
        stored = json.dumps(table_items(cloud, tracking_id))
        return "ack_key" not in stored and key not in stored and "sha256:" in stored

    eventually(key_gone, what="the acknowledgement's copy of the key removed")


def test_without_the_key_a_reply_or_rating_is_refused_and_changes_nothing(cloud):
    answer = post(cloud, FORM)
    tracking_id = answer.json["tracking_id"]
    # Another complaint, whose key must not work either; filed first, as its routing may suggest
    # this one as a duplicate (a change that is not the refused calls').
    other = post(cloud, FORM).json["access_key"]
    eventually(cloud.idle, what="routing done")  # nothing else changes it meanwhile
    before = http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json
    for leaf, body in (("replies", {"text": "Saya bukan pelapornya"}), ("rating", {"score": 1})):
        for headers in (
            {},
            {"X-Access-Key": "wrong-" + answer.json["access_key"]},
            {"X-Access-Key": ""},
        ):
            refused = http(
                "POST", f"{cloud.gateway_url}/v1/complaints/{tracking_id}/{leaf}", body, headers
            )
            assert refused.status == 403, (leaf, headers, refused)
            assert refused.json["error"]["code"] == "access_key_required"
            assert "pelapor" in refused.json["error"]["message"]  # Indonesian first
    # another complaint's key does not work either
    refused = http(
        "POST",
        f"{cloud.gateway_url}/v1/complaints/{tracking_id}/replies",
        {"text": "x"},
        {"X-Access-Key": other},
    )
    assert refused.status == 403
    # an unknown id answers the same 403 (the answer says nothing about which ids exist)
    unknown = http(
        "POST",
        f"{cloud.gateway_url}/v1/complaints/ZZZZZ-ZZZZZ/rating",
        {"score": 1},
        {"X-Access-Key": "x"},
    )
    assert unknown.status == 403 and unknown.json == refused.json
    after = http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json
    assert after == before
    assert "CitizenReplied" not in recorded_events(cloud, tracking_id)


def test_with_the_key_the_view_says_what_the_citizen_may_do(cloud):
    answer = post(cloud, FORM)
    tracking_id, key = answer.json["tracking_id"], answer.json["access_key"]
    public = http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json
    assert "can_act" not in public and "actions" not in public
    mine = http(
        "GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}", headers={"X-Access-Key": key}
    ).json
    assert mine["can_act"] is True and mine["actions"] == {"reply": True, "rate": False}
    replied = http(
        "POST",
        f"{cloud.gateway_url}/v1/complaints/{tracking_id}/replies",
        {"text": "Tambahan: lubangnya makin besar"},
        {"X-Access-Key": key},
    )
    assert replied.status == 200, replied


def test_a_confidential_complaint_looks_like_an_unknown_id_without_its_key(cloud):
    answer = post(cloud, {**FORM, "confidential": True})
    tracking_id, key = answer.json["tracking_id"], answer.json["access_key"]
    hidden = http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}")
    unknown = http("GET", f"{cloud.gateway_url}/v1/complaints/ZZZZZ-ZZZZZ")
    assert hidden.status == unknown.status == 404
    assert hidden.raw == unknown.raw
    page, unknown_page = (
        http("GET", f"{cloud.gateway_url}/lacak/{t}") for t in (tracking_id, "ZZZZZ-ZZZZZ")
    )
    assert page.status == unknown_page.status == 404
    assert page.raw.replace(tracking_id.encode(), b"ID") == unknown_page.raw.replace(
        b"ZZZZZ-ZZZZZ", b"ID"
    )
    # the citizen with the key sees the status only
    mine = http(
        "GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}", headers={"X-Access-Key": key}
    ).json
    assert set(mine) == {
        "tracking_id",
        "status",
        "status_label",
        "confidential",
        "can_act",
        "actions",
        "rated",
    }


def test_the_public_timeline_never_shows_a_strangers_cek(cloud):
    from infra.local import citizen

    tracking_id = post(cloud, FORM).json["tracking_id"]
    sent = citizen.send_whatsapp(
        cloud.gateway_url,
        from_="6281299990001",
        text=f"CEK {tracking_id}",
        fake_url=cloud.providers_url,
    )
    assert sent.status == 200, sent.text
    eventually(
        lambda: "NotificationSent" in recorded_events(cloud, tracking_id), what="the CEK answered"
    )
    timeline = [
        e["event"]
        for e in http("GET", f"{cloud.gateway_url}/v1/complaints/{tracking_id}").json["timeline"]
    ]
    assert "NotificationSent" not in timeline and "ChannelReplyRequested" not in timeline


def test_the_areas_feed_the_form(cloud):
    areas = http("GET", f"{cloud.gateway_url}/v1/areas")
    assert areas.status == 200
    names = {k["name"]: [kel["name"] for kel in k["kelurahan"]] for k in areas.json["kecamatan"]}
    assert "Klojen" in names and "Oro-oro Dowo" in names["Klojen"]
    assert "aliases" not in json.dumps(areas.json)
    categories = http("GET", f"{cloud.gateway_url}/v1/categories").json["categories"]
    assert {"id": "roads", "name": "Jalan, Jembatan dan Trotoar"} in categories


def test_a_filled_honeypot_is_refused_and_an_empty_one_is_fine(cloud):
    bot = post(cloud, {**FORM, "website": "http://spam.example"})
    assert bot.status == 400 and bot.json["error"]["code"] == "rejected"
    person = post(cloud, {**FORM, "website": ""})
    assert person.status == 202, person


def test_a_retried_post_gets_the_same_key_back(cloud):
    key = {"Idempotency-Key": "citizen-retry-5b1e"}
    first, second = post(cloud, FORM, key), post(cloud, FORM, key)
    assert first.status == second.status == 202
    assert first.json == second.json and first.json["access_key"]


def test_the_tracking_page_reads_without_javascript(cloud):
    tracking_id = submit(
        cloud,
        "Lampu taman mati",
        "Lampu di taman dekat balai RW mati sejak tiga hari.",
        "Klojen",
        "Oro-oro Dowo",
    )
    page = http("GET", f"{cloud.gateway_url}/lacak/{tracking_id}")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    html = page.raw.decode()
    assert tracking_id in html and "Belum diverifikasi" in html and "Pengaduan diterima" in html
    assert "<form" in html and 'action="/lacak"' in html  # only the lookup form: no acting form
    assert "Balasan" not in html and "Nilai" not in html
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    # the lookup form forgives typing and redirects to the canonical page
    typed = http("GET", f"{cloud.gateway_url}/lacak?nomor={tracking_id.lower().replace('-', '')}")
    # (urllib follows the 303 to the canonical page)
    assert typed.status == 200 and f'<span class="tid">{tracking_id}</span>' in typed.raw.decode()
    wrong = http("GET", f"{cloud.gateway_url}/lacak?nomor=abc")
    assert wrong.status == 422 and "10 huruf" in wrong.raw.decode()
