"""The SP4N-LAPOR! bridge, outbound: each status change of a complaint that came from LAPOR!
is forwarded to the configured LAPOR! endpoint (lapor.sender), beside LAPOR!'s own id.

Consumes its own queue (rule -> SQS -> this function). For every step it reads the complaint
and forwards its *current* status, claimed once per complaint version, so redeliveries and
steps processed late never send a status twice or an older one after a newer. Complaints from
other channels are skipped after one read (none for ComplaintReceived, which names its channel).
The forward is recorded as ForwardedToLapor.
"""

from __future__ import annotations

import functools
from typing import Any

from aduan.channel_events import ForwardedToLapor, ForwardedToLaporData
from aduan.complaint import Complaint
from aduan.consumer import EventConsumer
from aduan.events import DomainEvent, EventMetadata
from aduan.lease import claim_lease
from aduan.observability import logger
from aduan.provider_http import SendFailed
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings, needs
from aduan.status import Status
from aduan.timeline import PUBLIC_STEPS

log = logger("lapor-bridge")

# Every step that changes what a LAPOR! reporter should see: the public steps, the same set the
# public timeline and Open311's updates use (the rule delivers exactly these).
FORWARDED = tuple(sorted(PUBLIC_STEPS))


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


def status_update(complaint: Complaint, event: DomainEvent) -> dict[str, Any]:
    """What LAPOR! is told (pure): our id, the status, and the words the reporter needs."""
    from lapor.sender import status_body

    label = complaint.status.label
    message = f"Status pengaduan {complaint.id} di {get_settings().city_name}: {label}."
    question = getattr(event.data, "question", None)
    if complaint.status is Status.DEFERRED and question:
        message += f" Mohon keterangan tambahan: {question}"
    reason = getattr(event.data, "reason", None)
    if complaint.status is Status.ARCHIVED and isinstance(reason, str):
        message += f" Alasan: {reason}"
    answered = complaint.answer if complaint.status in (Status.RESPONDED, Status.CLOSED) else None
    answer = answered.text if answered else None
    return status_body(complaint.id, complaint.status.value, label, message, answer)


def forward(event: DomainEvent) -> str:
    if (
        event.detail_type() == "ComplaintReceived"
        and getattr(event.data, "channel", None) != "lapor"
    ):
        return "not_from_lapor"  # the event says where it came from: no read needed
    repo = repository()
    complaint = repo.get(event.data.complaint_id)
    if complaint is None:
        raise LookupError(f"complaint {event.data.complaint_id} not found")
    lapor_id = complaint.external_refs.get("lapor")
    if not lapor_id:
        return "not_from_lapor"
    key = f"X#lapor#v{complaint.version}"
    # leased for LaporBridgeFunction's timeout (aduan.lease); a live claim is waited for
    if not repo.claim(complaint.id, key, claim_lease()):
        return "already_forwarded"
    from lapor.sender import send_lapor_status

    try:
        send_lapor_status(get_settings(), lapor_id, status_update(complaint, event))
    except SendFailed as failure:
        repo.release(complaint.id, key)
        if failure.permanent:
            log.error(
                "LAPOR! refused the status",
                extra={"complaint_id": complaint.id, "error": str(failure)[:300]},
            )
        raise  # the record fails: SQS retries it, then the DLQ keeps it
    recorded = ForwardedToLapor(
        metadata=EventMetadata(correlation_id=event.metadata.correlation_id),
        data=ForwardedToLaporData(
            complaint_id=complaint.id,
            lapor_tracking_id=lapor_id,
            status=complaint.status,
            version=complaint.version,
        ),
    )
    repo.append_events(
        complaint.id,
        [recorded],
        extra=[repo.claim_done(complaint.id, key, {"status": complaint.status.value})],
    )
    return "forwarded"


HANDLERS = dict.fromkeys(FORWARDED, forward)


consumer = EventConsumer("lapor-bridge", HANDLERS)


@log.inject_lambda_context
@needs("table_name")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return consumer(event, context)
