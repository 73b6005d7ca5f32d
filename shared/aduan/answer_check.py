"""The check an answer must pass before the unit admin releases it to the citizen.

The city expects answers to be *santun* (polite): a greeting, the substance, a polite closing, in
the language the citizen wrote in. This is a guard against obvious slips (an empty draft, a
template with its blanks unfilled, an Indonesian answer to an English-speaking citizen), not a
grammar checker; officers can read the problems and fix them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Language = Literal["id", "en"]

MIN_WORDS = 10
# Greetings are looked for at the start, closings at the end; these windows are generous enough
# for "Yth. Bapak Ahmad Fauzi di Kelurahan Oro-oro Dowo," and a signature block after the thanks.
_HEAD_CHARS = 160
_TAIL_CHARS = 240

_GREETING = re.compile(
    r"\b(?:yth|yang\s+terhormat|kepada\s+(?:yth|bapak|ibu|sdr)|selamat\s+(?:pagi|siang|sore|malam)"
    r"|bapak|ibu|sdr|saudara|halo|hai|assalamu\w*|salam\s+sejahtera|om\s+swastiastu"
    r"|dear|good\s+(?:morning|afternoon|evening|day)|hello|hi|greetings)\b",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"\b(?:terima\s*kasih|salam|hormat\s+kami|wassalam\w*|demikian|matur\s+nuwun"
    r"|thank\s+you|thanks|regards|sincerely|yours\s+(?:faithfully|truly)|best\s+wishes)\b",
    re.IGNORECASE,
)
# Template blanks: {nama}, {{ nama }}, [[nama]], [NAMA PELAPOR], <nama>.
_PLACEHOLDER = re.compile(
    r"\{\{?\s*[\w.]+\s*\}?\}|\[\[\s*[\w.]+\s*\]\]|\[[A-Z_ ]{3,}\]|<[a-z_]{3,}>"
)

_WORD = re.compile(r"[A-Za-z']+")

# Short, frequent function words; words shared by both languages are left out.
_STOP_ID = frozenset(
    [
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "ini",
        "itu",
        "dengan",
        "untuk",
        "tidak",
        "akan",
        "kami",
        "kita",
        "anda",
        "bapak",
        "ibu",
        "sudah",
        "telah",
        "pada",
        "dalam",
        "atas",
        "adalah",
        "juga",
        "karena",
        "agar",
        "bisa",
        "dapat",
        "oleh",
        "sebagai",
        "ada",
        "kepada",
        "terima",
        "kasih",
        "mohon",
        "segera",
        "kembali",
        "lebih",
        "sehingga",
        "tersebut",
        "serta",
        "namun",
        "bahwa",
        "saat",
        "hari",
        "sedang",
        "belum",
        "masih",
        "atau",
        "jika",
        "maka",
        "laporan",
        "aduan",
        "tindak",
        "lanjut",
        "petugas",
        "warga",
    ]
)
_STOP_EN = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "are",
        "we",
        "you",
        "your",
        "our",
        "for",
        "with",
        "this",
        "that",
        "have",
        "has",
        "will",
        "be",
        "on",
        "at",
        "please",
        "thank",
        "thanks",
        "it",
        "not",
        "been",
        "was",
        "were",
        "would",
        "could",
        "should",
        "from",
        "by",
        "as",
        "an",
        "which",
        "they",
        "there",
        "their",
        "about",
        "into",
        "after",
        "before",
        "report",
        "complaint",
        "officer",
        "team",
        "dear",
        "regards",
        "sincerely",
    ]
)


@dataclass(frozen=True)
class AnswerProblem:
    code: str  # stable English code, for the API and tests
    message: str  # short Indonesian message for the officer


@dataclass(frozen=True)
class AnswerCheck:
    ok: bool
    problems: list[AnswerProblem] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


def detect_language(text: str) -> Language:
    """ "id" or "en" by counting common function words. Ties (and text with none) are "id", the
    city's working language."""
    words = [w.lower() for w in _WORD.findall(text)]
    id_hits = sum(w in _STOP_ID for w in words)
    en_hits = sum(w in _STOP_EN for w in words)
    return "en" if en_hits > id_hits else "id"


_LANGUAGE_NAME = {"id": "Indonesia", "en": "Inggris"}


def check_answer(text: str, citizen_language: Language) -> AnswerCheck:
    body = (text or "").strip()
    if not body:
        return AnswerCheck(False, [AnswerProblem("empty", "Jawaban masih kosong.")])

    problems: list[AnswerProblem] = []
    if len(_WORD.findall(body)) < MIN_WORDS:
        problems.append(
            AnswerProblem("too_short", f"Jawaban terlalu singkat (minimal {MIN_WORDS} kata).")
        )
    blanks = sorted(set(_PLACEHOLDER.findall(body)))
    if blanks:
        problems.append(
            AnswerProblem(
                "unfilled_placeholder",
                "Masih ada isian templat yang belum diganti: " + ", ".join(blanks) + ".",
            )
        )
    if not _GREETING.search(body[:_HEAD_CHARS]):
        problems.append(
            AnswerProblem("no_greeting", 'Jawaban belum diawali salam atau sapaan (mis. "Yth.").')
        )
    if not _CLOSING.search(body[-_TAIL_CHARS:]):
        problems.append(
            AnswerProblem(
                "no_closing", 'Jawaban belum ditutup dengan salam penutup (mis. "Terima kasih").'
            )
        )
    if detect_language(body) != citizen_language:
        problems.append(
            AnswerProblem(
                "wrong_language",
                f"Jawaban harus dalam bahasa {_LANGUAGE_NAME[citizen_language]}, "
                "bahasa yang dipakai pelapor.",
            )
        )
    return AnswerCheck(not problems, problems)
