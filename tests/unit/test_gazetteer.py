"""Where a complaint is (services/routing/routing/gazetteer.py), on the Kota Malang gazetteer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routing.gazetteer import AreaMatch, Gazetteer, resolve_area

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed"

# The reference data for the first city (Kota Malang: 5 kecamatan, 57 kelurahan).
MALANG = {
    "Blimbing": [
        "Arjosari",
        "Balearjosari",
        "Blimbing",
        "Bunulrejo",
        "Jodipan",
        "Kesatrian",
        "Pandanwangi",
        "Polehan",
        "Polowijen",
        "Purwantoro",
        "Purwodadi",
    ],
    "Kedungkandang": [
        "Arjowinangun",
        "Bumiayu",
        "Buring",
        "Cemorokandang",
        "Kedungkandang",
        "Kotalama",
        "Lesanpuro",
        "Madyopuro",
        "Mergosono",
        "Sawojajar",
        "Tlogowaru",
        "Wonokoyo",
    ],
    "Klojen": [
        "Bareng",
        "Gadingkasri",
        "Kasin",
        "Kauman",
        "Kiduldalem",
        "Klojen",
        "Oro-oro Dowo",
        "Penanggungan",
        "Rampal Celaket",
        "Samaan",
        "Sukoharjo",
    ],
    "Lowokwaru": [
        "Dinoyo",
        "Jatimulyo",
        "Ketawanggede",
        "Lowokwaru",
        "Merjosari",
        "Mojolangu",
        "Sumbersari",
        "Tasikmadu",
        "Tlogomas",
        "Tulusrejo",
        "Tunggulwulung",
        "Tunjungsekar",
    ],
    "Sukun": [
        "Bakalankrajan",
        "Bandulan",
        "Bandungrejosari",
        "Ciptomulyo",
        "Gadang",
        "Karangbesuki",
        "Kebonsari",
        "Mulyorejo",
        "Pisangcandi",
        "Sukun",
        "Tanjungrejo",
    ],
}


@pytest.fixture(scope="module")
def seed() -> dict:
    return json.loads((SEED / "areas.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gz(seed: dict) -> Gazetteer:
    return Gazetteer.from_seed(seed)


# --- the seed --------------------------------------------------------------------------------


def test_malang_has_five_kecamatan_and_fifty_seven_kelurahan(seed: dict, gz: Gazetteer) -> None:
    assert seed["city"] == {"id": "kota-malang", "name": "Kota Malang"}
    assert len(gz.kecamatan) == 5
    assert len(gz.kelurahan) == 57


def test_the_seed_lists_exactly_the_kelurahan_of_the_design(seed: dict) -> None:
    actual = {k["name"]: sorted(x["name"] for x in k["kelurahan"]) for k in seed["kecamatan"]}
    assert actual == {k: sorted(v) for k, v in MALANG.items()}


def test_area_ids_are_unique_and_kelurahan_ids_name_their_kecamatan(seed: dict) -> None:
    ids = [k["id"] for k in seed["kecamatan"]]
    ids += [x["id"] for k in seed["kecamatan"] for x in k["kelurahan"]]
    assert len(ids) == len(set(ids))
    for kec in seed["kecamatan"]:
        for kel in kec["kelurahan"]:
            # Kelurahan Blimbing must not collide with Kecamatan Blimbing.
            assert kel["id"].startswith(kec["id"] + "-"), kel["id"]


def test_every_kelurahan_is_found_by_its_own_name_in_text(gz: Gazetteer) -> None:
    for kel in gz.kelurahan.values():
        area = resolve_area(gz, None, None, f"laporan dari kelurahan {kel.name}")
        assert area.kelurahan_id == kel.id, kel.name


# --- form fields -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "Oro-oro Dowo",
        "oro oro dowo",
        "ORO-ORO DOWO",
        "orooro dowo",
        "klojen-oro-oro-dowo",
        "Kel. Oro-oro Dowo",
        "  Oro-Oro   Dowo  ",
    ],
)
def test_a_form_kelurahan_is_accepted_as_id_or_name_in_any_case_or_spacing(
    gz: Gazetteer, typed: str
) -> None:
    # GIVEN only the kelurahan on the form  WHEN resolved
    area = resolve_area(gz, None, typed, "")
    # THEN the kelurahan and its kecamatan are known, from the form, with full confidence
    assert area == AreaMatch("klojen", "klojen-oro-oro-dowo", 1.0, "form")


@pytest.mark.parametrize(
    "typed", ["Kedungkandang", "kedung kandang", "KEC. KEDUNGKANDANG", "kedungkandang"]
)
def test_a_form_kecamatan_is_accepted_as_id_or_name(gz: Gazetteer, typed: str) -> None:
    area = resolve_area(gz, typed, None, "")
    assert (area.kecamatan_id, area.kelurahan_id, area.source) == ("kedungkandang", None, "form")


def test_a_misspelt_form_value_is_accepted_with_less_confidence(gz: Gazetteer) -> None:
    # GIVEN "Klojn" and "Sawojajr" (typos)  WHEN resolved  THEN matched, but not at 1.0
    assert resolve_area(gz, "Klojn", None, "").kecamatan_id == "klojen"
    area = resolve_area(gz, None, "Sawojajr", "")
    assert area.kelurahan_id == "kedungkandang-sawojajar"
    assert 0.5 < area.confidence < 1.0


def test_a_kelurahan_typed_into_the_kecamatan_box_is_understood(gz: Gazetteer) -> None:
    area = resolve_area(gz, "Sawojajar", None, "")
    assert (area.kecamatan_id, area.kelurahan_id) == ("kedungkandang", "kedungkandang-sawojajar")
    assert area.notes


def test_an_unknown_form_value_falls_back_to_the_text(gz: Gazetteer) -> None:
    area = resolve_area(gz, "Batu", "Songgokerto", "sampah menumpuk di kelurahan Bunulrejo")
    assert (area.kelurahan_id, area.source) == ("blimbing-bunulrejo", "text")
    assert any("not recognised" in n for n in area.notes)


def test_form_kecamatan_contradicting_form_kelurahan_trusts_the_kelurahan(gz: Gazetteer) -> None:
    # GIVEN the form says kecamatan Blimbing but kelurahan Sawojajar (which is in Kedungkandang)
    area = resolve_area(gz, "Blimbing", "Sawojajar", "")
    # THEN the kelurahan wins, its own kecamatan is used, and the conflict lowers confidence
    assert (area.kecamatan_id, area.kelurahan_id) == ("kedungkandang", "kedungkandang-sawojajar")
    assert area.conflict
    assert area.confidence < 1.0


def test_form_kecamatan_and_kelurahan_that_agree_are_fully_trusted(gz: Gazetteer) -> None:
    area = resolve_area(gz, "Kedungkandang", "Sawojajar", "")
    assert area == AreaMatch("kedungkandang", "kedungkandang-sawojajar", 1.0, "form")


def test_a_form_kecamatan_lets_the_text_name_a_kelurahan_inside_it(gz: Gazetteer) -> None:
    area = resolve_area(gz, "Kedungkandang", None, "jalan rusak di Sawojajar")
    assert (area.kecamatan_id, area.kelurahan_id, area.source) == (
        "kedungkandang",
        "kedungkandang-sawojajar",
        "form",
    )
    assert not area.conflict


def test_a_form_kecamatan_is_kept_when_the_text_points_elsewhere(gz: Gazetteer) -> None:
    area = resolve_area(gz, "Klojen", None, "jalan rusak di Sawojajar")
    assert (area.kecamatan_id, area.kelurahan_id) == ("klojen", None)
    assert area.conflict


# --- free text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kecamatan", "kelurahan"),
    [
        ("jalan rusak di Sawojajar", "kedungkandang", "kedungkandang-sawojajar"),
        ("depan pasar kelurahan Bunulrejo banyak sampah", "blimbing", "blimbing-bunulrejo"),
        ("PKL di kec. Klojen makan trotoar", "klojen", None),
        ("air PDAM ga ngalir udah 3 hari di Oro2 Dowo", "klojen", "klojen-oro-oro-dowo"),
        ("banjir nang Tlogo Mas", "lowokwaru", "lowokwaru-tlogomas"),
        ("lampu mati di Bale Arjosari", "blimbing", "blimbing-balearjosari"),
        ("lampu mati di Arjosari", "blimbing", "blimbing-arjosari"),
        ("sampah menumpuk ndek Sukun", "sukun", None),
    ],
)
def test_a_place_named_in_the_text_is_found(
    gz: Gazetteer, text: str, kecamatan: str, kelurahan: str | None
) -> None:
    area = resolve_area(gz, None, None, text)
    assert (area.kecamatan_id, area.kelurahan_id, area.source) == (kecamatan, kelurahan, "text")
    assert 0.0 < area.confidence < 1.0


def test_a_name_inside_another_word_is_not_a_place(gz: Gazetteer) -> None:
    # "kesukunan" contains "sukun"; "klojenan" contains "klojen"
    area = resolve_area(gz, None, None, "isu kesukunan di media sosial, klojenan")
    assert area == AreaMatch(None, None, 0.0, "none")


@pytest.mark.parametrize("name", ["Blimbing", "Kedungkandang", "Klojen", "Lowokwaru", "Sukun"])
def test_a_bare_shared_name_means_the_kecamatan(gz: Gazetteer, name: str) -> None:
    # GIVEN a name shared by a kecamatan and one of its kelurahan, with no "kel." before it
    area = resolve_area(gz, None, None, f"banjir di {name} sejak pagi")
    # THEN it is read as the kecamatan only
    assert (area.kecamatan_id, area.kelurahan_id) == (name.lower(), None)


@pytest.mark.parametrize("cue", ["kel.", "Kelurahan", "kel"])
@pytest.mark.parametrize("name", ["Blimbing", "Kedungkandang", "Klojen", "Lowokwaru", "Sukun"])
def test_a_shared_name_after_a_kelurahan_cue_means_the_kelurahan(
    gz: Gazetteer, name: str, cue: str
) -> None:
    area = resolve_area(gz, None, None, f"banjir di {cue} {name} sejak pagi")
    assert (area.kecamatan_id, area.kelurahan_id) == (
        name.lower(),
        f"{name.lower()}-{name.lower()}",
    )


def test_a_shared_name_after_a_kecamatan_cue_means_the_kecamatan(gz: Gazetteer) -> None:
    area = resolve_area(gz, None, None, "pungli di kec. Lowokwaru")
    assert (area.kecamatan_id, area.kelurahan_id) == ("lowokwaru", None)


def test_kelurahan_and_kecamatan_named_together_agree_and_raise_confidence(
    gz: Gazetteer,
) -> None:
    alone = resolve_area(gz, None, None, "got mampet di kel. Blimbing")
    both = resolve_area(gz, None, None, "got mampet di kel. Blimbing kec. Blimbing")
    assert both.kelurahan_id == alone.kelurahan_id == "blimbing-blimbing"
    assert both.confidence > alone.confidence
    assert not both.conflict


def test_text_kelurahan_and_kecamatan_that_disagree_trust_the_kelurahan(gz: Gazetteer) -> None:
    area = resolve_area(gz, None, None, "jalan berlubang di kelurahan Sawojajar kecamatan Klojen")
    assert (area.kecamatan_id, area.kelurahan_id) == ("kedungkandang", "kedungkandang-sawojajar")
    assert area.conflict


def test_everyday_words_that_are_also_place_names_need_a_place_cue(gz: Gazetteer) -> None:
    # "bareng" means "together" and "sukun" is a breadfruit tree...
    assert resolve_area(gz, None, None, "lampu mati bareng-bareng").source == "none"
    assert resolve_area(gz, None, None, "pohon sukun tumbang menutup jalan").source == "none"
    # ...but after a place cue they are places.
    assert resolve_area(gz, None, None, "lampu mati di Bareng").kelurahan_id == "klojen-bareng"


def test_two_kelurahan_of_one_kecamatan_give_the_kecamatan_only(gz: Gazetteer) -> None:
    area = resolve_area(gz, None, None, "macet dari Dinoyo sampai Sumbersari")
    assert (area.kecamatan_id, area.kelurahan_id) == ("lowokwaru", None)
    assert not area.conflict


def test_two_kelurahan_of_different_kecamatan_are_a_conflict(gz: Gazetteer) -> None:
    area = resolve_area(gz, None, None, "angkot ngetem dari Sawojajar sampai Dinoyo")
    assert area.conflict
    assert area.confidence < 0.6


def test_a_kelurahan_with_an_explicit_cue_beats_a_bare_mention(gz: Gazetteer) -> None:
    area = resolve_area(gz, None, None, "warga Dinoyo melapor, lokasinya kelurahan Sawojajar")
    assert area.kelurahan_id == "kedungkandang-sawojajar"


def test_blank_form_fields_are_treated_as_not_given(gz: Gazetteer) -> None:
    area = resolve_area(gz, "  ", "", "got mampet di Bunulrejo")
    assert (area.kelurahan_id, area.source, area.notes) == ("blimbing-bunulrejo", "text", ())


def test_text_without_a_place_resolves_to_no_area(gz: Gazetteer) -> None:
    area = resolve_area(gz, None, None, "lampu PJU mati sudah seminggu")
    assert area == AreaMatch(None, None, 0.0, "none")
    assert not area.known


def test_nothing_is_malang_only_a_repeated_kelurahan_name_is_settled_by_its_kecamatan() -> None:
    # GIVEN another city where two kecamatan each have a kelurahan called "Sukamaju"
    gz = Gazetteer.from_seed(
        {
            "city": {"id": "kota-x", "name": "Kota X"},
            "kecamatan": [
                {
                    "id": "utara",
                    "name": "Utara",
                    "kelurahan": [{"id": "utara-sukamaju", "name": "Sukamaju", "aliases": []}],
                },
                {
                    "id": "selatan",
                    "name": "Selatan",
                    "kelurahan": [{"id": "selatan-sukamaju", "name": "Sukamaju", "aliases": []}],
                },
            ],
        }
    )
    # WHEN only the name is known THEN we do not guess
    assert resolve_area(gz, None, "Sukamaju", "").kelurahan_id is None
    assert resolve_area(gz, None, None, "banjir di kel. Sukamaju").kelurahan_id is None
    # WHEN the kecamatan is known too THEN the kelurahan is settled
    assert resolve_area(gz, "Selatan", "Sukamaju", "").kelurahan_id == "selatan-sukamaju"
    area = resolve_area(gz, None, None, "banjir di kel. Sukamaju kec. Utara")
    assert area.kelurahan_id == "utara-sukamaju"
