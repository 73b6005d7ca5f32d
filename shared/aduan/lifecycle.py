"""The complaint lifecycle as one table: (status, action, role) -> next status.

Everything an officer, a citizen or the system may do to a complaint is a row of ``TRANSITIONS``.
``decide`` is the only way to move a complaint; the API maps its two refusals to HTTP:
``ActionNotAllowedForRole`` -> 403 (this role may never do this), ``ActionNotAllowedInStatus``
-> 409 (the role may, but not now). Which *unit* an officer belongs to is the API's check (BOLA),
not this module's: here a role is a role.

Decisions (SP4N-LAPOR! practice):

* ``received`` is the coordinator's triage queue; ``verified`` means verified and waiting for a
  disposition to a unit (still the coordinator's); ``dispatched`` means at a unit, waiting for the
  unit admin's disposition to a bidang; ``in_progress`` means a bidang is working on it.
* The coordinator's "verify with a unit" is two rows applied in one write: ``verify``
  (received -> verified) then ``dispatch`` (verified -> dispatched), i.e.
  ``decide_chain(status, [VERIFY, DISPATCH], COORDINATOR)``; it records two history events, so
  the citizen hears of verification and of the disposition (which unit). Verify without a unit
  leaves it ``verified`` for a later dispatch.
* ``not_authority`` (bukan wewenang) never undoes a verification: by the coordinator it keeps
  ``received``/``verified`` where they are (the routing proposal is replaced, with a reason) and
  recalls a ``dispatched`` complaint to ``verified``; by the unit admin it sends the complaint
  back to the coordinator as ``verified`` ("re-disposition please"). Re-routing straight to
  another unit is ``decide_chain(status, [NOT_AUTHORITY, DISPATCH], COORDINATOR)``.
* ``defer`` (tunda) is only from ``received``; the citizen's reply brings it back to ``received``.
  The coordinator may also verify a deferred complaint without waiting (the answer came by phone).
* The unit admin's ``dispatch`` to a bidang moves ``dispatched`` -> ``in_progress``; again in
  ``in_progress`` it hands the work to another bidang.
* ``in_progress`` has sub-states (``SubState``): ``release`` and ``return_for_rework`` need a
  drafted answer, so ``decide`` refuses them (409) unless ``sub_state`` is
  ``draft_pending_release``.
* A citizen's reply on any open complaint is accepted (it becomes a message); it changes the
  status only when it answers a deferral (-> ``received``) or reopens an answer
  (``responded`` -> ``in_progress``). A closed or archived complaint takes no replies: the citizen
  files a new one.
* ``close`` lets the coordinator close an answered complaint, e.g. when the
  citizen confirmed by phone; ``auto_close`` is the system's after 10 working days of silence.
  The design's ``respond`` is ``release`` here: the bidang drafts, the admin releases.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from aduan.errors import AduanError, Conflict, Forbidden
from aduan.status import Status, SubState


class Role(StrEnum):
    COORDINATOR = "coordinator"
    UNIT_ADMIN = "unit_admin"
    BIDANG = "bidang"
    CITIZEN = "citizen"
    SYSTEM = "system"


class Action(StrEnum):
    VERIFY = "verify"
    DEFER = "defer"
    NOT_AUTHORITY = "not_authority"
    ARCHIVE = "archive"
    DISPATCH = "dispatch"
    DRAFT_ANSWER = "draft_answer"
    RELEASE = "release"
    RETURN_FOR_REWORK = "return_for_rework"
    ADD_NOTE = "add_note"
    CLOSE = "close"
    RECLASSIFY = "reclassify"
    CITIZEN_REPLY = "citizen_reply"
    RATE = "rate"
    AUTO_CLOSE = "auto_close"


# For refusal messages an officer can read (Indonesian first, as the city works in it).
ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.COORDINATOR: ("koordinator", "coordinator"),
    Role.UNIT_ADMIN: ("admin unit", "unit admin"),
    Role.BIDANG: ("bidang", "bidang (division)"),
    Role.CITIZEN: ("pelapor", "citizen"),
    Role.SYSTEM: ("sistem", "system"),
}
ACTION_LABELS: dict[Action, tuple[str, str]] = {
    Action.VERIFY: ("verifikasi", "verify"),
    Action.DEFER: ("tunda", "defer"),
    Action.NOT_AUTHORITY: ("bukan wewenang", "not our authority"),
    Action.ARCHIVE: ("arsipkan", "archive"),
    Action.DISPATCH: ("disposisi", "dispatch"),
    Action.DRAFT_ANSWER: ("susun draf jawaban", "draft the answer"),
    Action.RELEASE: ("rilis jawaban", "release the answer"),
    Action.RETURN_FOR_REWORK: ("kembalikan untuk diperbaiki", "return for rework"),
    Action.ADD_NOTE: ("catatan internal", "internal note"),
    Action.CLOSE: ("tutup", "close"),
    Action.RECLASSIFY: ("ubah klasifikasi", "reclassify"),
    Action.CITIZEN_REPLY: ("balasan pelapor", "citizen reply"),
    Action.RATE: ("beri penilaian", "rate"),
    Action.AUTO_CLOSE: ("tutup otomatis", "auto-close"),
}


S, A, R = Status, Action, Role
OPEN = tuple(s for s in Status if s.is_open)
OFFICERS = (R.COORDINATOR, R.UNIT_ADMIN, R.BIDANG)


def _build() -> dict[tuple[Status, Action, Role], Status]:
    t: dict[tuple[Status, Action, Role], Status] = {
        # coordinator: triage, verification, disposition to a unit
        (S.RECEIVED, A.VERIFY, R.COORDINATOR): S.VERIFIED,
        (S.DEFERRED, A.VERIFY, R.COORDINATOR): S.VERIFIED,
        (S.RECEIVED, A.DEFER, R.COORDINATOR): S.DEFERRED,
        (S.RECEIVED, A.NOT_AUTHORITY, R.COORDINATOR): S.RECEIVED,
        (S.VERIFIED, A.NOT_AUTHORITY, R.COORDINATOR): S.VERIFIED,
        (S.DISPATCHED, A.NOT_AUTHORITY, R.COORDINATOR): S.VERIFIED,
        (S.VERIFIED, A.DISPATCH, R.COORDINATOR): S.DISPATCHED,
        (S.RESPONDED, A.CLOSE, R.COORDINATOR): S.CLOSED,
        # unit admin: disposition to a bidang, bukan wewenang, release or rework
        (S.DISPATCHED, A.DISPATCH, R.UNIT_ADMIN): S.IN_PROGRESS,
        (S.IN_PROGRESS, A.DISPATCH, R.UNIT_ADMIN): S.IN_PROGRESS,
        (S.DISPATCHED, A.NOT_AUTHORITY, R.UNIT_ADMIN): S.VERIFIED,
        (S.IN_PROGRESS, A.NOT_AUTHORITY, R.UNIT_ADMIN): S.VERIFIED,
        (S.IN_PROGRESS, A.RELEASE, R.UNIT_ADMIN): S.RESPONDED,
        (S.IN_PROGRESS, A.RETURN_FOR_REWORK, R.UNIT_ADMIN): S.IN_PROGRESS,
        # bidang: writes the answer
        (S.IN_PROGRESS, A.DRAFT_ANSWER, R.BIDANG): S.IN_PROGRESS,
        # citizen
        (S.DEFERRED, A.CITIZEN_REPLY, R.CITIZEN): S.RECEIVED,
        (S.RESPONDED, A.CITIZEN_REPLY, R.CITIZEN): S.IN_PROGRESS,
        (S.RESPONDED, A.RATE, R.CITIZEN): S.CLOSED,
        (S.CLOSED, A.RATE, R.CITIZEN): S.CLOSED,
        # system
        (S.RESPONDED, A.AUTO_CLOSE, R.SYSTEM): S.CLOSED,
    }
    # Ubah klasifikasi: correct the category and kecamatan/kelurahan routing got wrong. The
    # coordinator on any open complaint; the unit admin while it is at their unit.
    for status in OPEN:
        t[(status, A.RECLASSIFY, R.COORDINATOR)] = status
    for status in (S.DISPATCHED, S.IN_PROGRESS):
        t[(status, A.RECLASSIFY, R.UNIT_ADMIN)] = status
    for status in OPEN:
        t[(status, A.ARCHIVE, R.COORDINATOR)] = S.ARCHIVED
        for role in OFFICERS:
            t[(status, A.ADD_NOTE, role)] = status
        # a follow-up message: accepted everywhere open, status unchanged unless set above
        t.setdefault((status, A.CITIZEN_REPLY, R.CITIZEN), status)
    return t


TRANSITIONS: dict[tuple[Status, Action, Role], Status] = _build()

# Actions that need a particular sub-state of the current status.
REQUIRED_SUB_STATE: dict[Action, SubState] = {
    A.RELEASE: SubState.DRAFT_PENDING_RELEASE,
    A.RETURN_FOR_REWORK: SubState.DRAFT_PENDING_RELEASE,
}

# The sub-state an action leaves an in_progress complaint in.
_SUB_STATE_AFTER: dict[Action, SubState] = {
    A.DISPATCH: SubState.WITH_BIDANG,  # (re)assigned: the new bidang starts from scratch
    A.DRAFT_ANSWER: SubState.DRAFT_PENDING_RELEASE,
    A.RETURN_FOR_REWORK: SubState.REWORK_REQUESTED,
}

_ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    role: frozenset(a for (_, a, r) in TRANSITIONS if r is role) for role in Role
}


class TransitionRejected(AduanError):
    """Base of the two refusals. As ``AduanError``s the HTTP layer maps them like any domain
    error: ``status`` (403/409) and ``code`` from the subclass, the Indonesian reason as the
    message, and the English reason, the complaint's status and the allowed actions as details.
    (``status`` is the HTTP status there, so the complaint's is ``complaint_status`` here.)"""

    def __init__(
        self,
        complaint_status: Status,
        action: Action,
        role: Role,
        reason_id: str,
        reason_en: str,
        allowed: list[Action],
    ) -> None:
        super().__init__(
            reason_id,
            message_en=reason_en,
            details={
                "message_en": reason_en,
                "status": str(complaint_status),
                "action": str(action),
                "role": str(role),
                "allowed_actions": [str(a) for a in allowed],
            },
        )
        self.complaint_status, self.action, self.role = complaint_status, action, role
        self.reason_id, self.reason_en = reason_id, reason_en
        self.allowed_actions = allowed

    @property
    def http_status(self) -> int:
        return self.status


class ActionNotAllowedForRole(TransitionRejected, Forbidden):
    code = "action_not_allowed_for_role"


class ActionNotAllowedInStatus(TransitionRejected, Conflict):
    code = "action_not_allowed_in_status"


def allowed_actions(
    status: Status, role: Role, sub_state: str | None = None, *, rated: bool = False
) -> list[Action]:
    """Actions this role may take now, in ``Action`` order (for buttons and error bodies).

    Exactly the actions ``decide`` accepts with the same arguments: pass the complaint's
    ``sub_state``, or actions that need one (release, return for rework) are left out; and
    whether it is ``rated`` already, since a complaint is rated once.
    """
    return [
        a
        for a in Action
        if (status, a, role) in TRANSITIONS
        and REQUIRED_SUB_STATE.get(a, sub_state) == sub_state
        and not (rated and a is Action.RATE)
    ]


def decide(
    status: Status,
    action: Action,
    role: Role,
    *,
    sub_state: str | None = None,
    rated: bool = False,
) -> Status:
    """The next status, or a typed refusal. Role is checked before status: what a role may
    never do is a 403 whatever the status, so that refusal does not depend on the complaint.
    Plain strings are accepted (and validated) as well as the enums."""
    status, action, role = Status(status), Action(action), Role(role)
    role_id, role_en = ROLE_LABELS[role]
    act_id, act_en = ACTION_LABELS[action]
    allowed = allowed_actions(status, role, sub_state, rated=rated)
    if action not in _ROLE_ACTIONS[role]:
        raise ActionNotAllowedForRole(
            status,
            action,
            role,
            f'Peran {role_id} tidak berwenang melakukan tindakan "{act_id}".',
            f"The {role_en} role may never {act_en}.",
            allowed,
        )
    nxt = TRANSITIONS.get((status, action, role))
    if nxt is None:
        raise ActionNotAllowedInStatus(
            status,
            action,
            role,
            f'Tindakan "{act_id}" tidak dapat dilakukan saat aduan berstatus "{status.label}".',
            f'Cannot {act_en} while the complaint is "{status.label_en}".',
            allowed,
        )
    needed = REQUIRED_SUB_STATE.get(action)
    if needed is not None and sub_state != needed:
        raise ActionNotAllowedInStatus(
            status,
            action,
            role,
            f'Tindakan "{act_id}" memerlukan draf jawaban dari bidang yang belum dirilis.',
            f"Cannot {act_en}: there is no drafted answer from the bidang waiting for release.",
            allowed,
        )
    return nxt


def next_sub_state(
    status: Status, action: Action, next_status: Status, sub_state: str | None
) -> SubState | None:
    """The sub-state after a transition. Only ``in_progress`` has one. Entering it (a dispatch to
    a bidang, or a citizen reopening an answer) starts ``with_bidang``; notes and follow-up
    messages keep the current one, so a citizen's message does not discard a pending draft."""
    if next_status is not Status.IN_PROGRESS:
        return None
    if action in _SUB_STATE_AFTER:
        return _SUB_STATE_AFTER[action]
    if status is Status.IN_PROGRESS and sub_state is not None:
        return SubState(sub_state)
    return SubState.WITH_BIDANG


def decide_chain(
    status: Status,
    actions: Iterable[Action],
    role: Role,
    *,
    sub_state: str | None = None,
    rated: bool = False,
) -> list[Status]:
    """Apply several actions as one change (e.g. verify + dispatch); returns each status reached.

    The first refusal aborts the whole chain, so the caller writes all of it or nothing.
    """
    reached: list[Status] = []
    for action in actions:
        nxt = decide(status, action, role, sub_state=sub_state, rated=rated)
        sub_state = next_sub_state(status, action, nxt, sub_state)
        status = nxt
        reached.append(status)
    return reached
