// A latency simulator for development, like Phoenix's liveSocket.enableLatencySim(ms): every
// event the page sends waits `ms` before it goes on the wire, so loading states can be seen.
// Kept in sessionStorage: it lasts for this tab (reloads included) and no one else sees it.
const KEY = "live_views:latency_ms";

function storedLatency() {
  try {
    const ms = Number(sessionStorage.getItem(KEY));
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  } catch {
    return 0; // no storage (a sandboxed frame): no simulator
  }
}

function enableLatencySim(ms) {
  const value = Number(ms);
  if (typeof ms !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`enableLatencySim(ms): ms must be a number above 0, got ${ms}`);
  }
  sessionStorage.setItem(KEY, String(value));
  announce(value);
}

function disableLatencySim() {
  sessionStorage.removeItem(KEY);
}

function getLatencySim() {
  return storedLatency() || null;
}

document.addEventListener("htmx:ws:before:message:outgoing", (evt) => {
  if (evt.defaultPrevented || evt.target.dataset?.liveEvent === undefined) return;
  const ms = storedLatency();
  if (ms) evt.detail.waitUntil(new Promise((resolve) => setTimeout(resolve, ms)));
});

// Said on every page load too, so a forgotten simulator does not pass for a slow server.
function announce(ms) {
  console.warn(`live_views: latency simulator on, ${ms} ms per event`);
}
if (storedLatency()) announce(storedLatency());

window.liveViews = Object.assign(window.liveViews ?? {}, { enableLatencySim, disableLatencySim, getLatencySim });
