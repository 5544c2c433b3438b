// Live uploads (uploads.js) ship as live_views.uploads.min.js: a page loads it once it shows a
// live form's file input.
import { loadScript } from "./lazy_script.js";

const INPUT = "input[type=file][data-live-upload]";

export function loadUploadsIfShown(root = document) {
  if (root.querySelector(INPUT)) loadScript("live_views.uploads.min.js").catch(console.warn);
}
