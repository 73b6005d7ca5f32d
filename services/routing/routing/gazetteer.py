"""Where a complaint is: kecamatan and kelurahan, from the form fields or the free text.

The gazetteer is data (infra/seed/areas.json). Names are matched on a spacing- and
punctuation-insensitive key, so "Oro-oro Dowo", "oro oro dowo" and "ORO-ORO DOWO" are the same
place. Free text is only ever matched on whole words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from routing.classify import normalize

AreaSource = Literal["form", "text", "none"]

# Words that announce a place. An explicit administrative cue is the strongest evidence, and the
# only thing that turns a name shared by a kecamatan and one of its kelurahan into the kelurahan.
KELURAHAN_CUES = frozenset({"kel", "kelurahan", "kalurahan", "desa"})
KECAMATAN_CUES = frozenset({"kec", "kecamatan", "kcmtn"})
PLACE_CUES = frozenset(
    {
        "di",
        "ke",
        "dari",
        "daerah",
        "wilayah",
        "kawasan",
        "sekitar",
        "area",
        "warga",
        "kampung",
        "perumahan",
        "perum",
        "jalan",
        "gang",
        "gg",
        "pasar",
        "terminal",
        "stasiun",
        "ndek",
        "nang",
        "neng",
        "ning",  # Malang Javanese for "at / in"
    }
)
_FORM_PREFIXES = KELURAHAN_CUES | KECAMATAN_CUES

# Evidence weight of one mention in the text, by what precedes it.
_WEIGHT_ADMIN_CUE = 1.0
_WEIGHT_PLACE_CUE = 0.8
_WEIGHT_BARE = 0.6
# A form value that is only a near miss ("Klojn") is accepted, but not as firmly as an exact one.
_FUZZY_CUTOFF = 0.85
_FORM_EXACT = 1.0
_FORM_FUZZY = 0.85
_CONFLICT_FACTOR = 0.6


def name_key(value: str) -> str:
    """Spacing/punctuation-free key for comparing names and ids: 'Oro-oro Dowo' -> 'oroorodowo'."""
    return normalize(value).replace(" ", "")


@dataclass(frozen=True, slots=True)
class Kecamatan:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    common_word: bool = False


@dataclass(frozen=True, slots=True)
class Kelurahan:
    id: str
    name: str
    kecamatan_id: str
    aliases: tuple[str, ...] = ()
    common_word: bool = False


@dataclass(frozen=True, slots=True)
class AreaMatch:
    kecamatan_id: str | None
    kelurahan_id: str | None
    confidence: float
    source: AreaSource
    conflict: bool = False
    notes: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.kecamatan_id is not None


NO_AREA = AreaMatch(None, None, 0.0, "none")


@dataclass(frozen=True, slots=True)
class _Mention:
    kind: Literal["kecamatan", "kelurahan"]
    ids: tuple[str, ...]  # more than one only if a kelurahan name repeats across kecamatan
    weight: float
    position: int


class Gazetteer:
    """Immutable index over one city's kecamatan and kelurahan."""

    def __init__(
        self,
        city_id: str,
        city_name: str,
        kecamatan: Iterable[Kecamatan],
        kelurahan: Iterable[Kelurahan],
    ) -> None:
        self.city_id = city_id
        self.city_name = city_name
        self.kecamatan: dict[str, Kecamatan] = {k.id: k for k in kecamatan}
        self.kelurahan: dict[str, Kelurahan] = {k.id: k for k in kelurahan}
        self._kec_by_key = _index(
            (k.id, [k.id, k.name, *k.aliases]) for k in self.kecamatan.values()
        )
        self._kel_by_key = _index(
            (k.id, [k.id, k.name, *k.aliases]) for k in self.kelurahan.values()
        )
        self._text_names, self._text_pattern = self._build_text_index()

    @classmethod
    def from_seed(cls, seed: Mapping[str, Any]) -> Gazetteer:
        kecamatan: list[Kecamatan] = []
        kelurahan: list[Kelurahan] = []
        for kec in seed["kecamatan"]:
            kecamatan.append(
                Kecamatan(
                    kec["id"],
                    kec["name"],
                    tuple(kec.get("aliases", ())),
                    bool(kec.get("common_word", False)),
                )
            )
            for kel in kec.get("kelurahan", ()):
                kelurahan.append(
                    Kelurahan(
                        kel["id"],
                        kel["name"],
                        kec["id"],
                        tuple(kel.get("aliases", ())),
                        bool(kel.get("common_word", False)),
                    )
                )
        city = seed.get("city", {})
        return cls(city.get("id", ""), city.get("name", ""), kecamatan, kelurahan)

    def kecamatan_of(self, kelurahan_id: str) -> str:
        return self.kelurahan[kelurahan_id].kecamatan_id

    def find_kecamatan(self, value: str) -> tuple[str | None, float]:
        """A kecamatan id from an id, name or alias in any case/spacing; (None, 0) if unknown."""
        return _lookup(self._kec_by_key, _strip_form_prefix(value))

    def find_kelurahan(self, value: str, within: str | None = None) -> tuple[str | None, float]:
        """A kelurahan id from an id, name or alias; `within` settles a name that repeats."""
        ids, score = _lookup_all(self._kel_by_key, _strip_form_prefix(value))
        if within is not None and len(ids) > 1:
            ids = [i for i in ids if self.kecamatan_of(i) == within] or ids
        return (ids[0], score) if len(ids) == 1 else (None, 0.0)

    def mentions(self, text: str) -> list[_Mention]:
        """Whole-word mentions of places in free text, longest name first, in text order."""
        normalized = normalize(text)
        found: list[_Mention] = []
        for match in self._text_pattern.finditer(normalized):
            before = normalized[: match.start()].split()
            cue = before[-1] if before else ""
            mention = self._interpret(match.group(0), cue, position=match.start())
            if mention is not None:
                found.append(mention)
        return found

    # -- internals ---------------------------------------------------------------------------

    def _build_text_index(self) -> tuple[dict[str, list[tuple[str, str]]], re.Pattern[str]]:
        names: dict[str, list[tuple[str, str]]] = {}

        def add(kind: str, area_id: str, name: str) -> None:
            spaced = normalize(name)
            # "Rampal Celaket" is also typed "rampalcelaket"; "Sawojajar" as "sawo jajar" must be
            # listed as an alias, since where to split a joined name is not derivable.
            for form in {spaced, spaced.replace(" ", "")}:
                if form and (kind, area_id) not in names.setdefault(form, []):
                    names[form].append((kind, area_id))

        for kec in self.kecamatan.values():
            for name in (kec.name, *kec.aliases):
                add("kecamatan", kec.id, name)
        for kel in self.kelurahan.values():
            for name in (kel.name, *kel.aliases):
                add("kelurahan", kel.id, name)
        # Longest first, so "bale arjosari" wins over "arjosari" at the same position.
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        if not alternatives:  # an empty alternation would match the empty string everywhere
            return names, re.compile(r"(?!)")
        pattern = re.compile(rf"(?<![0-9a-z])(?:{alternatives})(?![0-9a-z])")
        return names, pattern

    def _interpret(self, form: str, cue: str, position: int) -> _Mention | None:
        targets = self._text_names[form]
        kec_ids = tuple(i for kind, i in targets if kind == "kecamatan")
        kel_ids = tuple(i for kind, i in targets if kind == "kelurahan")
        if cue in KELURAHAN_CUES and kel_ids:
            return _Mention("kelurahan", kel_ids, _WEIGHT_ADMIN_CUE, position)
        if cue in KECAMATAN_CUES and kec_ids:
            return _Mention("kecamatan", kec_ids, _WEIGHT_ADMIN_CUE, position)
        weight = _WEIGHT_PLACE_CUE if cue in PLACE_CUES else _WEIGHT_BARE
        # A name shared by a kecamatan and its kelurahan means the kecamatan unless told otherwise.
        if kec_ids:
            if weight == _WEIGHT_BARE and all(self.kecamatan[i].common_word for i in kec_ids):
                return None
            return _Mention("kecamatan", kec_ids, weight, position)
        if weight == _WEIGHT_BARE and all(self.kelurahan[i].common_word for i in kel_ids):
            return None  # "bareng" alone is "together", not Kelurahan Bareng
        return _Mention("kelurahan", kel_ids, weight, position)


def _index(entries: Iterable[tuple[str, list[str]]]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for area_id, names in entries:
        for name in names:
            ids = index.setdefault(name_key(name), [])
            if area_id not in ids:
                ids.append(area_id)
    return index


def _strip_form_prefix(value: str) -> str:
    """'Kel. Sawojajar' / 'Kecamatan Klojen' -> the bare name."""
    words = normalize(value).split()
    if len(words) > 1 and words[0] in _FORM_PREFIXES:
        words = words[1:]
    return " ".join(words)


def _lookup_all(index: dict[str, list[str]], value: str) -> tuple[list[str], float]:
    key = name_key(value)
    if not key:
        return [], 0.0
    if key in index:
        return list(index[key]), _FORM_EXACT
    import difflib  # only a misspelt form value pays for it (cold start)

    close = difflib.get_close_matches(key, index.keys(), n=2, cutoff=_FUZZY_CUTOFF)
    # Two equally close names means we cannot tell which one the citizen meant.
    if len(close) == 1 or (
        close
        and difflib.SequenceMatcher(None, key, close[0]).ratio()
        > difflib.SequenceMatcher(None, key, close[1]).ratio()
    ):
        return list(index[close[0]]), _FORM_FUZZY
    return [], 0.0


def _lookup(index: dict[str, list[str]], value: str) -> tuple[str | None, float]:
    ids, score = _lookup_all(index, value)
    return (ids[0], score) if len(ids) == 1 else (None, 0.0)


def resolve_area(
    gazetteer: Gazetteer,
    kecamatan: str | None,
    kelurahan: str | None,
    text: str,
) -> AreaMatch:
    """Resolve the complaint's area: form fields first, the free text to fill gaps.

    A kelurahan determines its kecamatan, so when the form's kecamatan disagrees with the form's
    kelurahan the kelurahan is trusted (it is the more specific answer) and the match is flagged
    as a conflict with lower confidence.
    """
    notes: list[str] = []
    kecamatan = kecamatan.strip() if kecamatan else None  # a blank form field is no answer
    kelurahan = kelurahan.strip() if kelurahan else None
    kec_id, kec_score = gazetteer.find_kecamatan(kecamatan) if kecamatan else (None, 0.0)
    kel_id, kel_score = (
        gazetteer.find_kelurahan(kelurahan, within=kec_id) if kelurahan else (None, 0.0)
    )
    if kecamatan and kec_id is None:
        # Citizens often put their kelurahan in the kecamatan box.
        as_kel, as_kel_score = gazetteer.find_kelurahan(kecamatan)
        if as_kel is not None and kel_id is None:
            kel_id, kel_score = as_kel, as_kel_score * 0.9
            notes.append(f"form kecamatan {kecamatan!r} is a kelurahan")
        else:
            notes.append(f"form kecamatan {kecamatan!r} not recognised")
    if kelurahan and kel_id is None:
        notes.append(f"form kelurahan {kelurahan!r} not recognised")

    if kel_id is not None:
        parent = gazetteer.kecamatan_of(kel_id)
        if kec_id is not None and kec_id != parent:
            notes.append(f"form kecamatan {kec_id} but kelurahan {kel_id} is in {parent}")
            return AreaMatch(
                parent,
                kel_id,
                round(kel_score * _CONFLICT_FACTOR, 3),
                "form",
                conflict=True,
                notes=tuple(notes),
            )
        return AreaMatch(parent, kel_id, kel_score, "form", notes=tuple(notes))

    from_text = _area_from_text(gazetteer, text)
    if kec_id is not None:
        # The form gave only the kecamatan: let the text name the kelurahan if it agrees.
        if from_text.kelurahan_id and gazetteer.kecamatan_of(from_text.kelurahan_id) == kec_id:
            return AreaMatch(
                kec_id,
                from_text.kelurahan_id,
                round(kec_score * 0.9, 3),
                "form",
                notes=tuple(notes),
            )
        if from_text.kecamatan_id and from_text.kecamatan_id != kec_id:
            notes.append(f"text points to {from_text.kelurahan_id or from_text.kecamatan_id}")
            return AreaMatch(
                kec_id, None, round(kec_score * 0.8, 3), "form", conflict=True, notes=tuple(notes)
            )
        return AreaMatch(kec_id, None, kec_score, "form", notes=tuple(notes))

    if from_text.source == "none":
        return AreaMatch(None, None, 0.0, "none", notes=tuple(notes))
    return AreaMatch(
        from_text.kecamatan_id,
        from_text.kelurahan_id,
        from_text.confidence,
        "text",
        conflict=from_text.conflict,
        notes=tuple(notes) + from_text.notes,
    )


def _best(mentions: list[_Mention]) -> list[_Mention]:
    """The mentions that compete to be the answer, in text order.

    Only an explicit "kel."/"kec." settles it; "di", "dari" or "sampai" before a name says
    nothing about which of two named places the complaint is about ("dari Dinoyo sampai
    Sumbersari").
    """
    explicit = [m for m in mentions if m.weight >= _WEIGHT_ADMIN_CUE]
    return explicit or mentions


def _area_from_text(gazetteer: Gazetteer, text: str) -> AreaMatch:
    mentions = gazetteer.mentions(text)
    kec_mentioned = {i for m in mentions if m.kind == "kecamatan" for i in m.ids}

    kel_candidates: list[_Mention] = []
    for m in mentions:
        if m.kind != "kelurahan":
            continue
        ids = m.ids
        if len(ids) > 1:  # a kelurahan name repeated across kecamatan: a kecamatan mention decides
            ids = tuple(i for i in ids if gazetteer.kecamatan_of(i) in kec_mentioned)
        if len(ids) == 1:
            kel_candidates.append(_Mention("kelurahan", ids, m.weight, m.position))

    best_kel = _best(kel_candidates)
    if best_kel:
        chosen = best_kel[0].ids[0]
        parent = gazetteer.kecamatan_of(chosen)
        others = {m.ids[0] for m in best_kel} - {chosen}
        confidence = 0.6 + 0.3 * best_kel[0].weight
        if others:
            other_parents = {gazetteer.kecamatan_of(i) for i in others}
            if other_parents == {parent}:
                # "dari Dinoyo sampai Sumbersari": the kecamatan is certain, the kelurahan is not.
                return AreaMatch(
                    parent,
                    None,
                    round(confidence * 0.9, 3),
                    "text",
                    notes=(f"several kelurahan named: {sorted({chosen} | others)}",),
                )
            return AreaMatch(
                parent,
                chosen,
                round(confidence * _CONFLICT_FACTOR, 3),
                "text",
                conflict=True,
                notes=(f"kelurahan in different kecamatan named: {sorted({chosen} | others)}",),
            )
        if kec_mentioned and parent not in kec_mentioned:
            return AreaMatch(
                parent,
                chosen,
                round(confidence * _CONFLICT_FACTOR, 3),
                "text",
                conflict=True,
                notes=(
                    f"text names kecamatan {sorted(kec_mentioned)} but {chosen} is in {parent}",
                ),
            )
        if parent in kec_mentioned:
            confidence += 0.05  # "kel. Bunulrejo, kec. Blimbing": two consistent mentions
        return AreaMatch(parent, chosen, round(min(confidence, 0.95), 3), "text")

    best_kec = _best([m for m in mentions if m.kind == "kecamatan"])
    if best_kec:
        chosen = best_kec[0].ids[0]
        confidence = 0.5 + 0.3 * best_kec[0].weight
        others = {m.ids[0] for m in best_kec} - {chosen}
        if others:
            return AreaMatch(
                chosen,
                None,
                round(confidence * _CONFLICT_FACTOR, 3),
                "text",
                conflict=True,
                notes=(f"several kecamatan named: {sorted({chosen} | others)}",),
            )
        return AreaMatch(chosen, None, round(confidence, 3), "text")
    return NO_AREA
