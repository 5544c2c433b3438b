// Navigation between live pages (README "Navigation between live pages"): visit.js ships as
// live_views.navigate.min.js, loaded for a page that shows a live link, or on the first
// live_navigate(). It uses this glue's hooks and history (live_views.js hands them over).
import { loadIfShown, loadScript } from "./lazy_script.js";

const load = () => loadScript("live_views.navigate.min.js");

export function visit(href) {
  return load().then(() => window.liveViewsNavigate.visit(href), () => location.assign(href));
}

export const loadNavigationIfLinked = () =>
  loadIfShown("a[data-live-navigate],a[data-live-patch]", "live_views.navigate.min.js");
