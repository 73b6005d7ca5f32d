"""Events of the officers' workflow: every lifecycle transition, the SLA sweep's steps,
duplicate suggestions and officer notifications.

Sources name the service that writes the event: ``aduan.casework`` (the officer API and the SLA
sweep), ``aduan.intake`` (the citizen's reply and rating), ``aduan.routing`` (duplicate
suggestions) and ``aduan.notify``. Like every event, none carries a
citizen's personal data: texts a citizen wrote stay in the complaint's message items, and an
officer appears only as their opaque user-pool id (``actor_id``).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from aduan.events import DomainEvent, EventData, NotificationSentData, register
from aduan.model import Instant
from aduan.status import Status

ActorRole = Literal["coordinator", "unit_admin", "bidang", "citizen", "system"]
DeadlineKindName = Literal["verify", "answer", "auto_close"]


class TransitionData(EventData, kw_only=True, frozen=True):
    """What every transition event says: who moved the complaint, and where it is now."""

    version: int  # the complaint's version after the change
    status: Status
    sub_state: str | None = None
    unit_id: str | None = None
    bidang_id: str | None = None
    actor_role: ActorRole
    actor_id: str | None = None  # the officer's user-pool `sub`; None for citizen and system
    deadlines: dict[str, Instant] = {}


class VerifiedData(TransitionData, kw_only=True, frozen=True):
    category: str | None = None


class DispatchedData(TransitionData, kw_only=True, frozen=True):
    from_unit_id: str | None = None  # set when the coordinator re-routes


class AssignedToBidangData(TransitionData, kw_only=True, frozen=True):
    from_bidang_id: str | None = None  # set when the admin hands the work to another bidang


class DeferredData(TransitionData, kw_only=True, frozen=True):
    question: str  # what the citizen is asked (officer text, sent to the citizen)
    message_id: str


class NotAuthorityData(TransitionData, kw_only=True, frozen=True):
    reason: str
    from_unit_id: str | None = None
    proposed_unit_id: str | None = None


class ReclassifiedData(TransitionData, kw_only=True, frozen=True):
    category: str
    from_category: str | None = None
    kecamatan: str
    from_kecamatan: str | None = None
    kelurahan: str | None = None
    from_kelurahan: str | None = None


class ArchivedData(TransitionData, kw_only=True, frozen=True):
    reason_code: Literal["spam", "duplicate", "out_of_scope", "other"]
    reason: str  # shown to the citizen
    duplicate_of: str | None = None


class AnswerData(TransitionData, kw_only=True, frozen=True):
    message_id: str
    check_problems: list[str] = []  # answer_check codes at the time (empty: passes)


class DraftData(AnswerData, kw_only=True, frozen=True):
    # A new version of a draft still waiting for release: the unit admin was told of the
    # round already, so notify tells nobody again.
    redraft: bool = False


class NoteData(TransitionData, kw_only=True, frozen=True):
    message_id: str


class ClosedData(TransitionData, kw_only=True, frozen=True):
    reason: Literal["coordinator", "auto_close"]


class CitizenRepliedData(TransitionData, kw_only=True, frozen=True):
    message_id: str
    channel: str
    previous_status: Status
    reopened: bool  # a responded complaint went back to the unit
    answered_deferral: bool  # a deferred complaint went back to verification


class RatedData(TransitionData, kw_only=True, frozen=True):
    score: int
    has_comment: bool
    message_id: str | None = None


class PossibleDuplicateData(EventData, kw_only=True, frozen=True):
    candidates: list[str]  # complaint ids, most similar first
    category: str
    kecamatan: str | None = None


class DeadlineData(EventData, kw_only=True, frozen=True):
    kind: DeadlineKindName
    due: Instant
    status: Status
    unit_id: str | None = None  # None: the coordinator's deadline (verify)
    bidang_id: str | None = None
    step_key: str


class DeadlineBreachedData(DeadlineData, kw_only=True, frozen=True):
    escalated_to: Literal["unit_head", "coordinator"]


class OfficerNotifiedData(NotificationSentData, kw_only=True, frozen=True):
    recipient_role: str  # coordinator | unit_admin | unit_head | bidang


# --- events ------------------------------------------------------------------------------------


class _Officer(DomainEvent, kw_only=True, frozen=True):
    SOURCE: ClassVar[str] = "aduan.casework"


class ComplaintVerified(_Officer, kw_only=True, frozen=True):
    data: VerifiedData


class ComplaintDispatched(_Officer, kw_only=True, frozen=True):
    """Disposition to a unit (the coordinator's)."""

    data: DispatchedData


class ComplaintAssignedToBidang(_Officer, kw_only=True, frozen=True):
    """Disposition inside the unit, to the bidang that answers (the unit admin's)."""

    data: AssignedToBidangData


class ComplaintDeferred(_Officer, kw_only=True, frozen=True):
    data: DeferredData


class ComplaintNotAuthority(_Officer, kw_only=True, frozen=True):
    """Bukan wewenang: back to the coordinator's triage, or re-routed."""

    data: NotAuthorityData


class ComplaintArchived(_Officer, kw_only=True, frozen=True):
    data: ArchivedData


class ComplaintReclassified(_Officer, kw_only=True, frozen=True):
    """Ubah klasifikasi: an officer corrected the category or the area (history only)."""

    data: ReclassifiedData


class AnswerDrafted(_Officer, kw_only=True, frozen=True):
    data: DraftData


class AnswerReturnedForRework(_Officer, kw_only=True, frozen=True):
    data: NoteData


class ComplaintResponded(_Officer, kw_only=True, frozen=True):
    """The unit admin released the answer: the citizen sees it."""

    data: AnswerData


class ComplaintClosed(_Officer, kw_only=True, frozen=True):
    data: ClosedData


class InternalNoteAdded(_Officer, kw_only=True, frozen=True):
    data: NoteData


class CitizenReplied(DomainEvent, kw_only=True, frozen=True):
    SOURCE: ClassVar[str] = "aduan.intake"
    data: CitizenRepliedData


class ComplaintRated(DomainEvent, kw_only=True, frozen=True):
    SOURCE: ClassVar[str] = "aduan.intake"
    data: RatedData


class ComplaintAutoClosed(DomainEvent, kw_only=True, frozen=True):
    """The SLA sweep closed an answer the citizen left unanswered for 10 working days."""

    SOURCE: ClassVar[str] = "aduan.casework"
    data: ClosedData


class PossibleDuplicateFound(DomainEvent, kw_only=True, frozen=True):
    SOURCE: ClassVar[str] = "aduan.routing"
    data: PossibleDuplicateData


class DeadlineApproaching(DomainEvent, kw_only=True, frozen=True):
    """One working day before a deadline (the SLA sweep's reminder)."""

    SOURCE: ClassVar[str] = "aduan.casework"
    data: DeadlineData


class DeadlineBreached(DomainEvent, kw_only=True, frozen=True):
    """A deadline passed: first to the unit head, a working day later to the coordinator."""

    SOURCE: ClassVar[str] = "aduan.casework"
    data: DeadlineBreachedData


class OfficerNotified(DomainEvent, kw_only=True, frozen=True):
    """A message to an officer (internal history; never on the public timeline)."""

    SOURCE: ClassVar[str] = "aduan.notify"
    data: OfficerNotifiedData


TRANSITION_EVENTS: tuple[type[DomainEvent], ...] = (
    ComplaintVerified,
    ComplaintDispatched,
    ComplaintAssignedToBidang,
    ComplaintDeferred,
    ComplaintNotAuthority,
    ComplaintArchived,
    AnswerDrafted,
    AnswerReturnedForRework,
    ComplaintResponded,
    ComplaintClosed,
    InternalNoteAdded,
    CitizenReplied,
    ComplaintRated,
    ComplaintAutoClosed,
)
SLA_EVENTS: tuple[type[DomainEvent], ...] = (DeadlineApproaching, DeadlineBreached)

_REGISTERED: tuple[type[DomainEvent], ...] = (
    *TRANSITION_EVENTS,
    *SLA_EVENTS,
    PossibleDuplicateFound,
    OfficerNotified,
    ComplaintReclassified,
)
for _cls in _REGISTERED:
    register(_cls)
