"""Duplicate suggestions: similar text among recent complaints of the same category and area."""

from __future__ import annotations

from datetime import UTC, datetime

from routing.duplicates import WINDOW, similarity, since, suggest, words

FIRST = {
    "id": "AAAAA-11111",
    "title": "Sampah menumpuk di TPS Jalan Bareng",
    "description": "Sampah menumpuk tidak diangkut sudah seminggu di TPS Jalan Bareng Raya, bau menyengat",
    "status": "dispatched",
}
OTHER = {
    "id": "BBBBB-22222",
    "title": "Pembakaran sampah liar",
    "description": "Warga membakar sampah plastik di lahan kosong belakang sekolah setiap sore",
    "status": "received",
}


def test_the_same_problem_in_other_words_is_suggested():
    text = (
        "TPS Bareng penuh. Sampah menumpuk dan tidak diangkut, baunya menyengat sampai rumah warga"
    )
    assert suggest("CCCCC-33333", text, [OTHER, FIRST]) == ["AAAAA-11111"]


def test_a_different_problem_of_the_same_category_is_not():
    assert suggest("CCCCC-33333", "Lampu taman mati di alun-alun", [FIRST, OTHER]) == []


def test_the_complaint_itself_and_archived_ones_are_never_suggested():
    text = FIRST["title"] + " " + FIRST["description"]
    assert suggest("AAAAA-11111", text, [FIRST]) == []
    assert suggest("CCCCC-33333", text, [{**FIRST, "status": "archived"}]) == []


def test_common_words_do_not_make_complaints_alike():
    assert words("Mohon bapak ibu segera jalan rumah warga") == frozenset()
    assert similarity(frozenset(), frozenset({"tps"})) == 0.0


def test_the_window_is_fourteen_days():
    assert (
        since(datetime(2026, 11, 20, tzinfo=UTC)) == datetime(2026, 11, 6, tzinfo=UTC)
        and WINDOW.days == 14
    )
