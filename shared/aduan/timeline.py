"""How history entries read: a label per event type, and which ones the public timeline shows.

The public timeline is the citizen's own story: the steps of their complaint. Deliveries of
messages are not steps, and showing them would let anybody who sends `CEK <id>` write into a
stranger's timeline; officers still see them (`label`).
"""

from __future__ import annotations

PUBLIC_LABELS: dict[str, tuple[str, str]] = {
    # detail-type: (Indonesian, English)
    "ComplaintReceived": ("Pengaduan diterima", "Complaint received"),
    "ComplaintRouted": ("Menunggu verifikasi", "Awaiting verification"),
    "ComplaintNeedsTriage": ("Sedang ditelaah koordinator", "Being reviewed by the coordinator"),
    # Every message to the citizen is one of these (not only the acknowledgement): officers only.
    "NotificationSent": ("Pemberitahuan dikirim", "Notification sent"),
    # The officers' workflow (aduan.workflow_events). Notes, drafts, reworks, SLA steps and
    # officer notifications have no label: they are internal and never shown.
    "ComplaintVerified": ("Terverifikasi", "Verified"),
    "ComplaintDispatched": ("Didisposisikan ke perangkat daerah", "Dispositioned to the agency"),
    "ComplaintAssignedToBidang": ("Sedang ditindaklanjuti", "Being handled"),
    "ComplaintDeferred": (
        "Ditunda: menunggu keterangan pelapor",
        "Deferred: waiting for the reporter",
    ),
    "ComplaintNotAuthority": (
        "Ditelaah ulang oleh koordinator",
        "Being reviewed again by the coordinator",
    ),
    "ComplaintArchived": ("Diarsipkan", "Archived"),
    "ComplaintResponded": ("Jawaban tersedia", "Answered"),
    "ComplaintClosed": ("Selesai", "Closed"),
    "ComplaintAutoClosed": ("Selesai", "Closed"),
    "CitizenReplied": ("Tanggapan pelapor diterima", "Reporter's reply received"),
    "ComplaintRated": ("Penilaian pelapor diterima", "Reporter's rating received"),
}


def register_labels(labels: dict[str, tuple[str, str]]) -> None:
    PUBLIC_LABELS.update(labels)


# Labelled for officers, never on the public timeline.
NOT_PUBLIC = frozenset({"NotificationSent"})


def label(detail_type: str, language: str = "id") -> str | None:
    """The entry's label for officers (None: it has none)."""
    pair = PUBLIC_LABELS.get(detail_type)
    if pair is None:
        return None
    return pair[0] if language == "id" else pair[1]


def public_label(detail_type: str, language: str = "id") -> str | None:
    """None: the entry is internal and never shown on the public status page."""
    if detail_type in NOT_PUBLIC:
        return None
    pair = PUBLIC_LABELS.get(detail_type)
    if pair is None:
        return None
    return pair[0] if language == "id" else pair[1]


# The steps that change what the public sees of a complaint's state (Open311's service request
# updates are read from an index of exactly these; a citizen's reply counts when it reopens).
PUBLIC_STEPS = frozenset(
    {
        "ComplaintReceived",
        "ComplaintVerified",
        "ComplaintDispatched",
        "ComplaintAssignedToBidang",
        "ComplaintDeferred",
        "ComplaintNotAuthority",
        "ComplaintArchived",
        "ComplaintResponded",
        "ComplaintClosed",
        "ComplaintAutoClosed",
        "CitizenReplied",
    }
)
