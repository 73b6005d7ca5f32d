"""Complaint text -> type (pengaduan / aspirasi / permintaan informasi) and category.

Pure functions over the seed data (infra/seed/categories.json): no AWS, no I/O. The scoring is
deliberately simple and explainable, because a coordinator must be able to see *why* a complaint
was routed where it was (the matched words travel with the proposal).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

ComplaintType = Literal["pengaduan", "aspirasi", "permintaan_informasi"]

FALLBACK_CATEGORY = "other"

# A multi-word phrase ("lampu jalan mati") is much less ambiguous than any single word in it.
PHRASE_WEIGHT = 2.0
KEYWORD_WEIGHT = 1.0
# Score at which the evidence term reaches 0.5. At 0.6 one distinctive keyword ("ktp", "banjir")
# alone gives 0.625 -- just above the default routing threshold of 0.55 -- while two categories
# tied on one keyword each fall well below it.
EVIDENCE_SCALE = 0.6

# Abbreviations and slang as citizens type them in SMS/WhatsApp, Malang's walikan (reversed
# words) and Javanese function words (negation, "already"), which the type cues depend on.
# Content words are not translated here: Javanese "dalan" (road) is a category keyword, so that
# data, not code, decides what it means.
SLANG: dict[str, str] = {
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "ndak": "tidak",
    "ora": "tidak",
    "ra": "tidak",
    "kadit": "tidak",
    "wis": "sudah",
    "uwis": "sudah",
    "sewulan": "sebulan",
    "jl": "jalan",
    "jln": "jalan",
    "jaln": "jalan",
    "yg": "yang",
    "dg": "dengan",
    "dgn": "dengan",
    "sy": "saya",
    "ayas": "saya",
    "udh": "sudah",
    "udah": "sudah",
    "sdh": "sudah",
    "blm": "belum",
    "blum": "belum",
    "krn": "karena",
    "karna": "karena",
    "utk": "untuk",
    "untk": "untuk",
    "kl": "kalau",
    "klo": "kalau",
    "kalo": "kalau",
    "tp": "tapi",
    "jg": "juga",
    "lg": "lagi",
    "trs": "terus",
    "bgt": "banget",
    "org": "orang",
    "mhn": "mohon",
    "tlg": "tolong",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "bgmn": "bagaimana",
    "gmana": "bagaimana",
    "dmn": "dimana",
    "skrg": "sekarang",
    "kmrn": "kemarin",
    "hr": "hari",
    "bln": "bulan",
    "mggu": "minggu",
    "sm": "sama",
    "bs": "bisa",
    "bsa": "bisa",
    "ngalam": "malang",
}
# Deliberately absent: "dr" (both "dari" and a doctor's title, "dr. Budi").

# Clitics and Javanese possessives glued to a word ("jalannya", "sampahe", "lampune").
_CLITICS = ("nya", "ne", "e", "lah", "kah", "pun")
_MIN_STEM = 3

_REDUPLICATION = re.compile(r"(?<![0-9a-z])([a-z]{2,})2(?![0-9a-z])")  # "lampu2" = "lampu-lampu"
_NON_WORD = re.compile(r"[\W_]+")
_ELONGATION = re.compile(r"([a-z])\1{2,}")  # "gelaaap", "banjirrr": 3+ repeats are emphasis


def normalize(text: str) -> str:
    """Lower-case, strip punctuation, undo elongation and expand slang/abbreviations."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _REDUPLICATION.sub(r"\1 \1", text)
    text = _NON_WORD.sub(" ", text)
    tokens = (_ELONGATION.sub(r"\1", token) for token in text.split())
    return " ".join(SLANG.get(token, token) for token in tokens)


def _forms(token: str) -> frozenset[str]:
    """The token plus its stems with one clitic removed, so 'jalannya' also reads as 'jalan'."""
    forms = {token}
    for clitic in _CLITICS:
        if token.endswith(clitic) and len(token) - len(clitic) >= _MIN_STEM:
            forms.add(token[: -len(clitic)])
    return frozenset(forms)


def _tokens_with_forms(text: str) -> list[frozenset[str]]:
    return [_forms(token) for token in normalize(text).split()]


@lru_cache(maxsize=8192)
def _term_words(term: str) -> tuple[str, ...]:
    # Seed terms are the same few hundred strings on every call: normalise each once.
    return tuple(normalize(term).split())


def _phrase_at(forms: list[frozenset[str]], start: int, phrase: tuple[str, ...]) -> bool:
    if start + len(phrase) > len(forms):
        return False
    return all(word in forms[start + i] for i, word in enumerate(phrase))


def _find_phrase(forms: list[frozenset[str]], phrase: tuple[str, ...]) -> int | None:
    for start in range(len(forms) - len(phrase) + 1):
        if _phrase_at(forms, start, phrase):
            return start
    return None


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name_id: str
    name_en: str
    keywords: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    default_unit: str | None = None

    @classmethod
    def from_seed(cls, item: Mapping[str, Any]) -> Category:
        keywords: set[str] = set()
        phrases: set[tuple[str, ...]] = set()
        # Seed terms go through the same normalisation as the text, so "e-KTP" and "e ktp" agree;
        # a keyword that normalises to several words is matched as a phrase.
        for term in list(item.get("keywords", [])) + list(item.get("phrases", [])):
            words = _term_words(term)
            if len(words) == 1:
                keywords.add(words[0])
            elif words:
                phrases.add(words)
        return cls(
            id=item["id"],
            name_id=item.get("name_id", item["id"]),
            name_en=item.get("name_en", item["id"]),
            keywords=frozenset(keywords),
            phrases=tuple(sorted(phrases)),
            default_unit=item.get("default_unit"),
        )


def as_categories(categories: Iterable[Category | Mapping[str, Any]]) -> list[Category]:
    """Accept seed dicts (JSON / DynamoDB items) or already-built Category objects."""
    return [c if isinstance(c, Category) else Category.from_seed(c) for c in categories]


@dataclass(frozen=True, slots=True)
class CategoryMatch:
    category_id: str
    confidence: float
    scores: dict[str, float]
    matched: list[str]


def classify_category(
    text: str,
    categories: Iterable[Category | Mapping[str, Any]],
    fallback: str = FALLBACK_CATEGORY,
) -> CategoryMatch:
    """Score every category on the words of `text` and pick the best.

    Phrases are matched first, longest first, and the words they cover are consumed: in
    "lampu lalu lintas mati" the traffic phrase takes "lampu", so street lighting gets nothing.
    Each distinct term counts once (repeating "sampah" five times is not five times the evidence).
    confidence = evidence x (0.5 + 0.5 x margin), where evidence = s1 / (s1 + 0.6) grows with the
    winner's score and margin = (s1 - s2) / s1 is its lead over the runner-up; a tie halves it.
    """
    cats = as_categories(categories)
    forms = _tokens_with_forms(text)
    consumed = [False] * len(forms)
    hits: dict[str, list[str]] = {c.id: [] for c in cats}
    scores: dict[str, float] = {c.id: 0.0 for c in cats}

    by_first_word: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for cat in cats:
        for phrase in cat.phrases:
            by_first_word.setdefault(phrase[0], []).append((cat.id, phrase))
    candidates = [
        (len(phrase), start, cat_id, phrase)
        for start, token_forms in enumerate(forms)
        for form in token_forms
        for cat_id, phrase in by_first_word.get(form, ())
        if _phrase_at(forms, start, phrase)
    ]
    for length, start, cat_id, phrase in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        span = range(start, start + length)
        if any(consumed[i] for i in span):
            continue
        for i in span:
            consumed[i] = True
        term = " ".join(phrase)
        if term not in hits[cat_id]:
            hits[cat_id].append(term)
            scores[cat_id] += PHRASE_WEIGHT

    for i, token_forms in enumerate(forms):
        if consumed[i]:
            continue
        for cat in cats:
            for word in sorted(token_forms & cat.keywords):
                if word not in hits[cat.id]:
                    hits[cat.id].append(word)
                    scores[cat.id] += KEYWORD_WEIGHT

    # Ties are broken by id, not by list order: DynamoDB returns the categories sorted by key.
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    top_id, top = ranked[0] if ranked else (fallback, 0.0)
    if top <= 0:
        # Nothing recognisable: the coordinator triages it.
        return CategoryMatch(fallback, 0.0, scores, [])
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    evidence = top / (top + EVIDENCE_SCALE)
    margin = (top - runner_up) / top
    confidence = round(evidence * (0.5 + 0.5 * margin), 3)
    return CategoryMatch(top_id, confidence, scores, hits[top_id])


# --- complaint type -------------------------------------------------------------------------

# Cues are written in normalised form (slang already expanded: "gimana cara" -> "bagaimana cara").
_INFO_CUES = (
    "bagaimana cara",
    "bagaimana prosedur",
    "cara mengurus",
    "cara membuat",
    "cara mendaftar",
    "cara daftar",
    "apakah",
    "bisakah",
    "bolehkah",
    "apa saja",
    "syarat",
    "persyaratan",
    "prosedur",
    "mohon info",
    "minta info",
    "mohon informasi",
    "minta informasi",
    "mohon penjelasan",
    "info dong",
    "tanya",
    "bertanya",
    "menanyakan",
    "berapa biaya",
    "berapa lama",
    "jam berapa",
    "jam buka",
    "jadwal",
    "kemana harus",
    "dimana bisa",
)
_ASPIRATION_CUES = (
    "usul",
    "usulan",
    "mengusulkan",
    "saran",
    "menyarankan",
    "sebaiknya",
    "seyogyanya",
    "alangkah baiknya",
    "mohon dibangun",
    "mohon dibuatkan",
    "mohon ditambah",
    "mohon ditambahkan",
    "mohon diadakan",
    "minta dibangun",
    "minta dibuatkan",
    "perlu dibangun",
    "perlu ditambah",
    "perlu diadakan",
    "bagaimana kalau",
    "aspirasi",
    "masukan",
    "berharap",
    "harapan saya",
)
_GRIEVANCE_CUES = (
    "rusak",
    "mati",
    "tidak",
    "belum",
    "macet",
    "mampet",
    "menumpuk",
    "bocor",
    "banjir",
    "gelap",
    "kecewa",
    "parah",
    "keluhan",
    "mengeluh",
    "mengeluhkan",
    "lapor",
    "melaporkan",
    "komplain",
    "resah",
    "meresahkan",
    "mengganggu",
    "terganggu",
    "dibiarkan",
    "terbengkalai",
    "pungli",
    "kasar",
    "lambat",
    "seminggu",
    "sebulan",
    "berhari",
    "berminggu",
    "berbulan",
    "bertahun",
)
_DURATION = re.compile(r"\b\d+ (hari|minggu|bulan|tahun)\b")  # "sudah 3 hari" = a grievance

_QUESTION_WEIGHT = 1.0  # a bare "?" is weak: "kapan diperbaiki?" is usually a complaint
_STRONG_CUE_WEIGHT = 2.0
_GRIEVANCE_WEIGHT = 1.0


def _cue_score(forms: list[frozenset[str]], cues: tuple[str, ...], weight: float) -> float:
    present = frozenset().union(*forms)
    found = {
        cue
        for cue in cues
        if cue.split()[0] in present and _find_phrase(forms, tuple(cue.split())) is not None
    }
    return weight * len(found)


def classify_type(text: str) -> ComplaintType:
    """pengaduan (default), aspirasi (a proposal) or permintaan_informasi (a question).

    A question or proposal only wins when its cues outweigh the signs of a grievance, because
    citizens often wrap a complaint in a question ("apakah tidak ada yang peduli? sudah 3 bulan").
    """
    forms = _tokens_with_forms(text)
    info = _cue_score(forms, _INFO_CUES, _STRONG_CUE_WEIGHT)
    if "?" in text:
        info += _QUESTION_WEIGHT
    aspiration = _cue_score(forms, _ASPIRATION_CUES, _STRONG_CUE_WEIGHT)
    grievance = _cue_score(forms, _GRIEVANCE_CUES, _GRIEVANCE_WEIGHT)
    grievance += _GRIEVANCE_WEIGHT * len(_DURATION.findall(normalize(text)))
    if aspiration > grievance and aspiration >= info:
        return "aspirasi"
    if info > grievance:
        return "permintaan_informasi"
    return "pengaduan"
