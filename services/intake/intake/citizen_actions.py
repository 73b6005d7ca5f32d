"""The citizen's side of the workflow on the web: a reply (it answers a deferral, or reopens an
answer) and a rating of the answer. Both are keyed by the tracking id, the citizen's only
credential, exactly like the public status page. Chat channels reach the same
``aduan.workflow.act`` with ``channel`` set (issue 3's webhooks).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aduan.errors import NotFound
from aduan.lifecycle import Action
from aduan.repository import ComplaintRepository
from aduan.tracking import normalize_tracking_id
from aduan.workflow import CITIZEN, Change, act, load_clock

# A citizen has no screen to reload: a lost race with an officer is simply decided again.
ATTEMPTS = 3


class ReplyForm(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=5000)


class RatingForm(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    score: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


class CitizenActionAnswer(BaseModel):
    tracking_id: str
    status: str
    status_label: str
    message_id: str | None = None


def _canonical(tracking_id: str) -> str:
    canonical = normalize_tracking_id(tracking_id)
    if canonical is None:
        raise NotFound("no complaint has this tracking id")
    return canonical


def _answer(outcome: Any) -> dict[str, Any]:
    complaint = outcome.complaint
    return CitizenActionAnswer(
        tracking_id=complaint.id,
        status=complaint.status.value,
        status_label=complaint.status.label,
        message_id=outcome.messages[0]["message_id"] if outcome.messages else None,
    ).model_dump()


def reply(tracking_id: str, payload: Any, repository: ComplaintRepository, correlation_id: str = "") -> dict[str, Any]:
    form = ReplyForm.model_validate(payload)
    change = Change(Action.CITIZEN_REPLY, CITIZEN, text=form.text, channel="web")
    outcome = act(repository, _canonical(tracking_id), change, load_clock(repository), datetime.now(UTC), correlation_id=correlation_id, attempts=ATTEMPTS)
    return _answer(outcome)


def rate(tracking_id: str, payload: Any, repository: ComplaintRepository, correlation_id: str = "") -> dict[str, Any]:
    form = RatingForm.model_validate(payload)
    change = Change(Action.RATE, CITIZEN, score=form.score, text=form.comment)
    outcome = act(repository, _canonical(tracking_id), change, load_clock(repository), datetime.now(UTC), correlation_id=correlation_id, attempts=ATTEMPTS)
    return _answer(outcome)
