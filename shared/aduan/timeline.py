"""How history entries read to the public: a label per event type, and which ones are shown."""

from __future__ import annotations

PUBLIC_LABELS: dict[str, tuple[str, str]] = {
    # detail-type: (Indonesian, English)
    "ComplaintReceived": ("Pengaduan diterima", "Complaint received"),
    "ComplaintRouted": ("Menunggu verifikasi", "Awaiting verification"),
    "ComplaintNeedsTriage": ("Sedang ditelaah koordinator", "Being reviewed by the coordinator"),
    "NotificationSent": ("Tanda terima dikirim", "Acknowledgement sent"),
}


def register_labels(labels: dict[str, tuple[str, str]]) -> None:
    PUBLIC_LABELS.update(labels)


def public_label(detail_type: str, language: str = "id") -> str | None:
    """None: the entry is internal and never shown on the public status page."""
    pair = PUBLIC_LABELS.get(detail_type)
    if pair is None:
        return None
    return pair[0] if language == "id" else pair[1]
