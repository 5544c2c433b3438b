// Navigation between live pages (README "Navigation between live pages"): visit.js ships as
// live_views.navigate.min.js, loaded for a page that shows a live link, or on the first
// live_navigate(). It uses this glue's hooks and history, handed over here.
import { destroyAll, hasJoined } from "./hooks_loader.js";
import { loadIfShown, loadScript } from "./lazy_script.js";
import { pageMoved, pagePathNow } from "./navigation.js";
import { push } from "./replies.js";

// What the scripts loaded later (visit.js, hooks.js) use of the glue's own state.
window.liveViewsGlue = { destroyAll, pageMoved, pagePathNow, push, hasJoined };
const load = () => loadScript("live_views.navigate.min.js");

export function visit(href) {
  return load().then(() => window.liveViewsNavigate.visit(href), () => location.assign(href));
}

export const loadNavigationIfLinked = () => loadIfShown("a[data-live-navigate]", "live_views.navigate.min.js");
