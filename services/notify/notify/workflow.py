"""Who hears of each step of the officers' workflow, with which template (pure decisions), and
the handler that sends it (through notify.deliver: at least once, recorded once per recipient).

Citizens hear of verification, disposition (which unit), a deferral's question, the answer, the
closure (with a request to rate) and an archiving (with the complaint to follow, for a
duplicate), on the contacts they gave. Officers hear of new work, approaching deadlines and
escalations, by e-mail (and chat where their contact has one); their addresses are reference
data on the units (``contacts`` in infra/seed/units.json), not personal data of citizens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aduan import crypto, reference
from aduan import workflow_events as ev
from aduan.access_key import private_link
from aduan.calendar import load_zone
from aduan.complaint import Complaint
from aduan.events import DomainEvent
from aduan.repository import ComplaintRepository
from aduan.settings import get_settings
from notify.deliver import Send, deliver
from notify.messages import Message, Recipient, recipients_of, render

OFFICER_CHANNELS = ("email", "telegram", "whatsapp")


@dataclass(frozen=True)
class Audience:
    """An officer recipient: their role for this step and where their address is in a unit."""

    role: str  # coordinator | unit_admin | unit_head | bidang
    unit_id: str | None
    bidang_id: str | None = None


@dataclass(frozen=True)
class Plan:
    citizen_template: str | None = None
    officer_template: str | None = None
    officers: tuple[Audience, ...] = ()
    work: str | None = None  # which "new work" phrase (officer_new_work)


def plan_for(event: DomainEvent) -> Plan:
    """Whom an event is for (pure)."""
    d: Any = event.data
    coordinator = Audience("coordinator", None)
    if isinstance(event, ev.ComplaintVerified):
        # Verified with a unit in the same change: the dispatch message says both.
        return Plan("verified" if d.unit_id is None else None)
    if isinstance(event, ev.ComplaintDispatched):
        return Plan(
            "dispatched", "officer_new_work", (Audience("unit_admin", d.unit_id),), "dispatched"
        )
    if isinstance(event, ev.ComplaintAssignedToBidang):
        return Plan(
            None, "officer_new_work", (Audience("bidang", d.unit_id, d.bidang_id),), "assigned"
        )
    if isinstance(event, ev.ComplaintDeferred):
        return Plan("deferred")
    if isinstance(event, ev.ComplaintNotAuthority):
        officers = (coordinator,) if d.actor_role == "unit_admin" else ()
        return Plan(None, "officer_new_work", officers, "returned")
    if isinstance(event, ev.ComplaintArchived):
        return Plan("archived")
    if isinstance(event, ev.AnswerDrafted):
        if d.redraft:  # one notice per draft round, however often the bidang redrafts
            return Plan()
        return Plan(None, "officer_new_work", (Audience("unit_admin", d.unit_id),), "drafted")
    if isinstance(event, ev.AnswerReturnedForRework):
        return Plan(
            None, "officer_new_work", (Audience("bidang", d.unit_id, d.bidang_id),), "rework"
        )
    if isinstance(event, ev.ComplaintResponded):
        return Plan("answered")
    if isinstance(event, ev.ComplaintClosed | ev.ComplaintAutoClosed):
        return Plan("closed")
    if isinstance(event, ev.CitizenReplied):
        if d.reopened:
            return Plan(
                None, "officer_new_work", (Audience("bidang", d.unit_id, d.bidang_id),), "reopened"
            )
        if d.answered_deferral:
            return Plan(None, "officer_new_work", (coordinator,), "deferral_answered")
        return Plan()
    if isinstance(event, ev.DeadlineApproaching):
        return Plan(None, "officer_deadline_approaching", (owner_of(d),))
    if isinstance(event, ev.DeadlineBreached):
        if d.escalated_to == "unit_head":
            return Plan(None, "officer_deadline_breached", (Audience("unit_head", d.unit_id),))
        return Plan(None, "officer_deadline_breached", (coordinator,))
    return Plan()


def owner_of(data: Any) -> Audience:
    """Who is reminded of a deadline: the coordinator for verification, else the bidang working
    on it, else the unit's admin."""
    if data.kind == "verify" or data.unit_id is None:
        return Audience("coordinator", None)
    if data.bidang_id:
        return Audience("bidang", data.unit_id, data.bidang_id)
    return Audience("unit_admin", data.unit_id)


def officer_recipients(audience: Audience, units: dict[str, dict[str, Any]]) -> list[Recipient]:
    """The officer's addresses from the units' reference data (pure). The coordinator is the
    unit whose role is "coordinator"; a unit head of no unit (a verify deadline) is the
    coordinator unit's head."""
    coordinator_unit = next((u for u in units.values() if u.get("role") == "coordinator"), {})
    unit = units.get(audience.unit_id or "") or coordinator_unit
    if audience.role == "coordinator":
        contact, name = (
            coordinator_unit.get("contacts", {}).get("admin", {}),
            f"Koordinator {coordinator_unit.get('name', '')}".strip(),
        )
    elif audience.role == "unit_head":
        contact, name = (
            unit.get("contacts", {}).get("head", {}),
            f"Kepala {unit.get('name', '')}".strip(),
        )
    elif audience.role == "bidang":
        bidang = next((b for b in unit.get("bidang", []) if b["id"] == audience.bidang_id), None)
        if bidang is None:  # not yet with a bidang: the unit admin holds it
            return officer_recipients(Audience("unit_admin", audience.unit_id), units)
        contact, name = bidang.get("contacts", {}), bidang["name"]
    else:
        contact, name = (
            unit.get("contacts", {}).get("admin", {}),
            f"Admin {unit.get('name', '')}".strip(),
        )
    return [
        Recipient(channel, str(contact[channel]), name)
        for channel in OFFICER_CHANNELS
        if contact.get(channel)
    ]


def _phrase(
    templates: dict[str, Any], name: str, language: str, group: str, key: str | None = None
) -> str:
    """A phrase kept beside a template (e.g. the "work" of officer_new_work, by kind)."""
    texts = templates[name].get(language) or templates[name]["id"]
    found = texts.get(group, "")
    return found if key is None else found.get(key, key)


def _when(moment: datetime | None, language: str) -> str:
    if moment is None:
        return "-"
    local = moment.astimezone(load_zone("Asia/Jakarta"))
    return local.strftime(
        "%d-%m-%Y pukul %H.%M WIB" if language == "id" else "%d %b %Y, %H:%M WIB (Jakarta)"
    )


def values_for(
    event: DomainEvent,
    complaint: Complaint,
    units: dict[str, dict[str, Any]],
    templates: dict[str, Any],
    language: str,
    base_url: str,
    city: str,
) -> dict[str, Any]:
    """Every placeholder a workflow template may use (pure)."""
    d: Any = event.data
    # The unit and bidang as the event recorded them (the complaint may have moved on since).
    unit = units.get(getattr(d, "unit_id", None) or complaint.unit_id or "") or {}
    bidang_id = getattr(d, "bidang_id", None) or complaint.bidang_id
    bidang: dict[str, Any] = next((b for b in unit.get("bidang", []) if b["id"] == bidang_id), {})
    # The citizen's tracking page (HTML), never the JSON API.
    status_url = private_link(base_url, complaint.id)
    values: dict[str, Any] = {
        "tracking_id": complaint.id,
        "title": complaint.title,
        "status_url": status_url,
        # The console page of the complaint (after sign-in the officer lands there).
        "officer_url": f"{base_url}/console/#/complaints/{complaint.id}",
        "city_name": city,
        "unit_name": unit.get("name", "-"),
        "bidang_name": bidang.get("name", "-"),
        "status_label": complaint.status.label if language == "id" else complaint.status.label_en,
        "answer_due": _when(complaint.deadlines.get("answer"), language),
        "due": _when(
            getattr(d, "due", None)
            or (min(complaint.deadlines.values()) if complaint.deadlines else None),
            language,
        ),
        "answer": complaint.answer.text if complaint.answer else "",
        "question": getattr(d, "question", ""),
    }
    if isinstance(event, ev.ComplaintArchived):
        values["reason"] = d.reason
        values["duplicate_note"] = ""
        if d.duplicate_of:
            note = _phrase(templates, "archived", language, "duplicate_note")
            values["duplicate_of"] = d.duplicate_of
            values["duplicate_url"] = private_link(base_url, d.duplicate_of)
            values["duplicate_note"] = note.format(**values) if note else ""
    if isinstance(event, ev.DeadlineApproaching | ev.DeadlineBreached):
        template = (
            "officer_deadline_approaching"
            if isinstance(event, ev.DeadlineApproaching)
            else "officer_deadline_breached"
        )
        values["kind_label"] = _phrase(templates, template, language, "kind", d.kind)
        if isinstance(event, ev.DeadlineBreached):
            values["escalation_label"] = _phrase(
                templates, template, language, "escalation", d.escalated_to
            )
    return values


def messages_for(
    event: DomainEvent,
    complaint: Complaint,
    citizen: list[Recipient],
    units: dict[str, dict[str, Any]],
    templates: dict[str, Any],
    base_url: str,
    city: str,
) -> list[Message]:
    """Every message one event sends (pure): the citizen's in their language, officers' in
    Indonesian (the city's working language)."""
    plan = plan_for(event)
    found: list[Message] = []
    if plan.citizen_template:
        values = values_for(event, complaint, units, templates, complaint.language, base_url, city)
        found += [
            render(templates, plan.citizen_template, complaint.language, r, values) for r in citizen
        ]
    if plan.officer_template:
        values = values_for(event, complaint, units, templates, "id", base_url, city)
        if plan.work:
            values["work"] = _phrase(templates, plan.officer_template, "id", "work", plan.work)
        for audience in plan.officers:
            for recipient in officer_recipients(audience, units):
                message = render(templates, plan.officer_template, "id", recipient, values)
                found.append(
                    Message(
                        message.recipient,
                        message.template,
                        message.text,
                        message.subject,
                        audience=audience.role,
                    )
                )
    return found


# --- the handler ------------------------------------------------------------------------------


def _units(bodies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {body["id"]: body for body in bodies}


def citizen_recipients(repository: ComplaintRepository, complaint_id: str) -> list[Recipient]:
    reporter = repository.get_reporter(complaint_id)
    if not reporter or not reporter.get("contact_channels"):
        return []
    identity = crypto.decrypt_json(reporter["identity"], context=complaint_id)
    return recipients_of(identity, reporter["contact_channels"])


def notify_step(
    event: DomainEvent, repository: ComplaintRepository, send: Send, templates: dict[str, Any]
) -> int:
    plan = plan_for(event)
    if not (plan.citizen_template or plan.officers):
        return 0
    complaint = repository.get(event.data.complaint_id)
    if complaint is None:
        raise LookupError(f"complaint {event.data.complaint_id} not found")
    citizen = citizen_recipients(repository, complaint.id) if plan.citizen_template else []
    units = reference.cached("unit", repository.reference, build=_units)
    settings = get_settings()
    messages = messages_for(
        event,
        complaint,
        citizen,
        units,
        templates,
        settings.public_base_url.rstrip("/"),
        settings.city_name,
    )
    if not messages:
        return 0
    return len(
        deliver(
            complaint.id,
            event.event_id,
            event.metadata.correlation_id,
            messages,
            send,
            repository,
            get_settings().conversation_hash_key,
        )
    )


EVENTS: tuple[type[DomainEvent], ...] = (*ev.TRANSITION_EVENTS, *ev.SLA_EVENTS)
# Steps nobody is told of (the history records them): notes, ratings.
SILENT = {"InternalNoteAdded", "ComplaintRated"}


def handlers(
    repository: Callable[[], ComplaintRepository],
    send: Send,
    templates: Callable[[], dict[str, Any]],
) -> dict[str, Callable[[DomainEvent], int]]:
    """notify's handler entries for the workflow's events (its rule delivers exactly these)."""

    def handle(event: DomainEvent) -> int:
        return notify_step(event, repository(), send, templates())

    return {cls.detail_type(): handle for cls in EVENTS if cls.detail_type() not in SILENT}
