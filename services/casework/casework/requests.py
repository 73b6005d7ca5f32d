"""The officer API's request bodies (typed at the boundary) and their checks against reference
data: a unit must exist, a bidang must belong to the complaint's unit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from aduan.complaint import Complaint
from aduan.errors import Unprocessable
from aduan.lifecycle import Action, Role
from aduan.model import Form, Meta
from aduan.officers import Officer
from aduan.tracking import normalize_tracking_id
from aduan.workflow import Actor, Change

# What an officer can ask for (the lifecycle table still decides per role and status).
OfficerAction = Literal[
    "verify",
    "defer",
    "not_authority",
    "archive",
    "dispatch",
    "draft_answer",
    "release",
    "return_for_rework",
    "add_note",
    "close",
    "reclassify",
]


# The version the officer's screen showed: a stale screen gets 409 and the current state.
_Version = Annotated[int, Meta(ge=1)]


def _at_most(n: int) -> Meta:
    return Meta(max_length=n)


class ActionRequest(Form, kw_only=True):
    action: OfficerAction
    version: _Version | None = None
    unit_id: Annotated[str, _at_most(80)] | None = None
    bidang_id: Annotated[str, _at_most(120)] | None = None
    verify_only: bool = False
    text: Annotated[str, _at_most(10_000)] | None = None
    reason_code: Literal["spam", "duplicate", "out_of_scope", "other"] | None = None
    duplicate_of: Annotated[str, _at_most(20)] | None = None
    category: Annotated[str, _at_most(60)] | None = None
    kecamatan: Annotated[str, _at_most(80)] | None = None
    kelurahan: Annotated[str, _at_most(80)] | None = None


class NoteRequest(Form, kw_only=True):
    # Something to read: not empty, not only spaces.
    text: Annotated[str, Meta(min_length=1, max_length=10_000, pattern=r"\S")]
    version: _Version | None = None


def actor_of(officer: Officer) -> Actor:
    return Actor(officer.role, officer.sub, officer.unit_id, officer.bidang_id)


def change_of(request: ActionRequest, officer: Officer) -> Change:
    return Change(
        action=Action(request.action),
        actor=actor_of(officer),
        text=request.text,
        unit_id=request.unit_id,
        bidang_id=request.bidang_id,
        verify_only=request.verify_only,
        reason_code=request.reason_code,
        category=request.category,
        kecamatan=request.kecamatan,
        kelurahan=request.kelurahan,
        duplicate_of=(normalize_tracking_id(request.duplicate_of) or request.duplicate_of)
        if request.duplicate_of
        else None,
    )


def check_references(
    change: Change, complaint: Complaint, units: Mapping[str, Mapping[str, Any]]
) -> None:
    """422 for a unit or bidang that does not exist (or is not the complaint's unit's)."""
    if change.unit_id is not None and change.unit_id not in units:
        raise Unprocessable(f"unknown unit {change.unit_id!r}", code="unknown_unit")
    if change.bidang_id is not None:
        if change.actor.role is not Role.UNIT_ADMIN:
            raise Unprocessable(
                "only a unit admin dispositions to a bidang", code="unexpected_field"
            )
        own = {b["id"] for b in units.get(complaint.unit_id or "", {}).get("bidang", [])}
        if change.bidang_id not in own:
            raise Unprocessable(
                f"bidang {change.bidang_id!r} is not a bidang of {complaint.unit_id}",
                code="unknown_bidang",
            )


def _field_error(field: str, message: str, code: str) -> Unprocessable:
    return Unprocessable(
        message, code=code, details={"fields": [{"field": field, "problem": message}]}
    )


def check_classification(
    change: Change, categories: list[dict[str, Any]], gazetteer: Mapping[str, Any]
) -> None:
    """422 (naming the field) for a category, kecamatan or kelurahan that is not the city's."""
    if change.action is not Action.RECLASSIFY:
        return
    if not change.category:
        raise _field_error("category", "Pilih kategori.", "missing_field")
    if change.category not in {c["id"] for c in categories}:
        raise _field_error(
            "category", f"Kategori {change.category!r} tidak dikenal.", "unknown_category"
        )
    kecamatan = {k["id"]: k for k in gazetteer.get("kecamatan", [])}
    if not change.kecamatan:
        raise _field_error("kecamatan", "Pilih kecamatan.", "missing_field")
    if change.kecamatan not in kecamatan:
        raise _field_error(
            "kecamatan", f"Kecamatan {change.kecamatan!r} tidak dikenal.", "unknown_area"
        )
    if change.kelurahan is not None:
        own = {k["id"] for k in kecamatan[change.kecamatan].get("kelurahan", [])}
        if change.kelurahan not in own:
            raise _field_error(
                "kelurahan",
                f"Kelurahan {change.kelurahan!r} tidak berada di kecamatan {change.kecamatan}.",
                "unknown_area",
            )
