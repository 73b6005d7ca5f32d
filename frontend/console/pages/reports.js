// Laporan: the officer's own figures (a unit's by bidang, the coordinator's by unit), the volume
// chart (SVG drawn by the reports API) with its table, the overdue list and the spreadsheets.
import { html, useEffect, useState } from "/vendor/htm@3.1.1/standalone.module.js";
import { fetchBlob, request } from "../api.js";
import { lang, statusLabel } from "../i18n.js";

const TEXT = {
  id: {
    title: "Laporan",
    loading: "Memuat laporan…",
    period: (a, b) => `Periode ${a} sampai ${b} (12 bulan terakhir).`,
    key: "Angka utama",
    received: "Aduan masuk",
    answered: "Dijawab",
    verify: "Diverifikasi tepat waktu",
    answerPct: "Dijawab tepat waktu",
    median: "Median hari kerja sampai dijawab",
    p90: "P90 hari kerja sampai dijawab",
    rating: "Rata-rata penilaian",
    backlog: "Belum selesai",
    breached: "Lewat tenggat",
    volume: "Aduan per bulan",
    volumeAlt: "Diagram batang aduan masuk dan dijawab per bulan; angkanya ada di tabel di sampingnya.",
    month: "Bulan",
    byUnit: "Per unit",
    byBidang: "Per bidang",
    name: "Nama",
    pct: "Tepat waktu (%)",
    overdue: "Aduan lewat tenggat",
    none: "Tidak ada aduan yang lewat tenggat.",
    id: "Nomor aduan",
    due: "Tenggat (WIB)",
    status: "Status",
    category: "Kategori",
    downloads: "Unduh",
    dSummary: "Rekap 12 bulan (Excel)",
    dSummaryCsv: "Rekap 12 bulan (CSV)",
    dRecap: "Rekap bulan ini (Excel)",
    dList: "Daftar aduan bulan ini (Excel)",
    failed: "Laporan tidak dapat dimuat",
  },
  en: {
    title: "Reports",
    loading: "Loading the reports…",
    period: (a, b) => `Period ${a} to ${b} (the last 12 months).`,
    key: "Key figures",
    received: "Received",
    answered: "Answered",
    verify: "Verified on time",
    answerPct: "Answered on time",
    median: "Median working days to answer",
    p90: "P90 working days to answer",
    rating: "Mean rating",
    backlog: "Still open",
    breached: "Deadlines breached",
    volume: "Complaints per month",
    volumeAlt: "Bar chart of complaints received and answered per month; the figures are in the table beside it.",
    month: "Month",
    byUnit: "By unit",
    byBidang: "By bidang",
    name: "Name",
    pct: "On time (%)",
    overdue: "Overdue complaints",
    none: "No complaint is past its deadline.",
    id: "Tracking id",
    due: "Deadline (WIB)",
    status: "Status",
    category: "Category",
    downloads: "Download",
    dSummary: "12-month recap (Excel)",
    dSummaryCsv: "12-month recap (CSV)",
    dRecap: "This month's recap (Excel)",
    dList: "This month's complaint list (Excel)",
    failed: "The reports could not be loaded",
  },
};

const tr = (key) => TEXT[lang()][key];
const show = (v, suffix = "") => (v === null || v === undefined ? "–" : `${v}${suffix}`);

async function save(path, filename) {
  const blob = await fetchBlob(path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Table({ caption, head, rows }) {
  return html`<div class="report-scroll" tabindex="0" role="region" aria-label=${caption}>
    <table class="report-table">
      <caption>${caption}</caption>
      <thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
      <tbody>${rows.map((cells) => html`<tr>${cells.map((c, i) => (i === 0 ? html`<th scope="row">${c}</th>` : html`<td>${c}</td>`))}</tr>`)}</tbody>
    </table>
  </div>`;
}

export function Reports({ me }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  const [chart, setChart] = useState("");
  const coordinator = me.role === "coordinator";
  const by = coordinator ? "unit" : "bidang";
  const language = lang();

  useEffect(() => {
    let url = "";
    let cancelled = false;
    Promise.all([request("GET", `/v1/officer/reports/summary?by=${by}&lang=${language}`), request("GET", `/v1/officer/reports/overdue?lang=${language}`)])
      .then(([summary, overdue]) => !cancelled && setData({ summary, overdue }))
      .catch((e) => !cancelled && setError(e.message));
    fetchBlob(`/v1/officer/reports/summary?format=svg&chart=volume&lang=${language}`)
      .then((blob) => {
        url = URL.createObjectURL(blob);
        if (!cancelled) setChart(url);
      })
      .catch(() => {});
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [language]);

  if (error) return html`<h1>${tr("title")}</h1><p class="alert error" role="alert">${tr("failed")}: ${error}</p>`;
  if (!data) return html`<h1>${tr("title")}</h1><p class="loading" role="status">${tr("loading")}</p>`;
  const { summary, overdue } = data;
  const total = summary.total;
  const keys = [
    [tr("received"), show(total.received)],
    [tr("answered"), show(total.answered)],
    [tr("verify"), show(total.sla.verify_on_time_pct, " %")],
    [tr("answerPct"), show(total.sla.answer_on_time_pct, " %")],
    [tr("median"), show(total.answer_days.median)],
    [tr("p90"), show(total.answer_days.p90)],
    [tr("rating"), show(total.satisfaction.mean)],
    [tr("backlog"), show(total.backlog_end)],
    [tr("breached"), show(total.sla.breached)],
  ];
  const groups = summary.groups || [];
  const unit = coordinator ? "" : `&unit=${encodeURIComponent(me.unit_id)}`;
  const files = [
    [tr("dSummary"), `/v1/officer/reports/summary?format=xlsx&by=${by}&lang=${language}`, "laporan-12-bulan.xlsx"],
    [tr("dSummaryCsv"), `/v1/officer/reports/summary?format=csv&lang=${language}`, "laporan-12-bulan.csv"],
    [tr("dRecap"), `/v1/officer/reports/recap?format=xlsx&lang=${language}`, "rekap-bulan-ini.xlsx"],
  ];
  if (!coordinator) files.push([tr("dList"), `/v1/officer/reports/complaints?format=xlsx&lang=${language}${unit}`, "daftar-aduan.xlsx"]);
  return html`<h1>${tr("title")}</h1>
    <p>${tr("period")(summary.period.from, summary.period.to)} ${summary.label}</p>
    <section class="card" aria-labelledby="r-key">
      <h2 id="r-key">${tr("key")}</h2>
      <dl class="report-keys">${keys.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
    </section>
    <section class="card report-chart" aria-labelledby="r-volume">
      <h2 id="r-volume">${tr("volume")}</h2>
      <figure>${chart ? html`<img src=${chart} alt=${tr("volumeAlt")} width="600" height="320" />` : null}</figure>
      <${Table} caption=${tr("volume")} head=${[tr("month"), tr("received"), tr("answered")]} rows=${summary.months.map((m) => [m.month, show(m.received), show(m.answered)])} />
    </section>
    <section class="card" aria-labelledby="r-groups">
      <h2 id="r-groups">${coordinator ? tr("byUnit") : tr("byBidang")}</h2>
      <${Table}
        caption=${coordinator ? tr("byUnit") : tr("byBidang")}
        head=${[tr("name"), tr("received"), tr("answered"), tr("pct"), tr("median"), tr("rating")]}
        rows=${groups.map((g) => [g.label, show(g.figures.received), show(g.figures.answered), show(g.figures.sla.answer_on_time_pct), show(g.figures.answer_days.median), show(g.figures.satisfaction.mean)])}
      />
    </section>
    <section class="card" aria-labelledby="r-overdue">
      <h2 id="r-overdue">${tr("overdue")}</h2>
      ${overdue.items.length === 0
        ? html`<p>${tr("none")}</p>`
        : html`<${Table}
            caption=${tr("overdue")}
            head=${[tr("id"), tr("due"), tr("status"), tr("category")]}
            rows=${overdue.items.map((r) => [html`<a href=${`#/complaints/${encodeURIComponent(r.id)}`}>${r.id}</a>`, show(r.due), r.status, show(r.category)])}
          />`}
    </section>
    <section class="card" aria-labelledby="r-files">
      <h2 id="r-files">${tr("downloads")}</h2>
      <div class="buttons">${files.map(([label, path, name]) => html`<button type="button" class="button secondary" onClick=${() => save(path, name).catch((e) => setError(e.message))}>${label}</button>`)}</div>
    </section>`;
}
