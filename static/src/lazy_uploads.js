// Live uploads (uploads.js) ship as live_views.uploads.min.js: a page loads it once it shows a
// live form's file input.
import { loadIfShown } from "./lazy_script.js";

const INPUT = "input[type=file][data-live-upload]";
let loading; // the script's load, from the first page that shows the input
let ready;

export const loadUploadsIfShown = () =>
  (loading ??= loadIfShown(INPUT, "live_views.uploads.min.js")?.then(() => (ready = true)));

// The html names of the live file inputs of `el`'s form whose chosen files the server never got:
// their upload failed, or its script did not load. The form's events say so (wire.UNSENT), and
// the field shows why instead of the form going on without them.
export const unsentFiles = (el) =>
  [...(el.closest?.("form")?.querySelectorAll(INPUT) ?? [])]
    .filter((input) => input.files.length && /^(failed)?$/.test(input.dataset.liveUploadState ?? ""))
    .map((input) => input.name);

// A submit before that script ran would go without the files chosen: it waits for the script,
// which uploads them first (should it fail to load, the files are unsent, above).
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
