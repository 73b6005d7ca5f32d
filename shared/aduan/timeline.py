"""How history entries read to the public: a label per event type, and which ones are shown."""

from __future__ import annotations

PUBLIC_LABELS: dict[str, tuple[str, str]] = {
    # detail-type: (Indonesian, English)
    "ComplaintReceived": ("Pengaduan diterima", "Complaint received"),
    "ComplaintRouted": ("Menunggu verifikasi", "Awaiting verification"),
    "ComplaintNeedsTriage": ("Sedang ditelaah koordinator", "Being reviewed by the coordinator"),
    # Every message to the citizen is one of these (not only the acknowledgement).
    "NotificationSent": ("Pemberitahuan dikirim", "Notification sent"),
    # The officers' workflow (aduan.workflow_events). Notes, drafts, reworks, SLA steps and
    # officer notifications have no label: they are internal and never shown.
    "ComplaintVerified": ("Terverifikasi", "Verified"),
    "ComplaintDispatched": ("Didisposisikan ke perangkat daerah", "Dispositioned to the agency"),
    "ComplaintAssignedToBidang": ("Sedang ditindaklanjuti", "Being handled"),
    "ComplaintDeferred": ("Ditunda: menunggu keterangan pelapor", "Deferred: waiting for the reporter"),
    "ComplaintNotAuthority": ("Ditelaah ulang oleh koordinator", "Being reviewed again by the coordinator"),
    "ComplaintArchived": ("Diarsipkan", "Archived"),
    "ComplaintResponded": ("Jawaban tersedia", "Answered"),
    "ComplaintClosed": ("Selesai", "Closed"),
    "ComplaintAutoClosed": ("Selesai", "Closed"),
    "CitizenReplied": ("Tanggapan pelapor diterima", "Reporter's reply received"),
    "ComplaintRated": ("Penilaian pelapor diterima", "Reporter's rating received"),
}


def register_labels(labels: dict[str, tuple[str, str]]) -> None:
    PUBLIC_LABELS.update(labels)


def public_label(detail_type: str, language: str = "id") -> str | None:
    """None: the entry is internal and never shown on the public status page."""
    pair = PUBLIC_LABELS.get(detail_type)
    if pair is None:
        return None
    return pair[0] if language == "id" else pair[1]
