// Live uploads (uploads.js) ship as live_views.uploads.min.js: a page loads it once it shows a
// live form's file input.
import { loadIfShown } from "./lazy_script.js";

export const loadUploadsIfShown = () => loadIfShown("input[type=file][data-live-upload]", "live_views.uploads.min.js");
