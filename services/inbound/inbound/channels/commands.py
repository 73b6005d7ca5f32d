"""What a citizen's chat or SMS text asks for: check a complaint, start a new one, or just talk.

The commands are the ones Indonesian city channels already taught people:
- `CEK <id>` / `STATUS <id>` — the status of a complaint (SP4N-LAPOR!'s habit).
- `BARU [isi]` — start a new complaint even though one is still open.
- `SAMBAT <isi>` — Malang's Sambat Online SMS format: a complaint.
Anything else is plain text: a new complaint, or a follow-up on the sender's open one (the
caller decides, it knows the conversation).

Texters type fast on small keyboards, so commands are case-insensitive, tolerate punctuation
(`cek#ADU-123`, `STATUS: adu-123.`) and the Telegram form (`/cek@AduanBot ADU-123`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from aduan.tracking import normalize_tracking_id

CommandKind = Literal["new", "check", "new_forced", "text"]


@dataclass(frozen=True, kw_only=True)
class Command:
    kind: CommandKind
    tracking_id: str | None = None
    body: str = ""


# A command word at the very start: optional Telegram slash and @botname suffix.
_SEP = r"[\s:;#.,\-=]"
_CHECK = re.compile(
    rf"^/?(?:cek|status)(?:@\w+)?(?:{_SEP}+(?P<id>[^\s]*?))?[\s.!?,;:]*$",
    re.IGNORECASE,
)
_BARU = re.compile(
    r"^/?(?P<word>baru)(?:@\w+)?(?P<rest>(?:[\s:;#.,\-=!].*)?)$", re.IGNORECASE | re.DOTALL
)
_SAMBAT = re.compile(
    r"^/?sambat(?:@\w+)?(?P<rest>(?:[\s:;#.,\-=!].*)?)$", re.IGNORECASE | re.DOTALL
)
_ID_CHARS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/]*$")


def parse_command(text: str) -> Command:
    stripped = (text or "").strip()
    if not stripped:
        return Command(kind="text", body="")

    check = _check(stripped)
    if check is not None:
        return check

    baru = _BARU.match(stripped)
    if baru and _is_baru_command(baru.group("word"), baru.group("rest")):
        return Command(kind="new_forced", body=_strip_lead(baru.group("rest")))

    sambat = _SAMBAT.match(stripped)
    if sambat:
        return Command(kind="new", body=_strip_lead(sambat.group("rest")))

    return Command(kind="text", body=stripped)


def _check(text: str) -> Command | None:
    # The whole message must be the command and at most one id: "Cek jalan rusak di Sukun"
    # is a complaint that happens to start with "cek", not a status query.
    match = _CHECK.match(text)
    if not match:
        return None
    raw_id = (match.group("id") or "").strip(".,;:!?#")
    if not raw_id:
        # "CEK" alone: the caller answers with the sender's open complaint, if any.
        return Command(kind="check", tracking_id=None, body="")
    if not _ID_CHARS.match(raw_id) or not _looks_like_an_id(raw_id):
        return None
    # Citizens type ids in lower case on phones; ids are issued in upper case.
    return Command(kind="check", tracking_id=raw_id.upper(), body="")


def _looks_like_an_id(raw_id: str) -> bool:
    # Ours are decided by their own grammar: about 1 in 40 has no digit at all ("AENCM-NHHJW").
    # Another system's reference (a LAPOR! number, an old "ADU-2026-0001") carries a digit, so
    # it is asked about too, and answered as unknown; "status baik" or "cek dulu" are words.
    return normalize_tracking_id(raw_id) is not None or any(c.isdigit() for c in raw_id)


def _is_baru_command(word: str, rest: str) -> bool:
    # "baru" is also everyday Indonesian ("Baru saja banjir", "baru diperbaiki sudah rusak").
    # So it is a command when it stands alone, is followed by a separator ("baru: ...",
    # "baru#..."), sits on its own line, or is typed in capitals the way SMS commands are
    # ("BARU jalan rusak"). A sentence that merely starts with "Baru ..." stays plain text.
    if not rest.strip(" \t.!?,;:#-="):
        return True
    if rest[0] in ":;#=-,\n\r":
        return True
    return word == "BARU"


def _strip_lead(rest: str) -> str:
    return rest.lstrip(" \t\r\n:;#.,-=!").strip()
