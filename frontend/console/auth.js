// Sign-in against the officers' Cognito user pool with SRP (amazon-cognito-identity-js), the same
// code path in AWS and locally. The password never leaves the browser; tokens live in
// sessionStorage (gone when the tab closes) and are refreshed a minute before they expire.

let config = null;
let pool = null;
let pendingUser = null; // a sign-in waiting for a new password
let refreshTimer = null;
const listeners = new Set();

const lib = () => window.AmazonCognitoIdentity;

export async function loadConfig() {
  if (config) return config;
  const response = await fetch("/console/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error("config");
  config = await response.json();
  const options = { UserPoolId: config.userPoolId, ClientId: config.clientId, Storage: window.sessionStorage };
  if (config.cognitoEndpoint) options.endpoint = config.cognitoEndpoint;
  pool = new (lib().CognitoUserPool)(options);
  return config;
}

export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(session) {
  for (const listener of listeners) listener(session);
}

function user(username) {
  return new (lib().CognitoUser)({ Username: username, Pool: pool, Storage: window.sessionStorage });
}

function describe(session) {
  const id = session.getIdToken();
  const claims = id.decodePayload();
  return { idToken: id.getJwtToken(), expires: id.getExpiration() * 1000, username: claims["cognito:username"], groups: claims["cognito:groups"] || [] };
}

function schedule(session) {
  clearTimeout(refreshTimer);
  const wait = Math.max(5_000, session.getIdToken().getExpiration() * 1000 - Date.now() - 60_000);
  refreshTimer = setTimeout(() => refresh().catch(() => signOut()), wait);
}

function established(session) {
  schedule(session);
  const info = describe(session);
  announce(info);
  return info;
}

// What a failed sign-in means, as a key of the console's dictionary.
function reason(error) {
  const code = (error && (error.code || error.name)) || "";
  if (code === "NotAuthorizedException" || code === "UserNotFoundException") return "auth.wrong";
  if (code === "InvalidPasswordException") return "auth.weak";
  if (code === "CodeMismatchException" || code === "ExpiredCodeException") return "auth.badCode";
  if (code === "LimitExceededException" || code === "TooManyRequestsException") return "auth.tooMany";
  if (code === "PasswordResetRequiredException") return "auth.resetRequired";
  return "auth.failed";
}

export function signIn(username, password) {
  return new Promise((resolve) => {
    const candidate = user(username);
    const details = new (lib().AuthenticationDetails)({ Username: username, Password: password });
    candidate.authenticateUser(details, {
      onSuccess: (session) => resolve({ ok: true, session: established(session) }),
      onFailure: (error) => resolve({ ok: false, error: reason(error) }),
      newPasswordRequired: () => {
        pendingUser = candidate;
        resolve({ ok: false, newPassword: true });
      },
    });
  });
}

export function completeNewPassword(newPassword) {
  return new Promise((resolve) => {
    if (!pendingUser) return resolve({ ok: false, error: "auth.failed" });
    pendingUser.completeNewPasswordChallenge(newPassword, {}, {
      onSuccess: (session) => {
        pendingUser = null;
        resolve({ ok: true, session: established(session) });
      },
      onFailure: (error) => resolve({ ok: false, error: reason(error) }),
    });
  });
}

export function forgotPassword(username) {
  return new Promise((resolve) => {
    user(username).forgotPassword({
      onSuccess: () => resolve({ ok: true }),
      onFailure: (error) => resolve({ ok: false, error: reason(error) }),
      inputVerificationCode: (data) => resolve({ ok: true, destination: data && data.CodeDeliveryDetails && data.CodeDeliveryDetails.Destination }),
    });
  });
}

export function confirmPassword(username, code, newPassword) {
  return new Promise((resolve) => {
    user(username).confirmPassword(code, newPassword, {
      onSuccess: () => resolve({ ok: true }),
      onFailure: (error) => resolve({ ok: false, error: reason(error) }),
    });
  });
}

// The session kept in this tab, refreshed if it is about to expire; null when signed out.
export function currentSession() {
  return new Promise((resolve) => {
    const current = pool && pool.getCurrentUser();
    if (!current) return resolve(null);
    current.getSession((error, session) => {
      if (error || !session || !session.isValid()) return resolve(null);
      resolve(established(session));
    });
  });
}

export function refresh() {
  return new Promise((resolve, reject) => {
    const current = pool && pool.getCurrentUser();
    if (!current) return reject(new Error("signed out"));
    current.getSession((error, session) => {
      if (error || !session) return reject(error || new Error("no session"));
      current.refreshSession(session.getRefreshToken(), (failed, fresh) => {
        if (failed || !fresh) return reject(failed || new Error("refresh"));
        resolve(established(fresh));
      });
    });
  });
}

export function signOut() {
  clearTimeout(refreshTimer);
  const current = pool && pool.getCurrentUser();
  if (current) current.signOut();
  // Only the pool's own keys: the citizen pages share this origin's storage.
  for (const key of Object.keys(window.sessionStorage)) {
    if (key.startsWith("CognitoIdentityServiceProvider.")) window.sessionStorage.removeItem(key);
  }
  announce(null);
}
