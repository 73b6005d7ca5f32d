"""What a citizen's text asks for: CEK/STATUS, BARU, Sambat Online's SAMBAT, or plain text."""

import pytest

from inbound.channels.commands import Command, parse_command


@pytest.mark.parametrize(
    "text, tracking_id",
    [
        ("CEK ADU-2026-0001", "ADU-2026-0001"),
        ("cek adu-2026-0001", "ADU-2026-0001"),
        ("Cek: ADU-2026-0001.", "ADU-2026-0001"),
        ("cek#ADU123", "ADU123"),
        ("CEK # adu123 ", "ADU123"),
        ("STATUS ADU-2026-0001", "ADU-2026-0001"),
        ("status: 4812763?", "4812763"),
        ("  status-adu7  ", "ADU7"),
        ("/cek ADU-1", "ADU-1"),
        ("/cek@AduanBot ADU-1", "ADU-1"),
        # About 1 in 40 of our ids has no digit at all: the id's own grammar decides.
        ("CEK AENCM-NHHJW", "AENCM-NHHJW"),
        ("cek aencm-nhhjw.", "AENCM-NHHJW"),
        ("status: aencmnhhjw", "AENCMNHHJW"),
        ("/cek@AduanBot XXXXX-ZZZZZ", "XXXXX-ZZZZZ"),
    ],
)
def test_check_commands_find_the_tracking_id(text, tracking_id):
    assert parse_command(text) == Command(kind="check", tracking_id=tracking_id, body="")


@pytest.mark.parametrize("text", ["CEK", "cek.", "Status", "/cek"])
def test_check_without_an_id_asks_about_the_open_complaint(text):
    assert parse_command(text) == Command(kind="check", tracking_id=None)


@pytest.mark.parametrize(
    "text",
    [
        "Cek jalan rusak di Sukun",  # a complaint that starts with the word "cek"
        "cek dulu lampu di Jl. Ijen",
        "Status jalan ini rusak parah",
        "status baik",  # a word, not an id: ids carry digits
        "CEKLIST ADU-1",
        "cekADU123",
    ],
)
def test_sentences_starting_with_cek_or_status_are_text(text):
    assert parse_command(text).kind == "text"


@pytest.mark.parametrize(
    "text, body",
    [
        ("BARU", ""),
        ("baru", ""),
        ("Baru.", ""),
        ("BARU Lampu jalan mati di Jl. Ijen", "Lampu jalan mati di Jl. Ijen"),
        ("baru: Sampah menumpuk di Pasar Besar", "Sampah menumpuk di Pasar Besar"),
        ("baru#Sampah menumpuk", "Sampah menumpuk"),
        ("Baru\nSaluran air tersumbat", "Saluran air tersumbat"),
    ],
)
def test_baru_forces_a_new_complaint(text, body):
    assert parse_command(text) == Command(kind="new_forced", body=body)


@pytest.mark.parametrize(
    "text",
    [
        "Baru saja terjadi banjir di Sawojajar",
        "baru diperbaiki sudah rusak lagi",
        "Barusan listrik padam",
    ],
)
def test_everyday_baru_is_text_not_a_command(text):
    assert parse_command(text) == Command(kind="text", body=text)


@pytest.mark.parametrize(
    "text, body",
    [
        ("SAMBAT Jalan berlubang di Jl. Soekarno-Hatta", "Jalan berlubang di Jl. Soekarno-Hatta"),
        ("sambat jalan berlubang", "jalan berlubang"),
        ("Sambat: PJU mati", "PJU mati"),
        ("SAMBAT", ""),
    ],
)
def test_sambat_online_format_starts_a_complaint(text, body):
    assert parse_command(text) == Command(kind="new", body=body)


def test_sambatan_is_a_word_not_the_command():
    assert parse_command("Sambatan warga soal air").kind == "text"


@pytest.mark.parametrize("text", ["Tolong jalan di depan rumah saya rusak", "  halo  ", ""])
def test_anything_else_is_text_trimmed(text):
    assert parse_command(text) == Command(kind="text", body=text.strip())


def test_multiline_text_is_kept_whole():
    text = "Lampu mati\nsudah 3 hari\nJl. Ijen"
    assert parse_command(text).body == text


@pytest.mark.parametrize("digits", [0, 1, 10])
def test_every_tracking_id_we_issue_is_checked_whatever_its_letters(digits):
    # Drawn ids, with the digit-less case forced rather than left to a 2.4 % chance.
    import random

    from aduan.tracking import ALPHABET, normalize_tracking_id

    letters, numerals = (
        [c for c in ALPHABET if not c.isdigit()],
        [c for c in ALPHABET if c.isdigit()],
    )
    draw = random.Random(digits)
    for _ in range(200):
        symbols = [draw.choice(numerals) for _ in range(digits)] + [
            draw.choice(letters) for _ in range(10 - digits)
        ]
        draw.shuffle(symbols)
        tracking_id = f"{''.join(symbols[:5])}-{''.join(symbols[5:])}"
        for text in (f"CEK {tracking_id}", f"cek {tracking_id.lower()}", f"/status {tracking_id}"):
            command = parse_command(text)
            assert command.kind == "check", text
            assert normalize_tracking_id(command.tracking_id or "") == tracking_id
