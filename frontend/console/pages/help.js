// The keyboard shortcuts, listed on "?" (a modal <dialog>: Escape closes it, focus returns).
import { html, useEffect, useRef } from "/vendor/htm@3.1.1/standalone.module.js";
import { t } from "../i18n.js";

export function openHelp() {
  window.dispatchEvent(new CustomEvent("aduan:help"));
}

export const SHORTCUTS = [
  ["?", "help.help"],
  ["j", "help.next"],
  ["k", "help.prev"],
  ["Enter", "help.open"],
  ["/", "help.search"],
  ["i", "help.inbox"],
  ["1 … 9", "help.action"],
  ["n", "help.note"],
  ["Esc", "help.escape"],
];

export function HelpDialog() {
  const dialog = useRef(null);
  useEffect(() => {
    const open = () => dialog.current && !dialog.current.open && dialog.current.showModal();
    window.addEventListener("aduan:help", open);
    return () => window.removeEventListener("aduan:help", open);
  }, []);
  return html`<dialog ref=${dialog} class="help" aria-labelledby="help-heading">
    <h2 id="help-heading">${t("help.heading")}</h2>
    <table>
      <tbody>
        ${SHORTCUTS.map(([key, label]) => html`<tr><th scope="row"><kbd>${key}</kbd></th><td>${t(label)}</td></tr>`)}
      </tbody>
    </table>
    <form method="dialog"><button class="button" type="submit">${t("help.close")}</button></form>
  </dialog>`;
}
