// Every action of the workflow as a form, named as SP4N-LAPOR! names it. The complaint's
// `allowed_actions` (from the API) decides which buttons exist; each form sends the version the
// page showed, so a stale page gets 409 instead of overwriting someone else's step.
import { html, useEffect, useRef, useState } from "/vendor/htm@3.1.1/standalone.module.js";
import { api } from "../api.js";
import { checkAnswer, PLACEHOLDER, placeholdersIn } from "../answer_check.js";
import { lang, t } from "../i18n.js";

// Button order (and the 1-9 shortcuts) follow the work: decide, hand on, answer, close.
export const ACTION_ORDER = ["verify", "dispatch", "draft_answer", "release", "return_for_rework", "defer", "not_authority", "reclassify", "archive", "close", "add_note"];

function FieldError({ id, error }) {
  return error ? html`<p class="field-error" id=${`${id}-error`}>${error}</p>` : "";
}

function described(id, error, hint) {
  const ids = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  return ids || undefined;
}

function TextArea({ id, label, value, onInput, error, hint, rows = 6 }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <textarea id=${id} rows=${rows} value=${value} aria-invalid=${error ? "true" : undefined} aria-describedby=${described(id, error, hint)} onInput=${(e) => onInput(e.target.value)}></textarea>
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    <${FieldError} id=${id} error=${error} />
  </div>`;
}

function Select({ id, label, value, onChange, options, error, empty }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value} aria-invalid=${error ? "true" : undefined} aria-describedby=${described(id, error)} onChange=${(e) => onChange(e.target.value)}>
      ${empty !== undefined && html`<option value="">${empty}</option>`}
      ${options.map(([v, text]) => html`<option value=${v}>${text}</option>`)}
    </select>
    <${FieldError} id=${id} error=${error} />
  </div>`;
}

// Which form field an API error is about (422 details, or the message naming a field).
function fieldErrors(error, fields) {
  const found = {};
  const details = (error.details && error.details.fields) || [];
  for (const item of details) {
    const name = (item.field || item.loc || "").toString().split(".").pop();
    const target = fields[name] || name;
    found[target] = item.problem || item.message || error.message;
  }
  if (!Object.keys(found).length && error.status === 422) {
    for (const [api, field] of Object.entries(fields)) if (error.message.includes(api)) found[field] = error.message;
  }
  return found;
}

function unitOptions(reference, exceptKind) {
  return ((reference && reference.units) || []).filter((u) => u.kind !== exceptKind).map((u) => [u.id, u.name]);
}

function Templates({ category, onPick }) {
  const [templates, setTemplates] = useState([]);
  useEffect(() => {
    api.templates(category || "other", lang()).then((a) => setTemplates(a.templates || [])).catch(() => setTemplates([]));
  }, [category]);
  if (!templates.length) return "";
  return html`<div class="field">
    <label for="answer-template">${t("form.template")}</label>
    <select id="answer-template" onChange=${(e) => e.target.value !== "" && onPick(templates[Number(e.target.value)])}>
      <option value="">${t("form.noTemplate")}</option>
      ${templates.map((tpl, i) => html`<option value=${i}>${tpl.title || tpl.name || `#${i + 1}`}</option>`)}
    </select>
  </div>`;
}

function templateText(template) {
  return typeof template === "string" ? template : template.text || template.body || "";
}

// The answer with its [BLANKS] marked until they are filled in (the answer check's own blanks).
function Highlighted({ text }) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, match.index));
    parts.push(html`<mark class="blank">${match[0]}</mark>`);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return html`<div class="preview" aria-hidden="true">${parts}</div>`;
}

export function checkMessage(problem) {
  const language = problem.language ? t(`check.language.${problem.language}`) : "";
  return t(`check.${problem.code}`, { min: problem.min, blanks: (problem.blanks || []).join(", "), language });
}

// A value once it has stopped changing for `ms` (what a screen reader is told, after a pause).
function useSettled(value, ms) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value]);
  return settled;
}

// "Jawaban" with the answer check's warnings under it, updated as the officer types. The list
// describes the text area; a polite live region repeats it once typing pauses and it has changed,
// so a screen reader hears the warnings without being interrupted at every key.
function AnswerField({ value, onInput, error, language }) {
  const id = "action-answer";
  const check = checkAnswer(value, language === "en" ? "en" : "id");
  const messages = check.problems.map(checkMessage);
  const said = useSettled(check.ok ? t("check.ok") : [t("check.heading"), ...messages].join(" "), 800);
  return html`<div class="field">
    <label for=${id}>${t("form.answer")}</label>
    <textarea id=${id} rows="10" value=${value} aria-invalid=${error ? "true" : undefined} aria-describedby=${[error ? `${id}-error` : "", `${id}-check`].filter(Boolean).join(" ")}
      onInput=${(e) => onInput(e.target.value)}></textarea>
    <${FieldError} id=${id} error=${error} />
    <div id=${`${id}-check`} class=${`answer-check${check.ok ? " ok" : ""}`}>
      ${check.ok ? html`<p>${t("check.ok")}</p>` : html`<p class="answer-check-heading">${t("check.heading")}</p><ul>${messages.map((m) => html`<li>${m}</li>`)}</ul>`}
    </div>
    <p class="visually-hidden" aria-live="polite" aria-atomic="true">${said}</p>
  </div>`;
}

export function ActionForm({ action, complaint, detail, reference, onDone, onCancel, onConflict, preset }) {
  const [values, setValues] = useState(() => initial(action, complaint, detail, preset));
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState("");
  const [busy, setBusy] = useState(false);
  const first = useRef(null);
  useEffect(() => {
    const form = first.current;
    const target = form && form.querySelector("select, textarea, input, button[type=submit]");
    if (target) target.focus();
  }, [action]);
  const set = (key) => (value) => setValues((v) => ({ ...v, [key]: value }));
  const role = detail.me.role;

  const body = () => {
    const v = values;
    const base = { action, version: complaint.version };
    switch (action) {
      case "verify":
        return v.verify_only ? { ...base, verify_only: true } : { ...base, unit_id: v.unit_id || undefined };
      case "dispatch":
        return role === "unit_admin" ? { ...base, bidang_id: v.bidang_id } : { ...base, unit_id: v.unit_id };
      case "defer":
      case "return_for_rework":
        return { ...base, text: v.text };
      case "not_authority":
        return { ...base, text: v.text, unit_id: v.unit_id || undefined };
      case "archive":
        return { ...base, reason_code: v.reason_code, text: v.text, duplicate_of: v.reason_code === "duplicate" ? v.duplicate_of : undefined };
      case "draft_answer":
        return { ...base, text: v.text };
      case "release":
        return v.text && v.text !== (complaint.draft && complaint.draft.text) ? { ...base, text: v.text } : base;
      case "reclassify":
        return { ...base, category: v.category, kecamatan: v.kecamatan, kelurahan: v.kelurahan || undefined };
      default:
        return base;
    }
  };

  const required = () => {
    const missing = {};
    const need = { defer: ["text"], return_for_rework: ["text"], not_authority: ["text"], archive: ["reason_code", "text"], draft_answer: ["text"], add_note: ["text"], reclassify: ["category", "kecamatan"] }[action] || [];
    if (action === "dispatch") need.push(role === "unit_admin" ? "bidang_id" : "unit_id");
    if (action === "archive" && values.reason_code === "duplicate") need.push("duplicate_of");
    for (const key of need) if (!String(values[key] || "").trim()) missing[key] = t("form.required");
    return missing;
  };

  const submit = async (event) => {
    event.preventDefault();
    const missing = required();
    setErrors(missing);
    setFailure("");
    if (Object.keys(missing).length) {
      setFailure(t("error.checkFields"));
      return;
    }
    setBusy(true);
    try {
      const answer = action === "add_note" ? await api.note(complaint.id, { text: values.text, version: complaint.version }) : await api.act(complaint.id, body());
      setBusy(false);
      onDone(action, answer);
    } catch (error) {
      setBusy(false);
      if (error.status === 409 && error.code === "version_conflict") return onConflict(action);
      const mapped = fieldErrors(error, { unit_id: "unit_id", bidang_id: "bidang_id", text: "text", duplicate_of: "duplicate_of", reason_code: "reason_code", category: "category", kecamatan: "kecamatan", kelurahan: "kelurahan" });
      setErrors(mapped);
      setFailure(error.message);
    }
  };

  const units = unitOptions(reference, "coordinator");
  const unitId = complaint.unit && complaint.unit.id;
  const unit = reference && reference.units.find((u) => u.id === unitId);
  const proposed = complaint.proposed_unit && complaint.proposed_unit.id;
  const fields = [];
  if (action === "verify") {
    fields.push(html`<${Select} id="action-unit" label=${t("form.unit")} value=${values.unit_id} onChange=${set("unit_id")}
      options=${units.map(([id, name]) => [id, id === proposed ? `${name} ${t("form.proposed")}` : name])} error=${errors.unit_id} empty=${proposed ? undefined : "–"} />`);
    fields.push(html`<div class="check"><input id="action-verify-only" type="checkbox" checked=${values.verify_only} onChange=${(e) => set("verify_only")(e.target.checked)} /><label for="action-verify-only">${t("form.verifyOnly")}</label></div>`);
  }
  if (action === "dispatch") {
    fields.push(role === "unit_admin"
      ? html`<${Select} id="action-bidang" label=${t("form.bidang")} value=${values.bidang_id} onChange=${set("bidang_id")} options=${((unit && unit.bidang) || []).map((b) => [b.id, b.name])} error=${errors.bidang_id} empty="–" />`
      : html`<${Select} id="action-unit" label=${t("form.unit")} value=${values.unit_id} onChange=${set("unit_id")} options=${units} error=${errors.unit_id} empty="–" />`);
  }
  if (action === "defer") fields.push(html`<${TextArea} id="action-text" label=${t("form.question")} value=${values.text} onInput=${set("text")} error=${errors.text} />`);
  if (action === "not_authority") {
    fields.push(html`<${TextArea} id="action-text" label=${t("form.reason")} value=${values.text} onInput=${set("text")} error=${errors.text} rows=${3} />`);
    if (role === "coordinator") fields.push(html`<${Select} id="action-unit" label=${t("form.unit")} value=${values.unit_id} onChange=${set("unit_id")} options=${units} error=${errors.unit_id} empty=${t("form.noReroute")} />`);
  }
  if (action === "archive") {
    fields.push(html`<${Select} id="action-reason-code" label=${t("form.reasonCode")} value=${values.reason_code} onChange=${set("reason_code")} error=${errors.reason_code} empty="–"
      options=${["spam", "duplicate", "out_of_scope", "other"].map((c) => [c, t(`form.reason.${c}`)])} />`);
    if (values.reason_code === "duplicate") fields.push(html`<div class="field"><label for="action-duplicate-of">${t("form.duplicateOf")}</label>
      <input id="action-duplicate-of" type="text" value=${values.duplicate_of} aria-invalid=${errors.duplicate_of ? "true" : undefined} aria-describedby=${described("action-duplicate-of", errors.duplicate_of)} onInput=${(e) => set("duplicate_of")(e.target.value)} />
      <${FieldError} id="action-duplicate-of" error=${errors.duplicate_of} /></div>`);
    fields.push(html`<${TextArea} id="action-text" label=${t("form.reasonCitizen")} value=${values.text} onInput=${set("text")} error=${errors.text} rows=${3} />`);
  }
  if (action === "draft_answer" || action === "release") {
    if (action === "draft_answer") fields.push(html`<${Templates} category=${complaint.category} onPick=${(tpl) => set("text")(templateText(tpl))} />`);
    if (action === "release") fields.push(html`<p>${t("form.releaseConfirm")}</p>`);
    fields.push(html`<${AnswerField} value=${values.text} onInput=${set("text")} error=${errors.text} language=${complaint.language} />`);
    if (placeholdersIn(values.text).length) fields.push(html`<${Highlighted} text=${values.text} />`);
  }
  if (action === "return_for_rework") fields.push(html`<${TextArea} id="action-text" label=${t("form.rework")} value=${values.text} onInput=${set("text")} error=${errors.text} rows=${3} />`);
  if (action === "add_note") fields.push(html`<${TextArea} id="action-text" label=${t("form.note")} value=${values.text} onInput=${set("text")} error=${errors.text} rows=${3} />`);
  if (action === "close") fields.push(html`<p>${t("form.closeConfirm")}</p>`);
  if (action === "reclassify") {
    const categories = ((reference && reference.categories) || []).map((c) => [c.id, lang() === "en" && c.name_en ? c.name_en : c.name_id]);
    const kecamatan = (reference && reference.kecamatan) || [];
    const chosen = kecamatan.find((k) => k.id === values.kecamatan);
    fields.push(html`<${Select} id="action-category" label=${t("form.category")} value=${values.category} onChange=${set("category")} options=${categories} error=${errors.category} empty="–" />`);
    fields.push(html`<${Select} id="action-kecamatan" label=${t("form.kecamatan")} value=${values.kecamatan} onChange=${(v) => setValues((s) => ({ ...s, kecamatan: v, kelurahan: "" }))} options=${kecamatan.map((k) => [k.id, k.name])} error=${errors.kecamatan} empty="–" />`);
    fields.push(html`<${Select} id="action-kelurahan" label=${t("form.kelurahan")} value=${values.kelurahan} onChange=${set("kelurahan")} options=${(chosen ? chosen.kelurahan : []).map((k) => [k.id, k.name])} error=${errors.kelurahan} empty="–" />`);
  }

  return html`<form class="action-form" ref=${first} onSubmit=${submit} novalidate aria-labelledby="action-form-heading">
    <h3 id="action-form-heading">${t(`action.${action}`)}</h3>
    ${failure && html`<p class="alert error" role="alert">${failure}</p>`}
    ${fields}
    <div class="buttons">
      <button class="button" type="submit" disabled=${busy}>${busy ? t("form.busy") : t("form.submit")}</button>
      <button class="button secondary" type="button" onClick=${onCancel}>${t("form.cancel")}</button>
    </div>
  </form>`;
}

function initial(action, complaint, detail, preset) {
  const values = { unit_id: "", bidang_id: "", text: "", reason_code: "", duplicate_of: "", verify_only: false, category: complaint.category || "", kecamatan: complaint.kecamatan || "", kelurahan: complaint.kelurahan || "", ...preset };
  if (action === "verify") values.unit_id = (complaint.proposed_unit && complaint.proposed_unit.id) || "";
  if (action === "draft_answer") values.text = (complaint.draft && complaint.draft.text) || "";
  if (action === "release") values.text = (complaint.draft && complaint.draft.text) || "";
  return values;
}
