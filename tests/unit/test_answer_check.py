"""The check before an answer is released: not empty, greets, closes, in the citizen's language."""

from __future__ import annotations

import pytest

from aduan.answer_check import MIN_WORDS, check_answer, detect_language

GOOD_ID = """Yth. Bapak Ahmad,

Terima kasih atas laporan Bapak mengenai jalan berlubang di Jalan Danau Toba, Sawojajar.
Tim DPUPRPKP telah melakukan penambalan pada tanggal 12 November 2026 dan akan memantau
kondisi jalan tersebut.

Hormat kami,
Admin DPUPRPKP Kota Malang"""

GOOD_EN = """Dear Ms. Smith,

Thank you for your report about the broken street light on Jalan Ijen. Our team from the
Public Works office has replaced the lamp on 12 November 2026. Please let us know if the
problem returns.

Kind regards,
Diskominfo Kota Malang"""


def test_a_polite_indonesian_answer_passes() -> None:
    # GIVEN a santun answer in Indonesian to an Indonesian-speaking citizen
    result = check_answer(GOOD_ID, "id")
    # THEN there is nothing to fix
    assert result.ok and result.problems == []


def test_a_polite_english_answer_passes_for_an_english_speaking_citizen() -> None:
    assert check_answer(GOOD_EN, "en").ok


@pytest.mark.parametrize("text", ["", "   \n\t ", None])
def test_an_empty_answer_is_reported_once_as_empty(text: str | None) -> None:
    # GIVEN an empty draft  WHEN checked  THEN the only problem is that it is empty
    result = check_answer(text, "id")  # type: ignore[arg-type]
    assert not result.ok
    assert result.codes == ["empty"]
    assert result.problems[0].message == "Jawaban masih kosong."


def test_a_terse_answer_is_too_short_and_impolite() -> None:
    # GIVEN "Sudah diperbaiki." and nothing else
    result = check_answer("Sudah diperbaiki.", "id")
    # THEN it is too short, has no greeting and no closing
    assert result.codes == ["too_short", "no_greeting", "no_closing"]
    assert str(MIN_WORDS) in result.problems[0].message


@pytest.mark.parametrize(
    "greeting",
    [
        "Yth. Ibu Sari,",
        "Selamat siang Bapak,",
        "Bapak/Ibu yang kami hormati,",
        "Halo Kak,",
        "Assalamu'alaikum Bapak,",
        "Selamat malam,",
    ],
)
def test_common_indonesian_greetings_are_recognised(greeting: str) -> None:
    body = (
        f"{greeting}\nLaporan tentang sampah yang menumpuk di Jalan Kawi sudah kami teruskan ke "
        "DLH dan petugas telah mengangkutnya kemarin pagi. Terima kasih."
    )
    assert "no_greeting" not in check_answer(body, "id").codes


@pytest.mark.parametrize(
    "closing",
    [
        "Terima kasih.",
        "Salam,\nAdmin Kelurahan",
        "Hormat kami,",
        "Wassalamu'alaikum.",
        "Demikian kami sampaikan.",
    ],
)
def test_common_indonesian_closings_are_recognised(closing: str) -> None:
    body = (
        "Yth. Bapak Budi, laporan tentang lampu jalan yang padam di Jalan Soekarno Hatta sudah "
        f"kami perbaiki pada hari Senin. {closing}"
    )
    assert "no_closing" not in check_answer(body, "id").codes


def test_a_greeting_buried_in_the_middle_does_not_count() -> None:
    # GIVEN an answer that starts with the substance and mentions "Bapak" only much later
    body = (
        "Laporan sudah ditindaklanjuti oleh petugas lapangan dari dinas terkait sesuai prosedur "
        "yang berlaku di lingkungan pemerintah kota dan hasilnya sudah dicatat dalam sistem "
        "kami pada hari ini, sehingga tidak perlu ada tindakan lanjutan dari Bapak. Terima kasih."
    )
    # THEN the greeting check fails: a greeting belongs at the start
    assert "no_greeting" in check_answer(body, "id").codes


def test_words_that_merely_contain_a_greeting_do_not_count() -> None:
    # GIVEN "Ibukota" at the start, which contains "ibu" but greets nobody
    body = (
        "Ibukota kecamatan sudah kami hubungi terkait laporan ini dan petugas akan datang "
        "ke lokasi pada hari Rabu. Terima kasih."
    )
    assert "no_greeting" in check_answer(body, "id").codes


def test_an_indonesian_answer_to_an_english_speaking_citizen_is_the_wrong_language() -> None:
    # GIVEN a citizen who wrote in English
    result = check_answer(GOOD_ID, "en")
    # THEN the Indonesian answer is flagged, with a message naming the language wanted
    assert result.codes == ["wrong_language"]
    assert "Inggris" in result.problems[0].message


def test_an_english_answer_to_an_indonesian_citizen_is_the_wrong_language() -> None:
    result = check_answer(GOOD_EN, "id")
    assert result.codes == ["wrong_language"]
    assert "Indonesia" in result.problems[0].message


def test_template_blanks_left_unfilled_are_reported() -> None:
    # GIVEN a response template whose blanks were not replaced
    body = (
        "Yth. {nama_pelapor}, laporan Bapak tentang [LOKASI] sudah kami tindak lanjuti dan jalan "
        "sudah diperbaiki oleh petugas. Terima kasih."
    )
    result = check_answer(body, "id")
    # THEN the blanks are listed so the officer can fill them in
    assert result.codes == ["unfilled_placeholder"]
    assert "{nama_pelapor}" in result.problems[0].message
    assert "[LOKASI]" in result.problems[0].message


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Jalan di depan rumah saya rusak dan belum diperbaiki sejak bulan lalu.", "id"),
        ("The road in front of my house is broken and has not been fixed.", "en"),
        ("Mohon segera ditindaklanjuti, terima kasih.", "id"),
        ("Please fix the street light, thank you.", "en"),
        ("12345 !!!", "id"),  # nothing to go on: the city's working language
    ],
)
def test_detect_language_by_common_words(text: str, language: str) -> None:
    assert detect_language(text) == language
