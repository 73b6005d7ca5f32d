// The officer API, with the signed-in officer's ID token. Every failure becomes an ApiError with
// a message an officer can read (Indonesian first); nothing is retried behind the officer's back.
import { t } from "./i18n.js";

let tokenSource = () => null;
let onUnauthorized = () => {};

export function configure({ token, unauthorized }) {
  tokenSource = token;
  onUnauthorized = unauthorized;
}

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export async function request(method, path, body) {
  const headers = { accept: "application/json" };
  const token = tokenSource();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  } catch {
    throw new ApiError(0, "network", t("error.network"));
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (response.ok) return payload;
  if (response.status === 401) onUnauthorized();
  const error = (payload && payload.error) || {};
  const message = error.message || (response.status >= 500 ? t("error.server", { status: response.status }) : (payload && payload.message) || t("error.server", { status: response.status }));
  throw new ApiError(response.status, error.code || `http_${response.status}`, message, error.details);
}

export const api = {
  me: () => request("GET", "/v1/officer/me"),
  queues: () => request("GET", "/v1/officer/queues"),
  inbox: (params) => request("GET", `/v1/officer/inbox?${new URLSearchParams(params)}`),
  complaint: (id) => request("GET", `/v1/officer/complaints/${encodeURIComponent(id)}`),
  act: (id, body) => request("POST", `/v1/officer/complaints/${encodeURIComponent(id)}/actions`, body),
  note: (id, body) => request("POST", `/v1/officer/complaints/${encodeURIComponent(id)}/notes`, body),
  templates: (category, lang) => request("GET", `/v1/officer/templates?${new URLSearchParams({ category, lang })}`),
  units: () => request("GET", "/v1/officer/units"),
};

// A file or an image from an officer route (CSV, XLSX, SVG): fetched with the token, as a Blob.
export async function fetchBlob(path) {
  const headers = {};
  const token = tokenSource();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { headers, cache: "no-store" });
  if (response.status === 401) onUnauthorized();
  if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, t("error.server", { status: response.status }));
  return response.blob();
}
