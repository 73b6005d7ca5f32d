// The Transparansi page: the public figures of /v1/reports as charts (SVG drawn by the API) with
// the same figures in a table beside each, Bahasa Indonesia first and English as a switch.
const TEXT = {
  id: {
    loading: "Memuat angka…",
    failed: "Angka belum dapat dimuat. Coba lagi sebentar lagi.",
    period: (a, b) => `Periode ${a} sampai ${b}.`,
    received: "Aduan masuk",
    answered: "Dijawab",
    verify_pct: "Diverifikasi tepat waktu",
    answer_pct: "Dijawab tepat waktu",
    median: "Median hari kerja sampai dijawab",
    rating: "Rata-rata penilaian (1–5)",
    backlog: "Belum selesai",
    month: "Bulan",
    p90: "Persentil 90",
    med: "Median",
    unit: "Unit",
    complaints: "Aduan",
    on_time: "Tepat waktu (%)",
    score: "Nilai",
    count: "Banyaknya",
    hidden: "tidak ditampilkan (< 5)",
    none: "–",
    alt_volume: "Diagram batang aduan masuk dan dijawab per bulan; angkanya ada di tabel di bawah.",
    alt_days: "Diagram batang median dan persentil ke-90 hari kerja sampai dijawab per bulan; angkanya ada di tabel di bawah.",
    alt_units: "Diagram batang persentase jawaban tepat waktu per unit; angkanya ada di tabel di bawah.",
    alt_rating: "Diagram batang banyaknya penilaian 1 sampai 5; angkanya ada di tabel di bawah.",
    cap_volume_t: "Aduan per bulan",
    cap_days_t: "Hari kerja sampai dijawab, per bulan",
    cap_units_t: "Jawaban tepat waktu per unit",
    cap_rating_t: "Penilaian warga",
  },
  en: {
    skip: "Skip to content",
    site: "Citizen complaints",
    menu: "Main menu",
    nav_lapor: "Report",
    nav_lacak: "Track",
    nav_transparansi: "Transparency",
    title: "Complaints in the open",
    intro: "How many complaints came in, how fast they were answered and how satisfied citizens were, over the last 12 months. Days are working days (no weekends, national holidays or cuti bersama).",
    privacy: "Figures for groups of fewer than 5 complaints are not shown, so that no citizen can be recognised. Confidential complaints are counted but never described.",
    h_key: "Key figures",
    h_volume: "Complaints per month",
    cap_volume: "Complaints received and answered each month. The full figures are in the table.",
    h_days: "Working days to answer",
    cap_days: "Median and 90th percentile, from the disposition to a unit to the released answer.",
    h_units: "Answers on time per unit",
    cap_units: "Share of answers released before their deadline. Units with fewer than 5 complaints are not shown.",
    h_rating: "Citizens' ratings",
    cap_rating: "Number of ratings from 1 (poor) to 5 (very good).",
    h_download: "Download the data",
    d_summary_csv: "Monthly recap (CSV)",
    d_summary_xlsx: "Monthly recap and by category (Excel)",
    d_units_xlsx: "By unit (Excel)",
    loading: "Loading the figures…",
    failed: "The figures could not be loaded. Please try again shortly.",
    period: (a, b) => `Period ${a} to ${b}.`,
    received: "Complaints received",
    answered: "Answered",
    verify_pct: "Verified on time",
    answer_pct: "Answered on time",
    median: "Median working days to answer",
    rating: "Mean rating (1–5)",
    backlog: "Still open",
    month: "Month",
    p90: "90th percentile",
    med: "Median",
    unit: "Unit",
    complaints: "Complaints",
    on_time: "On time (%)",
    score: "Rating",
    count: "Count",
    hidden: "not shown (< 5)",
    none: "–",
    alt_volume: "Bar chart of complaints received and answered per month; the figures are in the table below.",
    alt_days: "Bar chart of the median and 90th percentile of working days to answer per month; the figures are in the table below.",
    alt_units: "Bar chart of the share of answers on time per unit; the figures are in the table below.",
    alt_rating: "Bar chart of the number of ratings from 1 to 5; the figures are in the table below.",
    cap_volume_t: "Complaints per month",
    cap_days_t: "Working days to answer, per month",
    cap_units_t: "Answers on time per unit",
    cap_rating_t: "Citizens' ratings",
  },
};

const lang = new URLSearchParams(window.location.search).get("lang") === "en" ? "en" : "id";
const t = (key) => TEXT[lang][key] ?? TEXT.id[key];
const show = (v, suffix = "") => (v === null || v === undefined ? t("none") : `${v.toLocaleString(lang === "en" ? "en-GB" : "id-ID")}${suffix}`);

function translatePage() {
  if (lang !== "en") return;
  document.documentElement.lang = "en";
  document.title = "Transparency · Citizen complaints";
  for (const el of document.querySelectorAll("[data-t]")) {
    const text = TEXT.en[el.dataset.t];
    if (typeof text === "string") el.textContent = text;
  }
  for (const el of document.querySelectorAll("[data-t-aria]")) el.setAttribute("aria-label", TEXT.en[el.dataset.tAria]);
  const toggle = document.getElementById("ganti-bahasa");
  toggle.textContent = "Bahasa Indonesia";
  toggle.href = "/transparansi.html";
  toggle.lang = "id";
  toggle.hreflang = "id";
  for (const a of document.querySelectorAll("header a[href='/'], header a[href='/lacak'], a[aria-current='page']")) {
    a.href = `${a.getAttribute("href").split("?")[0]}?lang=en`;
  }
  for (const a of document.querySelectorAll(".downloads a")) a.href += "&lang=en";
}

function table(id, caption, head, rows) {
  const el = document.getElementById(id);
  el.replaceChildren();
  const cap = el.createCaption();
  cap.textContent = caption;
  const thead = el.createTHead().insertRow();
  for (const h of head) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    thead.append(th);
  }
  const body = el.createTBody();
  for (const cells of rows) {
    const tr = body.insertRow();
    cells.forEach((cell, i) => {
      const td = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) td.scope = "row";
      td.textContent = cell;
      tr.append(td);
    });
  }
}

function chart(id, src, alt) {
  const img = document.getElementById(id);
  img.alt = alt;
  img.src = `${src}&lang=${lang}`;
  img.closest("section").hidden = false;
}

function keyFigures(total) {
  const items = [
    [t("received"), show(total.received)],
    [t("answered"), show(total.answered)],
    [t("verify_pct"), show(total.sla.verify_on_time_pct, " %")],
    [t("answer_pct"), show(total.sla.answer_on_time_pct, " %")],
    [t("median"), show(total.answer_days.median)],
    [t("rating"), show(total.satisfaction.mean)],
    [t("backlog"), show(total.backlog_end)],
  ];
  const list = document.getElementById("angka");
  list.replaceChildren(
    ...items.map(([name, value]) => {
      const div = document.createElement("div");
      const dt = document.createElement("dt");
      const dd = document.createElement("dd");
      dt.textContent = name;
      dd.textContent = value;
      div.append(dt, dd);
      return div;
    }),
  );
  document.getElementById("ringkas").hidden = false;
}

async function load() {
  const status = document.getElementById("status");
  try {
    const [summary, units] = await Promise.all(
      ["/v1/reports/summary", "/v1/reports/units"].map(async (url) => {
        const answer = await fetch(`${url}?lang=${lang}`, { headers: { accept: "application/json" } });
        if (!answer.ok) throw new Error(String(answer.status));
        return answer.json();
      }),
    );
    status.textContent = t("period")(summary.period.from, summary.period.to);
    keyFigures(summary.total);
    const months = summary.months;
    chart("c-volume", "/v1/reports/summary?format=svg&chart=volume", t("alt_volume"));
    table("t-volume", t("cap_volume_t"), [t("month"), t("received"), t("answered")], months.map((m) => [m.month, show(m.received), show(m.answered)]));
    chart("c-days", "/v1/reports/summary?format=svg&chart=answer_days", t("alt_days"));
    table("t-days", t("cap_days_t"), [t("month"), t("med"), t("p90")], months.map((m) => [m.month, show(m.answer_days.median), show(m.answer_days.p90)]));
    chart("c-units", "/v1/reports/units?format=svg&chart=sla", t("alt_units"));
    table(
      "t-units",
      t("cap_units_t"),
      [t("unit"), t("complaints"), t("on_time")],
      units.units.map((u) => (u.figures ? [u.label, show(u.complaints), show(u.figures.sla.answer_on_time_pct)] : [u.label, t("hidden"), t("none")])),
    );
    chart("c-rating", "/v1/reports/summary?format=svg&chart=satisfaction", t("alt_rating"));
    const distribution = summary.total.satisfaction.distribution;
    table(
      "t-rating",
      t("cap_rating_t"),
      [t("score"), t("count")],
      ["1", "2", "3", "4", "5"].map((s) => [s, distribution ? show(distribution[s]) : t("hidden")]),
    );
  } catch (error) {
    status.textContent = t("failed");
  }
}

translatePage();
load();
