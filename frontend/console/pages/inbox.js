// The inbox: the role's work queues with counts, filters, due-date sort, cursor paging, jump to
// a tracking id, and a refresh every 20 s that says when something new arrived.
import { html, useEffect, useLayoutEffect, useRef, useState } from "/vendor/htm@3.1.1/standalone.module.js";
import { api } from "../api.js";
// Times are WIB by arithmetic (format.js), never Intl with a time zone: the first such call in a
// page loads ICU's zone data, 10-90 ms on this machine, and it fell inside the first render.
import { age, wibTime } from "../format.js";
import { channelLabel, lang, statusLabel, t } from "../i18n.js";
import { onShortcut } from "../shortcuts.js";
import { referenceData, rememberList } from "../store.js";
import { SlaBadge } from "./parts.js";

export const REFRESH_MS = 20_000;
const FILTER_KEYS = ["status", "category", "kecamatan", "kelurahan", "channel", "received_from", "received_to", "sort"];
const CHANNELS = ["web", "whatsapp", "telegram", "sms", "email", "lapor"];

function filtersFrom(query) {
  const found = {};
  for (const key of FILTER_KEYS) if (query.get(key)) found[key] = query.get(key);
  return found;
}

function go(queue, filters) {
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
  window.location.hash = `#/inbox/${queue}${query ? `?${query}` : ""}`;
}

function SearchBox() {
  const [value, setValue] = useState("");
  const [error, setError] = useState("");
  const submit = (event) => {
    event.preventDefault();
    // Forgiving, as the API is: spaces, dashes and case do not matter; the API finds the id.
    const cleaned = value.toUpperCase().replace(/[^A-Z0-9]/g, "");
    if (cleaned.length < 6 || cleaned.length > 12) return setError(t("inbox.searchBad"));
    setError("");
    window.location.hash = `#/complaints/${encodeURIComponent(cleaned)}`;
  };
  return html`<form class="search" role="search" onSubmit=${submit}>
    <div class="field">
      <label for="search-id">${t("inbox.search")}</label>
      <input id="search-id" type="search" value=${value} autocomplete="off" spellcheck="false" placeholder="7K3MQ-9XWT2"
        aria-invalid=${error ? "true" : undefined} aria-describedby=${error ? "search-error" : undefined} aria-keyshortcuts="/"
        onInput=${(e) => setValue(e.target.value)} />
      ${error && html`<p class="field-error" id="search-error">${error}</p>`}
    </div>
    <button class="button" type="submit">${t("inbox.searchButton")}</button>
  </form>`;
}

function Filters({ queue, filters, reference }) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [JSON.stringify(filters)]);
  const set = (key) => (event) => setDraft({ ...draft, [key]: event.target.value, ...(key === "kecamatan" ? { kelurahan: "" } : {}) });
  const kecamatan = (reference && reference.kecamatan) || [];
  const chosen = kecamatan.find((k) => k.id === draft.kecamatan);
  const categories = (reference && reference.categories) || [];
  const select = (id, key, label, options) => html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${draft[key] || ""} onChange=${set(key)}>
      <option value="">${t("inbox.filterAll")}</option>
      ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
    </select>
  </div>`;
  const active = Object.keys(filters).filter((k) => k !== "sort").length;
  return html`<details class="filters" open=${active > 0}>
    <summary>${t("inbox.filters")}${active ? ` (${active})` : ""}</summary>
    <form onSubmit=${(e) => { e.preventDefault(); go(queue.id, draft); }}>
      <div class="filter-grid">
        ${select("filter-status", "status", t("inbox.filterStatus"), queue.statuses.map((s) => [s, statusLabel(s)]))}
        ${select("filter-category", "category", t("inbox.filterCategory"), categories.map((c) => [c.id, lang() === "en" && c.name_en ? c.name_en : c.name_id]))}
        ${select("filter-kecamatan", "kecamatan", t("inbox.filterKecamatan"), kecamatan.map((k) => [k.id, k.name]))}
        ${select("filter-kelurahan", "kelurahan", t("inbox.filterKelurahan"), (chosen ? chosen.kelurahan : []).map((k) => [k.id, k.name]))}
        ${select("filter-channel", "channel", t("inbox.filterChannel"), CHANNELS.map((c) => [c, channelLabel(c)]))}
        <div class="field"><label for="filter-from">${t("inbox.filterFrom")}</label><input id="filter-from" type="date" value=${draft.received_from || ""} onInput=${set("received_from")} /></div>
        <div class="field"><label for="filter-to">${t("inbox.filterTo")}</label><input id="filter-to" type="date" value=${draft.received_to || ""} onInput=${set("received_to")} /></div>
        <div class="field">
          <label for="filter-sort">${t("inbox.sort")}</label>
          <select id="filter-sort" value=${draft.sort || "due"} onChange=${set("sort")}>
            <option value="due">${t("inbox.sortDue")}</option>
            <option value="-due">${t("inbox.sortDueDesc")}</option>
          </select>
        </div>
      </div>
      <div class="buttons">
        <button class="button" type="submit">${t("inbox.filterApply")}</button>
        <button class="button secondary" type="button" onClick=${() => go(queue.id, {})}>${t("inbox.filterReset")}</button>
      </div>
    </form>
  </details>`;
}

function categoryName(reference, id) {
  const found = reference && reference.categories.find((c) => c.id === id);
  if (!found) return id || "–";
  return lang() === "en" && found.name_en ? found.name_en : found.name_id;
}

function areaName(reference, row) {
  if (!row.kelurahan) return row.kecamatan || "–";
  for (const k of (reference && reference.kecamatan) || []) {
    const kel = k.kelurahan.find((x) => x.id === row.kelurahan);
    if (kel) return kel.name;
  }
  return row.kelurahan;
}

function Row({ row, selected, reference, now }) {
  return html`<li class=${`row${selected ? " selected" : ""}`} data-id=${row.id}>
    <span class="row-id">${row.id}</span>
    <span class="row-title"><a href=${`#/complaints/${row.id}`}>${row.title}</a></span>
    <span class="row-sla"><${SlaBadge} sla=${row.sla} /></span>
    <span class="row-meta">
      <span><span class="visually-hidden">${t("inbox.colCategory")}: </span>${categoryName(reference, row.category)}</span>
      <span><span class="visually-hidden">${t("inbox.colKelurahan")}: </span>${areaName(reference, row)}</span>
      <span><span class="visually-hidden">${t("inbox.colChannel")}: </span>${channelLabel(row.channel)}</span>
      <span><span class="visually-hidden">${t("inbox.colAge")}: </span>${age(row.received_at, now)}</span>
    </span>
  </li>`;
}

export function Inbox({ me, params, query }) {
  const [queues, setQueues] = useState(null);
  const [rows, setRows] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);
  const [fresh, setFresh] = useState(null); // a newer first page waiting to be shown
  const [refreshed, setRefreshed] = useState(null);
  const [selected, setSelected] = useState(-1);
  const [reference, setReference] = useState(null);
  const rendered = useRef(null);
  const filters = filtersFrom(query);
  const queueId = params[0] || (queues && queues[0] && queues[0].id) || null;
  const queue = queues && queues.find((q) => q.id === queueId);
  const limit = Number(query.get("limit")) || 50;
  const inboxParams = (extra) => ({ ...(queueId ? { queue: queueId } : {}), ...filters, limit: String(limit), ...extra });

  useEffect(() => {
    referenceData().then(setReference).catch(() => {});
    api.queues().then((answer) => setQueues(answer.queues)).catch((e) => setError(e.message));
  }, []);

  // A queue named in the URL is fetched at once, beside the counts; only "the role's first queue"
  // waits for the counts to say which it is.
  const ready = Boolean(params[0]) || queues !== null;
  useEffect(() => {
    if (!ready) return;
    let cancelled = false;
    setLoading(true);
    const started = performance.now();
    api
      .inbox(inboxParams())
      .then((answer) => {
        if (cancelled) return;
        rendered.current = { started: performance.now(), fetched: performance.now() - started, n: answer.items.length };
        setRows(answer.items);
        setCursor(answer.next_cursor);
        setError("");
        setFresh(null);
        setRefreshed(new Date());
        setSelected(-1);
      })
      .catch((e) => !cancelled && setError(e.message))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [ready, queueId, query.toString()]);

  // How long the list took to show (the console's budget: 100 rows in 200 ms), for the bench:
  // from the API's answer to the end of the frame that paints the rows. A task posted from that
  // frame's animation callback runs after the frame's style, layout and paint; the callback alone
  // would stop the clock before them.
  useLayoutEffect(() => {
    if (!rendered.current) return;
    const mark = rendered.current;
    rendered.current = null;
    const committed = performance.now();
    requestAnimationFrame(() => {
      const framed = performance.now();
      const after = new MessageChannel();
      after.port1.onmessage = () => {
        window.__aduanInboxRender = { rows: mark.n, ms: performance.now() - mark.started, fetchMs: mark.fetched, renderMs: committed - mark.started, frameMs: framed - mark.started };
      };
      after.port2.postMessage(null);
    });
  });

  useEffect(() => rememberList(rows.map((r) => r.id)), [rows]);

  // Poll: counts and the first page; new ids are announced, not pushed under the officer's cursor.
  useEffect(() => {
    if (!queues) return;
    const timer = setInterval(async () => {
      try {
        const [counts, first] = await Promise.all([api.queues(), api.inbox(inboxParams({ cursor: "" }))]);
        setQueues(counts.queues);
        setRefreshed(new Date());
        const known = new Set(rows.map((r) => r.id));
        const added = first.items.filter((r) => !known.has(r.id)).length;
        // A new complaint may sort below the first page (due soonest first): the queue's count
        // growing says so too (the count is the whole queue's, so only when nothing filters it).
        const filtered = Object.keys(filters).some((key) => key !== "sort");
        const latest = counts.queues.find((q) => q.id === queueId);
        const grew = queue && latest && !filtered ? latest.count - queue.count : 0;
        const n = Math.max(added, grew);
        if (n > 0) setFresh({ items: first.items, next: first.next_cursor, added: n });
      } catch {
        // the next round tries again; the list on screen stays as it is
      }
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [queues === null, queueId, query.toString(), rows]);

  useEffect(() => {
    const move = (step) => () => {
      if (!rows.length) return;
      const next = Math.max(0, Math.min(rows.length - 1, selected + step));
      setSelected(next);
      const link = document.querySelector(`.rows li[data-id="${rows[next].id}"] a`);
      if (link) link.focus();
    };
    const offs = [onShortcut("j", move(1)), onShortcut("k", move(-1))];
    return () => offs.forEach((off) => off());
  }, [rows, selected]);

  const more = async () => {
    try {
      const answer = await api.inbox(inboxParams({ cursor }));
      setRows([...rows, ...answer.items]);
      setCursor(answer.next_cursor);
    } catch (e) {
      setError(e.message);
    }
  };

  const showFresh = () => {
    setRows(fresh.items);
    setCursor(fresh.next);
    setFresh(null);
  };

  const now = Date.now();
  return html`<section aria-labelledby="inbox-heading">
    <div class="inbox-head">
      <h1 id="inbox-heading">${t("inbox.heading")}${queue ? html`: ${t(`queue.${queue.id}`)}` : ""}</h1>
      <${SearchBox} />
    </div>
    ${error && html`<p class="alert error" role="alert">${error}</p>`}
    ${queues && html`<nav aria-label=${t("inbox.queues")}><ul class="queues">
      ${queues.map((q) => html`<li><a href=${`#/inbox/${q.id}`} aria-current=${q.id === queueId ? "page" : undefined}>
        ${t(`queue.${q.id}`)} <span class="count" aria-label=${t("inbox.count", { n: q.count })}>${q.count}</span></a></li>`)}
    </ul></nav>`}
    ${queue && html`<${Filters} queue=${queue} filters=${filters} reference=${reference} />`}
    <div aria-live="polite">
      ${fresh && html`<p class="alert info new-notice">${t("inbox.newArrived", { n: fresh.added })}
        <button class="button secondary" type="button" onClick=${showFresh}>${t("inbox.showNew")}</button></p>`}
    </div>
    ${refreshed && html`<p class="refreshed">${t("inbox.refreshed", { time: wibTime(refreshed, { seconds: true }) })}</p>`}
    ${loading && !rows.length ? html`<p class="loading">${t("app.loading")}</p>` : ""}
    ${!loading && !rows.length && !error ? html`<p>${t("inbox.empty")}</p>` : ""}
    <ul class="rows" aria-label=${queue ? t(`queue.${queue.id}`) : t("inbox.heading")}>
      ${rows.map((row, i) => html`<${Row} key=${row.id} row=${row} selected=${i === selected} reference=${reference} now=${now} />`)}
    </ul>
    ${cursor && html`<button class="button secondary" type="button" onClick=${more}>${t("inbox.more")}</button>`}
  </section>`;
}
