// The officer console: one page, hash routes (#/inbox/<queue>, #/complaints/<id>), one module per
// page under pages/. A page is added by adding a row to PAGES (and, for the nav, a label).
import { html, render, useEffect, useRef, useState } from "/vendor/htm@3.1.1/standalone.module.js";
import { configure } from "./api.js";
import { api } from "./api.js";
import * as auth from "./auth.js";
import { lang, setLang, t } from "./i18n.js";
import { Complaint } from "./pages/complaint.js";
import { HelpDialog, openHelp } from "./pages/help.js";
import { Inbox } from "./pages/inbox.js";
import { Reports } from "./pages/reports.js";
import { SignIn } from "./pages/signin.js";
import { shortcuts } from "./shortcuts.js";

export const PAGES = [
  { name: "inbox", pattern: /^\/inbox(?:\/([a-z_]+))?$/, component: Inbox, nav: "nav.inbox", href: "#/inbox" },
  { name: "complaint", pattern: /^\/complaints\/([^/?]+)$/, component: Complaint },
  { name: "reports", pattern: /^\/reports$/, component: Reports, nav: "nav.reports", href: "#/reports" },
];

function parse(hash) {
  const [path, query = ""] = (hash || "").replace(/^#/, "").split("?");
  for (const page of PAGES) {
    const found = page.pattern.exec(path || "");
    if (found) return { page, params: found.slice(1).map((p) => (p ? decodeURIComponent(p) : p)), query: new URLSearchParams(query), path };
  }
  return { page: PAGES[0], params: [], query: new URLSearchParams(), path: "/inbox" };
}

let session = null;
let expired = false; // signed out by the API's 401, not by the officer
configure({
  token: () => (session ? session.idToken : null),
  unauthorized: () => {
    expired = true;
    auth.signOut();
  },
});

function App() {
  const [state, setState] = useState({ loading: true, session: null, me: null, error: null });
  const [route, setRoute] = useState(() => parse(window.location.hash));
  const [, setLanguage] = useState(lang());
  const [notice, setNotice] = useState("");
  const [city, setCity] = useState(""); // the deployment's city, from config.json
  const target = useRef(window.location.hash || "#/inbox"); // where a link meant to land

  useEffect(() => {
    const onHash = () => setRoute(parse(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  useEffect(() => {
    let cancelled = false;
    const signedIn = async (info) => {
      session = info;
      if (!info) {
        target.current = window.location.hash || "#/inbox";
        if (!cancelled) setState({ loading: false, session: null, me: null, error: null, expired });
        expired = false;
        return;
      }
      try {
        const me = await api.me();
        if (!cancelled) setState({ loading: false, session: info, me, error: null });
      } catch (error) {
        if (!cancelled) setState({ loading: false, session: info, me: null, error: error.message });
      }
    };
    const off = auth.onSessionChange((info) => {
      // A refresh keeps the officer; only a change of who is signed in reloads "me".
      if (info && session && info.username === session.username) {
        session = info;
        return;
      }
      signedIn(info);
    });
    auth
      .loadConfig()
      .then((config) => {
        if (!cancelled) setCity(config.cityName || "");
        return auth.currentSession();
      })
      .then((info) => (info ? null : signedIn(null)))
      .catch(() => !cancelled && setState({ loading: false, session: null, me: null, error: t("auth.failed") }));
    return () => {
      cancelled = true;
      off();
    };
  }, []);

  useEffect(() => shortcuts({ help: openHelp }), []);

  useEffect(() => {
    document.title = `${t("app.title")}`;
  });

  const switchLanguage = () => {
    setLang(lang() === "id" ? "en" : "id");
    setLanguage(lang());
  };

  const header = html`<header class="top">
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main").focus(); }}>${t("app.skip")}</a>
    <div class="brand"><span class="brand-name">${t("app.title")}</span>${city && html`<span class="brand-city">${t("app.city", { city })}</span>`}</div>
    <div class="top-actions">
      <button type="button" class="link-button" lang=${lang() === "id" ? "en" : "id"} aria-label=${t("lang.switchLabel")} onClick=${switchLanguage}>${t("lang.switch")}</button>
      ${state.session && html`<button type="button" class="link-button" aria-keyshortcuts="?" onClick=${openHelp}>${t("nav.shortcuts")}</button>`}
      ${state.session && html`<button type="button" class="button secondary" onClick=${() => auth.signOut()}>${t("nav.signOut")}</button>`}
    </div>
  </header>`;

  if (state.loading) return html`${header}<main id="main" tabindex="-1"><p class="loading">${t("app.loading")}</p></main>`;

  if (!state.session) {
    return html`${header}<main id="main" tabindex="-1" class="narrow">
      <${SignIn} expired=${state.expired} onSignedIn=${() => {
        if (window.location.hash !== target.current) window.location.hash = target.current;
      }} />
    </main>`;
  }

  const me = state.me;
  const Page = route.page.component;
  return html`${header}
    <nav class="nav" aria-label=${t("app.title")}>
      <ul>${PAGES.filter((p) => p.nav).map((p) => html`<li><a href=${p.href} aria-current=${route.page === p ? "page" : undefined}>${t(p.nav)}</a></li>`)}</ul>
      ${me && html`<p class="who">${t("nav.signedInAs", { name: me.username, role: t(`role.${me.role}`) })}</p>`}
    </nav>
    <main id="main" tabindex="-1">
      ${state.error && html`<p class="alert error" role="alert">${state.error}</p>`}
      ${notice && html`<p class="alert success" role="status">${notice}</p>`}
      ${me && html`<${Page} key=${route.path} me=${me} params=${route.params} query=${route.query} notify=${setNotice} />`}
    </main>
    <${HelpDialog} />`;
}

const root = document.getElementById("app");
root.textContent = ""; // the "loading" line of index.html
render(html`<${App} />`, root);
