// live_every (polling.js) ships as live_views.polling.min.js: only a page whose join asks for
// ticks loads it.
import { loadScript } from "./lazy_script.js";

export function startPolling(plan, send) {
  if (!plan.length) return stopPolling();
  loadScript("live_views.polling.min.js").then(
    () => window.liveViewsPolling.startPolling(plan, send),
    console.warn,
  );
}

export function stopPolling() {
  window.liveViewsPolling?.stopPolling();
}
