// Small pieces more than one page shows.
import { html } from "/vendor/htm@3.1.1/standalone.module.js";
import { wib } from "../format.js";
import { t } from "../i18n.js";

export function SlaBadge({ sla }) {
  const state = (sla && sla.state) || "none";
  const due = sla && sla.due ? ` · ${wib(sla.due)}` : "";
  return html`<span class=${`sla ${state}`} title=${sla && sla.due ? wib(sla.due) : undefined}>${t(`sla.${state}`)}<span class="visually-hidden">${due}</span></span>`;
}
