// Sign in (SRP), first sign-in's new password, and "forgot password" (a code by e-mail).
import { html, useEffect, useRef, useState } from "/vendor/htm@3.1.1/standalone.module.js";
import * as auth from "../auth.js";
import { t } from "../i18n.js";

function Field({ id, label, type = "text", value, onInput, autocomplete, error, inputmode }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} name=${id} type=${type} value=${value} autocomplete=${autocomplete} inputmode=${inputmode}
      aria-invalid=${error ? "true" : undefined} aria-describedby=${error ? `${id}-error` : undefined}
      onInput=${(e) => onInput(e.target.value)} />
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
  </div>`;
}

export function SignIn({ expired, onSignedIn }) {
  const [mode, setMode] = useState("signin"); // signin | newPassword | forgot | confirm
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(expired ? t("auth.expired") : "");
  const [info, setInfo] = useState("");
  const heading = useRef(null);

  useEffect(() => {
    if (heading.current && mode !== "signin") heading.current.focus();
  }, [mode]);

  const finish = (result) => {
    setBusy(false);
    if (result.ok) {
      onSignedIn();
      return;
    }
    if (result.newPassword) {
      setPassword("");
      setError("");
      setMode("newPassword");
      return;
    }
    setError(t(result.error));
  };

  const submit = async (event) => {
    event.preventDefault();
    setInfo("");
    if (!username.trim() || !password) return setError(t("auth.required"));
    setBusy(true);
    setError("");
    finish(await auth.signIn(username.trim(), password));
  };

  const submitNew = async (event) => {
    event.preventDefault();
    if (password !== again) return setError(t("auth.mismatch"));
    setBusy(true);
    setError("");
    finish(await auth.completeNewPassword(password));
  };

  const submitForgot = async (event) => {
    event.preventDefault();
    if (!username.trim()) return setError(t("auth.required"));
    setBusy(true);
    setError("");
    const result = await auth.forgotPassword(username.trim());
    setBusy(false);
    if (!result.ok) return setError(t(result.error));
    setInfo(t("auth.codeSent", { to: result.destination ? ` (${result.destination})` : "" }));
    setPassword("");
    setMode("confirm");
  };

  const submitConfirm = async (event) => {
    event.preventDefault();
    if (password !== again) return setError(t("auth.mismatch"));
    setBusy(true);
    setError("");
    const result = await auth.confirmPassword(username.trim(), code.trim(), password);
    setBusy(false);
    if (!result.ok) return setError(t(result.error));
    setInfo(t("auth.resetDone"));
    setPassword("");
    setAgain("");
    setCode("");
    setMode("signin");
  };

  const alert = html`${error && html`<p class="alert error" role="alert">${error}</p>`}${info && html`<p class="alert success" role="status">${info}</p>`}`;

  if (mode === "newPassword") {
    return html`<section class="card signin">
      <h1 tabindex="-1" ref=${heading}>${t("auth.newHeading")}</h1>
      <p>${t("auth.newIntro")}</p>${alert}
      <form onSubmit=${submitNew} novalidate>
        <${Field} id="new-password" label=${t("auth.newPassword")} type="password" value=${password} onInput=${setPassword} autocomplete="new-password" />
        <${Field} id="new-password-again" label=${t("auth.newPasswordAgain")} type="password" value=${again} onInput=${setAgain} autocomplete="new-password" />
        <button class="button" type="submit" disabled=${busy}>${t("auth.save")}</button>
      </form>
    </section>`;
  }

  if (mode === "forgot" || mode === "confirm") {
    return html`<section class="card signin">
      <h1 tabindex="-1" ref=${heading}>${t("auth.forgotHeading")}</h1>
      <p>${t("auth.forgotIntro")}</p>${alert}
      ${mode === "forgot"
        ? html`<form onSubmit=${submitForgot} novalidate>
            <${Field} id="forgot-username" label=${t("auth.username")} value=${username} onInput=${setUsername} autocomplete="username" />
            <button class="button" type="submit" disabled=${busy}>${t("auth.sendCode")}</button>
          </form>`
        : html`<form onSubmit=${submitConfirm} novalidate>
            <${Field} id="reset-code" label=${t("auth.code")} value=${code} onInput=${setCode} autocomplete="one-time-code" inputmode="numeric" />
            <${Field} id="reset-password" label=${t("auth.newPassword")} type="password" value=${password} onInput=${setPassword} autocomplete="new-password" />
            <${Field} id="reset-password-again" label=${t("auth.newPasswordAgain")} type="password" value=${again} onInput=${setAgain} autocomplete="new-password" />
            <button class="button" type="submit" disabled=${busy}>${t("auth.save")}</button>
          </form>`}
      <p><button type="button" class="link-button" onClick=${() => { setError(""); setInfo(""); setMode("signin"); }}>${t("auth.back")}</button></p>
    </section>`;
  }

  return html`<section class="card signin">
    <h1>${t("auth.heading")}</h1>
    <p>${t("auth.intro")}</p>${alert}
    <form onSubmit=${submit} novalidate>
      <${Field} id="username" label=${t("auth.username")} value=${username} onInput=${setUsername} autocomplete="username" />
      <${Field} id="password" label=${t("auth.password")} type="password" value=${password} onInput=${setPassword} autocomplete="current-password" />
      <button class="button" type="submit" disabled=${busy}>${busy ? t("auth.busy") : t("auth.submit")}</button>
    </form>
    <p><button type="button" class="link-button" onClick=${() => { setError(""); setInfo(""); setMode("forgot"); }}>${t("auth.forgot")}</button></p>
  </section>`;
}
