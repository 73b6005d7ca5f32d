"""Applying an action to a complaint: the new state, its history events and its messages.

``apply`` is pure: the lifecycle table (``aduan.lifecycle``) says whether the action is allowed
and where it leads; this module fills in what changes with it (unit, bidang, the answer, the
deadlines of ``aduan.deadlines``, the SLA bookkeeping) and which events and messages record it.
``act`` runs it through the store's one read-decide-write loop (``aduan.changes``) for the
officer API and the citizen's reply and rating: every change is one conditional write with its
events and messages. The chat channels and the SLA sweep's auto-close call ``apply`` inside
decisions of their own.

Who may act on *which* complaint (an officer's unit, BOLA) is the caller's check; here a role is
a role, as in the lifecycle table.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aduan import workflow_events as ev
from aduan.answer_check import check_answer
from aduan.calendar import WorkingCalendar, sort_key
from aduan.changes import ChangeRaced, Outcome
from aduan.complaint import Answer, Archive, ArchiveReason, Complaint, Draft, Rating
from aduan.deadlines import StatusChange, checkpoints, deadlines_for, step_key
from aduan.errors import Conflict, Unprocessable, VersionConflict
from aduan.events import DomainEvent, EventMetadata
from aduan.lifecycle import (
    Action,
    Role,
    SubState,
    allowed_actions,
    decide_chain,
    next_sub_state,
)
from aduan.status import Status

if TYPE_CHECKING:  # the port only: the decisions here import no adapter
    from aduan.store import ComplaintStore

A, R, S = Action, Role, Status
ARCHIVE_REASONS = tuple(str(reason) for reason in ArchiveReason)


# --- the clock: calendar and per-category deadlines, as reference data ---------------------------


@dataclass(frozen=True)
class Clock:
    calendar: WorkingCalendar
    category_deadlines: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def deadlines_of(self, category: str | None) -> Mapping[str, int] | None:
        return self.category_deadlines.get(category or "")


def _calendar(bodies: list[dict[str, Any]]) -> WorkingCalendar:
    return WorkingCalendar.from_seed(bodies[0] if bodies else {})


def _category_deadlines(bodies: list[dict[str, Any]]) -> dict[str, Mapping[str, int]]:
    return {body["id"]: body.get("deadlines") or {} for body in bodies}


def load_clock(repository: ComplaintStore) -> Clock:
    """The city's calendar and the categories' deadlines (cached per container, see reference)."""
    from aduan import reference

    return Clock(
        reference.cached("calendar", repository.reference, build=_calendar),
        reference.cached("category", repository.reference, build=_category_deadlines),
    )


# --- deadlines and the SLA bookkeeping ---------------------------------------------------------


def with_new_deadlines(
    complaint: Complaint, before: Status | None, at: datetime, clock: Clock
) -> Complaint:
    """The deadlines after a status change at ``at`` (set fresh, kept, or cleared)."""
    # Before routing has classified it, the citizen's own choice of category (if any) counts.
    category = complaint.category or complaint.category_hint
    changes = deadlines_for(
        StatusChange(before, complaint.status), at, clock.deadlines_of(category), clock.calendar
    )
    if not changes:
        return complaint
    deadlines = dict(complaint.deadlines)
    for kind, due in changes.items():
        if due is None:
            deadlines.pop(kind, None)
        else:
            deadlines[kind] = due
    return complaint.replace(deadlines=deadlines)


def schedule_sla(complaint: Complaint, calendar: WorkingCalendar) -> Complaint:
    """Keep the SLA bookkeeping true to the deadlines: forget the steps of deadlines that are gone
    and find the next checkpoint (which buckets the complaint in the Deadlines index)."""
    pending: list[datetime] = []
    live: set[str] = set()
    if complaint.status.is_open:
        for kind, due in complaint.deadlines.items():
            for stage, moment in checkpoints(kind, due, calendar):
                key = step_key(complaint.id, kind, calendar.to_local(due), stage)
                live.add(key)
                if key not in complaint.sla_emitted:
                    pending.append(moment)
    emitted = [k for k in complaint.sla_emitted if k in live]
    return complaint.replace(sla_emitted=emitted, sla_next_at=min(pending) if pending else None)


def at_receipt(complaint: Complaint, clock: Clock) -> Complaint:
    """A new complaint's deadlines (verify), counted from its receipt."""
    return schedule_sla(
        with_new_deadlines(complaint, None, complaint.received_at, clock), clock.calendar
    )


# --- actions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    role: Role
    id: str | None = None  # the officer's user-pool sub; None for citizens and the system
    unit_id: str | None = None
    bidang_id: str | None = None


SYSTEM = Actor(Role.SYSTEM)
CITIZEN = Actor(Role.CITIZEN)


@dataclass(frozen=True)
class Change:
    """One request: an action and what it needs. Which fields matter depends on the action:

    verify: ``unit_id`` (default: routing's proposal; ``verify_only`` leaves it unassigned) ·
    dispatch: ``unit_id`` (coordinator) or ``bidang_id`` (unit admin) · defer: ``text`` (the
    question) · not_authority: ``text`` (the reason), ``unit_id`` (coordinator: re-route) ·
    archive: ``reason_code``, ``text`` (the reason the citizen reads), ``duplicate_of`` ·
    draft_answer / release (optional: the final text) / return_for_rework / add_note /
    citizen_reply: ``text`` · rate: ``score`` and optional ``text``.
    """

    action: Action
    actor: Actor
    text: str | None = None
    unit_id: str | None = None
    bidang_id: str | None = None
    verify_only: bool = False
    reason_code: str | None = None
    duplicate_of: str | None = None
    # reclassify: the corrected category and area (ids of the reference data)
    category: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    score: int | None = None
    channel: str = "web"


class AnswerNotReady(Unprocessable):
    code = "answer_not_ready"


class AlreadyRated(Conflict):
    code = "already_rated"


def _need(value: Any, what: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Unprocessable(f"{what} is required for this action", code="missing_field")
    return value.strip() if isinstance(value, str) else value


def _chain(complaint: Complaint, change: Change) -> list[Action]:
    """Which lifecycle rows the request is: verify with a unit is verify + dispatch, and a
    coordinator's re-route of a verified or dispatched complaint is not_authority + dispatch."""
    role, action = change.actor.role, change.action
    if (
        action is A.VERIFY
        and role is R.COORDINATOR
        and not change.verify_only
        and (change.unit_id or complaint.proposed_unit_id)
    ):
        return [A.VERIFY, A.DISPATCH]
    if (
        action is A.NOT_AUTHORITY
        and role is R.COORDINATOR
        and change.unit_id
        and complaint.status in (S.VERIFIED, S.DISPATCHED)
    ):
        return [A.NOT_AUTHORITY, A.DISPATCH]
    return [action]


def apply(
    complaint: Complaint,
    change: Change,
    clock: Clock,
    now: datetime,
    correlation_id: str = "",
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> Outcome:
    """The new state, events and messages for one request, or a typed refusal (403/409/422)."""
    actions = _chain(complaint, change)
    # Refusals come from the lifecycle table first, so a wrong role or status says so clearly.
    reached = decide_chain(
        complaint.status,
        actions,
        change.actor.role,
        sub_state=complaint.sub_state,
        rated=is_rated(complaint),
    )
    step = _Step(complaint, change, clock, now, correlation_id, new_id)
    for action, status in zip(actions, reached, strict=True):
        step.move(action, status)
    final = schedule_sla(step.complaint.replace(updated_at=now), clock.calendar)
    # Events carry the state as saved (deadlines included), so consumers need not read it back.
    events = [step.finish(index, event, final) for index, event in enumerate(step.events)]
    return Outcome(final, events, step.messages)


class _Step:
    """The state as the chain of rows is applied, and what records it."""

    def __init__(
        self,
        complaint: Complaint,
        change: Change,
        clock: Clock,
        now: datetime,
        correlation_id: str,
        new_id: Callable[[], str],
    ) -> None:
        self.original = self.complaint = complaint
        self.change, self.clock, self.now = change, clock, now
        self.correlation_id = correlation_id or complaint.id
        self.new_id = new_id
        self.events: list[tuple[type[DomainEvent], dict[str, Any]]] = []
        self.messages: list[dict[str, Any]] = []

    # -- recording

    def event(self, cls: type[DomainEvent], **data: Any) -> None:
        self.events.append((cls, data))

    def message(self, kind: str, text: str, visibility: str, **more: Any) -> str:
        message_id = self.new_id()
        self.messages.append(
            {
                "message_id": message_id,
                "at": sort_key(self.now + timedelta(microseconds=len(self.messages))),
                "kind": kind,
                "visibility": visibility,  # public: the citizen's side of the conversation
                "author_role": str(self.change.actor.role),
                "author_id": self.change.actor.id,
                "text": text,
                **more,
            }
        )
        return message_id

    def finish(
        self, index: int, pending: tuple[type[DomainEvent], dict[str, Any]], final: Complaint
    ) -> DomainEvent:
        cls, data = pending
        base = {
            "complaint_id": final.id,
            "version": final.version + 1,
            "status": final.status,
            "sub_state": final.sub_state,
            "unit_id": final.unit_id,
            "bidang_id": final.bidang_id,
            "actor_role": str(self.change.actor.role),
            "actor_id": self.change.actor.id,
            "deadlines": final.deadlines,
        }
        # Events of one change keep their order in the history (the SK sorts by time).
        metadata = EventMetadata(
            correlation_id=self.correlation_id, occurred_at=self.now + timedelta(microseconds=index)
        )
        return cls.checked(metadata=metadata, data={**base, **data})

    # -- one row of the table

    def move(self, action: Action, status: Status) -> None:
        before = self.complaint
        sub_state = next_sub_state(before.status, action, status, before.sub_state)
        if status is not S.IN_PROGRESS and status is before.status:
            sub_state = before.sub_state  # a note or a message keeps routing's "proposed"/"triage"
        moved = before.replace(status=status, sub_state=sub_state)
        if status is not before.status:
            moved = with_new_deadlines(moved, before.status, self.now, self.clock)
        self.complaint = moved
        getattr(self, f"_{action.value}")(before)

    def _update(self, **fields: Any) -> None:
        self.complaint = self.complaint.replace(**fields)

    def _verify(self, before: Complaint) -> None:
        self.event(ev.ComplaintVerified, category=before.category)

    def _dispatch(self, before: Complaint) -> None:
        change = self.change
        if change.actor.role is R.COORDINATOR:
            unit = _need(change.unit_id or before.proposed_unit_id, "unit_id")
            self._update(unit_id=unit, bidang_id=None, proposed_unit_id=unit)
            # A re-route (not_authority + dispatch) names the unit it was taken from.
            self.event(ev.ComplaintDispatched, from_unit_id=self.original.unit_id)
        else:
            bidang = _need(change.bidang_id, "bidang_id")
            self._update(bidang_id=bidang)
            self.event(ev.ComplaintAssignedToBidang, from_bidang_id=before.bidang_id)

    def _reclassify(self, before: Complaint) -> None:
        category = _need(self.change.category, "category")
        kecamatan = _need(self.change.kecamatan, "kecamatan")
        location = before.location.replace(kecamatan=kecamatan, kelurahan=self.change.kelurahan)
        self._update(category=category, location=location)
        self.event(
            ev.ComplaintReclassified,
            category=category,
            from_category=before.category,
            kecamatan=kecamatan,
            from_kecamatan=before.location.kecamatan,
            kelurahan=self.change.kelurahan,
            from_kelurahan=before.location.kelurahan,
        )

    def _defer(self, before: Complaint) -> None:
        question = _need(self.change.text, "text (the question for the citizen)")
        message_id = self.message("question", question, "public")
        self.event(ev.ComplaintDeferred, question=question, message_id=message_id)

    def _not_authority(self, before: Complaint) -> None:
        reason = _need(self.change.text, "text (the reason)")
        if self.change.actor.role is R.COORDINATOR:
            proposed = self.change.unit_id
            if before.status is S.RECEIVED:
                self._update(
                    proposed_unit_id=proposed,
                    sub_state=SubState.PROPOSED if proposed else SubState.TRIAGE,
                )
            else:
                self._update(unit_id=None, bidang_id=None, proposed_unit_id=proposed)
        else:
            # "returned": the coordinator's queue of complaints a unit sent back.
            self._update(
                unit_id=None, bidang_id=None, proposed_unit_id=None, sub_state=SubState.RETURNED
            )
        self.event(
            ev.ComplaintNotAuthority,
            reason=reason,
            from_unit_id=before.unit_id,
            proposed_unit_id=self.complaint.proposed_unit_id,
        )

    def _archive(self, before: Complaint) -> None:
        change = self.change
        code = _need(change.reason_code, "reason_code")
        if code not in ARCHIVE_REASONS:
            raise Unprocessable(
                f"reason_code must be one of {', '.join(ARCHIVE_REASONS)}",
                code="invalid_reason_code",
            )
        reason = _need(change.text, "text (the reason the citizen reads)")
        duplicate_of = _need(change.duplicate_of, "duplicate_of") if code == "duplicate" else None
        if duplicate_of == before.id:
            raise Unprocessable(
                "a complaint cannot be a duplicate of itself", code="invalid_duplicate"
            )
        self._update(
            archive=Archive(
                reason_code=ArchiveReason(code), reason=reason, duplicate_of=duplicate_of
            )
        )
        self.event(ev.ComplaintArchived, reason_code=code, reason=reason, duplicate_of=duplicate_of)

    def _draft_answer(self, before: Complaint) -> None:
        text = _need(self.change.text, "text (the answer)")
        message_id = self.message("draft", text, "internal")
        problems = check_answer(text, before.language).codes
        self._update(
            draft=Draft(text=text, message_id=message_id, bidang_id=before.bidang_id, at=self.now)
        )
        redraft = before.sub_state == SubState.DRAFT_PENDING_RELEASE
        self.event(
            ev.AnswerDrafted, message_id=message_id, check_problems=problems, redraft=redraft
        )

    def _release(self, before: Complaint) -> None:
        text = (self.change.text or (before.draft.text if before.draft else "")).strip()
        check = check_answer(text, before.language)
        if not check.ok:
            raise AnswerNotReady(
                "Jawaban belum dapat dirilis: " + " ".join(p.message for p in check.problems),
                details={
                    "problems": [{"code": p.code, "message": p.message} for p in check.problems]
                },
            )
        message_id = self.message("answer", text, "public")
        self._update(
            draft=None,
            answer=Answer(
                text=text,
                released_at=self.now,
                unit_id=before.unit_id,
                bidang_id=before.bidang_id,
            ),
        )
        self.event(ev.ComplaintResponded, message_id=message_id)

    def _return_for_rework(self, before: Complaint) -> None:
        note = _need(self.change.text, "text (what to rework)")
        message_id = self.message("rework", note, "internal")
        self._update(draft=None)
        self.event(ev.AnswerReturnedForRework, message_id=message_id)

    def _add_note(self, before: Complaint) -> None:
        message_id = self.message("note", _need(self.change.text, "text"), "internal")
        self.event(ev.InternalNoteAdded, message_id=message_id)

    def _close(self, before: Complaint) -> None:
        self.event(ev.ComplaintClosed, reason="coordinator")

    def _auto_close(self, before: Complaint) -> None:
        self.event(ev.ComplaintAutoClosed, reason="auto_close")

    def _citizen_reply(self, before: Complaint) -> None:
        text = _need(self.change.text, "text")
        message_id = self.message("reply", text, "public", channel=self.change.channel)
        self.event(
            ev.CitizenReplied,
            message_id=message_id,
            channel=self.change.channel,
            previous_status=before.status,
            reopened=before.status is S.RESPONDED,
            answered_deferral=before.status is S.DEFERRED,
        )

    def _rate(self, before: Complaint) -> None:
        if before.rating is not None:
            raise AlreadyRated(
                "Pengaduan ini sudah dinilai. / This complaint has already been rated."
            )
        score = _need(self.change.score, "score")
        if not 1 <= int(score) <= 5:
            raise Unprocessable("score must be 1 to 5", code="invalid_score")
        comment = (self.change.text or "").strip()
        message_id = self.message("rating_comment", comment, "public") if comment else None
        self._update(rating=Rating(score=int(score), at=self.now))
        self.event(
            ev.ComplaintRated, score=int(score), has_comment=bool(comment), message_id=message_id
        )


# --- read, decide, write -----------------------------------------------------------------------


def is_rated(complaint: Complaint) -> bool:
    return complaint.rating is not None


def actions_for(complaint: Complaint, role: Role) -> list[Action]:
    """What ``role`` may do to this complaint now (a rated complaint is not rated again)."""
    return allowed_actions(complaint.status, role, complaint.sub_state, rated=is_rated(complaint))


def state_of(complaint: Complaint, role: Role) -> dict[str, Any]:
    """What a refused or beaten caller needs to decide again: the complaint as it is now."""
    return {
        "status": str(complaint.status),
        "sub_state": complaint.sub_state,
        "version": complaint.version,
        "unit_id": complaint.unit_id,
        "bidang_id": complaint.bidang_id,
        "allowed_actions": [str(a) for a in actions_for(complaint, role)],
    }


def act(
    store: ComplaintStore,
    complaint_id: str,
    change: Change,
    clock: Clock,
    now: datetime,
    expected_version: int | None = None,
    correlation_id: str = "",
    attempts: int = 1,
    check: Callable[[Complaint], None] | None = None,
    complaint: Complaint | None = None,
) -> Outcome:
    """One request through the store's ``change``. ``expected_version`` (what the officer saw)
    makes a stale screen a 409 rather than a silent overwrite; two writers racing on one
    version: one wins, the other gets ``VersionConflict`` with the state that won. Citizens and
    the system pass ``attempts`` > 1: they have no screen to reload, so a lost race is simply
    decided again. ``check`` (e.g. the officer's unit) runs on every fresh read, before
    deciding; ``complaint`` is the one the caller has just read, decided on first."""
    role = change.actor.role

    def decide(current: Complaint) -> Outcome:
        if check:
            check(current)
        if expected_version is not None and current.version != expected_version:
            raise VersionConflict(
                f"Aduan sudah diubah (versi {current.version}, bukan {expected_version}); muat ulang. "
                "The complaint was changed by someone else; reload it.",
                details=state_of(current, role),
            )
        return apply(current, change, clock, now, correlation_id)

    try:
        outcome = store.change(complaint_id, decide, attempts=attempts, read=complaint)
    except ChangeRaced as lost:
        raise VersionConflict(
            "Aduan baru saja diubah oleh petugas lain; muat ulang. The complaint was just changed by someone else; reload it.",
            details=state_of(lost.latest, role) if lost.latest else None,
        ) from None
    assert outcome is not None  # apply always decides (or refuses)
    return outcome
