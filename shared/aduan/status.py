"""The complaint lifecycle's statuses, as SP4N-LAPOR! names them (code name -> Indonesian label)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    DEFERRED = "deferred"
    VERIFIED = "verified"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESPONDED = "responded"
    CLOSED = "closed"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return LABELS_ID[self]

    @property
    def label_en(self) -> str:
        return LABELS_EN[self]

    @property
    def is_open(self) -> bool:
        return self not in (Status.CLOSED, Status.ARCHIVED)


class SubState(StrEnum):
    """Where a complaint is within its status; not a lifecycle status.

    Before verification: routing's confident proposal (``proposed``) or its doubt (``triage``);
    ``returned``: a unit said "not our authority" and the coordinator disposes again. Inside the
    unit (``in_progress``): with a bidang, a drafted answer waiting for release, or sent back
    for rework.
    """

    PROPOSED = "proposed"
    TRIAGE = "triage"
    RETURNED = "returned"
    WITH_BIDANG = "with_bidang"
    DRAFT_PENDING_RELEASE = "draft_pending_release"
    REWORK_REQUESTED = "rework_requested"


LABELS_ID: dict[Status, str] = {
    Status.RECEIVED: "Belum diverifikasi",
    Status.DEFERRED: "Ditunda",
    Status.VERIFIED: "Terverifikasi",
    Status.DISPATCHED: "Terdisposisi",
    Status.IN_PROGRESS: "Diproses",
    Status.RESPONDED: "Ditindaklanjuti",
    Status.CLOSED: "Selesai",
    Status.ARCHIVED: "Diarsipkan",
}

LABELS_EN: dict[Status, str] = {
    Status.RECEIVED: "Not yet verified",
    Status.DEFERRED: "Deferred",
    Status.VERIFIED: "Verified",
    Status.DISPATCHED: "Dispositioned",
    Status.IN_PROGRESS: "In progress",
    Status.RESPONDED: "Answered",
    Status.CLOSED: "Closed",
    Status.ARCHIVED: "Archived",
}
