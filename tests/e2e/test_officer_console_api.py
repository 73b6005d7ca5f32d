"""The officer API the console needs: work queues with counts, queue paging with filters, the
units/categories/areas for pickers, and photos as short-lived presigned URLs."""

from __future__ import annotations

import pytest

from tests.e2e.officer_client import KEL, Officers, submit

pytestmark = pytest.mark.e2e

COORD = "koordinator"


def test_queues_have_counts_and_the_queue_pages_follow_the_cursor(cloud):
    officers = Officers(cloud)
    ids = [
        submit(
            cloud,
            f"Saluran air tersumbat {n}",
            "Saluran air di depan rumah tersumbat sampah sejak kemarin sore.",
            "Klojen",
            "Oro-oro Dowo",
        )
        for n in range(3)
    ]
    queues = officers.get(COORD, "/v1/officer/queues").json["queues"]
    counts = {q["id"]: q["count"] for q in queues}
    assert list(counts) == ["unverified", "deferred", "returned", "triage", "verified", "overdue"]
    assert counts["unverified"] >= 3
    seen: list[str] = []
    cursor = ""
    while True:
        page = officers.get(
            COORD, f"/v1/officer/inbox?queue=unverified&limit=2&kecamatan=klojen&cursor={cursor}"
        ).json
        assert len(page["items"]) <= 2
        seen += [row["id"] for row in page["items"]]
        assert all(
            row["sla"]["state"] in ("on_time", "due_soon", "overdue", "escalated")
            for row in page["items"]
        )
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert set(ids) <= set(seen) and len(seen) == len(set(seen))
    latest_first = officers.get(
        COORD, "/v1/officer/inbox?queue=unverified&sort=-due&limit=100"
    ).json
    dues = [row["sla"]["due"] for row in latest_first["items"]]
    assert dues == sorted(dues, reverse=True)


def test_bad_queue_parameters_are_clear_422s(cloud):
    officers = Officers(cloud)
    for query in (
        "queue=pending_release",
        "queue=unverified&received_from=kemarin",
        "queue=unverified&status=closed",
        "queue=unverified&sort=title",
    ):
        answer = officers.get(COORD, f"/v1/officer/inbox?{query}")
        assert answer.status == 422, (query, answer)
        assert answer.json["error"]["code"] == "invalid_query" and answer.json["error"]["message"]
    other = officers.get(
        COORD,
        "/v1/officer/inbox?queue=deferred&cursor="
        + officers.get(COORD, "/v1/officer/inbox?queue=unverified&limit=1").json["next_cursor"],
    )
    assert other.status == 400 and other.json["error"]["code"] == "invalid_cursor"


def test_units_categories_and_areas_for_the_pickers(cloud):
    officers = Officers(cloud)
    answer = officers.get("admin.oro-oro-dowo", "/v1/officer/units").json
    kel = next(u for u in answer["units"] if u["id"] == KEL)
    assert kel["bidang"] and all(set(b) == {"id", "name"} for b in kel["bidang"])
    assert "contacts" not in kel
    assert any(c["id"] == "roads" for c in answer["categories"])
    klojen = next(k for k in answer["kecamatan"] if k["id"] == "klojen")
    assert any(kel["name"] == "Oro-oro Dowo" for kel in klojen["kelurahan"])
    assert officers.get(None, "/v1/officer/units").status == 401


def test_reclassify_checks_each_field_and_is_recorded(cloud):
    officers = Officers(cloud)
    tracking_id = submit(
        cloud,
        "Jalan berlubang dekat pasar",
        "Jalan berlubang besar dekat pasar, sering membuat motor jatuh.",
        "Klojen",
        "Oro-oro Dowo",
    )
    bad = officers.act(
        COORD,
        tracking_id,
        action="reclassify",
        category="roads",
        kecamatan="klojen",
        kelurahan="blimbing-arjosari",
    )
    assert bad.status == 422, bad
    assert bad.json["error"]["details"]["fields"][0]["field"] == "kelurahan"
    unknown = officers.act(
        COORD, tracking_id, action="reclassify", category="bukan-kategori", kecamatan="klojen"
    )
    assert (
        unknown.status == 422
        and unknown.json["error"]["details"]["fields"][0]["field"] == "category"
    )
    assert (
        officers.act(
            "pelayanan.oro-oro-dowo",
            tracking_id,
            action="reclassify",
            category="roads",
            kecamatan="klojen",
        ).status
        == 403
    )
    done = officers.act(
        COORD,
        tracking_id,
        action="reclassify",
        category="waste",
        kecamatan="klojen",
        kelurahan="klojen-kauman",
    )
    assert done.status == 200 and done.json["events"] == ["ComplaintReclassified"], done
    detail = officers.detail(COORD, tracking_id)
    assert (
        detail["complaint"]["category"] == "waste"
        and detail["complaint"]["kelurahan"] == "klojen-kauman"
    )
    entry = [h for h in detail["history"] if h["event"] == "ComplaintReclassified"][-1]
    assert entry["data"]["from_category"] != "waste" and entry["data"]["category"] == "waste"
