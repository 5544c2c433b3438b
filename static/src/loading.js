// Loading feedback (README "JavaScript hooks and CSS"). While an element's event waits for its
// reply, the element has class live-loading and aria-busy="true", and so the root has
// live-loading; with data-live-disable the element (for a form: its submit buttons) is also
// disabled, so a double click cannot send twice. An event that can no longer be answered is
// reported as live:error, never silently forgotten.
import { PendingEvents, willReconnect } from "./pending.js";

const LOADING = "live-loading";
const DISABLED_HERE = "data-live-disabled"; // marks what we disabled, so only that is re-enabled
const pending = new PendingEvents();
const refs = new WeakMap(); // hx-ws's outgoing message -> our ref

// Called by live_views.js once the event's frame (with its ref) is built.
export function eventStarted(evt, ref) {
  if (evt.defaultPrevented) return; // a page's own listener held it back
  const element = evt.target;
  pending.start(ref, element, element.dataset.liveEvent);
  refs.set(evt.detail.message, ref);
  showBusy(element);
  syncRoots();
}

function showBusy(element) {
  element.classList.add(LOADING);
  element.setAttribute("aria-busy", "true");
  const text = element.getAttribute("data-live-disable");
  if (text == null) return;
  for (const control of controlsOf(element)) {
    if (control.disabled) continue; // disabled by the page itself: not ours to re-enable
    // Disabled, it loses focus to <body>: a keyboard user gets it back when it is enabled.
    control.lvFocused = control === document.activeElement;
    control.disabled = true;
    control.setAttribute(DISABLED_HERE, "");
    // data-live-disable="Saving…": the control says so meanwhile. What it said (an icon too)
    // is kept for clearBusy.
    if (text) (control.lvShown = [...control.childNodes]), (control.textContent = text);
  }
}

function clearBusy(element) {
  if (pending.isBusy(element)) return; // another of its events still waits
  element.classList.remove(LOADING);
  element.removeAttribute("aria-busy");
  for (const control of controlsOf(element)) {
    // A morph that re-rendered the control dropped our mark: the server's markup stands.
    if (!control.hasAttribute(DISABLED_HERE)) continue;
    control.disabled = false;
    control.removeAttribute(DISABLED_HERE);
    control.lvShown &&= control.replaceChildren(...control.lvShown); // (and forgets them)
    if (control.lvFocused && document.activeElement === document.body) control.focus();
  }
}

function controlsOf(element) {
  if (element instanceof HTMLFormElement) {
    return [...element.elements].filter((control) => control.type === "submit" || control.type === "image");
  }
  return "disabled" in element ? [element] : [];
}

function syncRoots() {
  const busy = pending.entries().map((entry) => entry.element);
  for (const root of document.querySelectorAll("[data-live-root]")) {
    root.classList.toggle(LOADING, busy.some((element) => root.contains(element)));
  }
}

// Clears the element's busy state, then says what happened to its event (`what` follows its name).
function report(entry, code, what) {
  clearBusy(entry.element);
  const message = `"${entry.name}" ${what}`;
  const root = entry.element.closest?.("[data-live-root]");
  const error = { code, message, event: entry.name, ref: entry.ref };
  console.warn("live_views:", message);
  root?.dispatchEvent(new CustomEvent("live:error", { bubbles: true, detail: error }));
}

// data-live-disable: whatever triggers it (Enter in a form without a submit button, a click on
// an element that has no `disabled`), an element sends nothing while its event waits. Asked by
// live_views.js before it writes the frame.
export function heldBack(element) {
  return element.hasAttribute?.("data-live-disable") && pending.isBusy(element);
}

// Called by live_views.js once hx-ws sent `message`.
export function eventSent(message) {
  const ref = refs.get(message);
  if (ref !== undefined) pending.sent(ref);
}

// Called by live_views.js first for each frame of a live root (`ref`: the event it answers, if
// any), after hx-ws swapped its content: a morph may have reset a waiting element's classes.
export function frameArrived(ref) {
  const entry = pending.settle(ref);
  if (entry) clearBusy(entry.element);
  for (const waiting of pending.entries()) showBusy(waiting.element);
  syncRoots();
}

// Called by live_views.js first when a live root's socket closed.
export function connectionClosed({ connection, code }) {
  const { unanswered, unsent } = pending.closed(willReconnect(connection?.config, code));
  for (const entry of unanswered) report(entry, "no_reply", "got no reply (connection lost): it may not have run");
  for (const entry of unsent) report(entry, "not_sent", "not sent: connection closed");
  syncRoots();
}

// hx-ws gave up on an event it was about to queue (its queue is full) or send (the connection
// is gone for good).
htmx.on("htmx:ws:error", (evt) => {
  const { error } = evt.detail ?? {};
  if (error !== "Outgoing messages queue is full" && error !== "Connection closed") return;
  const entry = pending.dropLatest(evt.target);
  if (!entry) return;
  report(entry, "not_sent", `not sent: ${error === "Connection closed" ? "connection closed" : "too many events waiting"}`);
  syncRoots();
});
