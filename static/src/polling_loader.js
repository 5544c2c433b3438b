// live_every (polling.js) ships as live_views.polling.min.js: only a page whose join asks for
// ticks loads it.
import { FRAME } from "./protocol.js";
import { loadScript } from "./lazy_script.js";

// The start asked for last (no `every` in `join` stops polling). Each call supersedes the ones before, so a plan
// whose script still loads when its socket closes, or when a live navigation shows another page,
// does not start once it loads: that page would be sent the last page's ticks.
let latest;

// `join` is the join reply: polling.js reads its plan (effects.js pollingPlan), so this bundle
// carries only the test for one.
export function startPolling(join, send) {
  const start = () => latest === start && window.liveViewsPolling?.startPolling(join, send);
  latest = start;
  if (join?.[FRAME.EVERY]) loadScript("live_views.polling.min.js").then(start, console.warn);
  else start(); // no plan stops the timers, if the script ever loaded
}
