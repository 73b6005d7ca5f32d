"""No officer reaches another unit's complaint, endpoint by endpoint (BOLA); the coordinator
reaches all; the reporter of an anonim complaint stays hidden from the unit."""

from __future__ import annotations

import pytest

from tests.e2e.officer_client import KEL, KEL_SERVICES, Officers, submit, unique_email

pytestmark = pytest.mark.e2e

COORD = "koordinator"
PU_ADMIN, PU_BIDANG = "admin.dpuprpkp", "binamarga.dpuprpkp"
DLH_ADMIN = "admin.dlh"
KEL_ADMIN, KEL_SERVICES_USER, KEL_GOVERNMENT_USER = (
    "admin.oro-oro-dowo",
    "pelayanan.oro-oro-dowo",
    "pemerintahan.oro-oro-dowo",
)


@pytest.fixture(scope="module")
def officers(cloud):
    return Officers(cloud)


@pytest.fixture(scope="module")
def at_kelurahan(cloud, officers):
    """An anonim complaint at the kelurahan, with its services seksi."""
    tracking_id = submit(
        cloud,
        "Pungutan liar parkir",
        "Ada pungutan parkir tanpa karcis di depan pasar, mohon ditertibkan.",
        "Klojen",
        "Oro-oro Dowo",
        email=unique_email(),
        anonymous=True,
    )
    assert officers.act(COORD, tracking_id, action="verify", unit_id=KEL).status == 200
    assert (
        officers.act(KEL_ADMIN, tracking_id, action="dispatch", bidang_id=KEL_SERVICES).status
        == 200
    )
    return tracking_id


OUTSIDERS = [PU_ADMIN, DLH_ADMIN, PU_BIDANG, KEL_GOVERNMENT_USER]


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_detail_is_refused_to_other_units_and_other_bidang(officers, at_kelurahan, outsider):
    answer = officers.get(outsider, f"/v1/officer/complaints/{at_kelurahan}")
    assert answer.status == 403 and answer.json["error"]["code"] == "not_your_unit", answer
    assert "Pungutan" not in answer.raw.decode()


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_actions_are_refused_to_other_units_and_change_nothing(officers, at_kelurahan, outsider):
    before = officers.detail(COORD, at_kelurahan)["complaint"]["version"]
    for body in (
        {"action": "not_authority", "text": "bukan wewenang"},
        {"action": "draft_answer", "text": "Yth. Bapak/Ibu, ..."},
        {"action": "release"},
    ):
        answer = officers.act(outsider, at_kelurahan, **body)
        assert answer.status == 403 and answer.json["error"]["code"] == "not_your_unit", (
            outsider,
            body,
            answer,
        )
    assert officers.detail(COORD, at_kelurahan)["complaint"]["version"] == before


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_notes_are_refused_to_other_units(officers, at_kelurahan, outsider):
    answer = officers.post(
        outsider, f"/v1/officer/complaints/{at_kelurahan}/notes", {"text": "intip"}
    )
    assert answer.status == 403 and answer.json["error"]["code"] == "not_your_unit", answer


def test_inbox_of_another_unit_is_refused_and_own_inbox_holds_only_own_work(officers, at_kelurahan):
    refused = officers.get(DLH_ADMIN, f"/v1/officer/inbox?unit={KEL}&status=in_progress")
    assert refused.status == 403 and refused.json["error"]["code"] == "not_your_unit"
    own = officers.get(DLH_ADMIN, "/v1/officer/inbox?status=in_progress").json
    assert own["unit"] == "dlh" and at_kelurahan not in [r["id"] for r in own["items"]]
    # inside the kelurahan: its admin and the seksi that has it see it, the other seksi does not
    for username, sees in (
        (KEL_ADMIN, True),
        (KEL_SERVICES_USER, True),
        (KEL_GOVERNMENT_USER, False),
    ):
        rows = officers.get(username, "/v1/officer/inbox?status=in_progress&limit=100").json[
            "items"
        ]
        assert (at_kelurahan in [r["id"] for r in rows]) is sees, username
    # the coordinator may look into any unit's inbox
    assert at_kelurahan in [
        r["id"]
        for r in officers.get(
            COORD, f"/v1/officer/inbox?unit={KEL}&status=in_progress&limit=100"
        ).json["items"]
    ]


def test_a_cursor_from_one_units_inbox_does_not_open_another(officers, cloud):
    for _ in range(2):
        tracking_id = submit(
            cloud,
            "Jalan berlubang besar",
            "Jalan berlubang besar dan dalam di Jalan Ijen, mohon diperbaiki.",
            "Klojen",
            "Oro-oro Dowo",
        )
        officers.act(COORD, tracking_id, action="verify", unit_id="dpuprpkp")
    page = officers.get(PU_ADMIN, "/v1/officer/inbox?status=dispatched&limit=1").json
    assert len(page["items"]) == 1 and page["next_cursor"]
    following = officers.get(
        PU_ADMIN, f"/v1/officer/inbox?status=dispatched&limit=1&cursor={page['next_cursor']}"
    )
    assert following.status == 200 and following.json["items"][0]["id"] != page["items"][0]["id"]
    stolen = officers.get(
        DLH_ADMIN, f"/v1/officer/inbox?status=dispatched&limit=1&cursor={page['next_cursor']}"
    )
    assert stolen.status == 400 and stolen.json["error"]["code"] == "invalid_cursor"


def test_the_coordinator_reaches_every_unit_and_sees_the_anonim_reporter(officers, at_kelurahan):
    coordinator = officers.detail(COORD, at_kelurahan)
    assert coordinator["reporter"]["name"] == "Sri Rahayu"
    unit = officers.detail(KEL_ADMIN, at_kelurahan)
    assert unit["reporter"] == {"hidden": True, "reason": "anonim"}
    assert "Sri Rahayu" not in str(officers.detail(KEL_SERVICES_USER, at_kelurahan))


def test_templates_and_me_need_a_token_but_no_unit(officers):
    assert officers.get(DLH_ADMIN, "/v1/officer/templates?category=roads").status == 200
    assert officers.get(PU_BIDANG, "/v1/officer/me").json == {
        "username": PU_BIDANG,
        "role": "bidang",
        "unit_id": "dpuprpkp",
        "bidang_id": "dpuprpkp.bina-marga",
    }


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/v1/officer/me"),
        ("GET", "/v1/officer/inbox"),
        ("GET", "/v1/officer/templates"),
        ("GET", "/v1/officer/complaints/AAAAA-BBBBB"),
        ("POST", "/v1/officer/complaints/AAAAA-BBBBB/actions"),
        ("POST", "/v1/officer/complaints/AAAAA-BBBBB/notes"),
    ],
)
def test_every_officer_endpoint_needs_a_token(officers, method, path):
    answer = (
        officers.get(None, path) if method == "GET" else officers.post(None, path, {"text": "x"})
    )
    assert answer.status == 401, answer
