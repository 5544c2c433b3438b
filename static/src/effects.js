// What the server asked for besides HTML (live_views/connect/effects.py), read from a frame:
// pure, so node:test covers it. live_views.js applies it after the frame's content is swapped.
import { FRAME } from "./protocol.js";

export function readEffects(frame) {
  const effects = {};
  if (!frame || typeof frame !== "object") return effects;
  const pushes = frame[FRAME.PUSH];
  if (Array.isArray(pushes)) {
    effects.pushes = pushes.filter((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === "string");
  }
  // Named in `effects` as in the frame.
  for (const key of [FRAME.TITLE, FRAME.FOCUS, FRAME.SCROLL, FRAME.RESET]) {
    if (typeof frame[key] === "string") effects[key] = frame[key];
  }
  const url = frame[FRAME.NAVIGATE];
  // A path on this site only: never another origin, never javascript:.
  if (typeof url === "string" && url.startsWith("/") && !url.startsWith("//") && !url.includes("\\")) {
    effects.navigate = url;
  }
  return effects;
}

// The join reply's live_every, as [event, milliseconds] pairs (at least 100 ms each).
export function pollingPlan(frame) {
  const every = frame?.[FRAME.EVERY];
  if (!every || typeof every !== "object" || Array.isArray(every)) return [];
  return Object.entries(every)
    .filter(([, seconds]) => typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0.1)
    .map(([name, seconds]) => [name, Math.round(seconds * 1000)]);
}

// Coming back to a tab: a tick is due at once when a whole interval passed since the last one.
export function dueOnReturn(lastSentAt, ms, now) {
  return now - lastSentAt >= ms;
}

// An element by selector (`all`: the list of them), or null for none or a selector the browser
// cannot parse.
export function find(selector, all) {
  try {
    return document[all ? "querySelectorAll" : "querySelector"](selector);
  } catch {
    console.warn(`live_views: bad selector ${selector}`);
    return null;
  }
}

// Applied in this order: title, reset (reset_form(): the morph kept what the user typed in the
// form's controls; a reset shows the values just rendered, and empties its file inputs), pushes
// (hooks' handleEvent, then a live:push DOM event on the root, per event), focus, scroll, navigate.
export function applyEffects(root, effects, { deliver, navigate }) {
  if (effects.title !== undefined) document.title = effects.title;
  if (effects.reset !== undefined) for (const form of find(effects.reset, 1) ?? []) form.reset?.();
  for (const [name, payload] of effects.pushes ?? []) {
    deliver(name, payload);
    root.dispatchEvent(new CustomEvent("live:push", { bubbles: true, detail: { name, payload } }));
  }
  if (effects.focus !== undefined) find(effects.focus)?.focus();
  if (effects.scroll !== undefined) find(effects.scroll)?.scrollIntoView({ block: "start" });
  if (effects.navigate !== undefined) navigate(effects.navigate);
}
