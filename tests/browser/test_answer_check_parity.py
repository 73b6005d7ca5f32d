"""The console's answer check (frontend/console/answer_check.js) and the server's
(aduan.answer_check) say the same about the same text: the same problems in the same order, the
same Indonesian messages (the console's from its dictionary), the same detected language; and
they share the word lists word for word. The console shows these warnings while the officer
types; the server gives them when the draft is saved and refuses a release on them, so a drift
would tell an officer "lolos" about an answer the server then refuses.

The page is the console's own files on a made-up origin (no cloud needed): Chromium runs the
module exactly as the console loads it."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from aduan import answer_check

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
SEED = Path(__file__).resolve().parents[2] / "infra" / "seed"
ORIGIN = "http://console.test"

JS_CHECK = """async (cases) => {
  const check = await import("/console/answer_check.js");
  const { checkMessage } = await import("/console/pages/actions.js");
  return cases.map(([text, language]) => {
    const found = check.checkAnswer(text, language);
    return {
      ok: found.ok,
      codes: found.problems.map((p) => p.code),
      messages: found.problems.map(checkMessage),
      language: check.detectLanguage(text),
    };
  });
}"""


def python_check(text: str, language: Any) -> dict[str, Any]:
    found = answer_check.check_answer(text, language)
    return {
        "ok": found.ok,
        "codes": found.codes,
        "messages": [p.message for p in found.problems],
        "language": answer_check.detect_language(text),
    }


@pytest.fixture
def module_page(new_page):
    page = new_page("desktop")

    def serve(route: Any) -> None:
        path = route.request.url[len(ORIGIN) :].split("?")[0]
        file = (FRONTEND / path.lstrip("/")).resolve()
        if path == "/":
            route.fulfill(body="<!doctype html><title>parity</title>", content_type="text/html")
        elif file.is_file() and FRONTEND in file.parents:
            route.fulfill(body=file.read_bytes(), content_type="text/javascript")
        else:
            route.fulfill(status=404, body="")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    return page


def seeded_templates() -> list[tuple[str, str]]:
    responses = json.loads((SEED / "templates.json").read_text())["responses"]["by_category"]
    texts = []
    for by_language in responses.values():
        for language, templates in by_language.items():
            for template in templates:
                texts.append((template["text"], language))
                filled = answer_check._PLACEHOLDER.sub("Jalan Kawi", template["text"])
                texts.append((filled, language))
                texts.append((filled, "en" if language == "id" else "id"))
    return texts


EDGES = [
    "",
    "   \n\t ",
    "\x1c\x85 Yth. Bapak, terima kasih.\u3000",  # Python's whitespace, not JavaScript's
    "\ufeffYth. Bapak",  # JavaScript's whitespace, not Python's
    "Terima kasih.",
    "Yth. Bapak Ahmad, laporan sudah kami tindak lanjuti dan jalan telah diperbaiki. Terima kasih.",
    "Dear Sir, we have repaired the road you reported and the team will check it again. Thank you.",
    "Dear Sir, the [LOKASI] road in {nama} and {{ tanggal }} and [[unit]] and <alamat> is fixed. Regards",
    "Yth. [AB] [ABC] [abc] [A_B C] <ab> <abc> {x.y} {{ }} [[ ]] [LOKASI] [LOKASI] terima kasih",
    "Halo" + " kata" * 12 + " salam",
    "Haloo" + " kata" * 12 + " salam",
    "éYth kami sudah menindaklanjuti laporan ini dengan segera di lokasi tersebut. Terima kasih",
    "Yth_ kami sudah menindaklanjuti laporan ini dengan segera di lokasi tersebut. Terima kasih",
    "Yth2 kami sudah menindaklanjuti laporan ini dengan segera di lokasi tersebut. Terima kasih",
    "YTH. KAMI SUDAH MENINDAKLANJUTI LAPORAN INI DENGAN SEGERA DI LOKASI TERSEBUT. TERIMAKASIH",
    "Assalamualaikum, laporan sudah kami tindak lanjuti di lokasi dan sudah selesai. Wassalamu'alaikum",
    "Selamat\u00a0pagi, laporan sudah kami tindak lanjuti di lokasi dan sudah selesai. Terima\nkasih",
    "Om Swastiastu, laporan sudah kami tindak lanjuti di lokasi dan sudah selesai. Matur nuwun",
    "x" * 150 + " Yth. Bapak, laporan sudah kami tindak lanjuti dan sudah selesai. Terima kasih",
    "😀" * 155 + " Yth. Bapak, laporan sudah kami tindak lanjuti dan sudah selesai. Terima kasih",
    "Yth. Bapak, terima kasih. " + "laporan sudah kami tindak lanjuti " * 12,
    "Yth. Bapak, laporan sudah kami tindak lanjuti. Terima kasih." + " 😀" * 120,
    "Yth. Bapak, laporan sudah kami tindak lanjuti. Terima kasih." + "é" * 235,
    "Good morning, the and of to in is are we you your our for with. Salam",
    "Hi, yang dan di ke the and of to in is. Thanks",  # a tie is Indonesian
    "Yth. ſalam Kepada Yth Bapak, laporan sudah kami tindak lanjuti dan selesai. Terima kasih",
    "İbu, laporan sudah kami tindak lanjuti dan sudah selesai di lokasi tersebut. Terima kasih",
    "hı, laporan sudah kami tındak lanjuti dan sudah selesai di lokasi tersebut. TERİMA KASİH",
    "Dear Ⅻ, ² ½ laporan sudah kami tindak lanjuti dan sudah selesai. Best  wishes",
    "{日本} {ñandú} [[ǅ]] <señor> yth bapak, kami tindak lanjuti ini. hormat   kami",
]

FRAGMENTS = [
    "Yth.",
    "Bapak",
    "Ibu",
    "Dear",
    "hi",
    "Hai",
    "halo",
    "Selamat siang",
    "Good day",
    "salam",
    "Terima kasih",
    "terimakasih",
    "Thank you",
    "Regards",
    "Hormat kami",
    "Demikian",
    "laporan",
    "sudah",
    "kami",
    "tindak",
    "lanjuti",
    "the",
    "road",
    "is",
    "fixed",
    "we",
    "and",
    "[LOKASI]",
    "[TANGGAL]",
    "{nama}",
    "<unit>",
    "[[x]]",
    "[ab]",
    "é",
    "😀",
    "\u00a0",
    "\n",
    "\t",
    "2026",
    "Jl.",
    "RT/RW",
    "-",
    ",",
    ".",
    "'",
    "Bapak/Ibu",
    "Sir/Madam",
    "ǅ",
    "ß",
    "İ",
]


def generated(n: int = 400) -> list[tuple[str, str]]:
    rng = random.Random(8)
    cases = []
    for _ in range(n):
        parts = [rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 40))]
        filler = " ".join(["kata"] * rng.choice([0, 0, 30, 60]))
        separator = rng.choice([" ", "", "\n", "  "])
        text = separator.join(parts[: len(parts) // 2] + [filler] + parts[len(parts) // 2 :])
        cases.append((text, rng.choice(["id", "en"])))
    return cases


def test_the_word_lists_are_the_servers(module_page):
    lists = module_page.evaluate(
        """async () => {
          const check = await import("/console/answer_check.js");
          return { id: check.STOP_ID, en: check.STOP_EN, min: check.MIN_WORDS };
        }"""
    )
    assert set(lists["id"]) == answer_check._STOP_ID and len(lists["id"]) == len(set(lists["id"]))
    assert set(lists["en"]) == answer_check._STOP_EN and len(lists["en"]) == len(set(lists["en"]))
    assert lists["min"] == answer_check.MIN_WORDS


@pytest.mark.parametrize(
    "name", ["the seeded templates, raw and filled", "edge cases", "generated texts"]
)
def test_the_console_and_the_server_check_an_answer_alike(module_page, name):
    cases = {
        "the seeded templates, raw and filled": seeded_templates(),
        "edge cases": [(text, language) for text in EDGES for language in ("id", "en")],
        "generated texts": generated(),
    }[name]
    console = module_page.evaluate(JS_CHECK, [list(c) for c in cases])
    differ = [
        {"text": text, "language": language, "server": python_check(text, language), "console": js}
        for (text, language), js in zip(cases, console, strict=True)
        if python_check(text, language) != js
    ]
    assert not differ, json.dumps(differ[:5], ensure_ascii=False, indent=1)
    # The cases do reach every problem the check knows (else the comparison proves little).
    seen = {code for c in console for code in c["codes"]}
    if name != "the seeded templates, raw and filled":
        assert seen == {
            "empty",
            "too_short",
            "unfilled_placeholder",
            "no_greeting",
            "no_closing",
            "wrong_language",
        }, seen
