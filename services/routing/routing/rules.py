"""Routing rules (category x area -> unit) and the routing proposal built on them.

Rules are data (infra/seed/rules.json, later DynamoDB `RULE#` items). The proposal says which
unit should handle a complaint and whether the match is confident enough to be queued for
verification with that unit, or must go to the coordinator's triage queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from routing.classify import (
    FALLBACK_CATEGORY,
    Category,
    ComplaintType,
    as_categories,
    classify_category,
    classify_type,
    normalize,
)
from routing.gazetteer import AreaMatch, Gazetteer, resolve_area

WILDCARD = "*"
DEFAULT_THRESHOLD = 0.55


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: str
    kecamatan: str
    kelurahan: str
    unit: str
    priority: int = 0

    @classmethod
    def from_seed(cls, item: Mapping[str, Any]) -> Rule:
        return cls(
            id=item["id"],
            category=item.get("category", WILDCARD),
            kecamatan=item.get("kecamatan", WILDCARD),
            kelurahan=item.get("kelurahan", WILDCARD),
            unit=item["unit"],
            priority=int(item.get("priority", 0)),
        )

    @property
    def area_level(self) -> int:
        """2 = one kelurahan, 1 = one kecamatan, 0 = the whole city."""
        if self.kelurahan != WILDCARD:
            return 2
        return 1 if self.kecamatan != WILDCARD else 0

    def applies_to(self, category_id: str) -> bool:
        return self.category in (category_id, WILDCARD)

    def matches(self, category_id: str, area: AreaMatch) -> bool:
        return (
            self.applies_to(category_id)
            and self.kecamatan in (WILDCARD, area.kecamatan_id)
            and self.kelurahan in (WILDCARD, area.kelurahan_id)
        )

    def rank(self) -> tuple[int, int, int]:
        # Area first (kelurahan > kecamatan > city), so an area rule always overrides the
        # city-wide one -- even a "*" category rule, which is how an admin says "everything in
        # this kelurahan goes to its lurah". Then an exact category over "*", then priority.
        return (self.area_level, int(self.category != WILDCARD), self.priority)


def as_rules(rules: Iterable[Rule | Mapping[str, Any]]) -> list[Rule]:
    """Accept seed dicts (JSON / DynamoDB items) or already-built Rule objects."""
    return [r if isinstance(r, Rule) else Rule.from_seed(r) for r in rules]


@dataclass(frozen=True, slots=True)
class RuleMatch:
    unit_id: str
    rule_id: str


def pick_unit(
    rules: Iterable[Rule | Mapping[str, Any]], category_id: str, area: AreaMatch
) -> RuleMatch | None:
    """The unit of the most specific matching rule, or None when no rule matches."""
    matching = [r for r in as_rules(rules) if r.matches(category_id, area)]
    if not matching:
        return None
    # The rule id breaks exact ties, so the same input always routes the same way.
    best = min(matching, key=lambda r: (tuple(-x for x in r.rank()), r.id))
    return RuleMatch(best.unit, best.id)


def area_could_change_unit(
    rules: Iterable[Rule], category_id: str, area: AreaMatch, gazetteer: Gazetteer
) -> bool:
    """True when an area rule for this category might apply but the area is not known well enough
    to tell: the city-wide fallback would then be a guess."""
    for rule in rules:
        if not rule.applies_to(category_id) or rule.area_level == 0:
            continue
        if area.kecamatan_id is None:
            return True
        if rule.area_level == 2 and area.kelurahan_id is None:
            parent = rule.kecamatan
            if parent == WILDCARD and rule.kelurahan in gazetteer.kelurahan:
                parent = gazetteer.kecamatan_of(rule.kelurahan)
            if parent in (WILDCARD, area.kecamatan_id):
                return True
    return False


@dataclass(frozen=True, slots=True)
class RoutingProposal:
    type: ComplaintType
    category_id: str
    category_confidence: float
    area: AreaMatch
    unit_id: str | None
    rule_id: str | None
    confident: bool
    reasons: list[str]


def _validate_hint(hint: str | None, categories: list[Category]) -> str | None:
    """The category id the citizen chose (by id or by name), or None if it is not one of ours."""
    if not hint or not hint.strip():
        return None
    key = normalize(hint)
    for cat in categories:
        if key in (normalize(cat.id), normalize(cat.name_id), normalize(cat.name_en)):
            return cat.id
    return None


def propose_route(
    text: str,
    kecamatan: str | None,
    kelurahan: str | None,
    categories: Iterable[Category | Mapping[str, Any]],
    gazetteer: Gazetteer,
    rules: Iterable[Rule | Mapping[str, Any]],
    category_hint: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> RoutingProposal:
    """Classify, locate and match a complaint; `confident=False` sends it to coordinator triage."""
    cats = as_categories(categories)
    rule_list = as_rules(rules)
    reasons: list[str] = []
    doubts: list[str] = []

    complaint_type = classify_type(text)
    reasons.append(f"type {complaint_type}")

    hinted = _validate_hint(category_hint, cats)
    if hinted is not None:
        # The citizen picked the category on the form or app: they know what they meant.
        category_id, confidence = hinted, 1.0
        reasons.append(f"category {category_id} chosen by the citizen")
    else:
        if category_hint:
            reasons.append(f"category hint {category_hint!r} is not a known category; ignored")
        match = classify_category(text, cats)
        category_id, confidence = match.category_id, match.confidence
        evidence = ", ".join(match.matched) or "no keyword"
        reasons.append(f"category {category_id} (confidence {confidence:.2f}) from: {evidence}")
        if confidence < threshold:
            doubts.append(f"category confidence {confidence:.2f} below {threshold:.2f}")
    if category_id == FALLBACK_CATEGORY:
        doubts.append("category is 'other'")

    area = resolve_area(gazetteer, kecamatan, kelurahan, text)
    where = "/".join(x for x in (area.kecamatan_id, area.kelurahan_id) if x) or "unknown"
    reasons.append(f"area {where} from {area.source} (confidence {area.confidence:.2f})")
    reasons.extend(f"area: {note}" for note in area.notes)

    rule_match = pick_unit(rule_list, category_id, area)
    if rule_match is None:
        doubts.append(f"no routing rule for {category_id} in {where}")
    else:
        reasons.append(f"rule {rule_match.rule_id} -> {rule_match.unit_id}")
        if area_could_change_unit(rule_list, category_id, area, gazetteer):
            doubts.append(f"{category_id} is routed by area, but the area is not known precisely")
        elif area.conflict and any(
            r.applies_to(category_id) and r.area_level > 0 for r in rule_list
        ):
            doubts.append(f"{category_id} is routed by area, but the area is in conflict")

    reasons.extend(f"triage: {doubt}" for doubt in doubts)
    return RoutingProposal(
        type=complaint_type,
        category_id=category_id,
        category_confidence=confidence,
        area=area,
        unit_id=rule_match.unit_id if rule_match else None,
        rule_id=rule_match.rule_id if rule_match else None,
        confident=not doubts,
        reasons=reasons,
    )
