"""Provider delivery statuses (WhatsApp `statuses[]`, Twilio status callbacks), recorded.

When notify sends a message it writes the delivery item `S#<channel>#<provider id>` / `S`
(which complaint, which notification). Each status the provider reports is one more item in
that partition (`S#sent`, `S#delivered`, `S#read`, `S#failed`), written once however often the
provider repeats it; a failure also goes on the complaint's history, where officers see it.
"""

from __future__ import annotations

from datetime import datetime

from aduan.channel_events import NotificationDeliveryFailed, NotificationDeliveryFailedData
from aduan.conversations import provider_ref
from aduan.events import EventMetadata
from aduan.repository import ComplaintRepository, DeliveryStatusRecord
from inbound.channels.inbound import DeliveryStatus


def record_statuses(
    statuses: list[DeliveryStatus], repository: ComplaintRepository, now: datetime, hash_key: str
) -> int:
    """Record each status once; returns how many were new. The provider's id is looked up as
    notify filed it: keyed-hashed (it may embed the citizen's address)."""
    recorded = 0
    for status in statuses:
        ref = provider_ref(status.channel, status.provider_message_id, hash_key)
        record = DeliveryStatusRecord(
            status=status.status,
            at=status.at,
            error=(status.error or "")[:500] or None,
            recorded_at=now,
        )
        sent = repository.delivery(status.channel, ref) if status.status == "failed" else None
        failed = (
            NotificationDeliveryFailed(
                metadata=EventMetadata(correlation_id=sent["complaint_id"], occurred_at=now),
                data=NotificationDeliveryFailedData.checked(
                    complaint_id=sent["complaint_id"],
                    channel=status.channel,
                    provider_message_id=ref,
                    status=status.status,
                    error=record.error,
                ),
            )
            if sent is not None
            else None
        )
        if repository.record_delivery_status(status.channel, ref, record, failed):
            recorded += 1
    return recorded
