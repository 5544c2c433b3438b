// live_every (polling.js) ships as live_views.polling.min.js: only a page whose join asks for
// ticks loads it.
import { loadScript } from "./lazy_script.js";

// The start asked for last ([] stops polling). Each call supersedes the ones before, so a plan
// whose script still loads when its socket closes, or when a live navigation shows another page,
// does not start once it loads: that page would be sent the last page's ticks.
let latest;

export function startPolling(plan, send) {
  const start = () => latest === start && window.liveViewsPolling?.startPolling(plan, send);
  latest = start;
  if (plan.length) loadScript("live_views.polling.min.js").then(start, console.warn);
  else start(); // an empty plan stops the timers, if the script ever loaded
}
