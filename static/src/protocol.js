// The browser side of docs/protocol.md as plain functions: no DOM here, so node:test covers it.

export const RELOAD_GUARD_MS = 10_000;

// Not the protocol's but the browser's: a socket's close when its server went away without a
// word, which the HTTP transport says too of a server that does not answer.
export const GONE = 1006;
// ms before a server that did not answer over HTTP is asked again (doubling to 10 s), unless a
// script of the page sets liveViews.serverRetry (docs/howto/http-transport.md).
export const SERVER_RETRY = 500;

// The protocol's names and numbers. live_views/connect/wire.py is the source; a Python test
// (tests/test_wire.py) fails when these disagree with it.
// Pure: a bundle uses the values (build.mjs writes them in), not the tables.
export const CLOSE = /* @__PURE__ */ Object.freeze({
  BAD_REQUEST: 4400,
  LOGIN_REQUIRED: 4401,
  FORBIDDEN: 4403,
  NOT_FOUND: 4404,
  TOKEN_EXPIRED: 4410,
  TOO_BIG: 4413,
  TOO_MANY: 4429,
  SERVER_ERROR: 1011,
});

export const FRAME = /* @__PURE__ */ Object.freeze({
  JOIN: "join",
  PARAMS: "params",
  EVENT: "event",
  REF: "ref",
  JOINED: "joined",
  CONTENT: "content",
  REDIRECT: "redirect",
  RELOAD: "reload",
  PATCH: "patch",
  ERROR: "error",
  PUSH: "push",
  FOCUS: "focus",
  TITLE: "title",
  SCROLL: "scroll",
  NAVIGATE: "navigate",
  RESET: "reset",
  REPLY: "reply",
  EVERY: "every",
  COMPONENT: "component",
  UNSENT: "unsent",
  SESSION: "session",
});

// `blocks` maps each liveblock id to its data-lv-v hash. `search` is location.search (after a
// live_patch it differs from the query the page was loaded with); `nonce` the root's CSP nonce.
// An empty search is sent too: after a patch to no query it is what the page must render, not
// the query of its token.
export function joinFrame(blocks, version, { search, nonce } = {}) {
  const join = { version, blocks };
  if (typeof search === "string") join.search = search;
  if (nonce) join.nonce = nonce;
  return JSON.stringify({ [FRAME.JOIN]: join });
}

// The browser went back or forward to `search` (location.search) of this page.
export function paramsFrame(search, ref) {
  return JSON.stringify({ [FRAME.PARAMS]: search, [FRAME.REF]: ref });
}

// `dataset` is the sending element's dataset; `form` is the values hx-ws collected;
// `component` the address of the live component the element is in (undefined: the page);
// `unsent` the names of its form's file inputs whose files never went up (lazy_uploads.js).
export function eventFrame(dataset, form, ref, component, unsent = []) {
  const args = dataset.liveArgs === undefined ? {} : JSON.parse(dataset.liveArgs);
  if (!isObject(args)) {
    throw new TypeError(`data-live-args must be a JSON object, got ${dataset.liveArgs}`);
  }
  // File inputs' values are File objects: they went by HTTP (upload_protocol.js), never here.
  // JSON leaves an undefined component out: the page's event.
  return JSON.stringify({
    [FRAME.EVENT]: dataset.liveEvent,
    args,
    form: withoutFiles(form),
    [FRAME.REF]: ref,
    [FRAME.COMPONENT]: component,
    [FRAME.UNSENT]: unsent.length ? unsent : undefined,
  });
}

// An event a script sends (a hook's pushEvent, a live_every tick): `args` as for data-live-args;
// `component` as for eventFrame (undefined: the page; JSON leaves it out).
export function scriptEventFrame(name, args, ref, component) {
  if (typeof name !== "string" || !name) throw new TypeError(`pushEvent: bad event name ${name}`);
  if (!isObject(args)) throw new TypeError(`pushEvent("${name}"): args must be an object`);
  return JSON.stringify({ [FRAME.EVENT]: name, args, form: {}, [FRAME.REF]: ref, [FRAME.COMPONENT]: component });
}

// A server message's JSON, or undefined for one that is not JSON.
export function parseFrame(data) {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

// One action per frame: redirect, reload, error, update (content was swapped), ack, or invalid.
// An update or ack may also carry `patch`: the query the address bar shows from now on.
// `frame` is the message parsed, for a caller that has parsed it already.
export function readFrame(data, frame = parseFrame(data)) {
  if (!isObject(frame)) return { action: "invalid" };
  const ref = frame[FRAME.REF];
  if (FRAME.REDIRECT in frame) {
    // Same schemes as Django's HttpResponseRedirect allows for the web: never javascript: or data:.
    const url = frame[FRAME.REDIRECT];
    return isWebUrl(url) ? { action: "redirect", url } : { action: "invalid" };
  }
  if (frame[FRAME.RELOAD] === true) return { action: "reload" };
  if (isObject(frame[FRAME.ERROR])) return { action: "error", error: frame[FRAME.ERROR], ref };
  const read = { action: frame[FRAME.CONTENT] === undefined ? "ack" : "update", ref };
  const patch = patchOf(frame[FRAME.PATCH]);
  return patch ? { ...read, patch } : read;
}

// Only a query ("" or "?…") ever changes: the path is the page's own.
function patchOf(patch) {
  if (!isObject(patch) || typeof patch.search !== "string") return undefined;
  if (patch.search !== "" && !patch.search.startsWith("?")) return undefined;
  if (/[#\s]/.test(patch.search)) return undefined;
  return { search: patch.search, replace: patch.replace === true };
}

// The server refuses with 4xxx; 4401 and 4410 are cured by a fresh page, the rest are not.
export function closeKind(code) {
  if (code === CLOSE.LOGIN_REQUIRED || code === CLOSE.TOKEN_EXPIRED) return "reload";
  if (code >= 4000 && code <= 4999) return "refused";
  return "disconnected";
}

// Timestamps in ms; `lastReloadAt` is NaN or null when this tab never force-reloaded.
// Math.abs: a clock set back must not block reloads until it catches up.
export function reloadAllowed(lastReloadAt, now) {
  return !(Math.abs(now - lastReloadAt) <= RELOAD_GUARD_MS);
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isWebUrl(url) {
  try {
    return typeof url === "string" && /^https?:$/.test(new URL(url, "http://relative.invalid").protocol);
  } catch {
    return false;
  }
}

// Ids of the blocks a server frame swaps (their wrappers carry hx-swap-oob).
export function swappedIds(content) {
  return [...String(content).matchAll(/ id="(lv-[^"]+)"[^>]*? hx-swap-oob=/g)].map((m) => m[1]);
}

// A form's values without its files: those went by HTTP, and a frame holds only text.
export function withoutFiles(values) {
  const isFile = (value) => value instanceof Blob;
  const kept = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if (Array.isArray(value)) {
      const texts = value.filter((item) => !isFile(item));
      if (texts.length) kept[key] = texts;
    } else if (!isFile(value)) {
      kept[key] = value;
    }
  }
  return kept;
}
