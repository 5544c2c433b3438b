// Live uploads (uploads.js) ship as live_views.uploads.min.js: a page loads it once it shows a
// live form's file input.
import { loadIfShown } from "./lazy_script.js";

const INPUT = "input[type=file][data-live-upload]";
let loading; // the script's load, from the first page that shows the input
let ready;

export const loadUploadsIfShown = () =>
  (loading ??= loadIfShown(INPUT, "live_views.uploads.min.js")?.then(() => (ready = true)));

// A submit before that script ran would go without the files chosen: it waits for the script,
// which uploads them first (and, should it fail to load, goes without them).
addEventListener(
  "submit",
  (evt) => {
    const form = evt.target;
    if (ready || !form.querySelector(INPUT)) return;
    evt.preventDefault();
    evt.stopImmediatePropagation();
    loadUploadsIfShown().then(() => form.requestSubmit(evt.submitter));
  },
  true,
);
