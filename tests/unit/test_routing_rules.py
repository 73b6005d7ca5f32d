"""Routing rules and the routing proposal (services/routing/routing/rules.py) on the seed data,
and the referential integrity of the seed (categories, areas, units, rules)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from routing.gazetteer import AreaMatch, Gazetteer
from routing.rules import Rule, RuleMatch, pick_unit, propose_route

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed"


def _load(name: str):
    return json.loads((SEED / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def categories() -> list[dict]:
    return _load("categories.json")


@pytest.fixture(scope="module")
def areas() -> dict:
    return _load("areas.json")


@pytest.fixture(scope="module")
def units() -> list[dict]:
    return _load("units.json")


@pytest.fixture(scope="module")
def rules() -> list[dict]:
    return _load("rules.json")


@pytest.fixture(scope="module")
def gz(areas: dict) -> Gazetteer:
    return Gazetteer.from_seed(areas)


@pytest.fixture(scope="module")
def unit_ids(units: list[dict]) -> set[str]:
    return {u["id"] for u in units}


def area(kecamatan: str | None = None, kelurahan: str | None = None) -> AreaMatch:
    source = "form" if kecamatan else "none"
    return AreaMatch(kecamatan, kelurahan, 1.0 if kecamatan else 0.0, source)


# --- seed integrity --------------------------------------------------------------------------


def test_unit_ids_are_unique(units: list[dict]) -> None:
    ids = [u["id"] for u in units]
    assert len(ids) == len(set(ids))


def test_every_unit_id_referenced_anywhere_exists(
    categories: list[dict], units: list[dict], rules: list[dict], unit_ids: set[str]
) -> None:
    # GIVEN every place a unit id can appear in the seed
    referenced = {("category default_unit", c["id"], c["default_unit"]) for c in categories}
    referenced |= {("rule unit", r["id"], r["unit"]) for r in rules}
    referenced |= {("unit parent", u["id"], u["parent"]) for u in units if u["parent"]}
    # THEN each one names a unit that exists
    missing = sorted(ref for ref in referenced if ref[2] not in unit_ids)
    assert missing == []


def test_every_category_default_unit_exists(categories: list[dict], unit_ids: set[str]) -> None:
    for cat in categories:
        assert cat["default_unit"] in unit_ids, cat["id"]


def test_every_rule_references_an_existing_unit_category_and_area(
    rules: list[dict], categories: list[dict], gz: Gazetteer, unit_ids: set[str]
) -> None:
    category_ids = {c["id"] for c in categories}
    for rule in rules:
        assert rule["unit"] in unit_ids, rule["id"]
        assert rule["category"] == "*" or rule["category"] in category_ids, rule["id"]
        assert rule["kecamatan"] == "*" or rule["kecamatan"] in gz.kecamatan, rule["id"]
        assert rule["kelurahan"] == "*" or rule["kelurahan"] in gz.kelurahan, rule["id"]
        assert isinstance(rule["priority"], int), rule["id"]


def test_a_kelurahan_rule_names_the_kecamatan_that_kelurahan_belongs_to(
    rules: list[dict], gz: Gazetteer
) -> None:
    for rule in rules:
        if rule["kelurahan"] != "*":
            assert rule["kecamatan"] in ("*", gz.kecamatan_of(rule["kelurahan"])), rule["id"]


def test_rule_ids_are_unique_and_no_two_rules_compete_for_the_same_slot(
    rules: list[dict],
) -> None:
    assert len({r["id"] for r in rules}) == len(rules)
    slots = [(r["category"], r["kecamatan"], r["kelurahan"], r["priority"]) for r in rules]
    assert len(set(slots)) == len(slots)


def test_every_category_but_other_can_be_routed_anywhere_in_the_city(
    categories: list[dict], rules: list[dict]
) -> None:
    for cat in categories:
        if cat["id"] == "other":
            continue
        assert pick_unit(rules, cat["id"], area()) is not None, cat["id"]


def test_units_have_a_known_kind_parent_and_area(
    units: list[dict], gz: Gazetteer, unit_ids: set[str]
) -> None:
    kinds = {"opd", "kecamatan", "kelurahan", "puskesmas", "bumd", "coordinator"}
    for unit in units:
        assert unit["kind"] in kinds, unit["id"]
        assert unit["parent"] is None or unit["parent"] in unit_ids, unit["id"]
        assert unit["area"] is None or unit["area"] in gz.kecamatan or unit["area"] in gz.kelurahan
        assert unit["name"], unit["id"]


def test_diskominfo_is_the_one_coordinator(units: list[dict]) -> None:
    coordinators = [u["id"] for u in units if u.get("role") == "coordinator"]
    assert coordinators == ["diskominfo"]


def test_every_kecamatan_and_kelurahan_has_its_own_unit(units: list[dict], gz: Gazetteer) -> None:
    by_area = {(u["kind"], u["area"]): u for u in units}
    for kec in gz.kecamatan:
        assert ("kecamatan", kec) in by_area, kec
    for kel_id, kel in gz.kelurahan.items():
        unit = by_area[("kelurahan", kel_id)]
        # A kelurahan answers to its camat.
        assert unit["parent"] == by_area[("kecamatan", kel.kecamatan_id)]["id"]
    assert sum(u["kind"] == "kelurahan" for u in units) == 57


def test_the_agencies_named_in_the_design_are_units(unit_ids: set[str]) -> None:
    assert {
        "diskominfo",
        "dishub",
        "dispendukcapil",
        "satpol-pp",
        "dpuprpkp",
        "dinkes",
        "dlh",
        "perumda-tugu-tirta",
        "perumda-tugu-aneka-usaha",
        "dinsos",
        "dpmptsp",
    } <= unit_ids


def test_each_opd_has_two_to_four_bidang_with_unique_ids(units: list[dict]) -> None:
    all_bidang = [b["id"] for u in units for b in u["bidang"]]
    assert len(all_bidang) == len(set(all_bidang))
    for unit in units:
        if unit["kind"] in ("opd", "coordinator", "bumd"):
            assert 2 <= len(unit["bidang"]) <= 4, unit["id"]
        assert all(b["id"] and b["name"] for b in unit["bidang"]), unit["id"]


def test_puskesmas_belong_to_the_health_office(units: list[dict]) -> None:
    puskesmas = [u for u in units if u["kind"] == "puskesmas"]
    assert len(puskesmas) >= 2
    assert all(u["parent"] == "dinkes" for u in puskesmas)


# --- pick_unit on the seed -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "where", "unit"),
    [
        ("waste", area(), "dlh"),
        ("waste", area("sukun", "sukun-gadang"), "dlh"),
        ("roads", area("lowokwaru"), "dpuprpkp"),
        ("street_lighting", area(), "dpuprpkp"),
        ("water_supply", area("klojen"), "perumda-tugu-tirta"),
        ("civil_registry", area(), "dispendukcapil"),
        ("traffic_parking", area("blimbing", "blimbing-arjosari"), "dishub"),
        ("permits", area(), "dpmptsp"),
        ("social_assistance", area(), "dinsos"),
        ("health", area(), "dinkes"),
        ("parks_trees", area(), "dlh"),
    ],
)
def test_city_wide_services_go_to_their_agency_wherever_they_are(
    rules: list[dict], category: str, where: AreaMatch, unit: str
) -> None:
    match = pick_unit(rules, category, where)
    assert match is not None and match.unit_id == unit


def test_public_order_in_a_kelurahan_goes_to_its_kecamatan(rules: list[dict]) -> None:
    # GIVEN a PKL complaint in Kelurahan Bunulrejo  WHEN routed
    match = pick_unit(rules, "public_order", area("blimbing", "blimbing-bunulrejo"))
    # THEN the camat's ketenteraman dan ketertiban section handles it
    assert match == RuleMatch("kec-blimbing", "public-order-blimbing")


def test_a_kelurahan_rule_beats_the_kecamatan_rule(rules: list[dict]) -> None:
    # Alun-alun and Kayutangan (Kiduldalem, Kauman) are patrolled by Satpol PP itself.
    match = pick_unit(rules, "public_order", area("klojen", "klojen-kauman"))
    assert match == RuleMatch("satpol-pp", "public-order-klojen-kauman")
    assert pick_unit(rules, "public_order", area("klojen", "klojen-bareng")).unit_id == "kec-klojen"


def test_public_order_with_no_known_area_falls_back_to_satpol_pp(rules: list[dict]) -> None:
    assert pick_unit(rules, "public_order", area()) == RuleMatch("satpol-pp", "public-order-city")


def test_other_has_no_unit(rules: list[dict]) -> None:
    assert pick_unit(rules, "other", area("klojen", "klojen-kauman")) is None


# --- pick_unit: precedence, on small synthetic rule sets ------------------------------------


def _rule(
    rule_id: str,
    category: str = "*",
    kec: str = "*",
    kel: str = "*",
    unit: str = "u",
    priority: int = 0,
) -> dict:
    return {
        "id": rule_id,
        "category": category,
        "kecamatan": kec,
        "kelurahan": kel,
        "unit": unit,
        "priority": priority,
    }


def test_a_more_specific_area_wins_over_priority() -> None:
    rules = [
        _rule("city", "roads", unit="city-unit", priority=99),
        _rule("kec", "roads", kec="k", unit="kec-unit", priority=0),
    ]
    assert pick_unit(rules, "roads", area("k")).rule_id == "kec"


def test_priority_breaks_a_tie_in_specificity() -> None:
    rules = [
        _rule("low", "roads", unit="a", priority=1),
        _rule("high", "roads", unit="b", priority=5),
    ]
    assert pick_unit(rules, "roads", area()) == RuleMatch("b", "high")


def test_an_exact_category_beats_a_wildcard_at_the_same_area_level() -> None:
    rules = [_rule("any", "*", unit="coord"), _rule("roads", "roads", unit="pu")]
    assert pick_unit(rules, "roads", area()).unit_id == "pu"
    assert pick_unit(rules, "waste", area()).unit_id == "coord"


def test_a_wildcard_category_for_a_kelurahan_overrides_city_wide_category_rules() -> None:
    # "Everything in kelurahan X goes to its lurah" must be expressible.
    rules = [_rule("roads", "roads", unit="pu"), _rule("pilot", "*", "k", "k-x", unit="lurah")]
    assert pick_unit(rules, "roads", area("k", "k-x")).unit_id == "lurah"
    assert pick_unit(rules, "roads", area("k", "k-y")).unit_id == "pu"


def test_exact_ties_are_broken_by_rule_id_so_routing_is_deterministic() -> None:
    rules = [_rule("b", "roads", unit="second"), _rule("a", "roads", unit="first")]
    assert pick_unit(rules, "roads", area()).rule_id == "a"
    assert pick_unit(list(reversed(rules)), "roads", area()).rule_id == "a"


def test_rule_objects_and_seed_dicts_are_interchangeable(rules: list[dict]) -> None:
    objects = [Rule.from_seed(r) for r in rules]
    where = area("blimbing", "blimbing-bunulrejo")
    assert pick_unit(objects, "public_order", where) == pick_unit(rules, "public_order", where)


# --- propose_route ---------------------------------------------------------------------------


def test_a_clear_complaint_is_proposed_confidently_to_its_unit(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    # GIVEN a citizen's street-light complaint with the kelurahan on the form
    text = "Pak, lampu PJU di jl. Soekarno Hatta mati sudah seminggu, gelap sekali kalau malam"
    # WHEN a route is proposed
    p = propose_route(text, None, "Mojolangu", categories, gz, rules)
    # THEN it is a complaint, for DPUPRPKP (which runs the PJU), confident, with its reasons
    assert p.type == "pengaduan"
    assert p.category_id == "street_lighting"
    assert (p.unit_id, p.rule_id) == ("dpuprpkp", "street-lighting-city")
    assert p.area.kelurahan_id == "lowokwaru-mojolangu"
    assert p.confident
    assert any("lampu pju" in r for r in p.reasons)


def test_public_order_from_free_text_goes_to_the_kecamatan(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    text = "Tiap malam sound horeg di kelurahan Bunulrejo, berisik sampai jam 2, warga resah"
    p = propose_route(text, None, None, categories, gz, rules)
    assert (p.category_id, p.unit_id, p.confident) == ("public_order", "kec-blimbing", True)


def test_a_category_chosen_by_the_citizen_is_trusted(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    # GIVEN text that says little, but the citizen picked "permits" on the form
    p = propose_route(
        "mohon ditindaklanjuti", "Klojen", None, categories, gz, rules, category_hint="permits"
    )
    assert (p.category_id, p.category_confidence, p.unit_id) == ("permits", 1.0, "dpmptsp")
    assert p.confident


def test_a_category_hint_may_be_the_category_name(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    p = propose_route("tolong", None, None, categories, gz, rules, category_hint="Perizinan")
    assert p.category_id == "permits"


def test_an_unknown_category_hint_is_ignored_and_the_text_decides(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    p = propose_route(
        "KTP saya belum jadi", None, None, categories, gz, rules, category_hint="ktp-urgent"
    )
    assert p.category_id == "civil_registry"
    assert any("not a known category" in r for r in p.reasons)


def test_other_goes_to_coordinator_triage_without_a_unit(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    p = propose_route("Selamat pagi, terima kasih", None, None, categories, gz, rules)
    assert (p.category_id, p.unit_id, p.rule_id, p.confident) == ("other", None, None, False)
    hinted = propose_route("apa saja", None, None, categories, gz, rules, category_hint="other")
    assert (hinted.category_id, hinted.confident) == ("other", False)


def test_an_unsure_category_goes_to_triage_but_keeps_its_best_guess(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    # GIVEN one roads word and one waste word  WHEN proposed
    p = propose_route("aspal dan sampah", "Sukun", None, categories, gz, rules)
    # THEN a unit is still suggested for the coordinator, but the proposal is not confident
    assert p.unit_id is not None
    assert not p.confident
    assert any("below" in r for r in p.reasons)


def test_the_threshold_is_the_callers_choice(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    text = "ada sampah"  # one keyword: confidence 0.625
    assert propose_route(text, None, None, categories, gz, rules).confident
    assert not propose_route(text, None, None, categories, gz, rules, threshold=0.9).confident


def test_an_area_routed_category_with_no_known_area_goes_to_triage(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    # GIVEN a PKL complaint that says nowhere where it is
    p = propose_route(
        "PKL makan trotoar, pejalan kaki turun ke jalan", None, None, categories, gz, rules
    )
    # THEN Satpol PP is the fallback suggestion, but only the coordinator can place it
    assert (p.category_id, p.unit_id, p.confident) == ("public_order", "satpol-pp", False)


def test_a_kecamatan_is_not_precise_enough_where_a_kelurahan_rule_could_apply(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    # Klojen has kelurahan rules (Kauman, Kiduldalem); Blimbing does not.
    text = "Banyak PKL liar berjualan di trotoar"
    klojen = propose_route(text, "Klojen", None, categories, gz, rules)
    blimbing = propose_route(text, "Blimbing", None, categories, gz, rules)
    assert (klojen.unit_id, klojen.confident) == ("kec-klojen", False)
    assert (blimbing.unit_id, blimbing.confident) == ("kec-blimbing", True)


def test_an_area_conflict_on_an_area_routed_category_goes_to_triage(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    text = "Banyak PKL liar berjualan di trotoar"
    p = propose_route(text, "Blimbing", "Sawojajar", categories, gz, rules)
    assert p.area.conflict
    assert (p.unit_id, p.confident) == ("kec-kedungkandang", False)


def test_an_area_conflict_does_not_matter_for_a_city_wide_service(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    p = propose_route(
        "KTP elektronik saya belum jadi", "Blimbing", "Sawojajar", categories, gz, rules
    )
    assert p.area.conflict
    assert (p.unit_id, p.confident) == ("dispendukcapil", True)


def test_a_question_is_routed_like_a_complaint_but_typed_as_information(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    p = propose_route(
        "Bagaimana cara mengurus akta kelahiran yang hilang?", None, None, categories, gz, rules
    )
    assert (p.type, p.unit_id) == ("permintaan_informasi", "dispendukcapil")


def test_the_proposal_is_an_immutable_value(
    categories: list[dict], gz: Gazetteer, rules: list[dict]
) -> None:
    p = propose_route("sampah menumpuk", None, None, categories, gz, rules)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.unit_id = "diskominfo"  # type: ignore[misc]
    assert dataclasses.asdict(p)["area"]["source"] == "none"  # serialisable for the event
