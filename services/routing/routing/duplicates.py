"""Possible duplicates: recent complaints of the same category in the same area, with similar text.

Several residents report the same broken road or overflowing drain; the coordinator should see
that at a glance and archive the later ones as duplicates (the citizen is told which complaint to
follow). Candidates come from the SimilarComplaints index (category x kecamatan, last 14 days, the
newest CANDIDATES of them; never a Scan); the text comparison is a plain word-set overlap on the
normalised text, so the coordinator can see why two complaints were linked. It only suggests:
nothing is archived here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from routing.classify import normalize

WINDOW = timedelta(days=14)
# The newest similar complaints compared with a new one: reports of one problem come close
# together, and the query reads (and pays for) this many items on every complaint routed, not a
# share of the table that grows with it.
CANDIDATES = 50
THRESHOLD = 0.3  # Jaccard similarity of the word sets
MAX_SUGGESTIONS = 3
_MIN_WORD = 3
# Words every complaint uses; they would make unrelated complaints look alike.
_COMMON = frozenset(
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
        "sudah",
        "belum",
        "ada",
        "mohon",
        "tolong",
        "segera",
        "pak",
        "bu",
        "bapak",
        "ibu",
        "saya",
        "kami",
        "kita",
        "sangat",
        "sekali",
        "banyak",
        "warga",
        "jalan",
        "rumah",
        "dekat",
        "depan",
        "sekitar",
        "sejak",
        "hari",
        "minggu",
        "bulan",
        "lagi",
        "juga",
        "karena",
        "tapi",
        "atau",
        "akan",
        "bisa",
        "terima",
        "kasih",
        "kota",
        "malang",
        "kelurahan",
        "kecamatan",
        "the",
        "and",
        "please",
    ]
)


def words(text: str) -> frozenset[str]:
    return frozenset(
        w
        for w in normalize(text).split()
        if len(w) >= _MIN_WORD and w not in _COMMON and not w.isdigit()
    )


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def text_of(item: Mapping[str, Any]) -> str:
    return f"{item.get('title') or ''} {item.get('description') or ''}"


def suggest(complaint_id: str, text: str, candidates: Iterable[Mapping[str, Any]]) -> list[str]:
    """Ids of the most similar candidates above the threshold, most similar first."""
    mine = words(text)
    scored = []
    for item in candidates:
        other_id = item.get("id")
        if not other_id or other_id == complaint_id or item.get("status") == "archived":
            continue
        score = similarity(mine, words(text_of(item)))
        if score >= THRESHOLD:
            scored.append((-score, other_id))
    return [other for _, other in sorted(scored)[:MAX_SUGGESTIONS]]


def since(received_at: datetime) -> datetime:
    return received_at - WINDOW
