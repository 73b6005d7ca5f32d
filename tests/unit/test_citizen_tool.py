"""The citizen tool's own mistakes are clear messages, never tracebacks; its sample photo ships."""

from __future__ import annotations

from PIL import Image

from infra.local import citizen


def test_the_sample_photo_of_the_examples_ships_with_the_repo():
    with Image.open(citizen.SAMPLE_PHOTO) as photo:
        assert photo.format == "JPEG" and photo.size == (320, 240)


def test_a_missing_photo_is_a_clear_message_and_exit_code_2(capsys, tmp_path):
    missing = tmp_path / "lubang.jpg"
    code = citizen.main(["whatsapp", "--from", "6281234567890", "--photo", str(missing), "Lubang"])
    assert code == 2
    error = capsys.readouterr().err
    assert f"--photo {missing}: no such file" in error and str(citizen.SAMPLE_PHOTO) in error
    assert "Traceback" not in error
