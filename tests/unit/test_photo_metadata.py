"""Photos lose their EXIF (GPS above all) before anybody sees them; the picture stays the same."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from aduan.photo_metadata import MetadataError, strip

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo_with_gps(fmt: str = "JPEG", orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (64, 48), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12 Pro"  # Model
    exif[0x013B] = "Budi Santoso"  # Artist
    if orientation:
        exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (7.0, 58.0, 12.5), 3: "E", 4: (112.0, 37.0, 48.25)})
    out = io.BytesIO()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Budi Santoso")
        image.save(out, "PNG", exif=exif, pnginfo=info)
    elif fmt == "JPEG":
        image.save(out, "JPEG", exif=exif, comment=b"taken at home", quality=90)
    else:
        image.save(out, fmt, exif=exif)
    return out.getvalue()


def test_a_jpeg_with_gps_exif_comes_out_with_none():
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the fixture really has GPS
    cleaned = strip(original, "image/jpeg")
    image = Image.open(io.BytesIO(cleaned))
    assert not image.getexif()  # no EXIF at all: no GPS, make, model, artist
    assert (
        b"Budi" not in cleaned and b"PhoneMaker" not in cleaned and b"taken at home" not in cleaned
    )
    image.load()  # still a whole picture
    assert image.size == (64, 48)
    assert (
        Image.open(io.BytesIO(original)).convert("RGB").tobytes() == image.convert("RGB").tobytes()
    )


def test_the_orientation_survives_alone():
    cleaned = strip(photo_with_gps(orientation=6), "image/jpeg")
    exif = Image.open(io.BytesIO(cleaned)).getexif()
    assert dict(exif) == {ORIENTATION: 6}
    assert not exif.get_ifd(GPS_IFD)


def test_png_and_webp_lose_their_exif_and_text():
    for fmt, mime in (("PNG", "image/png"), ("WEBP", "image/webp")):
        original = photo_with_gps(fmt)
        assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD), fmt
        cleaned = strip(original, mime)
        image = Image.open(io.BytesIO(cleaned))
        image.load()
        assert not image.getexif(), fmt
        assert b"Budi" not in cleaned, fmt
        assert image.size == (64, 48)


@pytest.mark.parametrize(
    "data, mime",
    [
        (b"\xff\xd8\xff\xe1\xff\xff" + b"x" * 10, "image/jpeg"),  # a segment longer than the file
        (b"\xff\xd8", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x10\x00IHDR", "image/png"),
        (b"not an image", "image/jpeg"),
        (b"\x00\x00\x00\x18ftypheic", "image/heic"),
    ],
    ids=["jpeg-bad-length", "jpeg-truncated", "png-bad-length", "not-jpeg", "heic"],
)
def test_a_file_that_cannot_be_walked_is_refused(data, mime):
    with pytest.raises(MetadataError):
        strip(data, mime)
