"""Provider delivery statuses (WhatsApp `statuses[]`, Twilio status callbacks), recorded.

When notify sends a message it writes the delivery item `S#<channel>#<provider id>` / `S`
(which complaint, which notification). Each status the provider reports is one more item in
that partition (`S#sent`, `S#delivered`, `S#read`, `S#failed`), written once however often the
provider repeats it; a failure also goes on the complaint's history, where officers see it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aduan.channel_events import NotificationDeliveryFailed, NotificationDeliveryFailedData
from aduan.events import EventMetadata
from aduan.repository import ComplaintRepository, ConditionsFailed, event_item
from intake.channels.inbound import DeliveryStatus

STATUS_TTL = timedelta(days=90)


def delivery_pk(channel: str, provider_message_id: str) -> str:
    return f"S#{channel}#{provider_message_id}"


def record_statuses(statuses: list[DeliveryStatus], repository: ComplaintRepository, now: datetime) -> int:
    """Record each status once; returns how many were new."""
    recorded = 0
    for status in statuses:
        pk = delivery_pk(status.channel, status.provider_message_id)
        item = {
            "PK": pk,
            "SK": f"S#{status.status}",
            "kind": "delivery_status",
            "status": status.status,
            "at": status.at.isoformat(),
            "error": (status.error or "")[:500] or None,
            "ttl": int((now + STATUS_TTL).timestamp()),
        }
        writes = [repository.put_op(item, "attribute_not_exists(PK)")]
        sent = repository.get_item(pk, "S") if status.status == "failed" else None
        if sent is not None:
            failed = NotificationDeliveryFailed(
                metadata=EventMetadata(correlation_id=sent["complaint_id"], occurred_at=now),
                data=NotificationDeliveryFailedData(
                    complaint_id=sent["complaint_id"],
                    channel=status.channel,
                    provider_message_id=status.provider_message_id,
                    status=status.status,
                    error=item["error"],
                ),
            )
            writes.append(repository.put_op(event_item(failed), "attribute_not_exists(PK)"))
        try:
            repository.transact(writes)
        except ConditionsFailed:
            continue  # the provider repeated a status we have
        recorded += 1
    return recorded
