// One complaint: what was reported, photos, deadlines, the reporter (or "Anonim"), history,
// messages, possible duplicates side by side, and the actions this officer may take.
import { html, useEffect, useRef, useState } from "/vendor/htm@3.1.1/standalone.module.js";
import { api } from "../api.js";
import { countdown, wib } from "../format.js";
import { channelLabel, eventLabel, lang, statusLabel, t } from "../i18n.js";
import { onShortcut } from "../shortcuts.js";
import { neighbour, referenceData } from "../store.js";
import { ACTION_ORDER, ActionForm } from "./actions.js";
import { SlaBadge } from "./parts.js";

const ROLE_WORD = { coordinator: "role.coordinator", unit_admin: "role.unit_admin", bidang: "role.bidang" };

function categoryName(reference, id) {
  const found = reference && reference.categories.find((c) => c.id === id);
  if (!found) return id || "–";
  return lang() === "en" && found.name_en ? found.name_en : found.name_id;
}

function areaNames(reference, location) {
  const kec = ((reference && reference.kecamatan) || []).find((k) => k.id === location.kecamatan);
  const kel = kec && kec.kelurahan.find((k) => k.id === location.kelurahan);
  return [kel ? kel.name : location.kelurahan, kec ? kec.name : location.kecamatan].filter(Boolean).join(", ");
}

function Facts({ complaint, detail, reference }) {
  const location = complaint.location || {};
  const reporter = detail.reporter;
  const deadlines = complaint.deadlines || [];
  return html`<dl class="facts">
    <dt>${t("complaint.status")}</dt><dd>${statusLabel(complaint.status)} <${SlaBadge} sla=${complaint.sla} /></dd>
    <dt>${t("complaint.type")}</dt><dd>${complaint.type ? t(`type.${complaint.type}`) : "–"}</dd>
    <dt>${t("complaint.category")}</dt><dd>${categoryName(reference, complaint.category)}</dd>
    <dt>${t("complaint.location")}</dt><dd>
      ${areaNames(reference, location) || "–"}${location.address ? html`<br />${location.address}` : ""}
      ${location.lat !== undefined && location.lon !== undefined ? html`<br /><a href=${`https://www.openstreetmap.org/?mlat=${location.lat}&mlon=${location.lon}#map=18/${location.lat}/${location.lon}`} rel="noopener noreferrer" target="_blank">${t("complaint.map", { lat: location.lat, lon: location.lon })}</a>` : ""}
    </dd>
    <dt>${t("complaint.channel")}</dt><dd>${channelLabel(complaint.channel)}</dd>
    <dt>${t("complaint.received")}</dt><dd>${wib(complaint.received_at)}</dd>
    <dt>${t("complaint.unit")}</dt><dd>${complaint.unit ? complaint.unit.name : complaint.proposed_unit ? `${complaint.proposed_unit.name} ${t("form.proposed")}` : "–"}</dd>
    <dt>${t("complaint.bidang")}</dt><dd>${complaint.bidang ? complaint.bidang.name : "–"}</dd>
    <dt>${t("complaint.reporter")}</dt><dd>${!reporter || reporter.hidden ? t("complaint.anonymous") : [reporter.name, reporter.phone, reporter.email].filter(Boolean).join(" · ") || t("complaint.anonymous")}
      ${complaint.confidential ? html` · ${t("complaint.confidential")}` : ""}</dd>
    <dt>${t("complaint.deadlines")}</dt><dd>${deadlines.length ? html`<ul class="plain">${deadlines.map((d) => html`<li>${wib(d.due)} (${countdown(d)})</li>`)}</ul>` : "–"}</dd>
  </dl>`;
}

function Timeline({ history }) {
  return html`<ol class="timeline">
    ${history.map((entry) => html`<li><time datetime=${entry.at}>${wib(entry.at)}</time>${eventLabel(entry.event)}${entry.data && entry.data.actor_role && ROLE_WORD[entry.data.actor_role] ? html` · <span class="muted">${t(ROLE_WORD[entry.data.actor_role])}</span>` : ""}</li>`)}
  </ol>`;
}

function Messages({ messages }) {
  if (!messages.length) return html`<p>${t("complaint.noMessages")}</p>`;
  return html`<ul class="messages">
    ${messages.map((m) => html`<li class=${`message${m.visibility === "internal" ? " internal" : ""}`}>
      <span class="message-kind">${t(`kind.${m.kind}`) === `kind.${m.kind}` ? m.kind : t(`kind.${m.kind}`)}</span>
      ${m.author_role && ROLE_WORD[m.author_role] ? html` · ${t(ROLE_WORD[m.author_role])}` : ""}
      <time datetime=${m.at}>${wib(m.at)}</time>
      <p class="message-text">${m.text}</p>
    </li>`)}
  </ul>`;
}

function Duplicates({ complaint, duplicates, canArchive, onArchive, busy }) {
  if (!duplicates.length) return "";
  return html`<section aria-labelledby="dup-heading">
    <h2 id="dup-heading">${t("complaint.duplicates")}</h2>
    ${duplicates.map((other) => html`<div class="duplicates">
      <article class="dup" aria-label=${t("complaint.thisOne")}>
        <h3>${t("complaint.thisOne")} · ${complaint.id}</h3>
        <p><strong>${complaint.title}</strong></p><p class="description">${complaint.description}</p>
        <p class="muted">${wib(complaint.received_at)}</p>
      </article>
      <article class="dup" aria-label=${other.id}>
        <h3><a href=${`#/complaints/${other.id}`}>${other.id}</a> · ${statusLabel(other.status)}</h3>
        <p><strong>${other.title}</strong></p><p class="description">${other.description}</p>
        <p class="muted">${wib(other.received_at)}</p>
        ${canArchive && html`<button class="button" type="button" disabled=${busy} onClick=${() => onArchive(other.id)}>${t("complaint.archiveAsDuplicate", { id: other.id })}</button>`}
      </article>
    </div>`)}
  </section>`;
}

export function Complaint({ me, params, notify }) {
  const id = params[0];
  const [detail, setDetail] = useState(null);
  const [failure, setFailure] = useState(null);
  const [open, setOpen] = useState(null);
  const [message, setMessage] = useState("");
  const [conflict, setConflict] = useState("");
  const [reference, setReference] = useState(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef(null);

  const load = async () => {
    try {
      const answer = await api.complaint(id);
      setDetail({ ...answer, me });
      setFailure(null);
      return answer;
    } catch (error) {
      setDetail(null);
      setFailure(error);
      return null;
    }
  };

  useEffect(() => {
    notify("");
    referenceData().then(setReference).catch(() => {});
    load().then(() => heading.current && heading.current.focus());
  }, [id]);

  const actions = detail ? actionList(detail) : [];

  useEffect(() => {
    const offs = [
      onShortcut("j", () => { const next = neighbour(id, 1); if (next) window.location.hash = `#/complaints/${next}`; }),
      onShortcut("k", () => { const prev = neighbour(id, -1); if (prev) window.location.hash = `#/complaints/${prev}`; }),
      onShortcut("digit", (key) => { const chosen = actions[Number(key) - 1]; if (chosen) setOpen(chosen); }),
      onShortcut("n", () => actions.includes("add_note") && setOpen("add_note")),
      onShortcut("Escape", () => setOpen(null)),
    ];
    return () => offs.forEach((off) => off());
  }, [id, actions.join(",")]);

  const done = async (action) => {
    setOpen(null);
    setConflict("");
    setMessage(t("complaint.done", { what: t(`action.${action}`) }));
    await load();
  };

  const conflicted = async (action) => {
    const fresh = await load();
    setOpen(null);
    const last = fresh && [...fresh.history].reverse().find((h) => h.data && h.data.actor_role);
    const who = last && ROLE_WORD[last.data.actor_role] ? t(ROLE_WORD[last.data.actor_role]) : t("complaint.someone");
    setMessage("");
    setConflict(t("complaint.conflict", { who, what: last ? eventLabel(last.event) : t(`action.${action}`) }));
  };

  const archiveAsDuplicate = async (otherId) => {
    setBusy(true);
    try {
      await api.act(detail.complaint.id, { action: "archive", reason_code: "duplicate", duplicate_of: otherId, version: detail.complaint.version, text: lang() === "en" ? `Already reported as ${otherId} and being handled.` : `Sudah dilaporkan dengan nomor ${otherId} dan sedang ditangani.` });
      await done("archive");
    } catch (error) {
      if (error.status === 409 && error.code === "version_conflict") await conflicted("archive");
      else setConflict(error.message);
    } finally {
      setBusy(false);
    }
  };

  if (failure) {
    const text = failure.status === 403 ? t("complaint.notYours") : failure.status === 404 ? t("complaint.notFound") : failure.message;
    return html`<section><h1 tabindex="-1" ref=${heading}>${id}</h1><p class="alert error" role="alert">${text}</p><p><a href="#/inbox">${t("complaint.back")}</a></p></section>`;
  }
  if (!detail) return html`<p class="loading">${t("complaint.loading")}</p>`;

  const complaint = detail.complaint;
  return html`<article aria-labelledby="complaint-heading">
    <p><a href="#/inbox">${t("complaint.back")}</a></p>
    <h1 id="complaint-heading" tabindex="-1" ref=${heading}><span class="row-id">${complaint.id}</span> ${complaint.title}</h1>
    ${message && html`<p class="alert success" role="status">${message}</p>`}
    ${conflict && html`<p class="alert error" role="alert">${conflict}</p>`}
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">${t("complaint.actions")}</h2>
      ${actions.length ? html`<div class="actions-bar">${actions.map((a, i) => html`<button type="button" class=${`button${open === a ? "" : " secondary"}`} aria-expanded=${open === a ? "true" : "false"} aria-keyshortcuts=${i < 9 ? String(i + 1) : undefined} onClick=${() => setOpen(open === a ? null : a)}>${t(`action.${a}`)}</button>`)}</div>` : html`<p>${t("complaint.noActions")}</p>`}
      ${open && html`<${ActionForm} key=${open} action=${open} complaint=${complaint} detail=${detail} reference=${reference} onDone=${done} onCancel=${() => setOpen(null)} onConflict=${conflicted} />`}
    </section>
    <div class="complaint-grid">
      <div>
        <h2>${t("complaint.text")}</h2>
        <p class="description">${complaint.description}</p>
        ${complaint.answer && html`<h2>${t("complaint.answer")}</h2><p class="description">${complaint.answer.text}</p>`}
        ${complaint.draft && html`<h2>${t("complaint.draft")}</h2><p class="description">${complaint.draft.text}</p>`}
        <h2>${t("complaint.photos")}</h2>
        ${detail.photos && detail.photos.length ? html`<ul class="photos">${detail.photos.map((p, i) => html`<li><a href=${p.url} target="_blank" rel="noopener noreferrer"><img src=${p.url} alt=${t("complaint.photoAlt", { n: i + 1 })} loading="lazy" /></a></li>`)}</ul>` : html`<p>${t("complaint.noPhotos")}</p>`}
        <${Duplicates} complaint=${complaint} duplicates=${detail.duplicates || []} canArchive=${detail.allowed_actions.includes("archive")} onArchive=${archiveAsDuplicate} busy=${busy} />
        <h2>${t("complaint.messages")}</h2>
        <${Messages} messages=${detail.messages} />
      </div>
      <aside aria-label=${t("complaint.history")}>
        <${Facts} complaint=${complaint} detail=${detail} reference=${reference} />
        <h2>${t("complaint.history")}</h2>
        <${Timeline} history=${detail.history} />
      </aside>
    </div>
  </article>`;
}

function actionList(detail) {
  const allowed = new Set(detail.allowed_actions);
  return ACTION_ORDER.filter((a) => allowed.has(a));
}
