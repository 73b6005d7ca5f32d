"""Complaint text -> category and type (services/routing/routing/classify.py) on the real seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routing.classify import (
    Category,
    classify_category,
    classify_type,
    normalize,
)

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed"
THRESHOLD = 0.55  # the routing default: a complaint below it goes to coordinator triage


@pytest.fixture(scope="module")
def categories() -> list[dict]:
    return json.loads((SEED / "categories.json").read_text(encoding="utf-8"))


# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("gk ada", "tidak ada"),
        ("ga ada", "tidak ada"),
        ("gak ada", "tidak ada"),
        ("tdk ada", "tidak ada"),
        ("jln rusak", "jalan rusak"),
        ("jl. Soekarno Hatta", "jalan soekarno hatta"),
        ("yg rusak", "yang rusak"),
        ("dg cepat", "dengan cepat"),
        ("dgn cepat", "dengan cepat"),
        ("sy mohon", "saya mohon"),
        ("kadit onok", "tidak onok"),  # Malang walikan: "kadit" = "tidak"
    ],
)
def test_slang_and_abbreviations_are_expanded(raw: str, expected: str) -> None:
    # GIVEN text typed as on SMS/WhatsApp  WHEN normalised  THEN the words are spelled out
    assert normalize(raw) == expected


def test_normalisation_lowercases_and_strips_punctuation() -> None:
    assert normalize("Lampu PJU MATI!!! (sudah 3 hari)...") == "lampu pju mati sudah 3 hari"


def test_emphatic_repeated_letters_collapse_but_real_double_letters_stay() -> None:
    # GIVEN "banjirrr" and "gelaaap" (emphasis) next to "maaf" and "KK" (real double letters)
    text = "Banjirrr lagi, gelaaap, maaf KK saya"
    # WHEN normalised  THEN only the runs of three or more collapse
    assert normalize(text) == "banjir lagi gelap maaf kk saya"


def test_number_two_reduplication_is_spelled_out() -> None:
    assert normalize("lampu2 mati, oro2 dowo") == "lampu lampu mati oro oro dowo"


# --- category: at least two realistic complaints per category --------------------------------

COMPLAINTS = [
    # roads
    (
        "Pak, jalan di depan SDN Sawojajar 1 berlubang besar, sudah banyak pengendara motor yang "
        "jatuh",
        "roads",
    ),
    (
        "Jln. Raya Tlogomas aspalnya mengelupas, kalo hujan jadi kubangan. Mohon segera ditambal",
        "roads",
    ),
    # drainage
    (
        "Selokan depan rumah saya di Bunulrejo mampet, tiap hujan air meluap sampai masuk rumah",
        "drainage",
    ),
    (
        "Banjir lagi di perempatan Galunggung, genangan setinggi lutut, drainase gak berfungsi",
        "drainage",
    ),
    # waste
    (
        "Sampah di TPS Jl. Ciliwung menumpuk sudah 4 hari gak diangkut, baunya menyengat sampai ke "
        "rumah warga",
        "waste",
    ),
    ("Ada warga yang bakar sampah tiap sore di lahan kosong, asapnya masuk rumah", "waste"),
    # street lighting
    (
        "Pak, lampu PJU di jl. Soekarno Hatta mati sudah seminggu, gelap sekali kalau malam",
        "street_lighting",
    ),
    ("Lampu jalan di gang 3 Sumbersari padam semua, rawan begal", "street_lighting"),
    # water supply
    (
        "Air PDAM di perumahan Sawojajar mati sejak kemarin pagi, tidak ada pemberitahuan",
        "water_supply",
    ),
    ("Airnya keruh dan bau kaporit, sudah lapor ke Tugu Tirta belum ada tindakan", "water_supply"),
    # health
    ("Antrean di puskesmas Dinoyo panjang sekali, dokternya baru datang jam 10", "health"),
    ("Saya pasien BPJS ditolak di IGD rumah sakit dengan alasan kamar penuh", "health"),
    # civil registry
    ("Sudah 3 bulan KTP elektronik saya belum jadi, katanya blangko habis", "civil_registry"),
    ("Mau urus akta kelahiran anak di Dispendukcapil, sistemnya offline terus", "civil_registry"),
    ("KK sy salah nama, sdh 2x bolak balik ke kelurahan", "civil_registry"),
    # public order
    (
        "PKL di trotoar depan Alun-alun makan trotoar, pejalan kaki terpaksa turun ke jalan",
        "public_order",
    ),
    (
        "Tiap malam ada sound horeg dan anak muda mabuk-mabukan di pos kamling, sangat berisik",
        "public_order",
    ),
    # traffic and parking
    (
        "Jukir di depan minimarket Jl. Soekarno Hatta narik parkir Rp5.000 padahal ada tulisan "
        "parkir gratis",
        "traffic_parking",
    ),
    ("Lampu lalu lintas perempatan ITN mati, macet parah tiap pagi", "traffic_parking"),
    ("Angkot AL sering ngetem lama di depan terminal Arjosari bikin macet", "traffic_parking"),
    # permits
    ("Pengurusan PBG saya sudah 2 bulan belum keluar, padahal berkas lengkap", "permits"),
    ("Bagaimana cara daftar NIB lewat OSS untuk usaha warung?", "permits"),
    # social assistance
    (
        "Keluarga saya miskin tapi tidak pernah dapat bantuan, kata RT tidak terdaftar DTKS",
        "social_assistance",
    ),
    (
        "BLT tahap ini belum cair, padahal tetangga yang mampu malah dapat. Bansos salah sasaran",
        "social_assistance",
    ),
    # parks and trees
    ("Pohon besar di Jl. Ijen rawan tumbang, rantingnya sudah patah menimpa kabel", "parks_trees"),
    (
        "Mohon pangkas pohon di taman kota depan balai kota, dahannya sudah menjuntai ke jalan",
        "parks_trees",
    ),
]


@pytest.mark.parametrize(("text", "expected"), COMPLAINTS, ids=[c[1] for c in COMPLAINTS])
def test_a_citizen_complaint_is_classified_into_its_category(
    categories: list[dict], text: str, expected: str
) -> None:
    # GIVEN a complaint written as a citizen writes it  WHEN classified
    match = classify_category(text, categories)
    # THEN the category is right and confident enough to skip triage
    assert match.category_id == expected, (match.scores, match.matched)
    assert match.confidence >= THRESHOLD
    assert match.matched, "the words that decided it are reported"


def test_every_category_except_other_has_at_least_two_complaint_examples(
    categories: list[dict],
) -> None:
    covered = [c[1] for c in COMPLAINTS]
    for cat in categories:
        if cat["id"] != "other":
            assert covered.count(cat["id"]) >= 2, cat["id"]


JAVANESE = [
    ("Dalane rusak parah, bolong-bolong, wis sewulan ra didandani, daerah Tlogomas", "roads"),
    ("Banyu mati maneh, Tugu Tirta piye iki", "water_supply"),
    ("uwuh e numpuk nang pinggir kali, mambu", "waste"),
    ("Ada wit tumbang nutupi dalan nang Bandulan, mohon dibantu", "parks_trees"),
]


@pytest.mark.parametrize(("text", "expected"), JAVANESE, ids=[j[1] for j in JAVANESE])
def test_mixed_javanese_complaints_are_understood(
    categories: list[dict], text: str, expected: str
) -> None:
    match = classify_category(text, categories)
    assert match.category_id == expected, match.scores
    assert match.confidence >= THRESHOLD


def test_slang_heavy_complaint_is_still_recognised(categories: list[dict]) -> None:
    # GIVEN abbreviations, elongation and "2" reduplication all at once
    text = "jln dpn rmh sy berlubang2 gk dibenerin, bahayaaa bgt buat motor"
    # WHEN classified  THEN it is a road complaint
    assert classify_category(text, categories).category_id == "roads"


def test_clitics_do_not_hide_a_keyword(categories: list[dict]) -> None:
    # "sampahnya" / "lampune" carry -nya / -ne but are still "sampah" / "lampu"
    assert classify_category("sampahnya numpuk", categories).category_id == "waste"
    assert classify_category("lampune mati", categories).category_id == "street_lighting"


def test_a_phrase_outweighs_and_consumes_the_single_keywords_inside_it(
    categories: list[dict],
) -> None:
    # GIVEN a traffic light complaint, which contains the street-lighting keyword "lampu"
    match = classify_category("lampu lalu lintas di perempatan mati", categories)
    # THEN the traffic phrase takes the word, and street lighting gets no score from it
    assert match.category_id == "traffic_parking"
    assert match.scores["street_lighting"] == 0.0
    assert "lampu lalu lintas" in match.matched


def test_a_repeated_word_counts_once(categories: list[dict]) -> None:
    once = classify_category("sampah", categories)
    many = classify_category("sampah sampah sampah sampah", categories)
    assert many.scores["waste"] == once.scores["waste"]
    assert many.confidence == once.confidence


def test_more_evidence_means_more_confidence(categories: list[dict]) -> None:
    weak = classify_category("ada sampah", categories)
    strong = classify_category("sampah menumpuk di TPS, bau busuk", categories)
    assert strong.confidence > weak.confidence


def test_a_tie_between_two_categories_is_not_confident(categories: list[dict]) -> None:
    # GIVEN one keyword of roads ("aspal") and one of waste ("sampah")  WHEN classified
    match = classify_category("aspal sampah", categories)
    # THEN the margin is zero and confidence falls below the routing threshold
    assert match.confidence < THRESHOLD


def test_text_without_any_known_word_is_other_with_no_confidence(categories: list[dict]) -> None:
    match = classify_category("Selamat pagi admin, terima kasih atas pelayanannya", categories)
    assert match.category_id == "other"
    assert match.confidence == 0.0
    assert match.matched == []
    assert set(match.scores) == {c["id"] for c in categories}


def test_empty_text_is_other(categories: list[dict]) -> None:
    assert classify_category("", categories).category_id == "other"


def test_confidence_is_always_between_zero_and_one(categories: list[dict]) -> None:
    for text, _ in COMPLAINTS + JAVANESE:
        assert 0.0 <= classify_category(text, categories).confidence <= 1.0


def test_seed_dicts_and_category_objects_classify_the_same(categories: list[dict]) -> None:
    objects = [Category.from_seed(c) for c in categories]
    text = COMPLAINTS[0][0]
    assert classify_category(text, objects) == classify_category(text, categories)


# --- the category seed is usable as written --------------------------------------------------


def test_seed_has_at_least_twelve_categories_including_other(categories: list[dict]) -> None:
    ids = [c["id"] for c in categories]
    assert len(ids) >= 12
    assert len(set(ids)) == len(ids)
    assert "other" in ids


def test_seed_categories_have_names_deadlines_and_a_default_unit(categories: list[dict]) -> None:
    for cat in categories:
        assert cat["name_id"] and cat["name_en"], cat["id"]
        assert cat["default_unit"], cat["id"]
        assert set(cat["deadlines"]) == {
            "verify_working_days",
            "answer_working_days",
            "auto_close_working_days",
        }
        assert all(isinstance(v, int) and v > 0 for v in cat["deadlines"].values()), cat["id"]


def test_seed_keywords_are_single_normalised_words_and_phrases_are_multi_word(
    categories: list[dict],
) -> None:
    # A term that does not survive normalisation unchanged could never match any text.
    for cat in categories:
        for word in cat["keywords"]:
            assert normalize(word) == word and " " not in word, (cat["id"], word)
        for phrase in cat["phrases"]:
            assert normalize(phrase) == phrase and " " in phrase, (cat["id"], phrase)


def test_no_term_belongs_to_two_categories(categories: list[dict]) -> None:
    # A shared term would be evidence for both, i.e. for neither.
    owner: dict[str, str] = {}
    for cat in categories:
        for term in cat["keywords"] + cat["phrases"]:
            assert term not in owner, (term, owner.get(term), cat["id"])
            owner[term] = cat["id"]


def test_street_address_words_are_not_road_evidence(categories: list[dict]) -> None:
    # Every complaint has an address ("Jl. ..."), so "jalan" alone must not mean "roads".
    match = classify_category("Jl. Soekarno Hatta no. 10", categories)
    assert match.category_id == "other"


# --- complaint type --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Bagaimana cara mengurus akta kelahiran anak yang lahir di luar kota?",
        "Mohon info, apakah air PDAM di Sawojajar mati hari ini?",
        "Sy mau tanya, apa saja syarat bikin KTP utk pindahan dr luar kota?",
        "Gimana cara daftar NIB lewat OSS?",
        "Jadwal pengambilan sampah di perumahan kami hari apa ya?",
        "Apakah KTP yang hilang tidak bisa diurus online?",
    ],
)
def test_a_question_is_a_request_for_information(text: str) -> None:
    assert classify_type(text) == "permintaan_informasi"


@pytest.mark.parametrize(
    "text",
    [
        "Usul pak, sebaiknya di taman Merbabu ditambah tempat sampah",
        "Mohon dibangun jembatan penyeberangan di depan SMA 3, banyak siswa menyeberang",
        "Saran saya jalur sepeda di Ijen diperpanjang sampai Semeru",
        "Bagaimana kalau angkot diganti bus listrik seperti di kota lain?",
    ],
)
def test_a_proposal_is_an_aspiration(text: str) -> None:
    assert classify_type(text) == "aspirasi"


@pytest.mark.parametrize(
    "text",
    [
        "Pak, lampu PJU di jl. Soekarno Hatta mati sudah seminggu, gelap sekali kalau malam",
        # a rhetorical question wrapped around a grievance is still a complaint
        "Apakah jalan rusak di Sawojajar tidak akan diperbaiki? Sudah 6 bulan begini",
        "Jalan rusak, kapan diperbaiki?",
        # a suggestion tacked onto a grievance is still a complaint
        "Sampah menumpuk sudah seminggu tidak diangkut, sebaiknya petugas lebih rajin",
        "Dalane rusak parah, wis sewulan ra didandani",
        "",
    ],
)
def test_a_grievance_is_a_complaint(text: str) -> None:
    assert classify_type(text) == "pengaduan"
