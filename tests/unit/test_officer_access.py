"""Who an officer is (groups from the JWT) and what they may reach (BOLA), and inbox cursors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aduan import officers as access
from aduan.complaint import Complaint
from aduan.errors import Forbidden, Unauthorized
from aduan.lifecycle import Role
from aduan.status import Status
from casework import cursor

UNITS = {
    u["id"]: u
    for u in json.loads((Path(__file__).resolve().parents[2] / "infra/seed/units.json").read_text())
}
NOW = datetime(2026, 11, 9, 3, tzinfo=UTC)


def claims(groups, sub="sub-1"):
    return {"sub": sub, "cognito:username": "someone", "cognito:groups": groups}


def complaint(unit_id=None, bidang_id=None, anonymous=False):
    return Complaint.checked(
        id="7K3MQ-9XWT2",
        status=Status.DISPATCHED if unit_id else Status.RECEIVED,
        channel="web",
        title="t",
        description="d",
        unit_id=unit_id,
        bidang_id=bidang_id,
        anonymous=anonymous,
        received_at=NOW,
        updated_at=NOW,
    )


COORD = access.officer_from_claims(claims("[coordinator diskominfo]"), UNITS)
ADMIN = access.officer_from_claims(claims("[unit_admin dpuprpkp]"), UNITS)
OTHER_ADMIN = access.officer_from_claims(claims("[unit_admin dlh]"), UNITS)
BIDANG = access.officer_from_claims(claims("[bidang dpuprpkp dpuprpkp.bina-marga]"), UNITS)
OTHER_BIDANG = access.officer_from_claims(
    claims("[bidang dpuprpkp dpuprpkp.sumber-daya-air]"), UNITS
)


def test_groups_arrive_as_api_gateway_passes_them_or_as_a_list():
    assert access.groups_of({"cognito:groups": "[unit_admin dpuprpkp]"}) == [
        "unit_admin",
        "dpuprpkp",
    ]
    assert access.groups_of({"cognito:groups": ["bidang", "dlh"]}) == ["bidang", "dlh"]
    assert access.groups_of({}) == []


def test_roles_units_and_bidang_come_from_the_groups():
    assert (COORD.role, COORD.unit_id, COORD.queue) == (
        Role.COORDINATOR,
        "diskominfo",
        "coordinator",
    )
    assert (ADMIN.role, ADMIN.unit_id, ADMIN.queue) == (Role.UNIT_ADMIN, "dpuprpkp", "dpuprpkp")
    assert (BIDANG.role, BIDANG.unit_id, BIDANG.bidang_id) == (
        Role.BIDANG,
        "dpuprpkp",
        "dpuprpkp.bina-marga",
    )
    # the widest role counts
    assert (
        access.officer_from_claims(claims(["bidang", "coordinator", "diskominfo"]), UNITS).role
        is Role.COORDINATOR
    )


@pytest.mark.parametrize(
    "groups",
    [
        [],  # no role
        ["dpuprpkp"],  # no role
        ["unit_admin"],  # no unit
        ["unit_admin", "dpuprpkp", "dlh"],  # two units
        ["bidang", "dpuprpkp"],  # no bidang
        ["bidang", "dpuprpkp", "dlh.pertamanan"],  # another unit's bidang
    ],
)
def test_accounts_that_cannot_act_as_an_officer_are_refused(groups):
    with pytest.raises(Forbidden):
        access.officer_from_claims(claims(groups), UNITS)


def test_no_claims_is_unauthorized():
    with pytest.raises(Unauthorized):
        access.officer_from_claims(None, UNITS)
    with pytest.raises(Unauthorized):
        access.officer_from_claims({"cognito:groups": "[coordinator]"}, UNITS)


def test_bola_coordinator_reaches_all_units_only_their_own_bidang_only_theirs():
    at_pu_bina = complaint("dpuprpkp", "dpuprpkp.bina-marga")
    at_pu = complaint("dpuprpkp")
    at_dlh = complaint("dlh")
    triage = complaint()
    assert all(access.may_reach(COORD, c) for c in (at_pu_bina, at_pu, at_dlh, triage))
    assert access.may_reach(ADMIN, at_pu) and access.may_reach(ADMIN, at_pu_bina)
    assert not access.may_reach(ADMIN, at_dlh) and not access.may_reach(ADMIN, triage)
    assert not access.may_reach(OTHER_ADMIN, at_pu)
    assert access.may_reach(BIDANG, at_pu_bina)
    assert not access.may_reach(BIDANG, at_pu) and not access.may_reach(OTHER_BIDANG, at_pu_bina)
    with pytest.raises(access.NotYourUnit):
        access.ensure_reach(OTHER_ADMIN, at_pu)


def test_inbox_owner_is_the_officers_unit_unless_coordinator():
    assert access.inbox_owner(COORD, None) == "coordinator"
    assert access.inbox_owner(COORD, "dlh") == "dlh"
    assert access.inbox_owner(ADMIN, None) == "dpuprpkp"
    assert access.inbox_owner(ADMIN, "dpuprpkp") == "dpuprpkp"
    with pytest.raises(access.NotYourUnit):
        access.inbox_owner(ADMIN, "dlh")
    with pytest.raises(access.NotYourUnit):
        access.inbox_owner(BIDANG, "coordinator")


def test_anonim_hides_the_reporter_from_the_unit_but_not_from_the_coordinator():
    anonymous = complaint("dpuprpkp", anonymous=True)
    assert access.may_see_identity(COORD, anonymous)
    assert not access.may_see_identity(ADMIN, anonymous) and not access.may_see_identity(
        BIDANG, anonymous
    )
    assert access.may_see_identity(ADMIN, complaint("dpuprpkp"))


def test_a_cursor_continues_only_the_inbox_it_came_from():
    key = {"PK": "C#A", "SK": "META", "GSI1PK": "UNIT#dpuprpkp#dispatched", "GSI1SK": "2026#A"}
    token = cursor.encode(key, "dpuprpkp#dispatched")
    assert cursor.decode(token, "dpuprpkp#dispatched") == key
    assert cursor.encode(None, "x") is None and cursor.decode(None, "x") is None
    for bad_query in ("dlh#dispatched", "dpuprpkp#received"):
        with pytest.raises(cursor.InvalidCursor):
            cursor.decode(token, bad_query)
    # a hand-made cursor pointing into another unit's partition is refused
    forged = cursor.encode({**key, "GSI1PK": "UNIT#dlh#dispatched"}, "dpuprpkp#dispatched")
    with pytest.raises(cursor.InvalidCursor):
        cursor.decode(forged, "dpuprpkp#dispatched")
    for garbage in ("!!!", "e30", "bm90IGpzb24"):
        with pytest.raises(cursor.InvalidCursor):
            cursor.decode(garbage, "dpuprpkp#dispatched")
