"""The SLA sweep (EventBridge Scheduler, every 5 minutes): reminders, breaches, escalations and
auto-close, each emitted once.

It reads only the due buckets of the sparse Deadlines index (never a Scan): a complaint sits in
the bucket of its next SLA checkpoint, so the buckets from a few days back up to today hold
everything due now. Each complaint is then read consistently and decided by ``casework.sla.plan``;
the events go out through the outbox with the step keys recorded in the same conditional write,
so an overlapping or repeated sweep emits nothing twice (the loser of a race re-reads and finds
the steps done). "Now" is the schedule's own time, so a test fires the sweep at a chosen moment.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from aduan.errors import NotFound
from aduan.observability import count, logger
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings, needs
from aduan.store import ComplaintStore
from aduan.workflow import Clock, load_clock
from casework.sla import plan

log = logger("sla-sweep")

# A complaint stays in its checkpoint's bucket until a sweep moves it on, so an outage shorter
# than this is caught up on the next run; the buckets before it are empty in normal operation.
LOOKBACK_DAYS = 14
MAX_COMPLAINTS_PER_RUN = 1000  # the rest waits 5 minutes rather than the function timing out
ATTEMPTS = 3


@functools.cache
def repository() -> ComplaintRepository:
    return ComplaintRepository(get_settings().table_name)


def buckets(now: datetime, lookback_days: int = LOOKBACK_DAYS) -> list[str]:
    today = now.astimezone(UTC).date()
    return [(today - timedelta(days=back)).isoformat() for back in range(lookback_days, -1, -1)]


def due_complaints(repo: ComplaintStore, now: datetime) -> list[str]:
    ids: list[str] = []
    for day in buckets(now):
        ids += [i for i in repo.due_for_sweep(day, now) if i not in ids]
    return ids


def sweep_one(repo: ComplaintStore, complaint_id: str, now: datetime, clock: Clock) -> list[str]:
    """Emit what is due for one complaint; the detail types emitted (empty: nothing was due).
    An officer or another sweep writing meanwhile: decided again on the new state."""
    try:
        done = repo.change(complaint_id, lambda c: plan(c, now, clock), attempts=ATTEMPTS)
    except NotFound:
        return []
    return [event.detail_type() for event in done.events] if done else []


def run(now: datetime, repo: ComplaintStore | None = None) -> dict[str, Any]:
    repo = repo or repository()
    clock = load_clock(repo)
    ids = due_complaints(repo, now)
    emitted: dict[str, int] = {}
    failed: list[str] = []
    for complaint_id in ids[:MAX_COMPLAINTS_PER_RUN]:
        try:
            for detail_type in sweep_one(repo, complaint_id, now, clock):
                emitted[detail_type] = emitted.get(detail_type, 0) + 1
        except Exception:  # one bad complaint must not hold up every other deadline
            log.exception("sweep failed for a complaint", extra={"complaint_id": complaint_id})
            failed.append(complaint_id)
    summary = {
        "now": now.isoformat(),
        "due": len(ids),
        "emitted": emitted,
        "failed": failed,
        "deferred": max(len(ids) - MAX_COMPLAINTS_PER_RUN, 0),
    }
    log.info("sla sweep", extra=summary)
    count("SlaBreaches", emitted.get("DeadlineBreached", 0))
    if failed:
        # The schedule retries the invocation; what was emitted is recorded and not repeated.
        raise RuntimeError(f"sweep failed for {len(failed)} complaint(s)")
    return summary


def scheduled_time(event: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return datetime.now(UTC)


@log.inject_lambda_context
@needs("table_name")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run(scheduled_time(event))
