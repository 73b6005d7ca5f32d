"""The citizen's side of the workflow on the web: a reply (it answers a deferral, or reopens an
answer) and a rating of the answer. The tracking id only names the complaint (anybody may know
it); acting needs the citizen's access key too (aduan.access_key), sent in the `X-Access-Key`
header. Without it, with a wrong one, or for an id that does not exist, the answer is the same
403 and nothing changes, so the answer tells a stranger nothing. Chat channels reach the same
``aduan.workflow.act`` with ``channel`` set, through the sender's verified address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from aduan import access_key
from aduan.complaint import Complaint
from aduan.errors import Forbidden
from aduan.lifecycle import Action
from aduan.model import Form, Meta, Model
from aduan.repository import ComplaintRepository
from aduan.tracking import normalize_tracking_id
from aduan.workflow import CITIZEN, Change, act, load_clock

# A citizen has no screen to reload: a lost race with an officer is simply decided again.
ATTEMPTS = 3


class ReplyForm(Form, kw_only=True):
    text: Annotated[str, Meta(min_length=1, max_length=5000, pattern=r"\S")]


class RatingForm(Form, kw_only=True):
    # 4 and 4.0 are the same score (a Form reads both as 4); "4" and true are not numbers.
    score: Annotated[int, Meta(ge=1, le=5)]
    comment: Annotated[str, Meta(max_length=2000)] | None = None


class CitizenActionAnswer(Model, kw_only=True):
    tracking_id: str
    status: str
    status_label: str
    message_id: str | None = None


FORBIDDEN = (
    "Hanya pelapor yang dapat membalas atau menilai pengaduan ini: buka tautan pribadi dari "
    "pesan tanda terima."
)
FORBIDDEN_EN = (
    "Only the reporter can reply to or rate this complaint: open the private link from the "
    "acknowledgement."
)


def _theirs(tracking_id: str, key: str | None, repository: ComplaintRepository) -> Complaint:
    """The complaint, if `key` is its access key; otherwise Forbidden (the same for every case)."""
    canonical = normalize_tracking_id(tracking_id)
    complaint = repository.get(canonical) if canonical else None
    if complaint is None or not access_key.matches(complaint.id, key, complaint.access_key_hash):
        raise Forbidden(FORBIDDEN, message_en=FORBIDDEN_EN, code="access_key_required")
    return complaint


def _still_theirs(key: str | None) -> Any:
    def check(complaint: Complaint) -> None:
        if not access_key.matches(complaint.id, key, complaint.access_key_hash):
            raise Forbidden(FORBIDDEN, message_en=FORBIDDEN_EN, code="access_key_required")

    return check


def _answer(outcome: Any) -> dict[str, Any]:
    complaint = outcome.complaint
    return CitizenActionAnswer(
        tracking_id=complaint.id,
        status=complaint.status.value,
        status_label=complaint.status.label,
        message_id=outcome.messages[0]["message_id"] if outcome.messages else None,
    ).to_dict()


def reply(
    tracking_id: str,
    key: str | None,
    payload: Any,
    repository: ComplaintRepository,
    now: datetime,
    correlation_id: str = "",
) -> dict[str, Any]:
    complaint = _theirs(tracking_id, key, repository)
    form = ReplyForm.parse(payload)
    change = Change(Action.CITIZEN_REPLY, CITIZEN, text=form.text, channel="web")
    return _act_as_citizen(complaint, key, change, repository, now, correlation_id)


def rate(
    tracking_id: str,
    key: str | None,
    payload: Any,
    repository: ComplaintRepository,
    now: datetime,
    correlation_id: str = "",
) -> dict[str, Any]:
    complaint = _theirs(tracking_id, key, repository)
    form = RatingForm.parse(payload)
    change = Change(Action.RATE, CITIZEN, score=form.score, text=form.comment)
    return _act_as_citizen(complaint, key, change, repository, now, correlation_id)


def _act_as_citizen(
    complaint: Complaint,
    key: str | None,
    change: Change,
    repository: ComplaintRepository,
    now: datetime,
    correlation_id: str,
) -> dict[str, Any]:
    """One citizen step through the workflow, the key checked again on every retry."""
    outcome = act(
        repository,
        complaint.id,
        change,
        load_clock(repository),
        now,
        correlation_id=correlation_id,
        attempts=ATTEMPTS,
        check=_still_theirs(key),
        complaint=complaint,
    )
    return _answer(outcome)
