// The browser side of live uploads (docs/howto/uploads.md) as plain functions: no DOM here, so
// node:test covers it. Files never go over the socket: each goes by HTTP POST to the upload route
// (live_views/uploads/endpoint.py), which answers JSON.

// Header names: live_views/uploads/endpoint.py is the source.
export const UPLOAD_HEADERS = Object.freeze({
  TOKEN: "X-Live-Token",
  FIELD: "X-Live-Upload-Field",
  NAME: "X-Live-Upload-Name",
  SIZE: "X-Live-Upload-Size",
  STEP: "X-Live-Upload-Step",
  APPEND: "X-Live-Upload-Append",
  COMPONENT: "X-Live-Upload-Component",
  REF: "X-Live-Upload-Ref",
});

// The push a handler's cancel_upload() sends (live_views/connect/wire.py, UPLOAD_CANCELLED):
// payload { input: a CSS selector, refs: [ref, …] }.
export const UPLOAD_CANCELLED = "live:upload-cancel";

// The page's signed connect token, from the root's hx-ws:connect URL ("/live/ws/?t=…").
export function tokenOf(connectUrl) {
  try {
    return new URL(connectUrl, "http://relative.invalid").searchParams.get("t") ?? "";
  } catch {
    return "";
  }
}

// `step` is "check" (name and size only: the server may refuse before a byte is sent), "send",
// "cancel" (forget the file `ref`), "clear" (the input was emptied) or "too_large" (a proxy
// refused the send's body: the server records it as the field's error).
// `component`: the address of the live component whose form has the input (absent: the page's).
// `ref`: the browser's name for one chosen file, so it can remove that file (even mid-upload).
export function uploadHeaders({ token, field, file, step, append, csrf, component, ref }) {
  const headers = {
    [UPLOAD_HEADERS.TOKEN]: token,
    [UPLOAD_HEADERS.FIELD]: field,
    [UPLOAD_HEADERS.NAME]: encodeURIComponent(file.name),
    [UPLOAD_HEADERS.SIZE]: String(file.size),
    [UPLOAD_HEADERS.STEP]: step,
  };
  if (append) headers[UPLOAD_HEADERS.APPEND] = "1";
  if (ref) headers[UPLOAD_HEADERS.REF] = ref;
  if (component) headers[UPLOAD_HEADERS.COMPONENT] = component;
  if (csrf) headers["X-CSRFToken"] = csrf;
  return headers;
}

// The detail of a live:upload-progress event. XHR counts the multipart envelope too: scale it to
// the file's own bytes, so `loaded` reaches `total` exactly when the file is sent.
export function progressDetail(field, file, loaded, sent, ref) {
  const total = file.size;
  const share = sent > 0 ? Math.min(1, loaded / sent) : 0;
  return { field, name: file.name, loaded: Math.round(share * total), total, ref };
}

// A new ref for a chosen file: unique on the page, not a secret (the page's token authorizes).
let counter = 0;
export const newRef = () => `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

// What the upload route answered: { ok: true } or { ok: false, errors: [...], refused, gone }.
// `refused`: the route said why (and records it for the field); otherwise the upload failed
// (no answer, a proxy's error page), and trying again may work. `gone`: its 404, which for a
// remove says the form holds no such file (any other refusal of a remove leaves it held).
export function readAnswer(status, text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (status === 200 && body?.ok === true) return { ok: true };
  const errors = Array.isArray(body?.errors) ? body.errors.map(String) : [];
  const refused = errors.length > 0;
  // A 413 that is not the route's JSON is a proxy's body limit: retrying fails the same way.
  const tooLarge = !refused && status === 413;
  return {
    ok: false,
    errors: refused ? errors : [`The upload failed (HTTP ${status}).`],
    refused,
    tooLarge,
    gone: refused && status === 404,
  };
}

// withoutFiles lives with the frames it cleans (protocol.js); re-exported for the tests.
export { withoutFiles } from "./protocol.js";
