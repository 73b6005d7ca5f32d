"""The tracking page as HTML, rendered by the web function (pure: a view in, a page out).

Reading a complaint's status must work without JavaScript (old phones, data saver, a link opened
from an SMS), so `/lacak/<id>` is rendered here from the same public view the JSON API returns.
The citizen's forms (reply, rating) need the access key, which lives in the link's fragment
(`#k=...`): browsers never send a fragment to a server, so those forms are added in the browser
by /assets/lacak.js, which sends the key in a header. A page rendered here never holds a form
that acts on the complaint.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

# The page's own headers (the same rules as the static pages: no inline script or style).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

TEXT: dict[str, dict[str, str]] = {
    "id": {
        "lang": "id",
        "site": "Aduan Warga",
        "nav_lapor": "Lapor",
        "nav_lacak": "Lacak",
        "switch": "English",
        "switch_lang": "en",
        "lookup_title": "Lacak pengaduan",
        "lookup_intro": "Masukkan nomor pengaduan yang Anda terima, misalnya ABCDE-12345. Huruf besar atau kecil dan tanda hubung tidak masalah.",
        "tracking_id": "Nomor pengaduan",
        "lookup_button": "Lacak",
        "not_found": "Nomor pengaduan tidak ditemukan. Mohon periksa kembali nomornya.",
        "invalid": "Nomor pengaduan terdiri dari 10 huruf dan angka, misalnya ABCDE-12345.",
        "status": "Status",
        "unit": "Ditangani oleh",
        "no_unit": "Belum ditentukan",
        "received": "Diterima",
        "deadlines": "Batas waktu",
        "working_days_left": "{n} hari kerja lagi",
        "due_today": "hari ini",
        "overdue": "lewat {n} hari kerja",
        "timeline": "Riwayat",
        "answer": "Jawaban",
        "question": "Pertanyaan petugas untuk Anda",
        "confidential": "Pengaduan ini rahasia: hanya statusnya yang ditampilkan.",
        "title": "Judul",
        "kelurahan": "Kelurahan",
        "kecamatan": "Kecamatan",
        "private_hint": "Untuk membalas atau memberi penilaian, buka tautan pribadi yang kami kirim saat pengaduan diterima.",
        "deadline_verify": "Verifikasi",
        "deadline_answer": "Jawaban",
        "deadline_auto_close": "Ditutup otomatis bila tidak ada tanggapan",
    },
    "en": {
        "lang": "en",
        "site": "Citizen Complaints",
        "nav_lapor": "Report",
        "nav_lacak": "Track",
        "switch": "Bahasa Indonesia",
        "switch_lang": "id",
        "lookup_title": "Track a complaint",
        "lookup_intro": "Enter the complaint number you received, e.g. ABCDE-12345. Upper or lower case and dashes do not matter.",
        "tracking_id": "Nomor pengaduan",
        "lookup_button": "Lacak",
        "not_found": "We could not find this complaint number. Please check it.",
        "invalid": "A complaint number has 10 letters and digits, e.g. ABCDE-12345.",
        "status": "Status",
        "unit": "Handled by",
        "no_unit": "Not yet decided",
        "received": "Received",
        "deadlines": "Deadlines",
        "working_days_left": "{n} working days left",
        "due_today": "today",
        "overdue": "{n} working days late",
        "timeline": "History",
        "answer": "Answer",
        "question": "The officer's question for you",
        "confidential": "This complaint is confidential: only its status is shown.",
        "title": "Title",
        "kelurahan": "Kelurahan",
        "kecamatan": "Kecamatan",
        "private_hint": "To reply or rate, open the private link we sent when your complaint was received.",
        "deadline_verify": "Verification",
        "deadline_answer": "Answer",
        "deadline_auto_close": "Closed automatically without a reply",
    },
}


def texts(language: str) -> dict[str, str]:
    return TEXT["en" if language == "en" else "id"]


def _layout(
    t: dict[str, str], title: str, body: str, switch_href: str, script: bool = False
) -> str:
    scripts = '<script type="module" src="/assets/lacak.js"></script>' if script else ""
    return f"""<!doctype html>
<html lang="{t["lang"]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · {escape(t["site"])}</title>
<link rel="stylesheet" href="/assets/citizen.css">
{scripts}
</head>
<body>
<a class="skip" href="#isi">{"Langsung ke isi" if t["lang"] == "id" else "Skip to content"}</a>
<header class="site">
<a class="brand" href="/?lang={t["lang"]}">{escape(t["site"])}</a>
<nav aria-label="{"Menu utama" if t["lang"] == "id" else "Main menu"}">
<a href="/?lang={t["lang"]}">{escape(t["nav_lapor"])}</a>
<a href="/lacak?lang={t["lang"]}" aria-current="page">{escape(t["nav_lacak"])}</a>
<a href="{escape(switch_href)}" lang="{t["switch_lang"]}" hreflang="{t["switch_lang"]}">{escape(t["switch"])}</a>
</nav>
</header>
<main id="isi">
{body}
</main>
</body>
</html>
"""


def lookup_form(t: dict[str, str], typed: str = "", error: str | None = None) -> str:
    """The "Nomor pengaduan" field: a plain GET form, so it works without JavaScript."""
    described = ' aria-describedby="nomor-salah" aria-invalid="true"' if error else ""
    message = f'<p class="error" id="nomor-salah" role="alert">{escape(error)}</p>' if error else ""
    return f"""<form class="lookup" action="/lacak" method="get" role="search">
<input type="hidden" name="lang" value="{t["lang"]}">
<label for="nomor">{escape(t["tracking_id"])}</label>
<div class="row">
<input id="nomor" name="nomor" value="{escape(typed)}" autocomplete="off" autocapitalize="characters" spellcheck="false" inputmode="text" maxlength="40" required{described}>
<button type="submit">{escape(t["lookup_button"])}</button>
</div>
{message}
</form>"""


def lookup_page(
    language: str, typed: str = "", error: str | None = None, tracking_id: str | None = None
) -> str:
    t = texts(language)
    body = f"<h1>{escape(t['lookup_title'])}</h1>\n<p>{escape(t['lookup_intro'])}</p>\n{lookup_form(t, typed, error)}"
    if tracking_id:
        # With the private link's key, lacak.js shows a confidential complaint's status here.
        body += f'\n<div id="tindakan" data-tracking-id="{escape(tracking_id)}" data-lang="{t["lang"]}" data-confidential="unknown"></div>'
    switch = f"/lacak?lang={t['switch_lang']}" + (f"&nomor={quote(typed)}" if typed else "")
    return _layout(t, t["lookup_title"], body, switch, script=bool(tracking_id))


def _deadline(t: dict[str, str], deadline: dict[str, Any]) -> str:
    left = deadline["working_days_left"]
    if left > 0:
        how = t["working_days_left"].format(n=left)
    elif left == 0:
        how = t["due_today"]
    else:
        how = t["overdue"].format(n=-left)
    label = t.get(f"deadline_{deadline['kind']}", deadline["kind"])
    return f'<li><span>{escape(label)}</span>: <time datetime="{escape(deadline["due"])}">{escape(deadline["due_local"])}</time> ({escape(how)})</li>'


def status_page(view: dict[str, Any], language: str) -> str:
    """The public view of one complaint; a confidential one shows its status only."""
    t = texts(language)
    tid = escape(view["tracking_id"])
    parts = [
        f'<h1>{escape(t["tracking_id"])} <span class="tid">{tid}</span></h1>',
        f'<section class="status" aria-labelledby="status-h"><h2 id="status-h">{escape(t["status"])}</h2>'
        f'<p class="badge status-{escape(view["status"])}">{escape(view["status_label"])}</p>',
    ]
    if view.get("confidential"):
        parts.append(f"<p>{escape(t['confidential'])}</p></section>")
    else:
        unit = (view.get("unit") or {}).get("name") or t["no_unit"]
        facts = [
            (t["title"], view.get("title") or ""),
            (t["unit"], unit),
            (t["received"], view.get("received_local") or view.get("received_at", "")),
        ]
        parts.append(
            "<dl>"
            + "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in facts)
            + "</dl>"
        )
        if view.get("deadlines"):
            parts.append(
                f'<h3>{escape(t["deadlines"])}</h3><ul class="deadlines">'
                + "".join(_deadline(t, d) for d in view["deadlines"])
                + "</ul>"
            )
        parts.append("</section>")
        if view.get("question"):
            parts.append(
                f'<section aria-labelledby="q-h"><h2 id="q-h">{escape(t["question"])}</h2><p class="answer">{escape(view["question"])}</p></section>'
            )
        if view.get("answer"):
            parts.append(
                f'<section aria-labelledby="answer-h"><h2 id="answer-h">{escape(t["answer"])}</h2>'
                f'<p class="answer">{escape(view["answer"].get("text", ""))}</p></section>'
            )
        items = "".join(
            f'<li><time datetime="{escape(e["at"])}">{escape(e.get("at_local", e["at"]))}</time> {escape(e["label"])}</li>'
            for e in view.get("timeline", [])
        )
        parts.append(
            f'<section aria-labelledby="tl-h"><h2 id="tl-h">{escape(t["timeline"])}</h2><ol class="timeline">{items}</ol></section>'
        )
    # The citizen's forms are added here by lacak.js when the link carries the access key.
    parts.append(
        f'<div id="tindakan" data-tracking-id="{tid}" data-lang="{t["lang"]}"><p class="hint" id="petunjuk">{escape(t["private_hint"])}</p></div>'
    )
    parts.append(f"<h2>{escape(t['lookup_title'])}</h2>" + lookup_form(t))
    switch = f"/lacak/{quote(view['tracking_id'])}?lang={t['switch_lang']}"
    return _layout(
        t, f"{t['tracking_id']} {view['tracking_id']}", "\n".join(parts), switch, script=True
    )


def not_found_page(language: str, typed: str, tracking_id: str) -> str:
    """The same page for "no such id" and for a confidential complaint asked without its key."""
    t = texts(language)
    return lookup_page(language, typed, t["not_found"], tracking_id)
