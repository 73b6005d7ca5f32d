// The tracking page's forms. The page itself is rendered by the server and readable without
// JavaScript; acting on the complaint needs the citizen's access key, which only the private
// link carries, after "#k=" (a fragment never reaches a server or its logs). With the key this
// adds the reply form ("Balasan") and the rating ("Nilai"); without it, nothing is added.

const TEXT = {
  id: {
    reply_h: "Balas petugas", reply: "Balasan", reply_help: "Jawab pertanyaan petugas, atau sampaikan bila jawabannya belum menyelesaikan masalah.",
    send_reply: "Kirim Balasan", rate_h: "Beri penilaian", rate: "Nilai", rate_help: "1 = sangat tidak puas, 5 = sangat puas.",
    choose: "Pilih nilai…", comment: "Komentar (tidak wajib)", send_rating: "Kirim Penilaian",
    sent_reply: "Balasan Anda sudah kami terima.", sent_rating: "Terima kasih, penilaian Anda sudah kami terima.",
    rated: "Anda sudah memberi penilaian. Terima kasih.", wrong_key: "Tautan pribadi ini tidak berlaku untuk pengaduan ini.",
    failed: "Belum terkirim. Periksa sambungan internet Anda lalu coba lagi.", private: "Anda membuka tautan pribadi: hanya Anda yang dapat membalas dan memberi penilaian.",
    need_text: "Tulis balasan Anda dulu.", need_score: "Pilih nilai 1 sampai 5.",
    number: "Nomor pengaduan", confidential: "Pengaduan ini rahasia: hanya statusnya yang ditampilkan.",
    scores: ["1 — sangat tidak puas", "2 — tidak puas", "3 — cukup", "4 — puas", "5 — sangat puas"],
  },
  en: {
    reply_h: "Reply to the officer", reply: "Balasan", reply_help: "Answer the officer's question, or tell us if the answer did not solve the problem.",
    send_reply: "Kirim Balasan", rate_h: "Rate the answer", rate: "Nilai", rate_help: "1 = very unhappy, 5 = very happy.",
    choose: "Choose a score…", comment: "Comment (optional)", send_rating: "Kirim Penilaian",
    sent_reply: "We have received your reply.", sent_rating: "Thank you, we have received your rating.",
    rated: "You have rated this answer. Thank you.", wrong_key: "This private link is not valid for this complaint.",
    failed: "Not sent. Check your connection and try again.", private: "You opened your private link: only you can reply and rate.",
    need_text: "Please write your reply first.", need_score: "Please choose a score from 1 to 5.",
    number: "Nomor pengaduan", confidential: "This complaint is confidential: only its status is shown.",
    scores: ["1 — very unhappy", "2 — unhappy", "3 — fair", "4 — happy", "5 — very happy"],
  },
};

const slot = document.getElementById("tindakan");

function keyFromLink() {
  const found = new URLSearchParams(location.hash.replace(/^#/, "")).get("k");
  return found && found.length <= 200 ? found : null;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, v] of Object.entries(attrs)) {
    if (v === true) node.setAttribute(name, "");
    else if (v !== false && v !== null && v !== undefined) node.setAttribute(name, v);
  }
  node.append(...children);
  return node;
}

async function call(method, path, key, body) {
  const headers = { accept: "application/json", "x-access-key": key };
  if (body) headers["content-type"] = "application/json";
  const answer = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  let json = null;
  try {
    json = await answer.json();
  } catch {
    json = null;
  }
  return { status: answer.status, ok: answer.ok, json };
}

function notice(text, kind = "status") {
  return el("p", { class: kind === "alert" ? "error" : "done", role: kind }, text);
}

function replyForm(t, id, key) {
  const problem = el("p", { class: "error", id: "balasan-salah", hidden: true });
  const form = el(
    "form", { class: "act", id: "form-balasan", "aria-labelledby": "balas-h", novalidate: true },
    el("h2", { id: "balas-h" }, t.reply_h),
    el("label", { for: "balasan" }, t.reply),
    el("p", { class: "help", id: "balasan-bantuan" }, t.reply_help),
    el("textarea", { id: "balasan", name: "text", rows: "4", maxlength: "5000", required: true, "aria-describedby": "balasan-bantuan balasan-salah" }),
    problem,
    el("button", { type: "submit" }, t.send_reply),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = form.querySelector("#balasan").value.trim();
    problem.hidden = true;
    if (!text) {
      problem.textContent = t.need_text;
      problem.hidden = false;
      form.querySelector("#balasan").focus();
      return;
    }
    const sent = await call("POST", `/v1/complaints/${encodeURIComponent(id)}/replies`, key, { text }).catch(() => null);
    if (sent && sent.ok) {
      form.replaceWith(notice(t.sent_reply));
      refresh(t, id, key);
    } else {
      problem.textContent = (sent && sent.json && sent.json.error && sent.json.error.message) || t.failed;
      problem.hidden = false;
    }
  });
  return form;
}

function ratingForm(t, id, key) {
  const problem = el("p", { class: "error", id: "nilai-salah", hidden: true });
  const select = el("select", { id: "nilai", name: "score", required: true, "aria-describedby": "nilai-bantuan nilai-salah" }, el("option", { value: "" }, t.choose));
  t.scores.forEach((label, i) => select.append(el("option", { value: String(i + 1) }, label)));
  const form = el(
    "form", { class: "act", id: "form-nilai", "aria-labelledby": "nilai-h", novalidate: true },
    el("h2", { id: "nilai-h" }, t.rate_h),
    el("label", { for: "nilai" }, t.rate),
    el("p", { class: "help", id: "nilai-bantuan" }, t.rate_help),
    select,
    el("label", { for: "komentar" }, t.comment),
    el("textarea", { id: "komentar", name: "comment", rows: "3", maxlength: "2000" }),
    problem,
    el("button", { type: "submit" }, t.send_rating),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    const score = Number(select.value);
    if (!(score >= 1 && score <= 5)) {
      problem.textContent = t.need_score;
      problem.hidden = false;
      select.focus();
      return;
    }
    const comment = form.querySelector("#komentar").value.trim();
    const sent = await call("POST", `/v1/complaints/${encodeURIComponent(id)}/rating`, key, comment ? { score, comment } : { score }).catch(() => null);
    if (sent && sent.ok) {
      form.replaceWith(notice(t.sent_rating));
      refresh(t, id, key);
    } else {
      problem.textContent = (sent && sent.json && sent.json.error && sent.json.error.message) || t.failed;
      problem.hidden = false;
    }
  });
  return form;
}

// The status part of the page, redrawn from the JSON view after an action or for a
// confidential complaint (the server shows it only to the holder of the key).
function redrawStatus(view) {
  const badge = document.querySelector(".status .badge");
  if (badge) {
    badge.textContent = view.status_label;
    badge.className = `badge status-${view.status}`;
  }
}

async function refresh(t, id, key) {
  const seen = await call("GET", `/v1/complaints/${encodeURIComponent(id)}`, key).catch(() => null);
  if (seen && seen.ok) redrawStatus(seen.json);
}

async function enhance() {
  if (!slot) return;
  const key = keyFromLink();
  if (!key) return; // a stranger with the id only: no forms
  const t = TEXT[slot.dataset.lang === "en" ? "en" : "id"];
  const id = slot.dataset.trackingId;
  // The language switch keeps the private link.
  for (const a of document.querySelectorAll("a[hreflang]")) a.href = `${a.getAttribute("href")}#k=${encodeURIComponent(key)}`;
  const seen = await call("GET", `/v1/complaints/${encodeURIComponent(id)}?lang=${slot.dataset.lang}`, key).catch(() => null);
  if (!seen || !seen.ok || !seen.json.can_act) {
    slot.replaceChildren(notice(seen ? t.wrong_key : t.failed, "alert"));
    return;
  }
  const view = seen.json;
  if (slot.dataset.confidential === "unknown") {
    // The server answers "not found" for a confidential complaint asked without its key (the
    // same answer as for an id that does not exist); with the key, its status is shown here.
    const main = document.getElementById("isi");
    main.replaceChildren(
      el("h1", {}, `${t.number} `, el("span", { class: "tid" }, view.tracking_id)),
      el("section", { class: "status", "aria-labelledby": "status-h" },
        el("h2", { id: "status-h" }, "Status"),
        el("p", { class: `badge status-${view.status}` }, view.status_label),
        el("p", {}, t.confidential)),
      slot,
    );
  }
  const parts = [el("p", { class: "done" }, t.private)];
  if (view.actions && view.actions.reply) parts.push(replyForm(t, id, key));
  if (view.actions && view.actions.rate) parts.push(ratingForm(t, id, key));
  else if (view.rated) parts.push(el("p", {}, t.rated));
  slot.replaceChildren(...parts);
}

enhance();
// A private link pasted into a tab that already shows the page: read it again.
window.addEventListener("hashchange", () => window.location.reload());
