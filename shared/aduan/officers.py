"""Who the caller is (from the JWT claims the gateway checked) and what they may see. Pure.

Groups in the user pool are the unit ids (``dpuprpkp``, ``kel-klojen-oro-oro-dowo``), the bidang
ids (``dpuprpkp.bina-marga``) and the roles ``coordinator``, ``unit_admin`` and ``bidang``. The
rule against broken object-level authorisation (BOLA) lives here, in one place: a unit admin
reaches only the complaints dispositioned to their unit, a bidang only those its unit handed to
it, and the coordinator reaches every complaint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aduan.complaint import Complaint
from aduan.errors import Forbidden, Unauthorized
from aduan.lifecycle import Role
from aduan.repository import COORDINATOR_QUEUE

# If someone is in several role groups, the widest role counts.
ROLE_ORDER = (Role.COORDINATOR, Role.UNIT_ADMIN, Role.BIDANG)


class NotYourUnit(Forbidden):
    code = "not_your_unit"


class AccountNotConfigured(Forbidden):
    code = "account_not_configured"


@dataclass(frozen=True)
class Officer:
    sub: str
    username: str
    role: Role
    unit_id: str | None = None  # None only for a coordinator outside any unit
    bidang_id: str | None = None

    @property
    def queue(self) -> str:
        """The inbox partition that is this officer's own."""
        if self.role is Role.COORDINATOR:
            return COORDINATOR_QUEUE
        if self.unit_id is None:
            raise Forbidden("this officer belongs to no unit")
        return self.unit_id


def groups_of(claims: Mapping[str, Any]) -> list[str]:
    """`cognito:groups` as API Gateway passes it: a JWT array arrives as the string "[a b c]"."""
    raw = claims.get("cognito:groups")
    if raw is None:
        return []
    if isinstance(raw, list):
        return [str(g) for g in raw]
    text = str(raw).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [g for g in text.replace(",", " ").split() if g]


def officer_from_claims(
    claims: Mapping[str, Any] | None, units: Mapping[str, Mapping[str, Any]]
) -> Officer:
    """The officer behind verified claims, or 401/403 when the account cannot act as one."""
    if not claims or not claims.get("sub"):
        raise Unauthorized("no verified identity on this request")
    groups = groups_of(claims)
    role = next((r for r in ROLE_ORDER if r.value in groups), None)
    if role is None:
        raise AccountNotConfigured(
            "Akun ini tidak memiliki peran petugas (coordinator, unit_admin atau bidang)."
        )
    unit_groups = [g for g in groups if g in units]
    if len(unit_groups) > 1:
        raise AccountNotConfigured(
            "Akun ini terdaftar pada lebih dari satu unit; hubungi koordinator."
        )
    unit_id = unit_groups[0] if unit_groups else None
    bidang_id = None
    if role is not Role.COORDINATOR and unit_id is None:
        raise AccountNotConfigured("Akun ini belum terdaftar pada unit mana pun.")
    if role is Role.BIDANG:
        own = {b["id"] for b in units[unit_id].get("bidang", [])}  # type: ignore[index]
        bidang_groups = [g for g in groups if g in own]
        if len(bidang_groups) != 1:
            raise AccountNotConfigured(
                "Akun bidang harus terdaftar pada tepat satu bidang unitnya."
            )
        bidang_id = bidang_groups[0]
    username = str(claims.get("cognito:username") or claims.get("username") or claims["sub"])
    return Officer(
        sub=str(claims["sub"]), username=username, role=role, unit_id=unit_id, bidang_id=bidang_id
    )


def may_reach(officer: Officer, complaint: Complaint) -> bool:
    if officer.role is Role.COORDINATOR:
        return True
    if complaint.unit_id is None or complaint.unit_id != officer.unit_id:
        return False
    if officer.role is Role.BIDANG:
        return complaint.bidang_id == officer.bidang_id
    return True


def ensure_reach(officer: Officer, complaint: Complaint) -> None:
    if not may_reach(officer, complaint):
        raise NotYourUnit(
            "Pengaduan ini tidak berada di unit/bidang Anda. This complaint is not with your unit."
        )


def inbox_owner(officer: Officer, requested_unit: str | None) -> str:
    """The inbox partition an officer may list: the coordinator any (default: the coordinator's
    queue), everyone else only their own unit's."""
    if officer.role is Role.COORDINATOR:
        return requested_unit or COORDINATOR_QUEUE
    if requested_unit and requested_unit != officer.unit_id:
        raise NotYourUnit(
            "Anda hanya dapat melihat kotak masuk unit Anda. You can only list your own unit's inbox."
        )
    return officer.unit_id  # type: ignore[return-value]


def may_see_identity(officer: Officer, complaint: Complaint) -> bool:
    """Anonim (LAPOR!): the reporter's identity is hidden from the handling unit; the
    coordinator, who verifies, still sees it."""
    return officer.role is Role.COORDINATOR or not complaint.anonymous
