"""Removing what a photo says about its author before anybody else sees it (pure, no I/O).

Phone cameras write EXIF into every photo: the GPS position of the citizen's home, the time, the
phone's make and serial number, sometimes their name. A complaint photo shows a pothole, not the
person: every stored photo goes through `strip` before an officer or the public can open it.

JPEG: the APPn segments other than JFIF (APP0), the colour profile (APP2 ICC_PROFILE) and
Adobe's colour transform (APP14) are dropped, with comments. The one EXIF fact a viewer needs,
the orientation, is written back as a minimal EXIF block holding that tag only, so a portrait
photo is not shown lying on its side. PNG: the eXIf, text and time chunks go. WebP: the EXIF and
XMP chunks go and the VP8X header stops announcing them. GIF carries no camera metadata.
A file that cannot be walked is refused (`MetadataError`): storing it unread could keep the GPS.
"""

from __future__ import annotations

import struct


class MetadataError(ValueError):
    """The file is not a well-formed image of its kind, so its metadata cannot be removed."""


# --- JPEG ------------------------------------------------------------------------------------

_SOS, _EOI = 0xDA, 0xD9
_APP0, _APP1, _APP2, _APP14, _APP15, _COM = 0xE0, 0xE1, 0xE2, 0xEE, 0xEF, 0xFE
_ORIENTATION_TAG = 0x0112


def _jpeg_orientation(exif: bytes) -> int | None:
    """The Orientation tag of IFD0 in an APP1 Exif payload (`Exif\\0\\0` + TIFF), if readable."""
    tiff = exif[6:]
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return None
    order = "<" if tiff[:2] == b"II" else ">"
    (ifd,) = struct.unpack_from(order + "I", tiff, 4)
    if ifd + 2 > len(tiff):
        return None
    (count,) = struct.unpack_from(order + "H", tiff, ifd)
    for n in range(count):
        at = ifd + 2 + 12 * n
        if at + 12 > len(tiff):
            return None
        tag, kind, _, value = struct.unpack_from(order + "HHI4s", tiff, at)
        if tag == _ORIENTATION_TAG and kind == 3:  # SHORT, stored in the entry itself
            (orientation,) = struct.unpack_from(order + "H", value)
            return orientation if 1 <= orientation <= 8 else None
    return None


def _orientation_segment(orientation: int) -> bytes:
    """APP1 with a TIFF header and one IFD holding Orientation only."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", _ORIENTATION_TAG, 3, 1, orientation, 0) + struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff" + bytes([_APP1]) + struct.pack(">H", len(payload) + 2) + payload


def _keep_jpeg_segment(marker: int, payload: bytes) -> bool:
    if marker == _APP0:
        return payload.startswith(b"JFIF\x00") or payload.startswith(b"JFXX\x00")
    if marker == _APP2:
        return payload.startswith(b"ICC_PROFILE\x00")
    if marker == _APP14:
        return payload.startswith(b"Adobe")
    return not (_APP0 <= marker <= _APP15 or marker == _COM)


def strip_jpeg(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise MetadataError("not a JPEG")
    kept: list[bytes] = []
    orientation: int | None = None
    at = 2
    while True:
        # Markers may be padded with extra 0xFF bytes.
        while at + 1 < len(data) and data[at] == 0xFF and data[at + 1] == 0xFF:
            at += 1
        if at + 4 > len(data) or data[at] != 0xFF:
            raise MetadataError("truncated JPEG header")
        marker = data[at + 1]
        if marker == _EOI:
            raise MetadataError("a JPEG without a picture")
        (length,) = struct.unpack_from(">H", data, at + 2)
        end = at + 2 + length
        if length < 2 or end > len(data):
            raise MetadataError("bad JPEG segment length")
        payload = data[at + 4 : end]
        if marker == _APP1 and payload.startswith(b"Exif\x00\x00") and orientation is None:
            orientation = _jpeg_orientation(payload)
        if marker == _SOS:
            break
        if _keep_jpeg_segment(marker, payload):
            kept.append(data[at:end])
        at = end
    if orientation and orientation != 1:
        # Right after JFIF, where readers look for EXIF.
        first = 1 if kept and kept[0][1] == _APP0 else 0
        kept.insert(first, _orientation_segment(orientation))
    # The scan and everything after it is picture data, copied as it is.
    return data[:2] + b"".join(kept) + data[at:]


# --- PNG -------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def strip_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise MetadataError("not a PNG")
    out = bytearray(_PNG_SIGNATURE)
    at = len(_PNG_SIGNATURE)
    while at < len(data):
        if at + 8 > len(data):
            raise MetadataError("truncated PNG chunk")
        (length,) = struct.unpack_from(">I", data, at)
        kind = data[at + 4 : at + 8]
        end = at + 12 + length
        if end > len(data):
            raise MetadataError("bad PNG chunk length")
        if kind not in _PNG_DROPPED:
            out += data[at:end]
        at = end
        if kind == b"IEND":
            break
    return bytes(out)


# --- WebP ------------------------------------------------------------------------------------

_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def strip_webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise MetadataError("not a WebP")
    chunks = bytearray()
    at = 12
    while at + 8 <= len(data):
        kind = data[at : at + 4]
        (length,) = struct.unpack_from("<I", data, at + 4)
        end = at + 8 + length + (length & 1)
        if at + 8 + length > len(data):
            raise MetadataError("bad WebP chunk length")
        chunk = bytearray(data[at:end])
        if kind == b"VP8X":
            chunk[8] &= ~(_VP8X_EXIF | _VP8X_XMP) & 0xFF
        if kind not in (b"EXIF", b"XMP "):
            chunks += chunk
        at = end
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)


def strip(data: bytes, mime_type: str) -> bytes:
    """The same picture without its metadata. `mime_type` is what the bytes were sniffed as."""
    if mime_type == "image/jpeg":
        return strip_jpeg(data)
    if mime_type == "image/png":
        return strip_png(data)
    if mime_type == "image/webp":
        return strip_webp(data)
    if mime_type == "image/gif":
        return data
    raise MetadataError(f"cannot remove the metadata of {mime_type}")
