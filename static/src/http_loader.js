// The HTTP transport (http.js) ships as live_views.http.min.js: a page loads it when it starts
// on HTTP (LIVE_VIEWS["TRANSPORT"] = "http": the glue's startOnHttp()), when its socket closes
// before the page ever joined on it, or when it is still connecting 2.5 s after it started
// (http.js then gives the handshake 5 s more: a proxy that holds it). A page that was live on
// its socket reconnects as before (hx-ws's backoff).
import { loadIfShown } from "./lazy_script.js";

export const useHttp = (selector) => loadIfShown(selector, "live_views.http.min.js");
setTimeout(useHttp, 2500, "[data-live-state=connecting]");
