// The answer check of shared/aduan/answer_check.py, run in the browser so the officer sees its
// warnings while typing: no request per keystroke (a kelurahan admin on a phone's mobile data
// would wait for every one), the same rules. The server stays the authority: it gives the same
// warnings when the draft is saved and refuses to release an answer that fails. The two are kept
// in step by tests/browser/test_answer_check_parity.py, which runs the same cases (and compares
// the word lists) through both.
//
// Python's `re` on str is Unicode-aware where JavaScript's is not, so its pieces are spelled out:
// \w is a letter, a number or "_"; \b is the edge of such a run; \s and strip() are the
// characters str.isspace() knows; slicing counts code points, not UTF-16 units; and Python's
// IGNORECASE lets "İ" and "ı" match "i", which JavaScript's case folding does not.

export const MIN_WORDS = 10;
const HEAD_CHARS = 160;
const TAIL_CHARS = 240;

const W = "[\\p{L}\\p{N}_]";
const S = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
// \b...\b for .test(): a start or a non-word character before (no lookbehind, which Safari only
// learnt in 16.4), no word character after.
const words = (source) => new RegExp(`(?:^|[^\\p{L}\\p{N}_])(?:${source.replaceAll("\\s", S).replaceAll("\\w", W)})(?!${W})`, "iu");

const GREETING = words(
  "yth|yang\\s+terhormat|kepada\\s+(?:yth|bapak|ibu|sdr)|selamat\\s+(?:pagi|siang|sore|malam)" +
    "|bapak|ibu|sdr|saudara|halo|hai|assalamu\\w*|salam\\s+sejahtera|om\\s+swastiastu" +
    "|dear|good\\s+(?:morning|afternoon|evening|day)|hello|hi|greetings",
);
const CLOSING = words(
  "terima\\s*kasih|salam|hormat\\s+kami|wassalam\\w*|demikian|matur\\s+nuwun" +
    "|thank\\s+you|thanks|regards|sincerely|yours\\s+(?:faithfully|truly)|best\\s+wishes",
);
// Template blanks: {nama}, {{ nama }}, [[nama]], [NAMA PELAPOR], <nama>.
export const PLACEHOLDER = new RegExp(
  `\\{\\{?${S}*[\\p{L}\\p{N}_.]+${S}*\\}?\\}|\\[\\[${S}*[\\p{L}\\p{N}_.]+${S}*\\]\\]|\\[[A-Z_ ]{3,}\\]|<[a-z_]{3,}>`,
  "gu",
);
const WORD = /[A-Za-z']+/g;
const EDGES = new RegExp(`^${S}+|${S}+$`, "gu");
const DOTTED_I = /[\u0130\u0131]/g;
const says = (pattern, text) => pattern.test(text.replace(DOTTED_I, "i"));

// Short, frequent function words; words shared by both languages are left out.
export const STOP_ID = [
  "yang", "dan", "di", "ke", "dari", "ini", "itu", "dengan", "untuk", "tidak", "akan", "kami", "kita", "anda", "bapak", "ibu",
  "sudah", "telah", "pada", "dalam", "atas", "adalah", "juga", "karena", "agar", "bisa", "dapat", "oleh", "sebagai", "ada",
  "kepada", "terima", "kasih", "mohon", "segera", "kembali", "lebih", "sehingga", "tersebut", "serta", "namun", "bahwa", "saat",
  "hari", "sedang", "belum", "masih", "atau", "jika", "maka", "laporan", "aduan", "tindak", "lanjut", "petugas", "warga",
];
export const STOP_EN = [
  "the", "and", "of", "to", "in", "is", "are", "we", "you", "your", "our", "for", "with", "this", "that", "have", "has", "will",
  "be", "on", "at", "please", "thank", "thanks", "it", "not", "been", "was", "were", "would", "could", "should", "from", "by",
  "as", "an", "which", "they", "there", "their", "about", "into", "after", "before", "report", "complaint", "officer", "team",
  "dear", "regards", "sincerely",
];
const ID_WORDS = new Set(STOP_ID);
const EN_WORDS = new Set(STOP_EN);

// "id" or "en" by counting common function words; ties (and none) are "id", the city's language.
export function detectLanguage(text) {
  let id = 0;
  let en = 0;
  for (const word of (text || "").match(WORD) || []) {
    const lower = word.toLowerCase();
    if (ID_WORDS.has(lower)) id += 1;
    if (EN_WORDS.has(lower)) en += 1;
  }
  return en > id ? "en" : "id";
}

// Python sorts strings by code point; JavaScript's default sort by UTF-16 unit.
function byCodePoint(a, b) {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
  }
  return x.length - y.length;
}

export function placeholdersIn(text) {
  return [...new Set((text || "").match(PLACEHOLDER) || [])].sort(byCodePoint);
}

// The problems, in the server's order: [{code, ...what the message needs}].
export function checkAnswer(text, citizenLanguage) {
  const body = (text || "").replace(EDGES, "");
  if (!body) return { ok: false, problems: [{ code: "empty" }] };
  const problems = [];
  if ((body.match(WORD) || []).length < MIN_WORDS) problems.push({ code: "too_short", min: MIN_WORDS });
  const blanks = placeholdersIn(body);
  if (blanks.length) problems.push({ code: "unfilled_placeholder", blanks });
  const points = Array.from(body);
  if (!says(GREETING, points.slice(0, HEAD_CHARS).join(""))) problems.push({ code: "no_greeting" });
  if (!says(CLOSING, points.slice(-TAIL_CHARS).join(""))) problems.push({ code: "no_closing" });
  if (detectLanguage(body) !== citizenLanguage) problems.push({ code: "wrong_language", language: citizenLanguage });
  return { ok: problems.length === 0, problems };
}
