"""The lifecycle table, exhaustively, and the stories officers and citizens live through."""

from __future__ import annotations

import itertools

import pytest

from aduan.errors import AduanError, Conflict, Forbidden
from aduan.lifecycle import (
    REQUIRED_SUB_STATE,
    TRANSITIONS,
    Action,
    ActionNotAllowedForRole,
    ActionNotAllowedInStatus,
    Role,
    SubState,
    allowed_actions,
    decide,
    decide_chain,
    next_sub_state,
)
from aduan.status import Status

S, A, R = Status, Action, Role
OPEN = [S.RECEIVED, S.DEFERRED, S.VERIFIED, S.DISPATCHED, S.IN_PROGRESS, S.RESPONDED]

# The table written out by hand, independently of the module, so a change to the rules shows up
# here as a diff a reviewer reads. (status, action, role) -> next status.
EXPECTED: dict[tuple[Status, Action, Role], Status] = {
    (S.RECEIVED, A.VERIFY, R.COORDINATOR): S.VERIFIED,
    (S.DEFERRED, A.VERIFY, R.COORDINATOR): S.VERIFIED,
    (S.RECEIVED, A.DEFER, R.COORDINATOR): S.DEFERRED,
    (S.RECEIVED, A.NOT_AUTHORITY, R.COORDINATOR): S.RECEIVED,
    (S.VERIFIED, A.NOT_AUTHORITY, R.COORDINATOR): S.VERIFIED,
    (S.DISPATCHED, A.NOT_AUTHORITY, R.COORDINATOR): S.VERIFIED,
    (S.VERIFIED, A.DISPATCH, R.COORDINATOR): S.DISPATCHED,
    (S.RESPONDED, A.CLOSE, R.COORDINATOR): S.CLOSED,
    (S.DISPATCHED, A.DISPATCH, R.UNIT_ADMIN): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.DISPATCH, R.UNIT_ADMIN): S.IN_PROGRESS,
    (S.DISPATCHED, A.NOT_AUTHORITY, R.UNIT_ADMIN): S.VERIFIED,
    (S.IN_PROGRESS, A.NOT_AUTHORITY, R.UNIT_ADMIN): S.VERIFIED,
    (S.IN_PROGRESS, A.RELEASE, R.UNIT_ADMIN): S.RESPONDED,
    (S.IN_PROGRESS, A.RETURN_FOR_REWORK, R.UNIT_ADMIN): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.DRAFT_ANSWER, R.BIDANG): S.IN_PROGRESS,
    (S.DEFERRED, A.CITIZEN_REPLY, R.CITIZEN): S.RECEIVED,
    (S.RESPONDED, A.CITIZEN_REPLY, R.CITIZEN): S.IN_PROGRESS,
    (S.RECEIVED, A.CITIZEN_REPLY, R.CITIZEN): S.RECEIVED,
    (S.VERIFIED, A.CITIZEN_REPLY, R.CITIZEN): S.VERIFIED,
    (S.DISPATCHED, A.CITIZEN_REPLY, R.CITIZEN): S.DISPATCHED,
    (S.IN_PROGRESS, A.CITIZEN_REPLY, R.CITIZEN): S.IN_PROGRESS,
    (S.RESPONDED, A.RATE, R.CITIZEN): S.CLOSED,
    (S.CLOSED, A.RATE, R.CITIZEN): S.CLOSED,
    (S.RESPONDED, A.AUTO_CLOSE, R.SYSTEM): S.CLOSED,
    **{(s, A.ARCHIVE, R.COORDINATOR): S.ARCHIVED for s in OPEN},
    # ubah klasifikasi: the coordinator anywhere open, the unit admin while it is at the unit
    **{(s, A.RECLASSIFY, R.COORDINATOR): s for s in OPEN},
    (S.DISPATCHED, A.RECLASSIFY, R.UNIT_ADMIN): S.DISPATCHED,
    (S.IN_PROGRESS, A.RECLASSIFY, R.UNIT_ADMIN): S.IN_PROGRESS,
    **{(s, A.ADD_NOTE, role): s for s in OPEN for role in (R.COORDINATOR, R.UNIT_ADMIN, R.BIDANG)},
}

ROLE_MAY = {(a, r) for (_, a, r) in EXPECTED}
EVERY_CASE = list(itertools.product(Status, Action, Role))


def test_the_module_table_is_exactly_the_reviewed_table() -> None:
    # GIVEN the table written out in this test  THEN the module has the same rows, no more
    assert dict(TRANSITIONS) == EXPECTED


@pytest.mark.parametrize(("status", "action", "role"), EVERY_CASE, ids=lambda v: str(v))
def test_every_status_action_role_has_exactly_the_tables_outcome(
    status: Status, action: Action, role: Role
) -> None:
    # GIVEN a complaint in `status` (with the sub-state the action needs, if any)
    sub_state = REQUIRED_SUB_STATE.get(action)
    # WHEN `role` tries `action`
    # THEN an allowed row gives its next status; a role that may never do it gets 403;
    # a role that may, but not in this status, gets 409
    if (status, action, role) in EXPECTED:
        assert decide(status, action, role, sub_state=sub_state) is EXPECTED[(status, action, role)]
    elif (action, role) not in ROLE_MAY:
        with pytest.raises(ActionNotAllowedForRole) as refused:
            decide(status, action, role, sub_state=sub_state)
        assert refused.value.http_status == 403
    else:
        with pytest.raises(ActionNotAllowedInStatus) as refused:
            decide(status, action, role, sub_state=sub_state)
        assert refused.value.http_status == 409


@pytest.mark.parametrize(
    ("status", "role", "sub_state"),
    [
        (s, r, sub)
        for s in Status
        for r in Role
        for sub in [None, *SubState]
        if sub is None or s is S.IN_PROGRESS
    ],
    ids=lambda v: str(v),
)
def test_allowed_actions_are_exactly_what_decide_accepts(
    status: Status, role: Role, sub_state: SubState | None
) -> None:
    # GIVEN any status, role and sub-state
    accepted = []
    for action in Action:
        try:
            decide(status, action, role, sub_state=sub_state)
        except (ActionNotAllowedForRole, ActionNotAllowedInStatus):
            continue
        accepted.append(action)
    # THEN the buttons shown are exactly the actions that would succeed
    assert allowed_actions(status, role, sub_state) == accepted


def test_closed_and_archived_complaints_accept_nothing_but_a_late_rating() -> None:
    for role in Role:
        assert allowed_actions(S.ARCHIVED, role) == []
    assert allowed_actions(S.CLOSED, R.CITIZEN) == [A.RATE]


# -- stories ---------------------------------------------------------------------------------


def test_story_verified_dispatched_answered_released_rated() -> None:
    # GIVEN a new complaint about a pothole in Sawojajar
    status, sub = S.RECEIVED, None
    # WHEN the coordinator verifies it with the unit routing proposed (one write, two events)
    assert decide_chain(status, [A.VERIFY, A.DISPATCH], R.COORDINATOR) == [S.VERIFIED, S.DISPATCHED]
    status = S.DISPATCHED
    # AND the kelurahan admin dispositions it to a bidang
    nxt = decide(status, A.DISPATCH, R.UNIT_ADMIN)
    sub = next_sub_state(status, A.DISPATCH, nxt, sub)
    status = nxt
    assert (status, sub) == (S.IN_PROGRESS, SubState.WITH_BIDANG)
    # AND the bidang drafts the answer
    nxt = decide(status, A.DRAFT_ANSWER, R.BIDANG, sub_state=sub)
    sub = next_sub_state(status, A.DRAFT_ANSWER, nxt, sub)
    assert (nxt, sub) == (S.IN_PROGRESS, SubState.DRAFT_PENDING_RELEASE)
    # AND the admin releases it
    status = decide(status, A.RELEASE, R.UNIT_ADMIN, sub_state=sub)
    assert status is S.RESPONDED
    assert next_sub_state(S.IN_PROGRESS, A.RELEASE, status, sub) is None
    # THEN the citizen's rating closes it
    assert decide(status, A.RATE, R.CITIZEN) is S.CLOSED


def test_story_deferral_waits_for_the_citizen_and_comes_back_to_triage() -> None:
    # GIVEN a complaint that lacks the street name
    # WHEN the coordinator defers it (tunda) with a question
    status = decide(S.RECEIVED, A.DEFER, R.COORDINATOR)
    assert status is S.DEFERRED
    # THEN nobody can dispatch it meanwhile
    with pytest.raises(ActionNotAllowedInStatus):
        decide(status, A.DISPATCH, R.COORDINATOR)
    # WHEN the citizen answers  THEN it is back in the coordinator's triage queue
    assert decide(status, A.CITIZEN_REPLY, R.CITIZEN) is S.RECEIVED


def test_story_unit_says_not_our_authority_and_coordinator_reroutes() -> None:
    # GIVEN a complaint dispatched to Dishub that is really about a drain (DPUPRPKP)
    # WHEN the Dishub admin marks it "bukan wewenang"
    status = decide(S.DISPATCHED, A.NOT_AUTHORITY, R.UNIT_ADMIN)
    # THEN it goes back to the coordinator still verified, and is dispatched elsewhere
    assert status is S.VERIFIED
    assert decide(status, A.DISPATCH, R.COORDINATOR) is S.DISPATCHED


def test_story_coordinator_recalls_a_misrouted_complaint_straight_to_another_unit() -> None:
    # GIVEN a dispatched complaint the coordinator sent to the wrong unit
    # WHEN the coordinator re-routes it in one step
    reached = decide_chain(S.DISPATCHED, [A.NOT_AUTHORITY, A.DISPATCH], R.COORDINATOR)
    # THEN it is recalled (verified) and dispatched to the other unit
    assert reached == [S.VERIFIED, S.DISPATCHED]


def test_story_release_needs_a_draft_and_rework_needs_a_new_one() -> None:
    # GIVEN a complaint with the bidang, no answer drafted yet
    # WHEN the admin tries to release  THEN 409 with a reason, and release is not offered
    with pytest.raises(ActionNotAllowedInStatus) as refused:
        decide(S.IN_PROGRESS, A.RELEASE, R.UNIT_ADMIN, sub_state=SubState.WITH_BIDANG)
    assert "draf jawaban" in refused.value.reason_id
    assert A.RELEASE not in refused.value.allowed_actions
    # WHEN a draft exists and the admin returns it for rework
    after = next_sub_state(
        S.IN_PROGRESS,
        A.RETURN_FOR_REWORK,
        decide(
            S.IN_PROGRESS,
            A.RETURN_FOR_REWORK,
            R.UNIT_ADMIN,
            sub_state=SubState.DRAFT_PENDING_RELEASE,
        ),
        SubState.DRAFT_PENDING_RELEASE,
    )
    assert after is SubState.REWORK_REQUESTED
    # THEN it cannot be released until the bidang drafts again
    with pytest.raises(ActionNotAllowedInStatus):
        decide(S.IN_PROGRESS, A.RELEASE, R.UNIT_ADMIN, sub_state=after)
    redrafted = next_sub_state(S.IN_PROGRESS, A.DRAFT_ANSWER, S.IN_PROGRESS, after)
    assert decide(S.IN_PROGRESS, A.RELEASE, R.UNIT_ADMIN, sub_state=redrafted) is S.RESPONDED


def test_story_citizen_reply_reopens_an_answer_and_the_bidang_works_again() -> None:
    # GIVEN an answered complaint  WHEN the citizen replies "masih belum diperbaiki"
    status = decide(S.RESPONDED, A.CITIZEN_REPLY, R.CITIZEN)
    # THEN it is in progress again, with the bidang
    assert status is S.IN_PROGRESS
    assert next_sub_state(S.RESPONDED, A.CITIZEN_REPLY, status, None) is SubState.WITH_BIDANG


def test_citizen_follow_up_keeps_a_pending_draft() -> None:
    # GIVEN a drafted answer waiting for release  WHEN the citizen sends another message
    status = decide(S.IN_PROGRESS, A.CITIZEN_REPLY, R.CITIZEN)
    # THEN status and sub-state stay: the draft is not thrown away
    assert status is S.IN_PROGRESS
    assert (
        next_sub_state(S.IN_PROGRESS, A.CITIZEN_REPLY, status, SubState.DRAFT_PENDING_RELEASE)
        is SubState.DRAFT_PENDING_RELEASE
    )


def test_closed_complaint_takes_a_rating_but_no_reply() -> None:
    # GIVEN a complaint the system auto-closed
    status = decide(S.RESPONDED, A.AUTO_CLOSE, R.SYSTEM)
    assert status is S.CLOSED
    # THEN a late rating keeps it closed, and a reply is refused (file a new complaint)
    assert decide(status, A.RATE, R.CITIZEN) is S.CLOSED
    with pytest.raises(ActionNotAllowedInStatus) as refused:
        decide(status, A.CITIZEN_REPLY, R.CITIZEN)
    assert refused.value.allowed_actions == [A.RATE]


def test_roles_stay_in_their_lane() -> None:
    # THEN the bidang cannot release, the admin cannot draft, the system can only auto-close,
    # and the citizen cannot verify: all 403 whatever the status
    with pytest.raises(ActionNotAllowedForRole):
        decide(S.IN_PROGRESS, A.RELEASE, R.BIDANG, sub_state=SubState.DRAFT_PENDING_RELEASE)
    with pytest.raises(ActionNotAllowedForRole):
        decide(S.IN_PROGRESS, A.DRAFT_ANSWER, R.UNIT_ADMIN)
    with pytest.raises(ActionNotAllowedForRole):
        decide(S.RECEIVED, A.ARCHIVE, R.SYSTEM)
    with pytest.raises(ActionNotAllowedForRole):
        decide(S.CLOSED, A.VERIFY, R.CITIZEN)


def test_internal_notes_never_move_the_complaint() -> None:
    for status in OPEN:
        for role in (R.COORDINATOR, R.UNIT_ADMIN, R.BIDANG):
            assert decide(status, A.ADD_NOTE, role) is status
    with pytest.raises(ActionNotAllowedInStatus):
        decide(S.ARCHIVED, A.ADD_NOTE, R.COORDINATOR)


def test_archive_from_every_open_status() -> None:
    # GIVEN spam or a duplicate, wherever it is  THEN the coordinator can archive it
    for status in OPEN:
        assert decide(status, A.ARCHIVE, R.COORDINATOR) is S.ARCHIVED


def test_a_refused_chain_changes_nothing() -> None:
    # GIVEN an already archived complaint  WHEN verify + dispatch is attempted
    # THEN the first step is refused and nothing of the chain is returned to write
    with pytest.raises(ActionNotAllowedInStatus):
        decide_chain(S.ARCHIVED, [A.VERIFY, A.DISPATCH], R.COORDINATOR)


def test_refusals_are_domain_errors_with_clear_bilingual_reasons() -> None:
    # GIVEN a citizen trying to verify, and a coordinator verifying a closed complaint
    with pytest.raises(ActionNotAllowedForRole) as forbidden:
        decide(S.RECEIVED, A.VERIFY, R.CITIZEN)
    with pytest.raises(ActionNotAllowedInStatus) as conflict:
        decide(S.CLOSED, A.VERIFY, R.COORDINATOR)
    # THEN they map to 403 / 409 through the shared error hierarchy
    assert isinstance(forbidden.value, Forbidden) and isinstance(forbidden.value, AduanError)
    assert isinstance(conflict.value, Conflict)
    assert (forbidden.value.status, forbidden.value.code) == (403, "action_not_allowed_for_role")
    assert (conflict.value.status, conflict.value.code) == (409, "action_not_allowed_in_status")
    # AND say why in Indonesian (message) and English (details), with what is possible instead
    assert forbidden.value.message == (
        'Peran pelapor tidak berwenang melakukan tindakan "verifikasi".'
    )
    assert conflict.value.message == (
        'Tindakan "verifikasi" tidak dapat dilakukan saat aduan berstatus "Selesai".'
    )
    assert conflict.value.details["message_en"] == 'Cannot verify while the complaint is "Closed".'
    assert conflict.value.details["status"] == "closed"
    assert forbidden.value.details["allowed_actions"] == ["citizen_reply"]
    assert conflict.value.complaint_status is S.CLOSED


def test_plain_strings_from_the_api_are_accepted_and_validated() -> None:
    # GIVEN the action and role as they arrive in a request body and a JWT group
    assert decide("received", "verify", "coordinator") is S.VERIFIED
    # THEN an unknown action is a validation error, not a silent refusal
    with pytest.raises(ValueError):
        decide("received", "approve", "coordinator")
