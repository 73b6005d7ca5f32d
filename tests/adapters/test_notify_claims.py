"""notify.deliver against a real moto table: a claim another invocation holds, at once and after
it has died."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aduan.complaint import ComplaintForm
from aduan.errors import ClaimHeld, NotFound
from aduan.lease import WITHOUT_CONTEXT as CLAIM_LEASE
from aduan.provider_http import SendFailed
from aduan.repository import ComplaintRepository
from notify.deliver import AcknowledgementClaim, DeliveryIncomplete, deliver
from notify.messages import Message, Recipient
from web.complaints import build_complaint

NOW = datetime.now(UTC)


def a_complaint(repository: ComplaintRepository) -> str:
    form = ComplaintForm.checked(
        title="Lampu jalan mati", description="Lampu jalan di Jl. Ijen mati sejak tiga malam"
    )
    complaint, event = build_complaint(form, "web", NOW, "A0B1C-D2E3G", "req")
    repository.create(complaint, [event], {"identity": "sealed", "contact_channels": []})
    return complaint.id


def messages() -> list[Message]:
    return [
        Message(Recipient("sms", "6281234567890"), "acknowledgement", "Aduan diterima"),
        Message(Recipient("email", "warga@example.org"), "acknowledgement", "Aduan diterima"),
    ]


def test_a_step_meeting_a_live_claim_sends_nothing_and_waits_for_the_lease(complaint_table):
    repository = ComplaintRepository(*complaint_table)
    complaint_id = a_complaint(repository)
    # GIVEN another invocation claimed the step a moment ago (it is sending, or it died);
    # deliver reads the clock itself, so "a moment ago" is now, not the module's import time
    # (in a whole suite that is longer ago than the lease)
    now = datetime.now(UTC)
    assert repository.claim(complaint_id, "N#evt-1", CLAIM_LEASE, now=now)
    sent: list[str] = []

    def send(message: Message) -> str:
        sent.append(message.recipient.channel)
        return f"id-{message.recipient.channel}"

    # WHEN the step is delivered
    with pytest.raises(ClaimHeld) as held:
        deliver(complaint_id, "evt-1", "corr", messages(), send, repository, "k" * 32)
    # THEN nothing went, and the record is told to come back when the lease runs out
    assert sent == []
    assert 0 < held.value.retry_after_s <= CLAIM_LEASE.total_seconds()
    # AND when it comes back and the claim is older than the lease (its holder has ended), each
    # message is sent once, and a redelivery after that sends nothing
    repository.release(complaint_id, "N#evt-1")
    dead = now - CLAIM_LEASE - timedelta(seconds=1)
    assert repository.claim(complaint_id, "N#evt-1", CLAIM_LEASE, now=dead)
    for _ in range(2):
        deliver(complaint_id, "evt-1", "corr", messages(), send, repository, "k" * 32)
    assert sent == ["sms", "email"]
    _, history = repository.with_history(complaint_id)
    assert [h.detail_type for h in history].count("NotificationSent") == 2


def test_a_step_with_a_transient_failure_records_the_rest_and_the_retry_sends_only_that(
    complaint_table,
):
    repository = ComplaintRepository(*complaint_table)
    complaint_id = a_complaint(repository)
    sent: list[str] = []
    down = {"sms"}

    def send(message: Message) -> str:
        if message.recipient.channel in down:
            raise SendFailed("503 from the SMS provider", permanent=False)
        sent.append(message.recipient.channel)
        return f"id-{message.recipient.channel}"

    # GIVEN the SMS provider is down: the e-mail goes and is recorded, the record is retried
    with pytest.raises(DeliveryIncomplete):
        deliver(complaint_id, "evt-2", "corr", messages(), send, repository, "k" * 32)
    assert sent == ["email"]
    # WHEN it is back and the record comes again (twice: a redelivery after that too)
    down.clear()
    for _ in range(2):
        deliver(complaint_id, "evt-2", "corr", messages(), send, repository, "k" * 32)
    # THEN only the SMS went, once; each is in the history once
    assert sent == ["email", "sms"]
    _, history = repository.with_history(complaint_id)
    assert [h.detail_type for h in history].count("NotificationSent") == 2


def test_a_step_whose_holder_died_after_recording_part_sends_only_the_rest(complaint_table):
    repository = ComplaintRepository(*complaint_table)
    complaint_id = a_complaint(repository)
    sent: list[str] = []
    down = {"sms"}

    def send(message: Message) -> str:
        if message.recipient.channel in down:
            raise SendFailed("503", permanent=False)
        sent.append(message.recipient.channel)
        return f"id-{message.recipient.channel}"

    with pytest.raises(DeliveryIncomplete):
        deliver(complaint_id, "evt-3", "corr", messages(), send, repository, "k" * 32)
    # GIVEN the retry took the released step and died before sending (its claim expired)
    dead = datetime.now(UTC) - CLAIM_LEASE - timedelta(seconds=1)
    assert repository.claim(complaint_id, "N#evt-3", CLAIM_LEASE, now=dead)
    down.clear()
    # WHEN the next delivery takes the expired claim over
    deliver(complaint_id, "evt-3", "corr", messages(), send, repository, "k" * 32)
    # THEN the e-mail the first one recorded is not sent again
    assert sent == ["email", "sms"]


def a_reporter(repository: ComplaintRepository, ack_key: bool = True) -> str:
    form = ComplaintForm.checked(
        title="Lampu jalan mati", description="Lampu jalan di Jl. Ijen mati sejak tiga malam"
    )
    complaint, event = build_complaint(form, "web", NOW, "A0B1C-D2E3H", "req")
    reporter = {"identity": "sealed", "contact_channels": ["sms", "email"]}
    if ack_key:
        reporter["ack_key"] = "sealed key"
    repository.create(complaint, [event], reporter)
    return complaint.id


def test_the_acknowledgement_is_claimed_on_the_reporter_item_and_its_end_drops_the_key(
    complaint_table,
):
    repository = ComplaintRepository(*complaint_table)
    complaint_id = a_reporter(repository)
    sent: list[str] = []
    down = {"sms"}

    def send(message: Message) -> str:
        if message.recipient.channel in down:
            raise SendFailed("503", permanent=False)
        sent.append(message.recipient.channel)
        return f"id-{message.recipient.channel}"

    # GIVEN the claim, which reads the reporter in the same write
    claim = AcknowledgementClaim.take(repository, complaint_id)
    assert claim is not None and claim.reporter["identity"] == "sealed"
    assert not claim.taken_over
    # AND a second delivery meanwhile waits for the lease
    with pytest.raises(ClaimHeld):
        AcknowledgementClaim.take(repository, complaint_id)
    # WHEN the SMS provider is down: the e-mail is recorded, the key stays for the retry
    with pytest.raises(DeliveryIncomplete):
        deliver(complaint_id, "evt-a", "corr", messages(), send, repository, "k" * 32, claim)
    reporter = repository.get_reporter(complaint_id)
    assert reporter is not None and reporter["ack_key"] == "sealed key"
    assert reporter["ack_state"] == "released"
    # AND the retry takes the released claim over and sends only the SMS
    down.clear()
    claim = AcknowledgementClaim.take(repository, complaint_id)
    assert claim is not None and claim.taken_over
    deliver(complaint_id, "evt-a", "corr", messages(), send, repository, "k" * 32, claim)
    assert sent == ["email", "sms"]
    # THEN the key is gone with the step's end, and a redelivery finds it done
    reporter = repository.get_reporter(complaint_id)
    assert reporter is not None and "ack_key" not in reporter and reporter["ack_state"] == "done"
    assert reporter["identity"] == "sealed"
    assert AcknowledgementClaim.take(repository, complaint_id) is None
    _, history = repository.with_history(complaint_id)
    assert [h.detail_type for h in history].count("NotificationSent") == 2


def test_an_acknowledgement_claim_left_by_a_dead_invocation_is_taken_over_after_the_lease(
    complaint_table,
):
    repository = ComplaintRepository(*complaint_table)
    complaint_id = a_reporter(repository, ack_key=False)
    dead = datetime.now(UTC) - CLAIM_LEASE - timedelta(seconds=1)
    assert repository.claim_acknowledgement(complaint_id, CLAIM_LEASE, now=dead) is not None
    claim = AcknowledgementClaim.take(repository, complaint_id)
    assert claim is not None and claim.taken_over
    # nothing was recorded by the dead one: every message goes
    sent = deliver(
        complaint_id, "evt-b", "corr", messages(), lambda m: "id", repository, "k" * 32, claim
    )
    assert len(sent) == 2


def test_no_reporter_item_is_not_found_and_writes_nothing(complaint_table):
    repository = ComplaintRepository(*complaint_table)
    with pytest.raises(NotFound):
        AcknowledgementClaim.take(repository, "ZZZZZ-ZZZZZ")
    assert repository.get_reporter("ZZZZZ-ZZZZZ") is None
