// live_every: events the page sends by itself every N ms, only while the tab is visible.
// Shipped as live_views.polling.min.js, loaded for a page whose join asks for ticks
// (polling_loader.js).
// Timers stop in a background tab and when the socket closes (hx-ws also closes the socket of a
// hidden tab, and opens it again when the tab is shown); back in view and joined, an overdue
// tick is sent at once.
import { dueOnReturn, pollingPlan } from "./effects.js";
import { sendEvent } from "./script_events.js";

window.liveViewsGlue.setSender(sendEvent); // for the glue's push(), which sends its ticks

let plan = [];
let timers = [];
let sendTick;
const lastSent = new Map();
const waiting = new Set(); // the events whose last tick the server has not answered yet
let page; // whose times those are: its root's socket URL, which holds the page's own token

// A slow server is not sent a pile of ticks: while an event's last tick waits for its reply,
// its next ones are skipped: one tick of an event at a time. Not connected: the promise
// rejects, and the next join restarts polling.
function tick(name) {
  if (waiting.has(name)) return;
  waiting.add(name);
  lastSent.set(name, Date.now());
  const done = () => waiting.delete(name);
  sendTick(name).then(done, done);
}

function stopTimers() {
  for (const timer of timers) clearInterval(timer);
  timers = [];
}

function startTimers() {
  stopTimers();
  if (document.visibilityState !== "visible") return;
  for (const [name, ms] of plan) {
    if (dueOnReturn(lastSent.get(name) ?? Date.now(), ms, Date.now())) tick(name);
    timers.push(setInterval(() => tick(name), ms));
  }
}

// `join`: the join reply (or nothing, to stop).
function startPolling(join, send) {
  plan = pollingPlan(join);
  sendTick = send;
  waiting.clear(); // a closed socket answers nothing more: its ticks wait no longer
  // A rejoin of this page keeps its times (an overdue tick goes at once); a live navigation's
  // next page starts its own, even for an event of the same name.
  const url = document.querySelector("[data-live-root]")?.getAttribute("hx-ws:connect");
  if (url !== page) lastSent.clear(), (page = url);
  for (const [name] of plan) if (!lastSent.has(name)) lastSent.set(name, Date.now());
  startTimers();
}

function stopPolling() {
  plan = [];
  stopTimers();
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") startTimers();
  else stopTimers();
});

window.liveViewsPolling = { startPolling, stopPolling };
